#!/bin/sh
# firedrill node entrypoint: seed an empty datadir from the baked template (unless told the datadir must stay
# empty, e.g. a node that will receive a restore or an SST), then exec the server as PID 1.
set -e
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ] && [ "${FIREDRILL_EMPTY_DATADIR:-0}" != 1 ]; then
  cp -a /opt/firedrill/datadir-template/. "$datadir/"
fi
chown mysql:mysql "$datadir" /var/run/mysqld
exec "$@"
