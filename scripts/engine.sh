#!/usr/bin/env bash
# Makes sure a Docker engine answers and the image build tools exist.
# Installs Debian's docker.io + debootstrap and starts dockerd when we are root and no engine answers.
set -euo pipefail

log() { printf 'firedrill setup: %s\n' "$*" >&2; }

engine_up() { docker info >/dev/null 2>&1; }

need_pkgs=()
command -v debootstrap >/dev/null 2>&1 || need_pkgs+=(debootstrap)
if ! engine_up && ! command -v dockerd >/dev/null 2>&1; then need_pkgs+=(docker.io); fi
command -v iptables >/dev/null 2>&1 || need_pkgs+=(iptables)
command -v zstd >/dev/null 2>&1 || need_pkgs+=(zstd)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "missing: ${need_pkgs[*]}. Install them (Debian: apt-get install -y ${need_pkgs[*]}) and start dockerd, then run again."
    exit 2
  fi
  log "installing ${need_pkgs[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! engine_up; then
  if [ "$(id -u)" != 0 ]; then
    log "no Docker engine answers and we are not root: start dockerd (or point DOCKER_HOST at an engine), then run again."
    exit 2
  fi
  log "starting dockerd in the background (log: /var/log/firedrill-dockerd.log)"
  nohup dockerd >/var/log/firedrill-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5 # polling the engine's socket; bounded to 60 s
  done
  if ! engine_up; then
    log "dockerd did not answer within 60 s; last lines of its log:"
    tail -n 20 /var/log/firedrill-dockerd.log >&2 || true
    exit 2
  fi
fi
log "engine ready: $(docker version --format '{{.Server.Version}}')"
