#!/usr/bin/env bash
# Starts a local demo mesh (test-bed clusters cluster-1 and cluster-2, seeded like an
# Istio install, with Services svc-1 in foo on cluster-1 and svc-2 in bar on cluster-2)
# and the Backstage app configured with those clusters.
#   scripts/run-app.sh            frontend dev server on :3000, backend on :7007
#   scripts/run-app.sh --served   backend on :7007 serving the production frontend build
# With CROSSMESH_ISTIOD=1 each cluster also runs a real istiod (see test/bed/README.md), and the
# clusters are seeded with its version instead of Istio 1.6's. With CROSSMESH_DATA_PLANE=1 (as root)
# the clusters also get the bed's data plane: DNS, an ingress gateway and Istio's sample workloads
# sleep and svc-2 with Envoy sidecars, in network namespaces (implies CROSSMESH_ISTIOD).
# With CROSSMESH_GITOPS=1, cluster-1 takes crossmesh's objects through Git: a local Gitea and
# Flux apply what approvals propose as pull requests (Gitea and Flux are built once, then cached).
# Stops the clusters when the app stops (Ctrl-C).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mode="${1:-dev}"
STATE="${CROSSMESH_RUN_STATE_DIR:-$ROOT/.crossmesh/demo}"
BED_CONFIG="$STATE/app-config.testbed.yaml"

log() { echo "[crossmesh] $*" >&2; }

mkdir -p "$STATE"
rm -f "$BED_CONFIG"
istiod=()
[ -n "${CROSSMESH_ISTIOD:-}" ] && istiod=(--istiod)
[ -n "${CROSSMESH_DATA_PLANE:-}" ] && istiod=(--istiod --data-plane)
gitops=()
[ -n "${CROSSMESH_GITOPS:-}" ] && gitops=(--gitops cluster-1)
log "starting the test-bed clusters (state in ${STATE#$ROOT/})"
yarn workspace @crossmesh/test-bed bed start \
  --clusters cluster-1,cluster-2 \
  --state-dir "$STATE/bed" \
  --write-config "$BED_CONFIG" \
  --demo-services --apply "$ROOT/deploy/istio-reader.yaml" "${istiod[@]}" "${gitops[@]}" &
bed_pid=$!

cleanup() {
  trap - EXIT INT TERM
  [ -n "${app_pid:-}" ] && kill -TERM "$app_pid" 2>/dev/null
  kill -TERM "$bed_pid" 2>/dev/null
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Building Gitea and Flux the first time takes minutes on 2 cores.
wait_seconds=120
[ ${#gitops[@]} -gt 0 ] && wait_seconds=1200
for _ in $(seq 1 $((wait_seconds * 2))); do
  [ -s "$BED_CONFIG" ] && break
  kill -0 "$bed_pid" 2>/dev/null || { log "the test bed failed to start (see above)"; exit 1; }
  sleep 0.5
done
[ -s "$BED_CONFIG" ] || { log "the test bed did not become ready in $wait_seconds s"; exit 1; }

# The demo's key-encryption secret, so that crossmesh can hold the mesh's root and
# intermediate keys: random, made once per state directory, readable only by its owner.
TRUST_CONFIG="$STATE/app-config.trust.yaml"
if [ ! -s "$TRUST_CONFIG" ]; then
  (umask 077 && printf 'crossmesh:\n  trust:\n    keyEncryptionSecret: %s\n' \
    "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" > "$TRUST_CONFIG")
fi

configs=(--config "$ROOT/app-config.yaml" --config "$ROOT/app-config.demo.yaml" --config "$BED_CONFIG" --config "$TRUST_CONFIG")
if [ "$mode" = "--served" ]; then
  if [ ! -f packages/app/dist/index.html ] || [ -n "$(find packages/app/src plugins/crossmesh/src plugins/crossmesh-common/src -newer packages/app/dist/index.html -type f -print -quit)" ]; then
    log "building the frontend (production build)"
    yarn workspace app build --config "$ROOT/app-config.yaml" >&2
  fi
  log "starting the backend on http://localhost:7007 (serving the frontend)"
  # Plain node rather than `backstage-cli package start`, which restarts the backend whenever a
  # source file changes: a served run should stay up while someone edits the code.
  (cd packages/backend && NODE_ENV="${NODE_ENV:-development}" ESBK_TSCONFIG_PATH="$ROOT/tsconfig.json" \
    exec node --enable-source-maps --require @backstage/cli/config/nodeTransform.cjs src/index.ts \
    "${configs[@]}" --config "$ROOT/test/e2e/app-config.served.yaml") &
else
  log "starting Backstage: frontend http://localhost:3000, backend http://localhost:7007"
  yarn backstage-cli repo start "${configs[@]}" &
fi
app_pid=$!
wait "$app_pid"
