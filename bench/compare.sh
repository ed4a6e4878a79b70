#!/usr/bin/env bash
# Runs the same SSE scenarios against ssehub, against nginx + nchan and against sse_reference (the
# practical limit of issue 4: bench/reference/) in one go, then prints a table of the figures and
# the ratios ssehub / nchan and ssehub / limit. Writes CSV to
# bench/results/<timestamp>/ (bench/results/latest points at the newest) for bench/plot.sh.
#
#   bench/compare.sh            the full run (about 8 minutes; the machine should be quiet)
#   bench/compare.sh --quick    every scenario at a tenth of the subscribers, 3 s each
#   BENCH_SCENARIOS="cluster b" bench/compare.sh    only the runs of these labels (the CSV's
#                               label column: a b c d d4 e2 e3 n100 n3000 r300 r3000 p storm
#                               hold19k f cluster; e is c e2 e3, f is the wrk runs)
#
# The cluster scenario (issue 15) runs one ssehub in memory mode against two instances sharing
# one redis-server (bench/cluster.sh); Redis's CPU counts as the server's.
#
# The servers and the load generator are built from a clean export of a commit
# (BENCH_REV, default HEAD) into build/bench-<commit>/, so the figures belong to that
# commit and not to whatever the work tree holds. BENCH_BUILD=DIR uses an existing
# build directory instead (DIR/app/ssehub, DIR/bench/ssehub_loadgen).
#
# Only 127.0.0.1 is ever a target; every load run is bounded in count and time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
source "$here/lib.sh"

quick=0
[[ ${1:-} == --quick ]] && quick=1
commit=$(git -C "$repo" rev-parse --short "${BENCH_REV:-HEAD}")
build=${BENCH_BUILD:-$repo/build/bench-$commit/build}
ssehub_bin=$build/app/ssehub
loadgen_bin=$build/bench/ssehub_loadgen
reference_bin=$build/bench/sse_reference

install_tools() {
  local want=(nginx libnginx-mod-nchan wrk gnuplot-nox iproute2 procps redis-server curl) missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

build_tools() {
  [[ -x $ssehub_bin && -x $loadgen_bin && -x $reference_bin ]] && return 0
  if [[ -n ${BENCH_BUILD:-} ]]; then
    echo "no ssehub, ssehub_loadgen or sse_reference in $BENCH_BUILD" >&2
    exit 2
  fi
  local src=$repo/build/bench-$commit/src
  rm -rf "$src" && mkdir -p "$src"
  git -C "$repo" archive "$commit" | tar -x -C "$src"
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSSEHUB_TESTS=OFF >/dev/null
  cmake --build "$build" -j2
}

install_tools
build_tools
ulimit -n "$(ulimit -Hn)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$repo/bench/results/$stamp
mkdir -p "$results"
ln -sfn "$stamp" "$repo/bench/results/latest"
csv=$results/loadgen.csv
SSEHUB_PID= NGINX_PID= REFERENCE_PID=
source "$here/servers.sh"
source "$here/scenarios.sh"
cleanup() {
  [[ -n $SSEHUB_PID ]] && kill -KILL "$SSEHUB_PID" 2>/dev/null || true
  [[ -n $REFERENCE_PID ]] && kill -KILL "$REFERENCE_PID" 2>/dev/null || true
  [[ -n $NGINX_PID ]] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  kill_cluster
  [[ -n $REDIS_DIR ]] && rm -rf "$REDIS_DIR"
  return 0
}
trap cleanup EXIT

{
  echo "machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "kernel: $(uname -r); $(nginx -v 2>&1); nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan); $(redis-server --version | cut -d' ' -f1-3)"
  echo "ssehub: $("$ssehub_bin" --version) built from ${BENCH_BUILD:-commit $commit}"
  echo "date: $stamp; quick: $quick; scenarios: ${BENCH_SCENARIOS:-all}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/machine.txt"

run_all_scenarios
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/machine.txt"
"$here/table.sh" "$results" | tee "$results/table.txt"
echo "results: $results"
