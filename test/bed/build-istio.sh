#!/usr/bin/env bash
# Builds Istio's pilot-discovery (istiod), pilot-agent and istioctl from the Go module proxy
# into a version-keyed cache outside the repository, once, and copies beside them Istio's Envoy
# bootstrap template (tools/packaging/common/envoy_bootstrap.json of the same module), which
# pilot-agent renders for the bed's data plane. Prints the directory holding them.
# CROSSMESH_ISTIO_BIN points at a folder that already holds all three.
set -euo pipefail

# istio.io/istio is served only as pseudo-versions: Istio's main branch of 27 August 2026.
ISTIO_VERSION="${CROSSMESH_ISTIO_VERSION:-v0.0.0-20260827124520-eed52ebb66ad}"
# What the binaries report (`pilot-discovery version`), named as Istio names builds of its main
# branch: that commit came after the 1.30 branch cut (it ships the 1.30 compatibility profile).
# The test bed seeds istiod's image tag with it, so crossmesh detects a current Istio.
ISTIO_RELEASE="${CROSSMESH_ISTIO_RELEASE:-1.31-alpha.${ISTIO_VERSION##*-}}"
CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
OUT="$CACHE/istio-$ISTIO_VERSION"
BINARIES="pilot-discovery pilot-agent istioctl"

log() { echo "[istio] $*" >&2; }

have_binaries() {
  local b
  for b in $BINARIES; do [ -x "$1/$b" ] || return 1; done
}
have_all() {
  have_binaries "$1" && [ -f "$1/envoy_bootstrap.json" ]
}

stamped() {
  [ "$(cat "$1/RELEASE" 2>/dev/null)" = "$ISTIO_RELEASE" ]
}

# A folder of one's own needs envoy_bootstrap.json too only for the data plane.
if [ -n "${CROSSMESH_ISTIO_BIN:-}" ] && have_binaries "$CROSSMESH_ISTIO_BIN"; then
  echo "$CROSSMESH_ISTIO_BIN"; exit 0
fi
if have_all "$OUT" && stamped "$OUT"; then
  echo "$OUT"; exit 0
fi

command -v go >/dev/null || { echo "Go 1.26 is needed to build istiod (or set CROSSMESH_ISTIO_BIN)." >&2; exit 1; }
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/go.mod" <<MOD
module crossmesh.local/istiobuild
go 1.26
require istio.io/istio $ISTIO_VERSION
MOD
cat > "$WORK/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "istio.io/istio/istioctl/cmd/istioctl"
	_ "istio.io/istio/pilot/cmd/pilot-agent"
	_ "istio.io/istio/pilot/cmd/pilot-discovery"
)
GO
cd "$WORK"
log "resolving istio.io/istio $ISTIO_VERSION from the Go module proxy (about 150 MiB, once)"
go mod tidy -e >&2 2>&1 || true
go get "istio.io/istio@$ISTIO_VERSION" >&2
started=$(date +%s)
# Binaries from before the version stamp are linked again (the Go build cache makes that quick).
stamped "$OUT" || rm -f "$OUT/RELEASE"
for b in $BINARIES; do
  [ -x "$OUT/$b" ] && [ -f "$OUT/RELEASE" ] && continue
  pkg="istio.io/istio/pilot/cmd/$b"
  [ "$b" = istioctl ] && pkg="istio.io/istio/istioctl/cmd/istioctl"
  log "building $b (the first one takes 8 to 15 minutes on 2 cores)"
  CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X istio.io/istio/pkg/version.buildVersion=$ISTIO_RELEASE -X istio.io/istio/pkg/version.buildGitRevision=${ISTIO_VERSION##*-} -X istio.io/istio/pkg/version.buildStatus=Clean" \
    -o "$OUT/$b.tmp" "$pkg" >&2
  mv "$OUT/$b.tmp" "$OUT/$b"
done
cp "$(go list -m -f '{{.Dir}}' istio.io/istio)/tools/packaging/common/envoy_bootstrap.json" "$OUT/envoy_bootstrap.json"
echo "$ISTIO_RELEASE" > "$OUT/RELEASE"
log "built in $(( $(date +%s) - started ))s into $OUT"
echo "$OUT"
