#!/usr/bin/env bash
# Makes sure a Docker engine answers and the image build tools exist.
# An engine that already answers (DOCKER_HOST, a CI runner's own engine) is used as it is. Otherwise installs Debian's
# docker.io + debootstrap and starts dockerd: as root, or through sudo when not root and sudo works without a
# password (hosted CI runners). Also installs chromium (the HTML report's browser test) when it is missing, and Debian's
# mydumper (myloader, for restore-test of a mydumper folder) where the release packages it.
set -euo pipefail

log() { printf 'firedrill setup: %s\n' "$*" >&2; }

# How to run a command as root: directly, through passwordless sudo, or not at all.
SUDO=""
as_root_possible=yes
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else as_root_possible=no; fi
fi

engine_up() { docker info >/dev/null 2>&1; }

need_pkgs=()
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
if ! engine_up && ! command -v dockerd >/dev/null 2>&1; then need_pkgs+=(docker.io); fi
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)
command -v zstd >/dev/null 2>&1 || need_pkgs+=(zstd)
# Debian's release keys, for debootstrap on a host that is not Debian (e.g. an Ubuntu CI runner)
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || need_pkgs+=(debian-archive-keyring)
# The HTML report's browser test; a runner's own Chrome will do (FIREDRILL_CHROMIUM names it).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1 && [ -z "${FIREDRILL_CHROMIUM:-}" ]; then
  need_pkgs+=(chromium)
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$as_root_possible" = no ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${need_pkgs[*]}. Install them (Debian: apt-get install -y ${need_pkgs[*]}) and start dockerd, then run again (or run as root, or with passwordless sudo)."
    exit 2
  fi
  log "installing ${need_pkgs[*]} from Debian${SUDO:+ (through sudo)}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# mydumper/myloader: restore-test of a mydumper folder runs Debian's myloader from this machine. Packaged in bookworm and
# sid only (not trixie), so it is optional: where it cannot be installed, that restore-test says so (exit 2).
if ! command -v myloader >/dev/null 2>&1 && [ "$as_root_possible" = yes ] && command -v apt-get >/dev/null 2>&1; then
  if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mydumper >/dev/null 2>&1; then
    log "installed mydumper (myloader) from Debian"
  else
    log "mydumper is not packaged for this Debian release (bookworm and sid have it): restore-test of a mydumper folder needs it"
  fi
fi

if ! engine_up; then
  if [ "$as_root_possible" = no ]; then
    log "no Docker engine answers and we are neither root nor allowed passwordless sudo: start dockerd (or point DOCKER_HOST at an engine), then run again."
    exit 2
  fi
  if [ -S /var/run/docker.sock ] && $SUDO docker info >/dev/null 2>&1; then
    # An engine runs, but this user may not use its socket (not in the docker group).
    log "an engine runs but $(id -un) cannot use its socket: add the user to the docker group (sudo usermod -aG docker $(id -un)) and log in again"
    exit 2
  fi
  log "starting dockerd in the background${SUDO:+ through sudo} (log: /var/log/firedrill-dockerd.log)"
  # --group: the socket belongs to this user's group, so a non-root user started through sudo can use it.
  $SUDO sh -c 'nohup dockerd --group "$1" >/var/log/firedrill-dockerd.log 2>&1 </dev/null &' sh "$(id -gn)"
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5 # polling the engine's socket; bounded to 60 s
  done
  if ! engine_up; then
    log "dockerd did not answer within 60 s; last lines of its log:"
    $SUDO tail -n 20 /var/log/firedrill-dockerd.log >&2 || true
    exit 2
  fi
fi
log "engine ready: $(docker version --format '{{.Server.Version}}')"
