#!/usr/bin/env bash
# Quick start: install what is missing, build the ssehub binary (Release; not the tests or the
# load generator: scripts/test.sh builds those), run it on its built-in defaults.
# The live page is then at http://localhost:8080. Extra arguments go to ssehub (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[[ -f build/release/build.ninja ]] || cmake --preset release >/dev/null
cmake --build --preset release --target ssehub
exec build/release/app/ssehub "$@"
