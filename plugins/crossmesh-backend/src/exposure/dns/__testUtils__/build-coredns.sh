#!/usr/bin/env bash
# Builds CoreDNS from the Go module proxy into ~/.cache/crossmesh/coredns-<version>/coredns
# (once) and prints the binary's path. Used by tests that check generated Corefiles
# with CoreDNS's own parser; scripts/setup.sh --for-tests runs it ahead of the tests. Usage: build-coredns.sh [version]
set -euo pipefail

version="${1:-v1.11.3}"
cache_dir="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}/coredns-${version}"
binary="${cache_dir}/coredns"

if [[ -x "${binary}" ]]; then
  echo "${binary}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-coredns.sh: 'go' is not on PATH; install Go (or source scripts/toolchain.sh) to build CoreDNS ${version}" >&2
  exit 2
fi

work="$(mktemp -d /tmp/crossmesh-coredns-build.XXXXXX)"
trap 'rm -rf "${work}"' EXIT
cd "${work}"
{
  go mod init crossmesh.local/corednsbuild
  go get "github.com/coredns/coredns@${version}"
  mkdir -p "${cache_dir}"
  go build -o "${work}/coredns" github.com/coredns/coredns
} >"${work}/build.log" 2>&1 || {
  echo "build-coredns.sh: building CoreDNS ${version} failed:" >&2
  tail -n 30 "${work}/build.log" >&2
  exit 1
}
mv "${work}/coredns" "${binary}"
echo "${binary}"
