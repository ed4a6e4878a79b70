#!/usr/bin/env bash
# storm1.sh BIN [reference]: one run of the storm scenario (100 subscribers, a seed of 1 001
# events, then 10 000 clients with 1 000 events of replay each during 10 s of live events),
# loopback only, bounded by timeout and the load generator's own limits. Knobs (environment):
#   RATE/EVENTS  live events/s and their count (100/1000 as in bench/scenarios.sh; 2/20: the
#                replay alone)     NAME/OUT  the CSV row's server name and the CSV file
#   INFLIGHT     storm connects pending at once (1000)   DUR  seconds of live events (10)
#   MON=1        CPU per 0.5 s of the server and the machine (cpumon.sh)
#   PERFA=1      perf record -a for PDUR s after PSLEEP s   PSTAT=1  syscall counts (perf stat)
#   SIG          the signal that ends the server (KILL)      LG  the load generator
set -u
ulimit -n "$(ulimit -Hn)"
lg=${LG:-/work/main/build/release/bench/ssehub_loadgen}
bin=$1; kind=${2:-ssehub}
port=$((18800 + RANDOM % 1000))
if [[ $kind == reference ]]; then
  $bin $port >/dev/null 2>&1 & pid=$!
  pub=(--publish-body '%P')
  sub="http://127.0.0.1:$port/sub"; pu="http://127.0.0.1:$port/pub"
else
  $bin --port $port --bind 127.0.0.1 --publish-token bench --log-level warn --io-threads 2 --static-root /work/main/static \
    --ticker-interval-ms 0 --stats-interval-ms 0 --max-streams 19600 --max-connections 19900 ${EXTRA:-} >/dev/null 2>/tmp/st/server.err & pid=$!
  pub=(-H "Authorization: Bearer bench" -H "Content-Type: application/json" --publish-body '{"topic":"bench","event":"bench","data":%P}')
  sub="http://127.0.0.1:$port/events?topic=bench"; pu="http://127.0.0.1:$port/publish"
fi
sleep 0.5; [[ -n ${MON:-} ]] && "$(dirname "$0")"/cpumon.sh $pid server > /tmp/st/mon-server.txt &
[[ -n ${PERFA:-} ]] && { (sleep ${PSLEEP:-2.3}; timeout ${PDUR:-3} perf record -a -e cpu-clock -F 1000 -o /tmp/st/perfa.data >/dev/null 2>&1) & }
[[ -n ${PSTAT:-} ]] && { timeout 30 perf stat -e syscalls:sys_enter_sendmsg,syscalls:sys_enter_writev,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_accept4,syscalls:sys_enter_recvfrom,syscalls:sys_enter_epoll_ctl -p $pid -o /tmp/st/pstat.txt & }
timeout 160 $lg --url "$sub" --publish-url "$pu" "${pub[@]}" \
  --subscribers 100 --rate ${RATE:-100} --events ${EVENTS:-1000} --duration ${DUR:-10} --drain 5 --ramp-timeout 60 --ramp-in-flight ${INFLIGHT:-1000} --settle 1 \
  --threads 2 --publishers 4 --server-pid $pid --label storm --server-name ${NAME:-$kind} --csv ${OUT:-/tmp/st/storm.csv} --storm 10000 --storm-replay 1000 ${LGX:-}
kill -${SIG:-KILL} $pid; wait $pid 2>/dev/null
