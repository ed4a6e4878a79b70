#!/usr/bin/env bash
# conn_profile.sh BIN N TOOL: instructions (callgrind) or syscalls (strace) for N subscribers connecting.
ulimit -n 20000
bin=$1 n=$2 tool=$3 port=$((19500 + RANDOM % 400))
case $tool in
  callgrind) valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out.$n $bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 >/dev/null 2>/tmp/cg.err.$n & ;;
  strace) strace -f -c -o /tmp/st.out.$n $bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 >/dev/null 2>&1 & ;;
esac
pid=$!
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.2; done
if ((n > 0)); then
timeout 120 /work/main/build/release/bench/ssehub_loadgen --url "http://127.0.0.1:$port/events?topic=bench" --publish-url http://127.0.0.1:$port/publish -H "Authorization: Bearer bench" --subscribers $n --rate 10 --events 0 --duration 1 --drain 1 --ramp-in-flight 100 --settle 1 --threads 1 --publishers 1 >/dev/null 2>&1
fi
kill -TERM $pid; wait $pid
case $tool in
  callgrind) grep -E "^(summary|totals)" /tmp/cg.out.$n ;;
  strace) cat /tmp/st.out.$n ;;
esac
