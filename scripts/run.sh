#!/usr/bin/env bash
# Quick start: install what is missing, build Release, run ssehub on its built-in defaults.
# The live page is then at http://localhost:8080. Extra arguments go to ssehub (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/release/app/ssehub "$@"
