# The scenarios of the comparison (sourced by compare.sh). Each load run starts a fresh server,
# runs the load generator once (bounded by its own --max-seconds and by `timeout`), and stops
# the server. Servers alternate per scenario so background load hits them all alike.
# BENCH_SCENARIOS (space-separated labels; empty: all) keeps only the runs of those labels.

# wanted LABEL: the run is among BENCH_SCENARIOS (or that is empty).
wanted() {
  [[ -z ${BENCH_SCENARIOS:-} || " $BENCH_SCENARIOS " == *" $1 "* ]]
}

# run_load SERVER LABEL SUBSCRIBERS RATE EVENTS SECONDS PUBLISHERS [LOADGEN OPTIONS...]
# The subscribers and publisher connections are dealt out over every server of BASES (a
# cluster's instances), and the CPU and memory summed over SERVER_PIDS (servers.sh).
run_load() {
  local server=$1 label=$2 n=$3 rate=$4 events=$5 seconds=$6 publishers=$7 base pid targets=()
  shift 7
  wanted "$label" || return 0
  start_server "$server" "$label"
  for base in "${BASES[@]}"; do targets+=(--url "$base$SUB" --publish-url "$base$PUB"); done
  for pid in "${SERVER_PIDS[@]}"; do targets+=(--server-pid "$pid"); done
  echo "-- $label on $server: $n subscribers, rate $rate/s, $events events, ${seconds}s, $publishers publishers${*:+, $*}"
  timeout $((seconds + 150)) "$loadgen_bin" "${targets[@]}" "${PUB_ARGS[@]}" \
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
  wanted f || return 0
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

run_all_scenarios() {
  local scale=1 seconds=10 s
  ((quick)) && scale=10 seconds=3
  LOADGEN_THREADS=${LOADGEN_THREADS:-2}
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
  # p (issue 17): d's load from one publisher connection keeping 32 POSTs in flight (HTTP/1.1
  # pipelining, as wrk-style clients and proxies send).
  for s in ssehub nchan reference; do
    run_load "$s" p $((100 / scale)) 0 2000000 "$seconds" 1 --publish-window 32
  done
  # storm (issue 17): 100 subscribers and a seed of 1 001 events, then 10 000 clients connect at
  # once (at most 1 000 waiting for their head), each with a Last-Event-ID 1 000 events back,
  # while 100 live events/s go on. Not nchan: replaying 10M frames at its ~80k deliveries/s
  # would take minutes. The connection rate without replay is e.
  for s in ssehub reference; do
    run_load "$s" storm 100 100 $((100 * seconds)) "$seconds" 4 --storm $((10000 / scale)) --storm-replay 1000
  done
  # cluster (issue 15): one instance in memory mode against two sharing one Redis (each instance
  # one io thread: as many as the memory instance's two), the same subscribers and offered rate.
  # The subscribers and the 4 publisher connections are dealt out evenly over the two instances;
  # every subscriber gets the events of both.
  for s in ssehub ssehub-redis; do
    run_load "$s" cluster $((1000 / scale)) 1000 $((1000 * seconds)) "$seconds" 4
  done
  # ssehub alone: 19 000 concurrent subscribers held idle, then still delivering.
  run_load ssehub hold19k $((19000 / scale)) 100 $((100 * 5)) 5 4 --hold $((seconds))
  run_wrk ssehub "$seconds"
  run_wrk nginx2 "$seconds"
}
