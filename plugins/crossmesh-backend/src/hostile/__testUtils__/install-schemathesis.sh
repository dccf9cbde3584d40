#!/usr/bin/env bash
# Installs schemathesis from PyPI into a venv under ~/.cache/crossmesh/schemathesis-<version>
# (once) and prints the path of its `schemathesis` command. The API fuzz test runs it;
# scripts/setup.sh --for-tests installs it ahead of the tests. Usage: install-schemathesis.sh [version]
set -euo pipefail

version="${1:-4.32.5}"
venv="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}/schemathesis-${version}"
binary="${venv}/bin/schemathesis"
# Written last, so an interrupted install is redone rather than taken for a finished one.
stamp="${venv}/.installed"

if [[ -f "${stamp}" && -x "${binary}" ]]; then
  echo "${binary}"
  exit 0
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "install-schemathesis.sh: python3 (>= 3.9, with venv and pip) is needed to install schemathesis ${version}" >&2
  exit 2
fi

rm -rf "${venv}"
mkdir -p "$(dirname "${venv}")"
{
  python3 -m venv "${venv}"
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==${version}"
} >&2 || {
  echo "install-schemathesis.sh: installing schemathesis ${version} from PyPI failed" >&2
  rm -rf "${venv}"
  exit 1
}
touch "${stamp}"
echo "${binary}"
