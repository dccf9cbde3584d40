#!/usr/bin/env bash
# Builds corefile-tokens, a few lines of Go around the Caddyfile lexer CoreDNS parses its
# Corefile with (github.com/coredns/caddy/caddyfile, at the version CoreDNS <version>
# requires), into ~/.cache/crossmesh/coredns-lexer-<version>/ (once), and prints its path.
# It reads a Corefile on stdin and prints its tokens as JSON: [{"text": ..., "line": ...}].
# Tests compare crossmesh's tokenizer with it. Usage: build-corefile-lexer.sh [coredns version]
set -euo pipefail

version="${1:-v1.11.3}"
cache_dir="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}/coredns-lexer-${version}"
binary="${cache_dir}/corefile-tokens"

if [[ -x "${binary}" ]]; then
  echo "${binary}"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "build-corefile-lexer.sh: 'go' is not on PATH; install Go (or source scripts/toolchain.sh) to build CoreDNS ${version}'s Corefile lexer" >&2
  exit 2
fi

work="$(mktemp -d /tmp/crossmesh-corefile-lexer.XXXXXX)"
trap 'rm -rf "${work}"' EXIT
cd "${work}"
cat >main.go <<'GO'
package main

import (
	"encoding/json"
	"os"

	"github.com/coredns/caddy/caddyfile"
)

type token struct {
	Text string `json:"text"`
	Line int    `json:"line"`
}

func main() {
	d := caddyfile.NewDispenser("Corefile", os.Stdin)
	tokens := []token{}
	for d.Next() {
		tokens = append(tokens, token{Text: d.Val(), Line: d.Line()})
	}
	if err := json.NewEncoder(os.Stdout).Encode(tokens); err != nil {
		panic(err)
	}
}
GO
{
  go mod init crossmesh.local/corefilelexer
  # The caddy module CoreDNS itself requires at this version, not the newest one.
  go get "github.com/coredns/coredns@${version}"
  caddy="$(go list -m -f '{{.Version}}' github.com/coredns/caddy)"
  go get "github.com/coredns/caddy@${caddy}"
  go mod tidy
  mkdir -p "${cache_dir}"
  go build -o "${work}/corefile-tokens" .
} >"${work}/build.log" 2>&1 || {
  echo "build-corefile-lexer.sh: building CoreDNS ${version}'s Corefile lexer failed:" >&2
  tail -n 30 "${work}/build.log" >&2
  exit 1
}
mv "${work}/corefile-tokens" "${binary}"
echo "${binary}"
