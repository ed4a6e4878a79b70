#!/usr/bin/env bash
# cpumon.sh PID NAME: every 0.5 s: the process's CPU ticks (10 ms) and the machine's busy ticks, bounded to 60 s
pid=$1; name=$2; prev=0; pbusy=0
for i in $(seq 1 120); do
  t=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null)
  [[ -n $t ]] || break
  busy=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  echo "$name $(date +%S.%N | cut -c1-5) proc $((t-prev)) machine $((busy-pbusy))"
  prev=$t; pbusy=$busy; sleep 0.5
done
