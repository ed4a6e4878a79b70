#!/usr/bin/env bash
# The whole test suite: install what is missing, build, and run every test under ctest:
#   release  unit, integration, end-to-end (Chromium, npm clients, nginx), soak, load-generator
#            smoke and the container build (podman)
#   asan     unit + integration under AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan     unit + integration under ThreadSanitizer
#   fuzz     each libFuzzer target for a short run from its seed corpus (clang)
# Usage: scripts/test.sh [step ...]   (default: all four steps, in that order)
# The last line is the total over all steps: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
((${#steps[@]})) || steps=(release asan tsan fuzz)

scripts/install-deps.sh --test || { echo "0 passed, 1 failed (dependency installation)"; exit 1; }

# A node not built by Debian trusts only its bundled CAs; behind a TLS-inspecting proxy, whose CA
# is in the system store, npm ci then fails (SELF_SIGNED_CERT_IN_CHAIN). Add the system store.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -r /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

passed=0
failed=0
summary=()

# Runs ctest for a preset and adds its counts to the totals.
run_ctest() {
  local name=$1; shift
  local log; log=$(mktemp)
  ctest --preset "$name" "$@" 2>&1 | tee "$log"
  local line; line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1)
  if [[ -z "$line" ]]; then
    summary+=("$name: no test summary (ctest failed to run)"); failed=$((failed + 1))
  else
    local bad total; bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - bad)); failed=$((failed + bad))
    summary+=("$name: $((total - bad)) passed, $bad failed")
  fi
  rm -f "$log"
}

build() {
  local preset=$1
  if ! scripts/build.sh "$preset"; then
    summary+=("$preset: build failed"); failed=$((failed + 1)); return 1
  fi
}

for step in "${steps[@]}"; do
  echo "=== $step ==="
  case "$step" in
    release)
      build release || continue
      if [[ -f test/e2e/package.json ]]; then
        (cd test/e2e && npm ci --no-audit --no-fund --loglevel=error) || { summary+=("npm ci failed"); failed=$((failed + 1)); }
      fi
      run_ctest release -j2 ;;
    asan)
      build asan || continue
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_ctest asan -j2 ;;
    tsan)
      build tsan || continue
      # ThreadSanitizer needs a non-randomized address layout on recent kernels.
      TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" run_ctest tsan -j2 ;;
    fuzz)
      build fuzz || continue
      run_ctest fuzz ;;
    *) echo "unknown step: $step (release, asan, tsan, fuzz)"; exit 2 ;;
  esac
done

echo
echo "=== summary ==="
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
((failed == 0))
