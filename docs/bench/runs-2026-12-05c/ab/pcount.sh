#!/usr/bin/env bash
# p scenario once, with syscall counts of the server (perf stat) for 3 s in the middle. Loopback only.
ulimit -n 20000
kind=$1; port=$((18800 + RANDOM % 1000)); lg=/work/main/build/release/bench/ssehub_loadgen
if [[ $kind == reference ]]; then
  /work/main/build/release/bench/sse_reference $port >/dev/null 2>&1 & pid=$!
  pub=(--publish-body '%P'); sub="http://127.0.0.1:$port/sub"; pu="http://127.0.0.1:$port/pub"
else
  ${BIN:-/work/main/build/release/app/ssehub} --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static --ticker-interval-ms 0 --stats-interval-ms 0 ${EXTRA:-} >/dev/null 2>&1 & pid=$!
  pub=(-H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}')
  sub="http://127.0.0.1:$port/events?topic=bench"; pu="http://127.0.0.1:$port/publish"
fi
sleep 0.5
(sleep 2.5; timeout -s INT 3 perf stat -e syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendto,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_read,syscalls:sys_enter_recvfrom,syscalls:sys_enter_recvmsg,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex,syscalls:sys_enter_epoll_ctl -p $pid -o /tmp/ab/pcount-$kind.txt >/dev/null 2>&1 &)
timeout 60 $lg --url "$sub" --publish-url "$pu" "${pub[@]}" --subscribers 100 --rate 0 --events 2000000 --duration 6 --drain 2 --ramp-in-flight 1000 --settle 1 --threads 2 --publishers 1 --publish-window 32 --server-pid $pid 2>&1 | grep -E "cpu sec|deliveries "
kill $pid; wait $pid 2>/dev/null; sleep 0.5
grep syscalls /tmp/ab/pcount-$kind.txt | awk '{printf "%s %s  ", $2, $1} END {print ""}'
