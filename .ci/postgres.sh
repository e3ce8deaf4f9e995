#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints its connection string on the last line
# of stdout. Installs Debian's postgresql package when no server binaries are found. The cluster lives
# in a temporary folder, listens on 127.0.0.1 only, on a free port, and trusts local connections:
# it exists for one test run. Stop it with: pg_ctl -D "$(dirname of the printed data dir)" stop
# (the script prints the command on stderr).
#
#   export ARCHIVE_TEST_PG="$(.ci/postgres.sh)"
set -euo pipefail

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin="$candidate"
done
if [ -z "$bin" ]; then
  echo "== installing postgresql from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin="$candidate"
  done
fi
[ -n "$bin" ] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }

# initdb and postgres refuse to run as root: run them as the postgres user (created by the package),
# or as whoever runs this script.
run_as() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

data=$(mktemp -d "${TMPDIR:-/tmp}/archive-pg-XXXXXX")
[ "$(id -u)" -eq 0 ] && chown postgres "$data"
# A free port: ask the kernel for one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)

# C collation and UTF-8: text sorts by code point, as SQLite's binary collation does.
run_as "$bin/initdb" -D "$data/cluster" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
run_as "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $data/cluster" >&2
echo "== stop it with: runuser -u postgres -- $bin/pg_ctl -D $data/cluster stop   (as root), or $bin/pg_ctl -D $data/cluster stop" >&2
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
