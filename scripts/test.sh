#!/usr/bin/env bash
# Sets up everything and runs every test: type check, lint, formatting, unit and
# integration tests (real API servers, real PostgreSQL, real openssl/cfssl), and the
# Playwright end-to-end tests in Debian's Chromium against the running app.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
# shellcheck source=setup.sh
source scripts/setup.sh --for-tests || { echo "set-up failed" >&2; exit 1; }

PG_URL="$(scripts/postgres.sh start)" || exit 1
trap 'scripts/postgres.sh stop' EXIT
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$PG_URL"
export NODE_OPTIONS="--experimental-vm-modules ${NODE_OPTIONS:-}"
export CROSSMESH_SHARED_DIR="${CROSSMESH_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"

failed=()
passed=0
step() {
  local name="$1"; shift
  echo "::: $name" >&2
  local t0=$(date +%s)
  if "$@"; then
    echo "::: $name passed in $(( $(date +%s) - t0 ))s" >&2
    passed=$((passed + 1))
  else
    echo "::: $name FAILED in $(( $(date +%s) - t0 ))s" >&2
    failed+=("$name")
  fi
}

step "dependency versions (one Backstage release line)" yarn dedupe --check
step "type check" yarn tsc
step "formatting" yarn prettier:check
step "lint" yarn backstage-cli repo lint
step "unit and integration tests" env CI=true yarn backstage-cli repo test --ci
step "end-to-end tests" bash test/e2e/run.sh
step "adoption in a fresh Backstage app" bash test/adoption/run.sh

echo
echo "all steps took $(( $(date +%s) - started ))s"
[ "${#failed[@]}" -gt 0 ] && echo "failed steps: ${failed[*]}"
echo "steps: $passed passed, ${#failed[@]} failed"
[ "${#failed[@]}" -eq 0 ]
