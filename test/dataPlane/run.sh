#!/usr/bin/env bash
# Runs the suites that send real traffic through the test bed's data plane (files named
# *.envoy.test.ts), one file at a time, and prints each file's time. They make network
# namespaces, veth pairs and a bridge, so they need root (CAP_NET_ADMIN): elsewhere this says so
# and fails. scripts/test.sh runs it as a step of its own; it expects the environment that
# script sets up (PostgreSQL URL, NODE_OPTIONS, CROSSMESH_SHARED_DIR).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
if [ "$(id -u)" != 0 ]; then
  echo "The data-plane tests need root (network namespaces); run scripts/test.sh as root." >&2
  exit 1
fi
status=0
for file in test/bed/src/dataPlane/*.envoy.test.ts plugins/crossmesh-backend/src/istioInTheLoop/*.envoy.test.ts; do
  # Benchmarks (*.bench.envoy.test.ts) run in `yarn bench`, not here.
  case "$file" in *.bench.envoy.test.ts) continue ;; esac
  package="${file%%/src/*}"
  started=$(date +%s)
  (cd "$package" && CI=true yarn backstage-cli package test --runInBand "src/${file#*/src/}") || status=1
  echo "::: ${file}: $(( $(date +%s) - started ))s" >&2
done
exit "$status"
