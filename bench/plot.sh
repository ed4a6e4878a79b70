#!/usr/bin/env bash
# Draws the charts of docs/BENCHMARKS.md from a results directory of bench/compare.sh:
#   bench/plot.sh [bench/results/latest] [docs/bench]
# latency (p50, p99) and deliveries/s against subscriber count (at 100 events/s) and against
# publish rate (at 1 000 subscribers), for ssehub, nginx + nchan and the practical limit
# (sse_reference). Needs gnuplot (gnuplot-nox).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/results/latest}
out=${2:-$here/../docs/bench}
csv=$dir/loadgen.csv
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# series LABELS SERVER XCOLUMN > file: "x p50_ms p99_ms deliveries_per_s offered_per_s", sorted by x.
series() {
  awk -F, -v labels="$1" -v server="$2" -v xcol="$3" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; split(labels, want, " "); for (k in want) ok[want[k]] = 1; next }
    ($(c["label"]) in ok) && $(c["server"]) == server {
      print $(c[xcol]), $(c["p50_us"]) / 1000, $(c["p99_us"]) / 1000, $(c["deliveries_per_s"]),
            $(c["offered_rate"]) * $(c["connected"])
    }' "$csv" | sort -g
}

for s in ssehub nchan reference; do
  series "n100 a n3000 c" "$s" subscribers >"$tmp/subs-$s.dat"
  series "a r300 b r3000" "$s" offered_rate >"$tmp/rate-$s.dat"
done

plot() { # NAME TITLE XLABEL YLABEL USING-LINES...
  local name=$1 title=$2 xlabel=$3 ylabel=$4
  shift 4
  gnuplot <<GP
set terminal svg size 720,440 font "sans,12" background "white"
set output "$out/$name.svg"
set title "$title"
set xlabel "$xlabel"
set ylabel "$ylabel"
set logscale xy
set grid
set key top left
set datafile separator " "
plot $(IFS=,; echo "$*")
GP
}

plot latency_vs_subscribers "Publish-to-receive latency, 100 events/s" "subscribers" "latency (ms)" \
  "'$tmp/subs-ssehub.dat' using 1:2 with linespoints lw 2 title 'ssehub p50'" \
  "'$tmp/subs-ssehub.dat' using 1:3 with linespoints lw 2 dt 2 title 'ssehub p99'" \
  "'$tmp/subs-nchan.dat' using 1:2 with linespoints lw 2 title 'nchan p50'" \
  "'$tmp/subs-nchan.dat' using 1:3 with linespoints lw 2 dt 2 title 'nchan p99'" \
  "'$tmp/subs-reference.dat' using 1:2 with linespoints lw 1 title 'limit p50'" \
  "'$tmp/subs-reference.dat' using 1:3 with linespoints lw 1 dt 2 title 'limit p99'"
plot deliveries_vs_subscribers "Deliveries per second, 100 events/s" "subscribers" "deliveries/s" \
  "'$tmp/subs-ssehub.dat' using 1:5 with lines lc rgb '#555555' dt 3 title 'offered'" \
  "'$tmp/subs-ssehub.dat' using 1:4 with linespoints lw 2 title 'ssehub'" \
  "'$tmp/subs-nchan.dat' using 1:4 with linespoints lw 2 title 'nchan'" \
  "'$tmp/subs-reference.dat' using 1:4 with linespoints lw 1 title 'limit'"
plot latency_vs_rate "Publish-to-receive latency, 1 000 subscribers" "publish rate (events/s)" "latency (ms)" \
  "'$tmp/rate-ssehub.dat' using 1:2 with linespoints lw 2 title 'ssehub p50'" \
  "'$tmp/rate-ssehub.dat' using 1:3 with linespoints lw 2 dt 2 title 'ssehub p99'" \
  "'$tmp/rate-nchan.dat' using 1:2 with linespoints lw 2 title 'nchan p50'" \
  "'$tmp/rate-nchan.dat' using 1:3 with linespoints lw 2 dt 2 title 'nchan p99'" \
  "'$tmp/rate-reference.dat' using 1:2 with linespoints lw 1 title 'limit p50'" \
  "'$tmp/rate-reference.dat' using 1:3 with linespoints lw 1 dt 2 title 'limit p99'"
plot deliveries_vs_rate "Deliveries per second, 1 000 subscribers" "publish rate (events/s)" "deliveries/s" \
  "'$tmp/rate-ssehub.dat' using 1:5 with lines lc rgb '#555555' dt 3 title 'offered'" \
  "'$tmp/rate-ssehub.dat' using 1:4 with linespoints lw 2 title 'ssehub'" \
  "'$tmp/rate-nchan.dat' using 1:4 with linespoints lw 2 title 'nchan'" \
  "'$tmp/rate-reference.dat' using 1:4 with linespoints lw 1 title 'limit'"
echo "charts written to $out"
