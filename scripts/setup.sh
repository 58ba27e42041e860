#!/usr/bin/env bash
# Sets everything up on a fresh machine: npm dependencies, a Docker engine (Debian's docker.io, started by hand
# when we are root and none answers), debootstrap, Debian's mydumper where packaged (scripts/engine.sh), the default flavor's image and the S3 store's (both cached by input
# hash; the tests of backups in S3 run against that store), and removes
# leftovers of dead runs. Safe to run again: it does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf 'firedrill setup: %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1; then log "Node.js 20+ is required"; exit 2; fi
if [ ! -x node_modules/.bin/vitest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci: exactly the committed lock file)"
  npm ci --no-audit --no-fund --loglevel=error
fi
bash scripts/engine.sh
# Percona Toolkit (pt-table-checksum, pt-table-sync): only the bench's differing-row comparison uses it
# (npm run bench -- --only diffRows); failing to install it never fails the set-up of the tests.
if ! command -v pt-table-checksum >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends percona-toolkit >/dev/null 2>&1 ||
    log "percona-toolkit not installed (only the bench's differing-row comparison needs it)"
fi
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  # Building a base image runs debootstrap, which needs root: through sudo when we are not root.
  sudo -n env "PATH=$PATH" ${FIREDRILL_DEBIAN_MIRROR:+FIREDRILL_DEBIAN_MIRROR="$FIREDRILL_DEBIAN_MIRROR"} node bin/firedrill.mjs images --flavor "${FIREDRILL_FLAVOR:-mariadb-10.11}" --s3 >/dev/null
else
  node bin/firedrill.mjs images --flavor "${FIREDRILL_FLAVOR:-mariadb-10.11}" --s3 >/dev/null
fi
node bin/firedrill.mjs clean >&2
log "ready"
