# Starting and stopping the servers under test (sourced by compare.sh; uses its $results,
# $repo, $ssehub_bin and $reference_bin). start_server NAME LABEL sets SERVER_PID (the process
# whose CPU and memory are measured), BASE, SUB, PUB, PUB_ARGS (the loadgen's publish options) and
# LOAD_ARGS (its --url, --publish-url and --server-pid options: several for a cluster).

free_port() {
  local p _
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

# start_nginx WORKERS LABEL: nginx (with nchan loaded) in the foreground of a background job.
start_nginx() {
  local workers=$1 dir=$results/nginx-$2 port _
  port=$(free_port)
  mkdir -p "$dir/tmp"
  sed -e "s|@WORK@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@STATIC@|$repo/static|g" -e "s|@WORKERS@|$workers|g" \
    "$here/nchan.conf.in" >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    ss -ltnH "sport = :$port" | grep -q . && [[ $(pgrep -c -P "$NGINX_PID") -ge $workers ]] && break
    sleep 0.05
  done
  SERVER_PID=$(pgrep -P "$NGINX_PID" | head -n1)
  BASE=http://127.0.0.1:$port
}

# start_reference LABEL: the practical-limit peer (bench/reference/sse_reference.c) on a free
# port; it is up when the kernel shows that very process listening there.
start_reference() {
  local port listening=0 _
  port=$(free_port)
  "$reference_bin" "$port" >"$results/reference-$1.log" 2>&1 &
  REFERENCE_PID=$!
  for _ in $(seq 1 100); do
    ss -ltnpH "sport = :$port" | grep -q "pid=$REFERENCE_PID," && listening=1 && break
    kill -0 "$REFERENCE_PID" 2>/dev/null || break
    sleep 0.05
  done
  if ((!listening)); then
    echo "sse_reference did not start; its log:" >&2
    cat "$results/reference-$1.log" >&2
    return 1
  fi
  SERVER_PID=$REFERENCE_PID
  BASE=http://127.0.0.1:$port SUB=/sub PUB=/pub PUB_ARGS=(--publish-body '%P')
}

# ssehub_flags IO_THREADS: the flags of every ssehub under test, in SSEHUB_FLAGS.
ssehub_flags() {
  # 19 000 streams (hold19k) under the 20 000-file hard limit. Builds from before max_streams
  # (issue 12) counted streams against max_connections alone.
  local limits=(--max-connections 20000)
  "$ssehub_bin" --help 2>/dev/null | grep -q -- --max-streams && limits=(--max-streams 19600 --max-connections 19900)
  SSEHUB_FLAGS=(--publish-token bench --log-level warn --io-threads "$1" "${limits[@]}" --static-root "$repo/static")
  SUB='/events?topic=bench' PUB=/publish
  PUB_ARGS=(-H "Authorization: Bearer bench" -H "Content-Type: application/json"
            --publish-body '{"topic":"bench","event":"bench","data":%P}')
}

# start_redis LABEL: redis-server on a free port with a directory of its own, persisting as a
# production one would (append-only file, appendfsync everysec) and no RDB snapshots; sets
# REDIS_PID and REDIS_PORT. Up when PING answers PONG.
start_redis() {
  local dir=$results/redis-$1 _
  REDIS_PORT=$(free_port)
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" --save '' --appendonly yes \
    --daemonize no >"$dir/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 100); do
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && return 0
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "redis-server did not start; its log:" >&2
  cat "$dir/redis.log" >&2
  return 1
}

# start_cluster LABEL: redis-server and two ssehub instances with backplane redis, one io thread
# each (as many as the single instance it is compared with has in all). Subscribers and
# publishing connections are spread over both; the CPU and memory measured are the three
# processes' together.
start_cluster() {
  local label=$1 ports=() pids=() i
  start_redis "$label"
  ssehub_flags 1
  for i in 1 2; do
    start_ssehub "$ssehub_bin" "$results/ssehub-redis-$label-$i.log" "${SSEHUB_FLAGS[@]}" \
      --backplane redis --redis-url "redis://127.0.0.1:$REDIS_PORT" --instance-name "bench-$i"
    ports+=("$SSEHUB_PORT") pids+=("$SSEHUB_PID")
    CLUSTER_PIDS+=("$SSEHUB_PID")
  done
  SERVER_PID=${pids[0]} BASE=http://127.0.0.1:${ports[0]}
  LOAD_ARGS=()
  for i in 0 1; do
    LOAD_ARGS+=(--url "http://127.0.0.1:${ports[i]}$SUB" --publish-url "http://127.0.0.1:${ports[i]}$PUB" --server-pid "${pids[i]}")
  done
  LOAD_ARGS+=(--server-pid "$REDIS_PID")
}

start_server() {
  local name=$1 label=$2
  LOAD_ARGS=()
  case $name in
    ssehub)
      ssehub_flags 2
      start_ssehub "$ssehub_bin" "$results/ssehub-$label.log" "${SSEHUB_FLAGS[@]}"
      SERVER_PID=$SSEHUB_PID
      BASE=http://127.0.0.1:$SSEHUB_PORT
      ;;
    ssehub-redis)
      start_cluster "$label"
      ;;
    nchan)
      start_nginx 1 "$label"
      SUB=/sub PUB=/pub PUB_ARGS=(--publish-body '%P')
      ;;
    nginx2)
      start_nginx 2 "$label" # static files: as many workers as ssehub has io threads
      ;;
    reference)
      start_reference "$label"
      ;;
  esac
  ((${#LOAD_ARGS[@]})) || LOAD_ARGS=(--url "$BASE$SUB" --publish-url "$BASE$PUB" --server-pid "$SERVER_PID")
}

stop_server() {
  case $1 in
    ssehub) stop_pid "$SSEHUB_PID" 10 || echo "ssehub exited with $?" >&2; SSEHUB_PID= ;;
    ssehub-redis)
      local pid
      for pid in "${CLUSTER_PIDS[@]}"; do stop_pid "$pid" 10 || echo "ssehub (redis) exited with $?" >&2; done
      CLUSTER_PIDS=() SSEHUB_PID=
      stop_pid "$REDIS_PID" 10 || echo "redis-server exited with $?" >&2
      REDIS_PID= ;;
    reference) stop_pid "$REFERENCE_PID" 10 || echo "sse_reference exited with $?" >&2; REFERENCE_PID= ;;
    *) stop_pid "$NGINX_PID" 10 || true; NGINX_PID= ;;
  esac
}
