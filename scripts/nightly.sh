#!/usr/bin/env bash
# The nightly drill job: the one script CI calls (.github/workflows/nightly.yml, .gitlab-ci.yml).
#
#   scripts/nightly.sh run [--dry-run]     set up; run the suite (or this job's shard of it); build this job's reports
#   scripts/nightly.sh report [--dry-run]  the merge job: one HTML report and one Allure report from every shard's runs,
#                                          the kept history merged with the shards' new lines (and saved for tomorrow)
#   scripts/nightly.sh tests [--dry-run]   the long test series (npm run test:nightly: repeated suites, interruptions)
#
# Environment:
#   FIREDRILL_SUITE      suite to run (default: default; matrix = every drill on every flavor)
#   FIREDRILL_SHARD      i/n: run only this part of the suite (CI parallel jobs; GitLab: CI_NODE_INDEX/CI_NODE_TOTAL)
#   FIREDRILL_HISTORY    the history file every run appends to (default: reports/history.jsonl)
#   FIREDRILL_NIGHTLY_IN where the merge job finds the shards' downloaded report folders (default: shards)
# Exit: 0 every drill passed; 1 a drill failed (the reports are built anyway); 2 could not run (set-up, bad input).
# --dry-run prints every command instead of running it, after checking that every firedrill command it names exists.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
dry=no
[ "${2:-}" = "--dry-run" ] && dry=yes
log() { printf 'nightly: %s\n' "$*" >&2; }
say() { printf '+ %s\n' "$*"; }
# Runs a command (or prints it in a dry run); returns its exit code without stopping the script.
step() { say "$*"; if [ "$dry" = yes ]; then return 0; fi; set +e; "$@"; local rc=$?; set -e; return $rc; }

suite="${FIREDRILL_SUITE:-default}"
shard="${FIREDRILL_SHARD:-}"
if [ -z "$shard" ] && [ -n "${CI_NODE_INDEX:-}" ] && [ -n "${CI_NODE_TOTAL:-}" ]; then shard="$CI_NODE_INDEX/$CI_NODE_TOTAL"; fi
export FIREDRILL_HISTORY="${FIREDRILL_HISTORY:-reports/history.jsonl}"
fd=(node bin/firedrill.mjs)

# Every firedrill command this script names must exist (a dry run proves it without running a drill).
check_commands() {
  [ -x node_modules/.bin/tsx ] || return 0 # before npm ci (the run mode's set-up installs it)
  local c listing
  listing="$("${fd[@]}" --help 2>&1)" || true
  for c in "$@"; do
    if ! grep -qE "^  $c( |\$)" <<<"$listing"; then log "firedrill has no command '$c'"; exit 2; fi
  done
}

allure_report() {
  # Allure 3 (npm, offline); history across nights in reports/allure-history.jsonl (allurerc.json), kept like history.jsonl.
  local dirs=()
  local d
  for d in "$@"; do [ -d "$d" ] && dirs+=("$d"); done
  if [ "$dry" = yes ]; then say "npx allure generate $* --output reports/allure-report"; return 0; fi
  if [ ${#dirs[@]} -eq 0 ]; then log "no Allure results to render"; return 0; fi
  step npx --no-install allure generate "${dirs[@]}" --output reports/allure-report || log "allure generate failed (the HTML report is still there)"
}

case "$mode" in
  run)
    check_commands suite report images chaos
    step bash scripts/setup.sh || exit 2
    flavors=(mariadb-10.11)
    [ "$suite" = matrix ] && flavors=(mariadb-10.5 mariadb-10.11 mariadb-11.8 mysql-9.7)
    img=("${fd[@]}" images)
    for f in "${flavors[@]}"; do img+=(--flavor "$f"); done
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      step sudo -n env "PATH=$PATH" "${img[@]}" || exit 2 # debootstrap needs root
    else
      step "${img[@]}" || exit 2
    fi
    rc=0
    step "${fd[@]}" suite "$suite" ${shard:+--shard "$shard"} || rc=$?
    [ "$rc" -gt 1 ] && log "the suite could not run (exit $rc)"
    # Generative chaos with a fresh seed every night (printed, and kept in reports/chaos-*/chaos.json); on the first
    # shard only. A violation fails the job like a failed drill; FIREDRILL_CHAOS=0 leaves it out.
    if [ "${FIREDRILL_CHAOS:-1}" = 1 ] && { [ -z "$shard" ] || [ "${shard%%/*}" = 1 ]; }; then
      crc=0
      step "${fd[@]}" chaos --topology primary-replicas --flavor mariadb-10.11 --runs 6 --budget "${FIREDRILL_CHAOS_BUDGET:-15m}" || crc=$?
      [ "$crc" -gt "$rc" ] && rc=$crc
    fi
    # The history is FIREDRILL_HISTORY (every run appended to it); the page shows this job's runs and the trend.
    step "${fd[@]}" report --out reports/report.html reports || log "the HTML report could not be built"
    allure_report reports/allure-results reports/*/allure-results
    log "suite $suite${shard:+ shard $shard}: exit $rc; reports/report.html, reports/allure-report, reports/<run-id>/"
    exit "$rc"
    ;;
  report)
    check_commands report
    in="${FIREDRILL_NIGHTLY_IN:-shards}"
    hist=(--history "$FIREDRILL_HISTORY")
    [ "$dry" = no ] && [ ! -f "$FIREDRILL_HISTORY" ] && { mkdir -p "$(dirname "$FIREDRILL_HISTORY")"; : >"$FIREDRILL_HISTORY"; } # the first night
    shopt -s nullglob
    for h in "$in"/*/history.jsonl "$in"/*/reports/history.jsonl; do hist+=(--history "$h"); done
    # --strict: exit 1 when any shard's drill did not pass, so the merge job fails too (after writing everything).
    rc=0
    step "${fd[@]}" report --strict --out reports/report.html "${hist[@]}" --save-history "$FIREDRILL_HISTORY" "$in" || rc=$?
    allure_report "$in"/*/allure-results "$in"/*/*/allure-results "$in"/*/reports/*/allure-results
    exit "$rc"
    ;;
  tests)
    step bash scripts/setup.sh || exit 2
    step npm run test:nightly || exit 1
    ;;
  *)
    printf 'usage: scripts/nightly.sh run|report|tests [--dry-run]\n' >&2
    exit 2
    ;;
esac
