#!/usr/bin/env bash
# CI smoke of the cluster scenario's setup: a redis-server and two ssehub instances sharing it
# (bench/cluster.sh, as compare.sh starts them), 40 subscribers dealt out over both, 200 events
# published on both. Passes when every subscriber connects and gets every event of both
# instances in order, no ticker or stats event shows up, and every process ends by itself with
# exit code 0. Nothing about timing is asserted. Exit code 77 (ctest's skip) when redis-server
# is not installed (scripts/install-deps.sh --test installs it).
#   bench/cluster_smoke.sh PATH/TO/ssehub PATH/TO/ssehub_loadgen
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ssehub_bin=$1 loadgen=$2
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "bench cluster smoke: skipped, no redis-server or redis-cli"
  exit 77
fi
source "$here/lib.sh"
source "$here/servers.sh"

results=$(mktemp -d) # the logs and Redis's data
cleanup() {
  kill_cluster
  rm -rf "$results"
}
trap cleanup EXIT

fail() {
  echo "bench cluster smoke: $*" >&2
  tail -n 20 "$results"/*.log >&2 || true
  exit 1
}

start_cluster 2 smoke --publish-token smoke-token --log-level info --io-threads 1 --static-root "$here/../static" \
  || fail "the cluster did not start"
echo "redis pid $REDIS_PID on port $REDIS_PORT; ssehub pids ${CLUSTER_PIDS[*]} at ${CLUSTER_BASES[*]}"
targets=()
for base in "${CLUSTER_BASES[@]}"; do
  targets+=(--url "$base/events?topic=bench" --publish-url "$base/publish")
done
for pid in "${CLUSTER_PIDS[@]}" "$REDIS_PID"; do targets+=(--server-pid "$pid"); done

rc=0
timeout 60 "$loadgen" "${targets[@]}" -H "Authorization: Bearer smoke-token" -H "Content-Type: application/json" \
  --publish-body '{"topic":"bench","event":"bench","data":%P}' \
  --subscribers 40 --events 200 --rate 400 --duration 5 --drain 5 --ramp-timeout 10 --settle 0.1 --publishers 4 \
  --label cluster-smoke --server-name ssehub-redis --csv "$results/smoke.csv" --expect-no-loss --max-seconds 45 \
  | tee "$results/loadgen.txt" || rc=$?
((rc == 0)) || fail "the load generator exited with $rc"
test -s "$results/smoke.csv" || fail "no CSV row"
# The summary has a line "other events" only when something else than our events arrived.
! grep -q '^other events' "$results/loadgen.txt" || fail "events other than the published ones arrived"
stop_cluster || fail "a process did not end by itself with 0"
echo "bench cluster smoke: ok"
