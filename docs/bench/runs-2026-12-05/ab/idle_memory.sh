#!/usr/bin/env bash
# mem.sh BIN PORT N: bytes per idle subscriber (RSS), loopback only, bounded.
ulimit -n 20000
bin=$1 port=$2 n=${3:-10000}
$bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 >/dev/null 2>&1 & pid=$!
sleep 0.5
timeout 100 /work/main/build/release/bench/ssehub_loadgen --url "http://127.0.0.1:$port/events?topic=bench" --publish-url http://127.0.0.1:$port/publish -H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}' --subscribers $n --rate 100 --events 100 --duration 1 --drain 5 --ramp-in-flight 1000 --settle 1 --threads 2 --publishers 4 --server-pid $pid 2>&1 | grep -E "per idle|missed"
kill $pid; wait $pid 2>/dev/null
