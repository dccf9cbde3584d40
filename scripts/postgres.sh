#!/usr/bin/env bash
# Runs a throw-away PostgreSQL 15 on loopback for tests and the demo.
#   scripts/postgres.sh start   starts it (idempotent) and prints its connection string
#   scripts/postgres.sh stop    stops it
#   scripts/postgres.sh url     prints the connection string
#   scripts/postgres.sh dir     prints the folder that holds its state
#   scripts/postgres.sh clean   stops it and deletes that folder
# CROSSMESH_PG_PORT picks the port (default 55432). The state lives in the checkout's
# .crossmesh/postgres. As root the server runs as the postgres user, which cannot enter a
# checkout under /root or in a `mktemp -d` folder (mode 0700); then the state lives in that
# user's home instead, in crossmesh/<checkout-id>, one folder per checkout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${CROSSMESH_PG_PORT:-55432}"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
IN_CHECKOUT="${CROSSMESH_STATE_DIR:-$ROOT/.crossmesh}/postgres"

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

as_root() { [ "$(id -u)" = 0 ]; }

as_owner() {
  # PostgreSQL refuses to run as root; Debian's postgres user owns the data when we are root.
  if as_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The postgres user's folder for this checkout: its home, keyed by the checkout's path.
outside_checkout() {
  local home id
  home="$(getent passwd postgres | cut -d: -f6)"
  [ -d "$home" ] || home=/var/tmp
  id="$(basename "$ROOT" | tr -c 'A-Za-z0-9_.\n-' _)-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
  echo "$home/crossmesh/$id"
}

postgres_can_write() { runuser -u postgres -- test -w "$1" 2>/dev/null; }

# Where the state is: the checkout when the server's user can enter it, else the postgres
# user's folder. An existing data folder in the checkout wins, so a running server is
# always found again.
state_dir() {
  if ! as_root || [ -f "$IN_CHECKOUT/data/PG_VERSION" ] || runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    echo "$IN_CHECKOUT"
  else
    outside_checkout
  fi
}

# The URL of the server already running on this checkout's state, if one runs: its port is
# the fourth line of postmaster.pid, whatever CROSSMESH_PG_PORT says now.
running_url() {
  local pid_file
  pid_file="$(state_dir)/data/postmaster.pid"
  [ -f "$pid_file" ] || return 1
  echo "postgresql://postgres@127.0.0.1:$(sed -n 4p "$pid_file")/postgres"
}

start() {
  local bin state running
  bin="$(find_bin)" || { echo "PostgreSQL is not installed: run 'apt-get install postgresql' (or scripts/setup.sh)." >&2; exit 1; }
  state="$(state_dir)"
  mkdir -p "$state"
  if as_root; then
    chown postgres:postgres "$state"
    postgres_can_write "$state" || { echo "The postgres user cannot write $state; set CROSSMESH_STATE_DIR to a folder it can reach." >&2; exit 1; }
  fi
  if [ ! -f "$state/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" --pgdata="$state/data" --username=postgres --auth=trust --encoding=UTF8 --no-sync >"$state/initdb.log" 2>&1 \
      || { cat "$state/initdb.log" >&2; exit 1; }
  fi
  if as_owner "$bin/pg_ctl" --pgdata="$state/data" status >/dev/null 2>&1; then
    running="$(running_url)" || running="$URL"
    [ "$running" = "$URL" ] || echo "PostgreSQL of this checkout already runs at $running (not port $PORT); using it." >&2
    echo "$running"
    return 0
  fi
  as_owner "$bin/pg_ctl" --pgdata="$state/data" --log="$state/server.log" --wait --timeout=60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='$state' -c fsync=off -c max_connections=200" \
    start >/dev/null || { tail -20 "$state/server.log" >&2; exit 1; }
  echo "$URL"
}

stop() {
  local bin state
  bin="$(find_bin)" || return 0
  state="$(state_dir)"
  [ -f "$state/data/PG_VERSION" ] || return 0
  as_owner "$bin/pg_ctl" --pgdata="$state/data" --mode=fast --wait stop >/dev/null 2>&1 || true
}

clean() {
  local state
  state="$(state_dir)"
  stop
  rm -rf "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running_url || echo "$URL" ;;
  dir) state_dir ;;
  clean) clean ;;
  *) echo "usage: $0 start|stop|url|dir|clean (state: $(state_dir))" >&2; exit 2 ;;
esac
