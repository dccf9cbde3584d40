#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy into a version-keyed cache outside
# the repository, unless the envtest conventions already point at binaries.
# Prints the directory that holds both (a KUBEBUILDER_ASSETS-style folder).
set -euo pipefail

KUBE_VERSION="${CROSSMESH_KUBE_VERSION:-1.36.3}"
ETCD_VERSION="${CROSSMESH_ETCD_VERSION:-3.6.6}"
CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
OUT="$CACHE/kube-$KUBE_VERSION-etcd-$ETCD_VERSION"

log() { echo "[test-bed] $*" >&2; }

if [ -n "${TEST_ASSET_KUBE_APISERVER:-}" ] && [ -n "${TEST_ASSET_ETCD:-}" ]; then
  mkdir -p "$OUT/links"
  ln -sf "$TEST_ASSET_KUBE_APISERVER" "$OUT/links/kube-apiserver"
  ln -sf "$TEST_ASSET_ETCD" "$OUT/links/etcd"
  echo "$OUT/links"; exit 0
fi
if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
  echo "$KUBEBUILDER_ASSETS"; exit 0
fi
if [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/etcd" ]; then
  echo "$OUT"; exit 0
fi

command -v go >/dev/null || { echo "Go is needed to build kube-apiserver and etcd (or set KUBEBUILDER_ASSETS)." >&2; exit 1; }
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$OUT/kube-apiserver" ]; then
  log "building kube-apiserver v$KUBE_VERSION from the Go module proxy (takes several minutes, once)"
  staging="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
    cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api
    cri-client cri-streaming csi-translation-lib dynamic-resource-allocation endpointslice
    externaljwt kms kube-aggregator kube-controller-manager kube-proxy kube-scheduler kubectl
    kubelet metrics mount-utils pod-security-admission sample-apiserver sample-cli-plugin
    sample-controller streaming"
  mkdir -p "$WORK/kube"
  {
    echo "module crossmesh.local/kubebuild"
    echo "go 1.26"
    echo "require k8s.io/kubernetes v$KUBE_VERSION"
    for m in $staging; do echo "replace k8s.io/$m => k8s.io/$m v0.${KUBE_VERSION#1.}"; done
  } > "$WORK/kube/go.mod"
  printf 'package main\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n' > "$WORK/kube/tools.go"
  (cd "$WORK/kube" && go mod tidy >&2 && CGO_ENABLED=0 go build -trimpath -o "$OUT/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver >&2)
  mv "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"
fi

if [ ! -x "$OUT/etcd" ]; then
  log "building etcd v$ETCD_VERSION from the Go module proxy"
  mkdir -p "$WORK/etcd"
  cat > "$WORK/etcd/go.mod" <<MOD
module crossmesh.local/etcdbuild
go 1.26
require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
  cat > "$WORK/etcd/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$WORK/etcd" && go mod tidy >&2 && CGO_ENABLED=0 go build -trimpath -o "$OUT/etcd.tmp" . >&2)
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi
echo "$OUT"
