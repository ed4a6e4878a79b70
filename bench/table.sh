#!/usr/bin/env bash
# Prints the comparison table (Markdown) from a results directory of bench/compare.sh:
#   bench/table.sh bench/results/latest
set -euo pipefail
dir=${1:-$(dirname "$0")/results/latest}

awk -F, '
FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
FILENAME ~ /loadgen.csv$/ { for (i = 1; i <= NF; i++) v[$1, $2, i] = $i; seen[$1, $2] = 1; next }
FILENAME ~ /wrk.csv$/ { wrk[$1] = $2; next }
# The figure of one run, or the median of several: labels separated by spaces.
function get(labels, server, name,    n, k, i, j, x, parts, vals) {
  n = 0
  k = split(labels, parts, " ")
  for (i = 1; i <= k; i++) {
    x = v[parts[i], server, col[lg, name]]
    if (x == "") continue
    for (j = ++n; j > 1 && vals[j - 1] + 0 > x + 0; j--) vals[j] = vals[j - 1]
    vals[j] = x
  }
  return n == 0 ? "" : vals[int((n + 1) / 2)]
}
function num(x, digits) { return x == "" ? "-" : sprintf("%." digits "f", x) }
function big(x) { return x == "" ? "-" : (x >= 1e6 ? sprintf("%.2fM", x / 1e6) : (x >= 1e4 ? sprintf("%.0fk", x / 1e3) : sprintf("%.0f", x))) }
function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
function row(scn, what, a, b, l, shown_a, shown_b, shown_l, target) {
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", scn, what, shown_a, shown_b, ratio(a, b), shown_l, ratio(a, l), target
}
function shown(x, kind) { return kind == "ms" || kind == "s" ? num(x, 2) : big(x) }
function ms(x) { return x == "" ? "" : x / 1000 }
# A figure of ssehub, nchan and the practical limit (sse_reference) in one scenario.
function fig(label, what, name, kind, target, scn,    a, b, l) {
  a = get(label, "ssehub", name); b = get(label, "nchan", name); l = get(label, "reference", name)
  if (kind == "ms") { a = ms(a); b = ms(b); l = ms(l) }
  row(scn == "" ? label : scn, what, a, b, l, shown(a, kind), shown(b, kind), shown(l, kind), target)
}
END {
  lg = dir "/loadgen.csv"
  others = 0 # runs of the other scenarios (BENCH_ONLY=cluster has none)
  for (k in seen) { split(k, key, SUBSEP); if (key[1] != "cluster") others = 1 }
  if (others) main_table()
  if (seen["cluster", "ssehub"] || seen["cluster", "ssehub-redis"]) {
    # Issue 15.11: two instances sharing one Redis (its CPU counted) against one in memory mode.
    if (others) print ""
    print "| cluster | figure | memory (1 instance) | redis (2 instances + Redis) | redis/memory | target |"
    print "|---|---|---:|---:|---:|---|"
    cl("deliveries per CPU-s (Redis counted)", "deliveries_per_cpu_s", "", ">= 0.75")
    cl("deliveries/s (offered 1M/s)", "deliveries_per_s", "", "")
    cl("latency p50 (ms)", "p50_us", "ms", "at most +2 ms")
    cl("latency p99 (ms)", "p99_us", "ms", "")
    cl("publish round trip p50 (ms)", "publish_rtt_p50_us", "ms", "")
    cl("publish round trip p99 (ms)", "publish_rtt_p99_us", "ms", "")
    cl("events missed", "missed", "", "0")
  }
}
function main_table(    n, per, base) {
  print "| scenario | figure | ssehub | nchan | ssehub/nchan | limit | ssehub/limit | target |"
  print "|---|---|---:|---:|---:|---:|---:|---|"
  fig("a", "latency p50 (ms)", "p50_us", "ms", "")
  fig("a", "latency p90 (ms)", "p90_us", "ms", "")
  fig("a", "latency p99 (ms)", "p99_us", "ms", "ratio <= 0.5")
  fig("a", "latency max (ms)", "max_us", "ms", "")
  fig("a", "deliveries/s (offered 100k/s)", "deliveries_per_s", "", "")
  fig("a", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "")
  fig("b", "deliveries/s (offered 1M/s)", "deliveries_per_s", "", "the full 1M/s")
  fig("b", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "limit ratio >= 0.5")
  fig("b", "latency p99 (ms)", "p99_us", "ms", "")
  fig("b", "events missed", "missed", "", "")
  fig("c", "deliveries/s (offered 1M/s)", "deliveries_per_s", "", "the full 1M/s")
  fig("c", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "limit ratio >= 0.5")
  fig("c", "latency p99 (ms)", "p99_us", "ms", "")
  fig("c", "events missed", "missed", "", "")
  fig("c", "bytes per idle subscriber", "bytes_per_subscriber", "", "<= 2048")
  fig("d", "max deliveries/s (32 publishers)", "deliveries_per_s", "", "")
  fig("d", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "limit ratio >= 0.5")
  fig("d", "latency p99 (ms)", "p99_us", "ms", "ratio <= 0.5")
  fig("d4", "deliveries/s (4 publishers)", "deliveries_per_s", "", "")
  fig("d4", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "")
  fig("d4", "latency p99 (ms)", "p99_us", "ms", "")
  fig("c e2 e3", "time to connect 10 000 (median of 3 ramps)", "connect_s", "s", "", "e")
  fig("c e2 e3", "connections/s (median of 3 ramps)", "connect_per_s", "", "ratio >= 1", "e")
  row("f", "wrk GET / requests/s (ssehub vs nginx)", wrk["ssehub"], wrk["nginx2"], "", big(wrk["ssehub"]), big(wrk["nginx2"]), "-", "ratio >= 1")
  if (seen["hold19k", "ssehub"]) {
    n = get("hold19k", "ssehub", "connected"); per = get("hold19k", "ssehub", "bytes_per_subscriber")
    base = get("hold19k", "ssehub", "rss_before_kb") * 1024
    printf "\nssehub held %d of %d subscribers (%d dropped) for the hold, RSS %.0f MiB, %.0f B each;", \
      n, get("hold19k", "ssehub", "subscribers"), get("hold19k", "ssehub", "dropped"), \
      get("hold19k", "ssehub", "rss_connected_kb") / 1024, per
    printf " then delivered %d of %d events (p99 %.2f ms).\n", get("hold19k", "ssehub", "deliveries"), \
      get("hold19k", "ssehub", "expected"), get("hold19k", "ssehub", "p99_us") / 1000
    printf "Extrapolated to 100 000 idle subscribers: %.0f MiB (%.0f MiB base + 100 000 x %.0f B).\n", \
      (base + 1e5 * per) / 1048576, base / 1048576, per
  }
}
function cl(what, name, kind, target,    a, b) {
  a = get("cluster", "ssehub", name); b = get("cluster", "ssehub-redis", name)
  if (kind == "ms") { a = ms(a); b = ms(b) }
  printf "| %s | %s | %s | %s | %s | %s |\n", "cluster", what, shown(a, kind), shown(b, kind), ratio(b, a), target
}' dir="$dir" "$dir/loadgen.csv" $([[ -f $dir/wrk.csv ]] && echo "$dir/wrk.csv") 2>/dev/null || true

# Every load run of the directory, one row each.
echo
awk -F, 'NR == 1 {
  for (i = 1; i <= NF; i++) c[$i] = i
  print "| run | server | subscribers | offered events/s | published/s | deliveries/s | p50 ms | p99 ms | max ms | server CPU-s (kernel) | deliveries per CPU-s | loadgen CPU-s | missed / out of order |"
  print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  next
}
{
  r = $(c["offered_rate"]) + 0
  printf "| %s | %s | %d | %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f (%.2f) | %.0f | %.2f | %d / %d |\n",
    $(c["label"]), $(c["server"]), $(c["connected"]), (r == 0 ? "max" : r), $(c["publish_per_s"]),
    $(c["deliveries_per_s"]), $(c["p50_us"]) / 1000, $(c["p99_us"]) / 1000, $(c["max_us"]) / 1000,
    $(c["server_cpu_publish_s"]), $(c["server_sys_publish_s"]), $(c["deliveries_per_cpu_s"]),
    $(c["loadgen_cpu_s"]), $(c["missed"]), $(c["out_of_order"])
}' "$dir/loadgen.csv"
