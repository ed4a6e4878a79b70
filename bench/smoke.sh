#!/usr/bin/env bash
# CI smoke of the load generator against a server: 50 subscribers, 200 events, a few seconds.
# Passes when every subscriber connects, every event arrives in order, and both processes end
# by themselves with exit code 0. Nothing about timing is asserted.
#   bench/smoke.sh PATH/TO/ssehub PATH/TO/ssehub_loadgen
#   bench/smoke.sh --reference PATH/TO/sse_reference PATH/TO/ssehub_loadgen
# --reference checks the practical-limit peer (bench/reference/), started through servers.sh
# as compare.sh starts it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kind=ssehub
if [[ ${1:-} == --reference ]]; then
  kind=reference
  shift
fi
bin=$1 loadgen=$2
source "$here/lib.sh"
source "$here/servers.sh"

results=$(mktemp -d) # the server's log (servers.sh writes there too)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill -KILL "$SERVER_PID" 2>/dev/null || true
  rm -rf "$results"
}
trap cleanup EXIT

if [[ $kind == ssehub ]]; then
  log=$results/ssehub.log
  start_ssehub "$bin" "$log" --publish-token smoke-token --log-level info --static-root "$here/../static"
  SERVER_PID=$SSEHUB_PID BASE=http://127.0.0.1:$SSEHUB_PORT SUB='/events?topic=bench' PUB=/publish
  PUB_ARGS=(-H "Authorization: Bearer smoke-token" -H "Content-Type: application/json"
            --publish-body '{"topic":"bench","event":"bench","data":%P}')
else
  log=$results/reference-smoke.log
  reference_bin=$bin
  start_server reference smoke
fi
echo "$kind pid $SERVER_PID at $BASE"

timeout 60 "$loadgen" --url "$BASE$SUB" --publish-url "$BASE$PUB" "${PUB_ARGS[@]}" \
  --subscribers 50 --events 200 --rate 400 --duration 5 --drain 5 --ramp-timeout 10 --settle 0.1 \
  --server-pid "$SERVER_PID" --label smoke --server-name "$kind" --csv "$results/smoke.csv" --expect-no-loss \
  --max-seconds 45

test -s "$results/smoke.csv"
rc=0
stop_pid "$SERVER_PID" 10 || rc=$?
SERVER_PID=
if [[ $rc -ne 0 ]]; then
  echo "$kind exited with $rc; its log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
echo "bench smoke ($kind): ok"
