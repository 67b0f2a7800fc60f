#!/bin/bash
# A throw-away PostgreSQL cluster in a folder of the build, for the tests and
# for `BB_SCALE=demo make run`: Debian's PostgreSQL run as its unprivileged
# postgres user, listening on 127.0.0.1 only (no Unix socket), every
# connection with a password (SCRAM), the password made here and kept in the
# folder (readable by root and postgres alone).
#   postgres.sh start DIR PORT    starts it (making it first if needed) and
#                                 prints the contact service's URI
#   postgres.sh stop DIR          stops it (fast: connections are told)
#   postgres.sh crash DIR         stops it as a crash would (immediate: no
#                                 checkpoint; recovery from its log at the next start)
set -euo pipefail

die() { printf 'postgres: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: postgres.sh start DIR PORT | stop DIR | crash DIR"
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || die "PostgreSQL is not installed; run 'make deps' (PostgreSQL ontbreekt; voer 'make deps' uit)"
id postgres >/dev/null 2>&1 || die "no postgres user (geen gebruiker postgres): reinstall the postgresql package"
as_pg() { runuser -u postgres -- "$@"; }

case $cmd in
start)
  port=${3:?port}
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    as_pg test -x "$(dirname "$dir")" ||
      die "the postgres user cannot reach $(dirname "$dir") (de gebruiker postgres kan er niet bij)"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/password")
    chown -R postgres: "$dir"
    chmod 700 "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U beeldbel --pwfile="$dir/password" --auth=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 || die "initdb failed, see $dir/initdb.log"
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=200" \
    start > /dev/null || die "PostgreSQL did not start, see $dir/server.log (startte niet)"
  pw=$(cat "$dir/password")
  export PGPASSWORD=$pw
  if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$port" -U beeldbel -d postgres -qAtc \
        "SELECT 1 FROM pg_database WHERE datname = 'beeldbel'")" ]; then
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U beeldbel beeldbel
  fi
  echo "postgresql://beeldbel:$pw@127.0.0.1:$port/beeldbel"
  ;;
stop)
  [ -f "$dir/data/postmaster.pid" ] || exit 0
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop > /dev/null
  ;;
crash)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop > /dev/null
  ;;
*) die "unknown command $cmd (onbekend commando)" ;;
esac
