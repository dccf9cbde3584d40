#!/usr/bin/env bash
# Sets up everything and starts the app with a local demo mesh (see README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup.sh
source "$ROOT/scripts/setup.sh"
exec bash "$ROOT/scripts/run-app.sh" "$@"
