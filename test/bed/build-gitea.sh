#!/usr/bin/env bash
# Builds Gitea (the Git forge the GitOps delivery tests open pull requests on) from the Go
# module proxy into a version-keyed cache outside the repository, once. Prints the directory
# holding `gitea` and, beside it, the module's `options` and `templates`, which Gitea reads at
# run time (STATIC_ROOT_PATH). CROSSMESH_GITEA_BIN points at such a folder built elsewhere.
set -euo pipefail

# The newest release the proxy serves under code.gitea.io/gitea: later ones moved to a module
# path the proxy refuses.
GITEA_VERSION="${CROSSMESH_GITEA_VERSION:-v1.26.0}"
CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
OUT="$CACHE/gitea-$GITEA_VERSION"

log() { echo "[gitea] $*" >&2; }
complete() { [ -x "$1/gitea" ] && [ -d "$1/options" ] && [ -d "$1/templates" ]; }

if [ -n "${CROSSMESH_GITEA_BIN:-}" ] && complete "$CROSSMESH_GITEA_BIN"; then
  echo "$CROSSMESH_GITEA_BIN"; exit 0
fi
if complete "$OUT"; then
  echo "$OUT"; exit 0
fi

command -v go >/dev/null || { echo "Go 1.26 is needed to build Gitea (or set CROSSMESH_GITEA_BIN)." >&2; exit 1; }
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log "fetching code.gitea.io/gitea $GITEA_VERSION from the Go module proxy (once)"
gitea_mod="$(go mod download -json "code.gitea.io/gitea@$GITEA_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
gitea_dir="$(go mod download -json "code.gitea.io/gitea@$GITEA_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
# A dependency's replace lines do not apply to the module that requires it: copy Gitea's.
{
  echo "module crossmesh.local/giteabuild"
  echo "go 1.26"
  echo "require code.gitea.io/gitea $GITEA_VERSION"
  grep -E '^replace ' "$gitea_mod" | sed 's| //.*$||'
} > "$WORK/go.mod"
cat > "$WORK/tools.go" <<'GO'
//go:build tools

package tools

import _ "code.gitea.io/gitea"
GO
cd "$WORK"
go mod tidy -e >&2 2>&1 || true
go get "code.gitea.io/gitea@$GITEA_VERSION" >&2
started=$(date +%s)
log "building gitea (about 8 minutes on 2 cores)"
CGO_ENABLED=1 go build -trimpath -tags "sqlite sqlite_unlock_notify" \
  -ldflags="-s -w -X code.gitea.io/gitea/modules/setting.AppVer=${GITEA_VERSION#v}" \
  -o "$OUT/gitea.tmp" code.gitea.io/gitea >&2
rm -rf "$OUT/options" "$OUT/templates"
cp -r "$gitea_dir/options" "$gitea_dir/templates" "$OUT/"
chmod -R u+w "$OUT/options" "$OUT/templates"
mv "$OUT/gitea.tmp" "$OUT/gitea"
log "built in $(( $(date +%s) - started ))s into $OUT"
echo "$OUT"
