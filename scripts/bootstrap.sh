#!/usr/bin/env bash
# Installs civicdesk's dependencies from the lock files: Python packages (uv.lock) into
# .venv at the repository root and front-end libraries (package-lock.json) into
# node_modules. Installs missing Debian packages when run as root.
#   scripts/bootstrap.sh           what the product needs to run
#   scripts/bootstrap.sh --test    plus what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  # Only the packages that are missing, and only as root: a developer's own machine is
  # theirs to manage.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != "0" ]; then
    log "Missing system packages (install them, or run as root): ${missing[*]}"
    return 0
  fi
  log "Installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

PACKAGES=()
# python3-venv is only needed when Python itself came from Debian.
python3 -c 'import venv, ensurepip' 2>/dev/null || PACKAGES+=(python3-venv)
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
if [ "$WITH_TEST" = 1 ]; then
  # PostgreSQL and Redis for the scaled-mode run, Chromium for the browser journeys,
  # net-snmp's agent and tools for discovery against a real SNMP agent.
  PACKAGES+=(postgresql redis-server chromium snmpd snmp)
fi
if [ ${#PACKAGES[@]} -gt 0 ] && command -v dpkg-query >/dev/null 2>&1; then
  apt_install "${PACKAGES[@]}"
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  log "Installing uv $UV_VERSION (the Python package installer) into .tools/"
  "$PYTHON" -m venv .tools
  .tools/bin/pip install -q "uv==$UV_VERSION"
fi

log "Installing Python packages from uv.lock into .venv"
export UV_PYTHON_DOWNLOADS=never
if [ "$WITH_TEST" = 1 ]; then
  .tools/bin/uv sync --frozen --python "$PYTHON" --quiet
else
  .tools/bin/uv sync --frozen --python "$PYTHON" --no-default-groups --quiet
fi

# npm ci wipes and reinstalls node_modules, so it runs only when the lock file changed.
LOCK_SUM=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.civicdesk-lock 2>/dev/null)" != "$LOCK_SUM" ]; then
  log "Installing front-end libraries from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.civicdesk-lock
fi
