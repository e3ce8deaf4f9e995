#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#
#   export ARCHIVE_TEST_PG="$(.ci/postgres.sh /tmp/archive-pg)"   # start one; prints its connection string
#   export ARCHIVE_TEST_PG_STANDBY="$(.ci/postgres.sh --standby /tmp/archive-pg)"
#                                                                 # a hot standby streaming from it; prints its connection string
#   .ci/postgres.sh --stop /tmp/archive-pg                        # stop both and delete the folder
#
# Installs Debian's postgresql package when no server binaries are found. The cluster lives in the folder
# given (a new temporary one by default), listens on 127.0.0.1 only, on a free port, trusts local
# connections and does not fsync: it exists for one test run. Its text sorts by code point (locale C), as
# the archive's columns do anyway. The connection string is the last line of stdout; the rest goes to stderr.
set -euo pipefail

find_bin() {
  local found=""
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && found="$candidate"
  done
  echo "$found"
}

# initdb and postgres refuse to run as root: run them as the postgres user (the package creates it).
run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() { # as the kernel hands one out
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo "$1"
}

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: postgres.sh --stop DIR}"
  bin=$(find_bin)
  for cluster in "$dir/standby" "$dir/cluster"; do
    [ -n "$bin" ] && [ -d "$cluster" ] && run_as "$bin/pg_ctl" -D "$cluster" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  exit 0
fi

# A hot standby of the cluster in DIR: a base backup of it, streaming its changes from then on (physical
# replication, as a production standby would), read-only, on a port of its own.
if [ "${1:-}" = "--standby" ]; then
  dir="${2:?usage: postgres.sh --standby DIR}"
  bin=$(find_bin)
  primary_port=$(sed -n 's/^port=//p' "$dir/port")
  port=$(free_port 55433)
  run_as "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/standby" --write-recovery-conf --wal-method=stream >/dev/null
  run_as "$bin/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c hot_standby=on -c max_connections=300" \
    start >/dev/null
  echo "== PostgreSQL standby of 127.0.0.1:$primary_port on 127.0.0.1:$port, data in $dir/standby" >&2
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  exit 0
fi

bin=$(find_bin)
if [ -z "$bin" ]; then
  echo "== installing postgresql from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  bin=$(find_bin)
fi
[ -n "$bin" ] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }

dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/archive-pg-XXXXXX")}"
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(free_port 55432)
echo "port=$port" >"$dir/port"

run_as "$bin/initdb" -D "$dir/cluster" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
run_as "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir/cluster" >&2
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
