# median and range of a column per (label, server)
function median(arr, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t } return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2 }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{ k = $1 " " $2; n[k]++; cpu[k, n[k]] = $c["deliveries_per_cpu_s"]; p99[k, n[k]] = $c["p99_us"] / 1000; p50[k, n[k]] = $c["p50_us"] / 1000 }
END {
  for (k in n) {
    m = n[k]; delete a; delete b; delete d; lo1=1e18; hi1=0; lo2=1e18; hi2=0
    for (i = 1; i <= m; i++) { a[i] = cpu[k, i]; b[i] = p99[k, i]; d[i] = p50[k, i]; if (b[i]<lo2) lo2=b[i]; if (b[i]>hi2) hi2=b[i]; if (a[i]<lo1) lo1=a[i]; if (a[i]>hi1) hi1=a[i] }
    printf "%-22s n=%d per-CPU-s median %.0fk [%.0fk-%.0fk]  p99 median %.1f ms [%.1f-%.1f]  p50 median %.1f\n", k, m, median(a, m) / 1000, lo1/1000, hi1/1000, median(b, m), lo2, hi2, median(d, m)
  }
}
