#!/usr/bin/env bash
# A checkout where the postgres user cannot go: this checkout's scripts/ copied into two
# `mktemp -d` folders (mode 0700, as a checkout under /root is), and scripts/postgres.sh run
# from each on a free port. Passes when both servers start, answer a query, keep their state
# apart, stop and clean up. scripts/test.sh runs it as one of its steps.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fail() { echo "checkout test: $*" >&2; exit 1; }

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

checkouts=()
cleanup() {
  local dir
  for dir in "${checkouts[@]}"; do
    CROSSMESH_PG_PORT="$(cat "$dir/port" 2>/dev/null || echo 1)" "$dir/crossmesh/scripts/postgres.sh" clean >/dev/null 2>&1 || true
    rm -rf "$dir"
  done
}
trap cleanup EXIT

make_checkout() {
  local dir
  dir="$(mktemp -d)"
  chmod 700 "$dir"
  mkdir "$dir/crossmesh"
  cp -R "$ROOT/scripts" "$dir/crossmesh/scripts"
  free_port >"$dir/port"
  checkouts+=("$dir")
}

make_checkout
make_checkout
for dir in "${checkouts[@]}"; do
  port="$(cat "$dir/port")"
  pg() { CROSSMESH_PG_PORT="$port" "$dir/crossmesh/scripts/postgres.sh" "$@"; }
  echo "checkout in $dir (mode $(stat -c %a "$dir")), PostgreSQL on port $port" >&2
  url="$(pg start)" || fail "scripts/postgres.sh start failed in a checkout under $dir"
  [ "$url" = "postgresql://postgres@127.0.0.1:$port/postgres" ] || fail "start printed '$url'"
  answer="$(psql "$url" -Atc 'select 40 + 2')" || fail "the server at $url does not answer"
  [ "$answer" = 42 ] || fail "the server at $url answered '$answer' to 'select 40 + 2'"
  state="$(pg dir)"
  case "$state" in
    "$dir"/*) fail "its state ($state) is inside the 0700 folder" ;;
  esac
  [ -f "$state/data/PG_VERSION" ] || fail "no data directory at $state, where 'postgres.sh dir' says it is"
  echo "  answered 42; state in $state" >&2
done

first_state="$(CROSSMESH_PG_PORT="$(cat "${checkouts[0]}/port")" "${checkouts[0]}/crossmesh/scripts/postgres.sh" dir)"
second_state="$(CROSSMESH_PG_PORT="$(cat "${checkouts[1]}/port")" "${checkouts[1]}/crossmesh/scripts/postgres.sh" dir)"
[ "$first_state" != "$second_state" ] || fail "two checkouts share one state folder, $first_state"

for dir in "${checkouts[@]}"; do
  port="$(cat "$dir/port")"
  state="$(CROSSMESH_PG_PORT="$port" "$dir/crossmesh/scripts/postgres.sh" dir)"
  CROSSMESH_PG_PORT="$port" "$dir/crossmesh/scripts/postgres.sh" stop
  if pg_isready -q -h 127.0.0.1 -p "$port"; then fail "the server on port $port still answers after stop"; fi
  CROSSMESH_PG_PORT="$port" "$dir/crossmesh/scripts/postgres.sh" clean
  [ ! -e "$state" ] || fail "clean left $state behind"
done
echo "checkout test: PostgreSQL started, answered and stopped from two 0700 checkouts" >&2
