#!/usr/bin/env bash
# Runs civicdesk on the embedded default (SQLite, in-memory channel layer, Huey on
# SQLite) with demo data: installs, migrates, seeds, starts a Huey consumer and daphne
# on 127.0.0.1:8000, and prints the address and logins.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

export DEBUG="${DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py seed_demo

# The worker's output (including mail printed by the console backend when no
# EMAIL_HOST is set) goes to a log file, so the address and logins stay readable.
mkdir -p var/log
$PY manage.py run_huey >> var/log/huey.log 2>&1 &
HUEY_PID=$!
trap 'kill $HUEY_PID 2>/dev/null || true' EXIT INT TERM

printf '\n\033[1mcivicdesk is running at http://%s:%s/\033[0m  (Ctrl+C to stop)\n' "$HOST" "$PORT"
printf 'Sign in with any login above; the demo password is civicdesk-demo.\n'
printf 'Background tasks and outgoing mail are logged in var/log/huey.log.\n\n'
.venv/bin/daphne -b "$HOST" -p "$PORT" config.asgi:application
