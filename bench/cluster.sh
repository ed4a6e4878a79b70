# A cluster under test: one redis-server and N ssehub instances sharing it through the redis
# backplane (sourced, not run; by servers.sh for compare.sh, and by cluster_smoke.sh). Uses the
# caller's $results, $ssehub_bin, free_port (servers.sh), start_ssehub and stop_pid (lib.sh).
# start_cluster sets REDIS_PID, REDIS_PORT, CLUSTER_PIDS and CLUSTER_BASES; stop_cluster
# stops them all; kill_cluster is for an EXIT trap. Every wait is bounded.

REDIS_PID= REDIS_DIR= CLUSTER_PIDS=() CLUSTER_BASES=()

# start_redis DIR LOG: redis-server on 127.0.0.1 and a free port, its data in DIR: an
# append-only file and no snapshots, as the cluster tests run it. Up when PING answers PONG
# (while it loads its file it answers LOADING).
start_redis() {
  local dir=$1 log=$2 _
  mkdir -p "$dir"
  REDIS_DIR=$dir REDIS_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --appendonly yes --save '' \
    --daemonize no --protected-mode yes --logfile "$log" &
  REDIS_PID=$!
  for _ in $(seq 1 200); do
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && return 0
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "redis-server did not answer PING; its log:" >&2
  cat "$log" >&2
  return 1
}

# wait_ready BASE: GET BASE/readyz answers 200 (the instance reaches Redis and has warmed its
# ring), polled for at most 10 s.
wait_ready() {
  local base=$1 _
  for _ in $(seq 1 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/readyz") == 200 ]] && return 0
    sleep 0.05
  done
  echo "$base/readyz did not answer 200 within 10 s" >&2
  return 1
}

# start_cluster COUNT LABEL [SSEHUB FLAGS...]: Redis, then COUNT instances on ports of their
# own, each with the flags given and the backplane on that Redis under a key of this run alone.
start_cluster() {
  local count=$1 label=$2 i rc key base
  shift 2
  start_redis "$results/redis-$label" "$results/redis-$label.log" || return 1
  key=bench-$label-$$-$RANDOM
  CLUSTER_PIDS=() CLUSTER_BASES=()
  for i in $(seq 1 "$count"); do
    rc=0
    start_ssehub "$ssehub_bin" "$results/ssehub-redis-$label-$i.log" "$@" --backplane redis \
      --redis-url "redis://127.0.0.1:$REDIS_PORT" --redis-key "$key" --instance-name "bench-$i" || rc=$?
    CLUSTER_PIDS+=("$SSEHUB_PID") # also when it failed: it may be running
    SSEHUB_PID=
    ((rc == 0)) || return 1
    CLUSTER_BASES+=("http://127.0.0.1:$SSEHUB_PORT")
  done
  for base in "${CLUSTER_BASES[@]}"; do
    wait_ready "$base" || return 1
  done
}

# stop_cluster: the instances (SIGTERM, then what stop_pid does), then Redis, whose data
# directory goes with it (its log stays). Returns 1 when a process did not exit with 0.
stop_cluster() {
  local pid rc=0 code
  for pid in "${CLUSTER_PIDS[@]}"; do
    code=0
    stop_pid "$pid" 10 || code=$?
    ((code == 0)) || { echo "ssehub instance $pid exited with $code" >&2; rc=1; }
  done
  CLUSTER_PIDS=() CLUSTER_BASES=()
  if [[ -n $REDIS_PID ]]; then
    code=0
    stop_pid "$REDIS_PID" 10 || code=$?
    ((code == 0)) || { echo "redis-server exited with $code" >&2; rc=1; }
    REDIS_PID=
  fi
  [[ -n $REDIS_DIR ]] && rm -rf "$REDIS_DIR"
  REDIS_DIR=
  return "$rc"
}

# kill_cluster: whatever is still running, at once (an EXIT trap).
kill_cluster() {
  local pid
  for pid in "${CLUSTER_PIDS[@]}" $REDIS_PID; do
    kill -KILL "$pid" 2>/dev/null || true
  done
}
