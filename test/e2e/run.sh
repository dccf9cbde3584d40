#!/usr/bin/env bash
# Runs the Playwright end-to-end tests; Playwright starts the demo mesh and the app.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec yarn playwright test -c test/e2e/playwright.config.ts "$@"
