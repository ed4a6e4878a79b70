#!/usr/bin/env bash
# CI smoke of the practical-limit peer (bench/reference/sse_reference.c) under the load generator:
# 50 subscribers, 200 events, a few seconds. Starts it through servers.sh as compare.sh does.
# Passes when every subscriber connects, every event arrives in order, and both processes end by
# themselves with exit code 0. Nothing about timing is asserted.
#   bench/reference_smoke.sh PATH/TO/sse_reference PATH/TO/ssehub_loadgen
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
reference_bin=$1 loadgen=$2
source "$here/lib.sh"
source "$here/servers.sh"

results=$(mktemp -d) # servers.sh writes the server's log here
REFERENCE_PID=
cleanup() {
  [[ -n $REFERENCE_PID ]] && kill -KILL "$REFERENCE_PID" 2>/dev/null || true
  rm -rf "$results"
}
trap cleanup EXIT

start_server reference smoke
echo "sse_reference pid $SERVER_PID at $BASE"

timeout 60 "$loadgen" --url "$BASE$SUB" --publish-url "$BASE$PUB" "${PUB_ARGS[@]}" \
  --subscribers 50 --events 200 --rate 400 --duration 5 --drain 5 --ramp-timeout 10 --settle 0.1 \
  --server-pid "$SERVER_PID" --label smoke --server-name reference --csv "$results/smoke.csv" --expect-no-loss \
  --max-seconds 45

test -s "$results/smoke.csv"
rc=0
stop_pid "$REFERENCE_PID" 10 || rc=$?
REFERENCE_PID=
if [[ $rc -ne 0 ]]; then
  echo "sse_reference exited with $rc; its log:" >&2
  tail -n 20 "$results/reference-smoke.log" >&2
  exit 1
fi
echo "reference smoke: ok"
