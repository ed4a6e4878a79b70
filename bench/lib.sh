# Helpers shared by smoke.sh and compare.sh (sourced, not run). Every wait here is bounded.

# start_ssehub BINARY LOGFILE [FLAGS...]: starts ssehub on 127.0.0.1, an ephemeral port, no
# ticker or stats events; sets SSEHUB_PID and SSEHUB_PORT.
start_ssehub() {
  local bin=$1 log=$2 v clean=(); shift 2
  # The flags alone configure it: SSEHUB_* variables of the caller's environment would change
  # its settings (or stop it, when a name is unknown).
  for v in $(compgen -e); do [[ $v == SSEHUB_* ]] && clean+=(-u "$v"); done
  env "${clean[@]}" "$bin" --port 0 --bind 127.0.0.1 --ticker-interval-ms 0 --stats-interval-ms 0 "$@" >"$log" 2>&1 &
  SSEHUB_PID=$!
  SSEHUB_PORT=
  local i
  for i in $(seq 1 100); do
    # `|| true`: callers run under `set -euo pipefail`, and finding nothing yet (grep's exit 1)
    # must mean "look again", not the end of the caller.
    SSEHUB_PORT=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n1) || true
    # With --log-level warn nothing is logged: ask the kernel which port the process holds.
    if [[ -z $SSEHUB_PORT ]] && command -v ss >/dev/null; then
      SSEHUB_PORT=$(ss -ltnpH 2>/dev/null | grep "pid=$SSEHUB_PID," | awk '{print $4}' | sed 's/.*://' | head -n1) || true
    fi
    [[ -n $SSEHUB_PORT ]] && return 0
    kill -0 "$SSEHUB_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "ssehub did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10); returns the exit code.
stop_pid() {
  local pid=$1 limit=${2:-10} i
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $((limit * 20))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "pid $pid ignored SIGTERM for ${limit}s: killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}
