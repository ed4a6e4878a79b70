#!/usr/bin/env bash
# Alternating A/B of scenarios b, c, d (as bench/scenarios.sh runs them) between two ssehub builds.
# Loopback only; every run bounded by the load generator's own limits and by timeout.
set -u
ulimit -n "$(ulimit -Hn)"
lg=/work/main/build/release/bench/ssehub_loadgen
out=/tmp/ab/abc.csv
for round in $(seq 1 ${ROUNDS:-3}); do
  for sc in ${SCS:-"b 1000 1000 10000 4" "c 10000 100 1000 4" "d 100 0 2000000 32"}; do
    read -r label n rate events pubs <<<"$sc"
    for rev in "$@"; do
      bin=/work/main/build/bench-$rev/build/app/ssehub; [[ $rev == HEAD ]] && bin=/work/main/build/release/app/ssehub
      port=$((18800 + round))
      $bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static \
        --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 >/dev/null 2>&1 &
      pid=$!; sleep 0.5
      timeout 160 $lg --url "http://127.0.0.1:$port/events?topic=bench" --publish-url "http://127.0.0.1:$port/publish" \
        -H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}' \
        --subscribers $n --rate $rate --events $events --duration 10 --drain 5 --ramp-timeout 60 --ramp-in-flight 1000 --settle 1 \
        --threads 2 --publishers $pubs --server-pid $pid --label $label --server-name $rev --csv $out >/dev/null 2>&1
      kill -KILL $pid; wait $pid 2>/dev/null
      sleep 1
    done
  done
done
