#!/usr/bin/env bash
# Alternating A/B between variants "name=ENV=VAL@BIN" on the loads of bench/scenarios.sh, e.g.
#   OUT=x.csv SCS="a 1000 100 1000 4 1;b 1000 1000 10000 4 1" ROUNDS=6 ./ab.sh "old=X=1@old/ssehub" "new=X=1@new/ssehub"
# (SCS: label subscribers rate events publishers window [loadgen options]; summ.awk prints medians.)
# Loopback only; every run bounded by the load generator's own limits and by timeout.
set -u
ulimit -n "$(ulimit -Hn)"
lg=${LG:-/work/main/build/release/bench/ssehub_loadgen}
out=${OUT:-/tmp/ab/ab.csv}
for round in $(seq 1 ${ROUNDS:-3}); do
  scs=${SCS:-"d 100 0 2000000 32 1;p 100 0 2000000 1 32"}
  IFS=';' read -r -a list <<<"$scs"
  for sc in "${list[@]}"; do
    read -r label n rate events pubs window extra <<<"$sc"
    for v in "$@"; do
      name=${v%%=*}; rest=${v#*=}; envs=${rest%@*}; bin=${rest##*@}
      port=$((18800 + RANDOM % 1000))
      env $envs $bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static \
        --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 >/dev/null 2>&1 &
      pid=$!; sleep 0.5
      timeout 160 $lg --url "http://127.0.0.1:$port/events?topic=bench" --publish-url "http://127.0.0.1:$port/publish" \
        -H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}' \
        --subscribers $n --rate $rate --events $events --duration ${DUR:-10} --drain 5 --ramp-timeout 60 --ramp-in-flight 1000 --settle 1 \
        --threads 2 --publishers $pubs --publish-window ${window:-1} --server-pid $pid --label $label --server-name $name --csv $out $extra >/dev/null 2>&1
      kill -KILL $pid; wait $pid 2>/dev/null
      sleep 1
    done
  done
done
