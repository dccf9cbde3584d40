#!/usr/bin/env bash
# Builds the xDS/CSR probe (istio-probe/) into a cache keyed by its sources, once. Prints the
# binary's path. Its dependencies are the ones istiod is built from (build-istio.sh), so after
# that build it compiles in seconds from the Go caches.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
KEY="$(cd "$HERE/istio-probe" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-12)"
OUT="$CACHE/istio-probe-$KEY"

if [ -x "$OUT/istio-probe" ]; then
  echo "$OUT/istio-probe"; exit 0
fi
command -v go >/dev/null || { echo "Go 1.26 is needed to build the istio probe." >&2; exit 1; }
mkdir -p "$OUT"
echo "[istio] building istio-probe ($KEY)" >&2
(cd "$HERE/istio-probe" && CGO_ENABLED=0 go build -trimpath -o "$OUT/istio-probe.tmp" . >&2)
mv "$OUT/istio-probe.tmp" "$OUT/istio-probe"
echo "$OUT/istio-probe"
