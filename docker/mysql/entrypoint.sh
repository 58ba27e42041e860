#!/bin/sh
# firedrill node entrypoint: seed an empty datadir from the baked template (unless told the datadir must stay
# empty, e.g. a node that will receive a restore or an SST), then exec the server as PID 1.
# The template is initialised with lower_case_table_names=0, and MySQL 8+ refuses to start a data dictionary with
# another value: when the server's option files ask for another one, the datadir is initialised afresh with it.
set -e
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ] && [ "${FIREDRILL_EMPTY_DATADIR:-0}" != 1 ]; then
  lctn=$(my_print_defaults --defaults-file=/etc/mysql/my.cnf mysqld | sed -n 's/^--lower[-_]case[-_]table[-_]names=//p' | tail -n 1)
  if [ -n "$lctn" ] && [ "$lctn" != 0 ]; then
    chown mysql:mysql "$datadir"
    mysqld --defaults-file=/etc/mysql/my.cnf --initialize-insecure --user=mysql --datadir="$datadir" --lower-case-table-names="$lctn"
  else
    cp -a /opt/firedrill/datadir-template/. "$datadir/"
  fi
fi
chown mysql:mysql "$datadir" /var/run/mysqld
exec "$@"
