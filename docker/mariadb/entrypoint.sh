#!/bin/sh
# firedrill node entrypoint: seed an empty datadir from the baked template (unless told the datadir must stay
# empty, e.g. a node that will receive a restore), then exec the server as PID 1.
# Galera nodes (FIREDRILL_GALERA=1):
#  - a marker file .fd-bootstrap-once in the datadir makes this one start bootstrap a new cluster
#    (--wsrep-new-cluster), and is consumed: later starts join the cluster;
#  - after a crash (grastate.dat seqno -1) the recovered position is found with --wsrep-recover first and passed
#    as --wsrep_start_position, so the node rejoins by IST instead of a full SST (mysqld_safe does the same).
set -e
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ] && [ "${FIREDRILL_EMPTY_DATADIR:-0}" != 1 ]; then
  cp -a /opt/firedrill/datadir-template/. "$datadir/"
fi
chown mysql:mysql "$datadir"
if [ "${FIREDRILL_GALERA:-0}" = 1 ]; then
  if [ -f "$datadir/grastate.dat" ] && grep -q '^seqno: *-1' "$datadir/grastate.dat"; then
    "$@" --wsrep-recover --log-error=/tmp/wsrep-recover.log >/dev/null 2>&1 || true
    pos=$(sed -n 's/.*Recovered position: *\([^ ]*\).*/\1/p' /tmp/wsrep-recover.log | tail -n 1)
    if [ -n "$pos" ]; then set -- "$@" "--wsrep_start_position=$pos"; fi
  fi
  if [ -f "$datadir/.fd-bootstrap-once" ]; then
    rm -f "$datadir/.fd-bootstrap-once"
    set -- "$@" --wsrep-new-cluster
  fi
fi
exec "$@"
