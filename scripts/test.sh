#!/usr/bin/env bash
# The whole test suite: install what is missing (build and test tools), build Release with the
# tests and the load generator, and run everything under ctest (unit, integration, end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh release
if [[ -f test/e2e/package.json ]]; then
  (cd test/e2e && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; })
fi
ctest --preset release -j2 "$@"
