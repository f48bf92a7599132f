#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite twice, side by side: on the embedded
# default (SQLite, in-memory channel layer) and on the scaled mode (PostgreSQL and Redis, as
# throwaway local servers started here and removed afterwards). Each run has its own var
# folder; the SQLite run's output is printed when both have finished.
# Extra arguments are passed to pytest (e.g. scripts/test.sh -k audit).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test

log() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
PY=.venv/bin/python
export CIVICDESK_VAR_DIR="${CIVICDESK_VAR_DIR:-$PWD/var/test}"

log "Lint (ruff)"
.venv/bin/ruff check .

log "Migrations match the models"
$PY manage.py makemigrations --check --dry-run >/dev/null

# --- throwaway PostgreSQL and Redis ---------------------------------------------------
WORK=$(mktemp -d /tmp/civicdesk-test.XXXXXX)
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)"; exit 1; }
as_pg() {
  # PostgreSQL refuses to run as root: use the postgres account then.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
sqlite_pid=""
cleanup() {
  [ -n "$sqlite_pid" ] && kill "$sqlite_pid" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ "$(id -u)" = "0" ] && chown postgres: "$WORK"
log "Starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U civicdesk -A trust --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -o \
  "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"

# Side by side: much of each run waits on browsers, SNMP agents and sockets, so together
# they take little longer than the PostgreSQL run alone (CI's time limit).
log "Test suites on SQLite and on PostgreSQL with Redis, side by side"
SQLITE_LOG="$WORK/sqlite.log"
set +e
(
  unset DATABASE_URL REDIS_URL
  export CIVICDESK_VAR_DIR="$CIVICDESK_VAR_DIR/sqlite"
  exec .venv/bin/pytest -p no:cacheprovider "$@"
) >"$SQLITE_LOG" 2>&1 &
sqlite_pid=$!
CIVICDESK_VAR_DIR="$CIVICDESK_VAR_DIR/scaled" \
DATABASE_URL="postgres://civicdesk@127.0.0.1:$PG_PORT/civicdesk" \
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  .venv/bin/pytest "$@"
scaled_status=$?
wait "$sqlite_pid"
sqlite_status=$?
sqlite_pid=""
set -e
log "PostgreSQL+Redis run: $([ $scaled_status = 0 ] && echo passed || echo "FAILED ($scaled_status)"). The SQLite run:"
cat "$SQLITE_LOG"

# On success pytest's own summary stays the last line (CI reads it); say more only on failure.
if [ $sqlite_status != 0 ] || [ $scaled_status != 0 ]; then
  log "FAILED: SQLite run exit $sqlite_status, PostgreSQL+Redis run exit $scaled_status"
  exit 1
fi
