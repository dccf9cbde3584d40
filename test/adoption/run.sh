#!/usr/bin/env bash
# Adoption test: crossmesh installed into a second, freshly made Backstage app from its
# built tarballs, the way another organisation would install the published packages.
#
#   1. builds and packs each published package (yarn pack: workspace:^ becomes the version,
#      package.json points at dist) and checks each tarball's entry points;
#   2. makes an app with @backstage/create-app 0.9.2 (Backstage 1.55.0) in a temp dir;
#   3. installs crossmesh into it as the packages' READMEs say, and runs yarn install there
#      (from the package registry, through Yarn's global cache);
#   4. builds the app's frontend, starts the test bed's cluster-1 and cluster-2 and the app's
#      backend (serving that build) with a static external-access token;
#   5. checks, with Playwright: GET /api/crossmesh/clusters, the catalog's kubernetes-cluster
#      Resources, the scaffolder's crossmesh actions, and the Mesh page in Chromium.
#
# With CROSSMESH_ADOPTION_PACKED set, touches that file once the tarballs are made.
# Prints each phase's time; on failure, says which phase and why, and keeps the work dir
# ($CROSSMESH_ADOPTION_DIR, default $TMPDIR/crossmesh-adoption) with the logs.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../../scripts/toolchain.sh
source scripts/toolchain.sh || exit 1

WORK="${CROSSMESH_ADOPTION_DIR:-${TMPDIR:-/tmp}/crossmesh-adoption}"
APP="$WORK/app"
LOGS="$WORK/logs"
TARBALLS="$WORK/tarballs"
CREATE_APP_VERSION=0.9.2
TOKEN="crossmesh-adoption-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# The published packages, in the order their dependencies need them.
PACKAGES=(
  plugins/crossmesh-common
  plugins/crossmesh-node
  plugins/crossmesh-backend
  plugins/crossmesh
  plugins/scaffolder-backend-module-crossmesh
  plugins/catalog-backend-module-crossmesh
  plugins/permission-backend-module-crossmesh-policy
)
TS=(node --require @backstage/cli/config/nodeTransform.cjs)

log() { echo "[adoption] $*" >&2; }

started=$(date +%s)
phase=""
phase_started=0
timings=()
start_phase() {
  end_phase
  phase="$1"
  phase_started=$(date +%s)
  log "$phase"
}
end_phase() {
  [ -n "$phase" ] && timings+=("$(printf '%-32s %4ss' "$phase" "$(($(date +%s) - phase_started))")")
  phase=""
}
print_timings() {
  log "phase timings:"
  for line in "${timings[@]}"; do log "  $line"; done
}

fail() {
  log "FAILED in phase '$phase': $*"
  exit 1
}

# Runs a command with its output in $LOGS/<name>.log; on failure shows the log's tail.
logged() {
  local name="$1"
  shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    tail -n 40 "$LOGS/$name.log" >&2
    return 1
  fi
}

# Runs `$1 <package dir>` for every published package, two at a time (the machine may
# have two cores); fails naming each package whose command failed.
for_each_package() {
  local fn="$1" pkg name pids=() failed=()
  for pkg in "${PACKAGES[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    name="$fn-${pkg##*/}"
    (logged "$name" "$fn" "$pkg") &
    pids+=("$!")
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${PACKAGES[$i]}")
  done
  [ "${#failed[@]}" -eq 0 ] || fail "$fn failed for ${failed[*]} (logs in $LOGS)"
}

build_package() { (cd "$1" && yarn backstage-cli package build); }
pack_package() { (cd "$1" && yarn pack --out "$TARBALLS/${1##*/}.tgz"); }

bed_pid=""
backend_pid=""
stop_group() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  start_phase "stop and clean up"
  [ -n "$backend_pid" ] && stop_group "$backend_pid"
  [ -n "$bed_pid" ] && stop_group "$bed_pid"
  wait 2>/dev/null
  # An interrupted `yarn pack` leaves package.json rewritten for publishing; put it back.
  for pkg in "${PACKAGES[@]}"; do
    [ -f "$pkg/package.json-prepack" ] && (cd "$pkg" && yarn backstage-cli package postpack >/dev/null 2>&1)
  done
  if [ "$status" -eq 0 ]; then
    rm -rf "$WORK"
  else
    log "logs and the app are kept in $WORK"
  fi
  end_phase
  print_timings
  if [ "$status" -eq 0 ]; then
    log "adoption test passed in $(($(date +%s) - started))s"
  else
    log "adoption test FAILED after $(($(date +%s) - started))s"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

rm -rf "$WORK"
mkdir -p "$LOGS" "$TARBALLS"

start_phase "build packages"
# Declarations come from the repository's tsc output (dist-types), so bring it up to date.
logged tsc yarn tsc || log "yarn tsc reports errors (see above); building with the declarations it emitted"
for_each_package build_package

start_phase "pack tarballs"
for_each_package pack_package
"${TS[@]}" test/adoption/inspectTarballs.ts "$TARBALLS" || fail "a tarball would not work as a published package"
# From here on the workspace is only read: scripts/test.sh starts its other steps once this
# file exists (yarn pack rewrites each package's package.json while it runs).
[ -n "${CROSSMESH_ADOPTION_PACKED:-}" ] && touch "$CROSSMESH_ADOPTION_PACKED"

start_phase "create app (create-app $CREATE_APP_VERSION)"
(cd "$WORK" && logged create-app env BACKSTAGE_APP_NAME=app \
  npx --yes "@backstage/create-app@$CREATE_APP_VERSION" --skip-install </dev/null) ||
  fail "create-app failed"
[ -f "$APP/packages/backend/src/index.ts" ] || fail "create-app made no app in $APP"
log "Backstage $(node -p "require('$APP/backstage.json').version") app in $APP"

start_phase "install crossmesh per READMEs"
"${TS[@]}" test/adoption/wireApp.ts "$APP" "$TARBALLS" || fail "the READMEs do not install crossmesh into a fresh app"

start_phase "yarn install"
cache="$(yarn config get cacheFolder)"
(cd "$APP" && logged yarn-install env YARN_ENABLE_GLOBAL_CACHE=true YARN_CACHE_FOLDER="$cache" \
  YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install) ||
  fail "yarn install in the fresh app failed"
"${TS[@]}" test/adoption/checkInstall.ts "$APP" || fail "the fresh app has duplicate packages"

start_phase "build frontend (+ start test bed)"
# The clusters start while the frontend builds.
setsid yarn workspace @crossmesh/test-bed bed start --clusters cluster-1,cluster-2 \
  --state-dir "$WORK/bed" --write-config "$WORK/app-config.testbed.yaml" >"$LOGS/bed.log" 2>&1 &
bed_pid=$!
(cd "$APP/packages/app" && logged app-build yarn build) || fail "the fresh app's frontend does not build"
grep -q "@crossmesh/backstage-plugin-crossmesh/alpha" "$APP/packages/app/node_modules/__backstage-autodetected-plugins__.js" ||
  fail "the frontend build did not discover @crossmesh/backstage-plugin-crossmesh through app.packages: all"

start_phase "start backend"
for _ in $(seq 1 240); do
  [ -s "$WORK/app-config.testbed.yaml" ] && break
  kill -0 "$bed_pid" 2>/dev/null || { tail -n 20 "$LOGS/bed.log" >&2; fail "the test bed did not start"; }
  sleep 0.5
done
[ -s "$WORK/app-config.testbed.yaml" ] || fail "the test bed was not ready after 120 s"
port="$(free_port)"
url="http://localhost:$port"
cat >"$WORK/app-config.adoption.yaml" <<EOF
app:
  baseUrl: $url
backend:
  baseUrl: $url
  listen:
    port: $port
  cors:
    origin: $url
  auth:
    externalAccess:
      - type: static
        options:
          token: $TOKEN
          subject: crossmesh-adoption-test
EOF
chmod 600 "$WORK/app-config.adoption.yaml"
(cd "$APP/packages/backend" && exec setsid yarn start --config ../../app-config.yaml \
  --config "$WORK/app-config.testbed.yaml" --config "$WORK/app-config.adoption.yaml") >"$LOGS/backend.log" 2>&1 &
backend_pid=$!
ready=""
for _ in $(seq 1 180); do
  if curl -sf "$url/.backstage/health/v1/readiness" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$backend_pid" 2>/dev/null || break
  sleep 1
done
[ -n "$ready" ] || { tail -n 40 "$LOGS/backend.log" >&2; fail "the fresh app's backend did not become ready on $url"; }
log "backend ready on $url"

start_phase "checks (Playwright)"
CROSSMESH_ADOPTION_URL="$url" CROSSMESH_ADOPTION_TOKEN="$TOKEN" \
  yarn playwright test -c test/adoption/playwright.config.ts ||
  { tail -n 40 "$LOGS/backend.log" >&2; fail "crossmesh does not work in the fresh app"; }

end_phase
