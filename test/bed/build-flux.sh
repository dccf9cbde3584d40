#!/usr/bin/env bash
# Builds Flux's source-controller and kustomize-controller (what applies a GitOps repository
# to a cluster) from the Go module proxy into a version-keyed cache outside the repository,
# once, with their CRDs beside them in crds/. Prints the directory.
# CROSSMESH_FLUX_BIN points at such a folder built elsewhere.
set -euo pipefail

# v1.10 needs a newer Go than 1.26.
FLUX_VERSION="${CROSSMESH_FLUX_VERSION:-v1.9.6}"
CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
OUT="$CACHE/flux-$FLUX_VERSION"
CONTROLLERS="source-controller kustomize-controller"

log() { echo "[flux] $*" >&2; }
complete() {
  local c
  for c in $CONTROLLERS; do [ -x "$1/$c" ] || return 1; done
  [ -d "$1/crds" ]
}

if [ -n "${CROSSMESH_FLUX_BIN:-}" ] && complete "$CROSSMESH_FLUX_BIN"; then
  echo "$CROSSMESH_FLUX_BIN"; exit 0
fi
if complete "$OUT"; then
  echo "$OUT"; exit 0
fi

command -v go >/dev/null || { echo "Go 1.26 is needed to build Flux (or set CROSSMESH_FLUX_BIN)." >&2; exit 1; }
mkdir -p "$OUT/crds"
started=$(date +%s)
for controller in $CONTROLLERS; do
  [ -x "$OUT/$controller" ] && continue
  module="github.com/fluxcd/$controller"
  WORK="$(mktemp -d)"
  log "fetching $module $FLUX_VERSION from the Go module proxy (once)"
  info="$(go mod download -json "$module@$FLUX_VERSION")"
  gomod="$(echo "$info" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  dir="$(echo "$info" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  # The controller's replace lines, but the ones to its own folders (its api module comes
  # from the proxy at the version it requires), and pkg/artifact at v0.18.0: the v0.18.3 it
  # lists is refused by the proxy.
  {
    echo "module crossmesh.local/${controller}build"
    echo "go 1.26"
    echo "require $module $FLUX_VERSION"
    awk '/^replace \(/{block=1; next} block && /^\)/{block=0; next}
         block {print "replace " $0; next} /^replace /{print}' "$gomod" |
      grep -v '=> \./' | sed 's| //.*$||; s/^replace[[:space:]]*replace/replace/'
    echo "replace github.com/fluxcd/pkg/artifact => github.com/fluxcd/pkg/artifact v0.18.0"
  } > "$WORK/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$module" > "$WORK/tools.go"
  (
    cd "$WORK"
    go mod tidy -e >&2 2>&1 || true
    go get "$module@$FLUX_VERSION" >&2
    log "building $controller (about 5 minutes on 2 cores)"
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$OUT/$controller.tmp" "$module" >&2
  )
  cp "$dir"/config/crd/bases/*.yaml "$OUT/crds/"
  chmod u+w "$OUT"/crds/*.yaml
  mv "$OUT/$controller.tmp" "$OUT/$controller"
  rm -rf "$WORK"
done
log "built in $(( $(date +%s) - started ))s into $OUT"
echo "$OUT"
