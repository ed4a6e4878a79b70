# The scenarios of the comparison (sourced by compare.sh). Each load run starts a fresh server,
# runs the load generator once (bounded by its own --max-seconds and by `timeout`), and stops
# the server. Servers alternate per scenario so background load hits them all alike.

# run_load SERVER LABEL SUBSCRIBERS RATE EVENTS SECONDS PUBLISHERS [LOADGEN OPTIONS...]
run_load() {
  local server=$1 label=$2 n=$3 rate=$4 events=$5 seconds=$6 publishers=$7
  shift 7
  start_server "$server" "$label"
  echo "-- $label on $server: $n subscribers, rate $rate/s, $events events, ${seconds}s, $publishers publishers"
  timeout $((seconds + 150)) "$loadgen_bin" "${LOAD_ARGS[@]}" "${PUB_ARGS[@]}" \
    --subscribers "$n" --rate "$rate" --events "$events" --duration "$seconds" --drain 5 \
    --ramp-timeout 60 --ramp-in-flight 1000 --settle 1 --threads "$LOADGEN_THREADS" --publishers "$publishers" \
    --label "$label" --server-name "$server" --csv "$csv" "$@" \
    | tee -a "$results/loadgen.txt" || echo "loadgen ended with $? on $label/$server" >&2
  stop_server "$server"
  sleep 1
}

# run_wrk SERVER: wrk -t2 -c100 on GET / (index.html) for 10 s (3 s when quick).
run_wrk() {
  local server=$1 seconds=$2 out rps
  start_server "$server" wrk
  out=$(timeout $((seconds + 30)) wrk -t2 -c100 -d"${seconds}s" --latency "$BASE/")
  echo "$out" >"$results/wrk-$server.txt"
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  [[ -f $results/wrk.csv ]] || echo "server,requests_per_s,p50,p99" >"$results/wrk.csv"
  echo "$server,$rps,$(awk '$1=="50%"{print $2}' <<<"$out"),$(awk '$1=="99%"{print $2}' <<<"$out")" >>"$results/wrk.csv"
  echo "-- wrk GET / on $server: $rps requests/s"
  stop_server "$server"
  sleep 1
}

# run_cluster_scenario SUBSCRIBERS EVENTS SECONDS (issue 15.11): b's load, 1 000 offered events/s,
# on one ssehub in memory mode and on two instances sharing one redis-server (Redis's CPU
# counted with theirs); same subscribers, rate and publishers.
run_cluster_scenario() {
  local n=$1 events=$2 seconds=$3 s
  for s in ssehub ssehub-redis; do
    run_load "$s" cluster "$n" 1000 "$events" "$seconds" 4
  done
}

# BENCH_ONLY=cluster: just the cluster scenario.
run_all_scenarios() {
  local scale=1 seconds=10 s
  ((quick)) && scale=10 seconds=3
  LOADGEN_THREADS=${LOADGEN_THREADS:-2}
  if [[ ${BENCH_ONLY:-} == cluster ]]; then
    run_cluster_scenario $((1000 / scale)) $((1000 * seconds)) "$seconds"
    return
  fi
  # e is the median of the ramps to 10 000 subscribers of c, e2 and e3 (one ramp takes half a
  # second, too short to stand alone). Rate 0 is "as fast as the answers come". d publishes
  # over 32 connections: with 4 (d4, its definition until the practical-limit peer joined) no
  # server is saturated by publishing, and the peer's one-write-per-pass design gets 4 events
  # per write at most.
  # label        subscribers       rate  events               publishers
  local plan=(
    "a           $((1000 / scale))   100   $((100 * seconds))   4"
    "b           $((1000 / scale))   1000  $((1000 * seconds))  4"
    "c           $((10000 / scale))  100   $((100 * seconds))   4"
    "d           $((100 / scale))    0     2000000              32"
    "d4          $((100 / scale))    0     2000000              4"
    "e2          $((10000 / scale))  100   100                  4"
    "e3          $((10000 / scale))  100   100                  4"
    "n100        $((100 / scale))    100   $((100 * seconds))   4"
    "n3000       $((3000 / scale))   100   $((100 * seconds))   4"
    "r300        $((1000 / scale))   300   $((300 * seconds))   4"
    "r3000       $((1000 / scale))   3000  $((3000 * seconds))  4"
  )
  local line label n rate events publishers
  for line in "${plan[@]}"; do
    read -r label n rate events publishers <<<"$line"
    # reference: the practical limit of issue 4, bench/reference/sse_reference.c
    for s in ssehub nchan reference; do
      run_load "$s" "$label" "$n" "$rate" "$events" "$seconds" "$publishers"
    done
  done
  # ssehub alone: 19 000 concurrent subscribers held idle, then still delivering.
  run_load ssehub hold19k $((19000 / scale)) 100 $((100 * 5)) 5 4 --hold $((seconds))
  run_cluster_scenario $((1000 / scale)) $((1000 * seconds)) "$seconds"
  run_wrk ssehub "$seconds"
  run_wrk nginx2 "$seconds"
}
