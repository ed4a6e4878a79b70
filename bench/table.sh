#!/usr/bin/env bash
# Prints the comparison table (Markdown) from a results directory of bench/compare.sh:
#   bench/table.sh bench/results/latest
set -euo pipefail
dir=${1:-$(dirname "$0")/results/latest}
wrk_csv=() # absent when BENCH_SCENARIOS left out f (mawk stops at a missing file)
[[ -f $dir/wrk.csv ]] && wrk_csv=("$dir/wrk.csv")

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
# The header comes with the first row: a run of the cluster scenario alone has none.
function row(scn, what, a, b, l, shown_a, shown_b, shown_l, target) {
  if (!headed++) {
    print "| scenario | figure | ssehub | nchan | ssehub/nchan | limit | ssehub/limit | target |"
    print "|---|---|---:|---:|---:|---:|---:|---|"
  }
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", scn, what, shown_a, shown_b, ratio(a, b), shown_l, ratio(a, l), target
}
function shown(x, kind) { return kind == "ms" || kind == "s" ? num(x, 2) : big(x) }
function ms(x) { return x == "" ? "" : x / 1000 }
# A figure of ssehub, nchan and the practical limit (sse_reference) in one scenario; no row when
# none of them ran it (BENCH_SCENARIOS).
function fig(label, what, name, kind, target, scn,    a, b, l) {
  a = get(label, "ssehub", name); b = get(label, "nchan", name); l = get(label, "reference", name)
  if (a == "" && b == "" && l == "") return
  if (kind == "ms") { a = ms(a); b = ms(b); l = ms(l) }
  row(scn == "" ? label : scn, what, a, b, l, shown(a, kind), shown(b, kind), shown(l, kind), target)
}
# Scenario cluster (issue 15): one instance in memory mode (server "ssehub") against two sharing
# one Redis ("ssehub-redis"). Times are compared by their difference, the rest by redis/memory.
function cfig(what, name, kind, target,    m, r, compared) {
  m = v["cluster", "ssehub", col[lg, name]]; r = v["cluster", "ssehub-redis", col[lg, name]]
  if (kind == "ms") { m = ms(m); r = ms(r) }
  if (kind == "ms") compared = (m == "" || r == "") ? "-" : sprintf("%+.2f ms", r - m)
  else compared = ratio(r, m)
  printf "| %s | %s | %s | %s | %s |\n", what, shown(m, kind), shown(r, kind), compared, target
}
function cluster_table() {
  if (headed) print ""
  print "| cluster | memory (1 instance) | redis (2 instances + Redis) | redis/memory | target |"
  print "|---|---:|---:|---:|---|"
  cfig("achieved publish/s", "publish_per_s", "", "")
  cfig("deliveries/s", "deliveries_per_s", "", "")
  cfig("server CPU-s while publishing (Redis counted)", "server_cpu_publish_s", "s", "")
  cfig("deliveries per server CPU-s", "deliveries_per_cpu_s", "", ">= 0.75")
  cfig("latency p50 (ms)", "p50_us", "ms", "<= +2 ms")
  cfig("latency p99 (ms)", "p99_us", "ms", "")
  cfig("publish round trip p50 (ms)", "publish_rtt_p50_us", "ms", "")
  cfig("publish round trip p99 (ms)", "publish_rtt_p99_us", "ms", "")
  cfig("events missed", "missed", "", "")
  cfig("events out of order", "out_of_order", "", "")
}
END {
  lg = dir "/loadgen.csv"
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
  fig("c e2 e3", "connections/s (median of 3 ramps)", "connect_per_s", "", "ratio >= 1; limit ratio >= 1", "e")
  fig("p", "max deliveries/s (1 connection, 32 pipelined)", "deliveries_per_s", "", "")
  fig("p", "deliveries per server CPU-s", "deliveries_per_cpu_s", "", "limit ratio >= 0.6")
  fig("p", "latency p99 (ms)", "p99_us", "ms", "limit ratio <= 1.5")
  fig("storm", "clients/s served 1 000 events of replay", "storm_per_s", "", ">= 10k/s")
  fig("storm", "time until every client has its replay (s)", "storm_s", "s", "")
  fig("storm", "live latency p99 during the storm (ms)", "storm_p99_us", "ms", "< 50 ms")
  fig("storm", "live latency p99 over the run (ms; after the storm 10 100 subscribers)", "p99_us", "ms", "")
  if (("ssehub" in wrk) || ("nginx2" in wrk))
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
  if (seen["cluster", "ssehub"] || seen["cluster", "ssehub-redis"]) cluster_table()
}' dir="$dir" "$dir/loadgen.csv" "${wrk_csv[@]}" 2>/dev/null || true

# Every load run of the directory, one row each.
echo
awk -F, 'NR == 1 {
  for (i = 1; i <= NF; i++) c[$i] = i
  print "| run | server | subscribers | offered events/s | published/s | deliveries/s | p50 ms | p99 ms | max ms | server CPU-s (kernel) | deliveries per CPU-s | loadgen CPU-s | missed / out of order | publish rtt p50 / p99 ms |"
  print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  next
}
# Columns added later are "-" in older results.
function ms_or_dash(name) { return (name in c) ? sprintf("%.2f", $(c[name]) / 1000) : "-" }
{
  r = $(c["offered_rate"]) + 0
  printf "| %s | %s | %d | %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f (%.2f) | %.0f | %.2f | %d / %d | %s / %s |\n",
    $(c["label"]), $(c["server"]), $(c["connected"]), (r == 0 ? "max" : r), $(c["publish_per_s"]),
    $(c["deliveries_per_s"]), $(c["p50_us"]) / 1000, $(c["p99_us"]) / 1000, $(c["max_us"]) / 1000,
    $(c["server_cpu_publish_s"]), $(c["server_sys_publish_s"]), $(c["deliveries_per_cpu_s"]),
    $(c["loadgen_cpu_s"]), $(c["missed"]), $(c["out_of_order"]), ms_or_dash("publish_rtt_p50_us"),
    ms_or_dash("publish_rtt_p99_us")
}' "$dir/loadgen.csv"
