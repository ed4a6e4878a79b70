#!/usr/bin/env bash
# alternating c-ramps: ssehub (new) vs sse_reference; loopback only, bounded by timeout
ulimit -n "$(ulimit -Hn)"
lg=/work/main/build/release/bench/ssehub_loadgen
out=${OUT:-/tmp/ab/eref.csv}
for round in $(seq 1 ${ROUNDS:-4}); do
  for kind in ${KINDS:-ssehub reference}; do
    port=$((18800 + RANDOM % 1000))
    if [[ $kind == reference ]]; then
      /work/main/build/release/bench/sse_reference $port >/dev/null 2>&1 & pid=$!
      pub=(--publish-body '%P'); sub="http://127.0.0.1:$port/sub"; pu="http://127.0.0.1:$port/pub"
    else
      ${BIN:-/work/main/build/release/app/ssehub} --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads ${IO:-2} --static-root /work/main/static \
        --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 ${EXTRA:-} >/dev/null 2>&1 & pid=$!
      pub=(-H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}')
      sub="http://127.0.0.1:$port/events?topic=bench"; pu="http://127.0.0.1:$port/publish"
    fi
    sleep 0.5
    timeout 160 $lg --url "$sub" --publish-url "$pu" "${pub[@]}" --subscribers 10000 --rate 100 --events 200 --duration 2 --drain 5 \
      --ramp-timeout 60 --ramp-in-flight 1000 --settle 1 --threads 2 --publishers 4 --server-pid $pid --label c --server-name $kind --csv $out >/dev/null 2>&1
    kill -KILL $pid; wait $pid 2>/dev/null; sleep 1
  done
done
