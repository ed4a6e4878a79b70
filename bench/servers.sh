# Starting and stopping the servers under test (sourced by compare.sh; uses its $results,
# $repo, $ssehub_bin and $reference_bin). start_server NAME LABEL sets BASES (where the
# subscribers and publishers are dealt out: one, or a cluster's instances), SERVER_PIDS (the
# processes whose CPU and memory are summed: a cluster's Redis among them), SUB, PUB and
# PUB_ARGS (the loadgen's publish options); a single server also BASE and SERVER_PID.
source "$here/cluster.sh"

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

# The flags of every ssehub under test, memory or redis backplane alike (start_ssehub adds no
# ticker and no stats events).
ssehub_flags() {
  # 19 000 streams (hold19k) under the 20 000-file hard limit. Builds from before max_streams
  # (issue 12) counted streams against max_connections alone.
  local limits=(--max-connections 20000)
  "$ssehub_bin" --help 2>/dev/null | grep -q -- --max-streams && limits=(--max-streams 19600 --max-connections 19900)
  SSEHUB_FLAGS=(--publish-token bench --log-level warn "${limits[@]}" --static-root "$repo/static")
  SUB='/events?topic=bench' PUB=/publish
  PUB_ARGS=(-H "Authorization: Bearer bench" -H "Content-Type: application/json"
            --publish-body '{"topic":"bench","event":"bench","data":%P}')
}

start_server() {
  local name=$1 label=$2
  case $name in
    ssehub)
      ssehub_flags
      start_ssehub "$ssehub_bin" "$results/ssehub-$label.log" "${SSEHUB_FLAGS[@]}" --io-threads 2
      SERVER_PID=$SSEHUB_PID
      BASE=http://127.0.0.1:$SSEHUB_PORT
      ;;
    ssehub-redis)
      # Two instances of one io thread each: as many io threads as ssehub's two (the backplane's
      # Redis threads come on top, as Redis itself does).
      ssehub_flags
      start_cluster 2 "$label" "${SSEHUB_FLAGS[@]}" --io-threads 1
      BASES=("${CLUSTER_BASES[@]}") SERVER_PIDS=("${CLUSTER_PIDS[@]}" "$REDIS_PID")
      return 0
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
  BASES=("$BASE") SERVER_PIDS=("$SERVER_PID")
}

stop_server() {
  case $1 in
    ssehub) stop_pid "$SSEHUB_PID" 10 || echo "ssehub exited with $?" >&2; SSEHUB_PID= ;;
    ssehub-redis) stop_cluster || true ;;
    reference) stop_pid "$REFERENCE_PID" 10 || echo "sse_reference exited with $?" >&2; REFERENCE_PID= ;;
    *) stop_pid "$NGINX_PID" 10 || true; NGINX_PID= ;;
  esac
}
