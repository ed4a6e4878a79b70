#!/usr/bin/env bash
# RssAnon/RssFile of a server before and after 10 000 idle streams (loopback only, bounded)
ulimit -n 20000
bin=$1 port=$((18900 + RANDOM % 500))
$bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 >/dev/null 2>&1 & pid=$!
sleep 0.5; b=$(grep -E "RssAnon|RssFile" /proc/$pid/status | awk '{printf "%s ", $2}')
timeout 100 /work/main/build/release/bench/ssehub_loadgen --url "http://127.0.0.1:$port/events?topic=bench" --publish-url http://127.0.0.1:$port/publish -H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}' --subscribers 10000 --rate 100 --events 100 --duration 3 --drain 5 --ramp-in-flight 1000 --settle 1 --threads 2 --publishers 4 --server-pid $pid >/dev/null 2>&1 &
lgpid=$!; sleep 3; a=$(grep -E "RssAnon|RssFile" /proc/$pid/status | awk '{printf "%s ", $2}')
wait $lgpid; kill $pid; wait $pid 2>/dev/null
echo "$(basename $bin) before(anon file) $b after $a"
