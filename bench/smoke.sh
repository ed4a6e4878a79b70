#!/usr/bin/env bash
# CI smoke of the load generator against ssehub: 50 subscribers, 200 events, a few seconds.
# Passes when every subscriber connects, every event arrives in order, and both processes end
# by themselves with exit code 0. Nothing about timing is asserted.
#   bench/smoke.sh PATH/TO/ssehub PATH/TO/ssehub_loadgen
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ssehub=$1 loadgen=$2
source "$here/lib.sh"

work=$(mktemp -d)
SSEHUB_PID=
cleanup() {
  [[ -n $SSEHUB_PID ]] && kill -KILL "$SSEHUB_PID" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_ssehub "$ssehub" "$work/ssehub.log" --publish-token smoke-token --log-level info \
  --static-root "$here/../static"
base="http://127.0.0.1:$SSEHUB_PORT"
echo "ssehub pid $SSEHUB_PID on port $SSEHUB_PORT"

timeout 60 "$loadgen" --url "$base/events?topic=bench" --publish-url "$base/publish" \
  -H "Authorization: Bearer smoke-token" -H "Content-Type: application/json" \
  --publish-body '{"topic":"bench","event":"bench","data":%P}' \
  --subscribers 50 --events 200 --rate 400 --duration 5 --drain 5 --ramp-timeout 10 --settle 0.1 \
  --server-pid "$SSEHUB_PID" --label smoke --server-name ssehub --csv "$work/smoke.csv" --expect-no-loss \
  --max-seconds 45

test -s "$work/smoke.csv"
rc=0
stop_pid "$SSEHUB_PID" 10 || rc=$?
SSEHUB_PID=
if [[ $rc -ne 0 ]]; then
  echo "ssehub exited with $rc; its log:" >&2
  tail -n 20 "$work/ssehub.log" >&2
  exit 1
fi
echo "bench smoke: ok"
