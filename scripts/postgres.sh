#!/usr/bin/env bash
# Runs a throw-away PostgreSQL 15 on loopback for tests and the demo.
#   scripts/postgres.sh start   starts it (idempotent) and prints its connection string
#   scripts/postgres.sh stop    stops it
#   scripts/postgres.sh url     prints the connection string
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${CROSSMESH_STATE_DIR:-$ROOT/.crossmesh}/postgres"
PORT="${CROSSMESH_PG_PORT:-55432}"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

as_owner() {
  # PostgreSQL refuses to run as root; Debian's postgres user owns the data when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  bin="$(find_bin)" || { echo "PostgreSQL is not installed: run 'apt-get install postgresql' (or scripts/setup.sh)." >&2; exit 1; }
  mkdir -p "$STATE"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$STATE"
  if [ ! -f "$STATE/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" --pgdata="$STATE/data" --username=postgres --auth=trust --encoding=UTF8 --no-sync >"$STATE/initdb.log" 2>&1 \
      || { cat "$STATE/initdb.log" >&2; exit 1; }
  fi
  if ! as_owner "$bin/pg_ctl" --pgdata="$STATE/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" --pgdata="$STATE/data" --log="$STATE/server.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$STATE' -c fsync=off -c max_connections=200" \
      start >/dev/null || { tail -20 "$STATE/server.log" >&2; exit 1; }
  fi
  echo "$URL"
}

stop() {
  local bin
  bin="$(find_bin)" || return 0
  [ -f "$STATE/data/PG_VERSION" ] || return 0
  as_owner "$bin/pg_ctl" --pgdata="$STATE/data" --mode=fast --wait stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
