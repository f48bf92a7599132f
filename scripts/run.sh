#!/usr/bin/env bash
# Runs civicdesk on the embedded default (SQLite, in-memory channel layer, Huey on
# SQLite) with demo data: installs, migrates, seeds, starts daphne on 127.0.0.1:8000 with
# the Huey workers as threads inside it, and prints the address and logins.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

export DEBUG="${DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py seed_demo

# Task workers run as threads inside daphne (core/worker.py): on the embedded default the
# channel layer is in-memory, so only tasks run in the same process can reach browsers.
export CIVICDESK_IN_PROCESS_WORKER=1

printf '\n\033[1mcivicdesk is running at http://%s:%s/\033[0m  (Ctrl+C to stop)\n' "$HOST" "$PORT"
printf 'Sign in with any login above; the demo password is civicdesk-demo.\n'
printf 'Outgoing mail is written to var/mail/ unless EMAIL_HOST is set.\n\n'
.venv/bin/daphne -b "$HOST" -p "$PORT" config.asgi:application
