#!/usr/bin/env bash
# RssAnon growth per stream 4 s after 10 000 streams opened in a burst (10 events/s meanwhile); loopback only, bounded
ulimit -n 20000
bin=$1 port=$((18900 + RANDOM % 500))
$bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 >/dev/null 2>&1 & pid=$!
sleep 0.5; b=$(awk '/RssAnon/{print $2}' /proc/$pid/status)
timeout 100 /work/main/build/release/bench/ssehub_loadgen --url "http://127.0.0.1:$port/events?topic=bench" --publish-url http://127.0.0.1:$port/publish -H "Authorization: Bearer bench" --subscribers 10000 --rate 10 --events 50 --duration 5 --drain 2 --ramp-in-flight 1000 --settle 1 --threads 2 --publishers 1 --server-pid $pid >/dev/null 2>&1 &
lg=$!; sleep 1.5; a1=$(awk '/RssAnon/{print $2}' /proc/$pid/status); sleep 2.5; a=$(awk '/RssAnon/{print $2}' /proc/$pid/status)
wait $lg; kill $pid; wait $pid 2>/dev/null
echo "$(basename $bin) $(( (a1-b)*1024/10000 )) $(( (a-b)*1024/10000 ))"
