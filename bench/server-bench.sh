#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Loopback HTTP benchmark of cartcore-server with wrk: quote, then hold+checkout, on a fresh SQLite file.
# Usage: bench/server-bench.sh [--duration 10s] [--connections 32] [--threads 2] [--synchronous normal|full]
#                              [--no-write]
# Env: CARTCORE_SERVER_BIN (default build/native/server/cartcore-server). Prints a Markdown summary and, unless
# --no-write, replaces the "Server" section of bench/RESULTS.md with it (bench/results-section.mjs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
wrk_threads=2 synchronous=normal server_threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) wrk_threads="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    --synchronous) synchronous="$2"; shift 2 ;;
    *) bench_common_option "$@"; shift "$bench_consumed" ;;
  esac
done
bench_require_wrk
bench_require_server

bench_start_server bench --threads "$server_threads" --synchronous "$synchronous" "${bench_no_fair_access[@]}"
base="$server_base"
bench_fill_stock "$base"
ticks_per_second="$(getconf CLK_TCK)"

run() {  # name script path -> "requests/s p50 p99 non2xx cpu-us-per-request"
  local name="$1" script="$2" path="$3"
  local cpu_before cpu_after
  cpu_before="$(bench_cpu_ticks "$server_pid")"
  wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency -s "$script" "$base$path" > "$bench_work/$name.txt" 2> "$bench_work/$name.err" || true
  cpu_after="$(bench_cpu_ticks "$server_pid")"
  local rps p50 p99 errors requests cpu_us
  rps="$(awk '/Requests\/sec/ {print $2}' "$bench_work/$name.txt")"
  p50="$(awk '$1=="50%" {print $2}' "$bench_work/$name.txt")"
  p99="$(awk '$1=="99%" {print $2}' "$bench_work/$name.txt")"
  errors="$(awk '/Non-2xx/ {print $5}' "$bench_work/$name.txt")"
  requests="$(awk '/requests in/ {print $1}' "$bench_work/$name.txt")"
  cpu_us="$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" -v n="${requests:-0}" \
    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "?" }')"
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0} $cpu_us"
}

# Warm up (page cache, allocator, first WAL growth), then measure.
wrk -t1 -c4 -d2s -s "$here/server/quote.lua" "$base/v1/quote" >/dev/null 2>&1 || true
read -r q_rps q_p50 q_p99 q_err q_cpu <<<"$(run quote "$here/server/quote.lua" /v1/quote)"
orders_before="$(bench_orders_committed "$base")"
read -r hc_rps hc_p50 hc_p99 hc_err hc_cpu <<<"$(run hold-checkout "$here/server/hold-checkout.lua" /v1/holds)"
orders_after="$(bench_orders_committed "$base")"
seconds="${duration%s}"
orders_per_second="$(awk -v a="$orders_before" -v b="$orders_after" -v s="$seconds" 'BEGIN {printf "%.0f", (b-a)/s}')"

load="$(bench_load)"
report="$(cat <<REPORT
wrk -t$wrk_threads -c$connections -d$duration --latency on loopback; server \`--threads $server_threads --synchronous $synchronous\`;
$(nproc) cores shared by the server, wrk and anything else running (load average before the run: $load);
$(date -u +%Y-%m-%dT%H:%MZ). Command: \`bench/server-bench.sh --duration $duration --connections $connections\`.

| workload | requests/s | p50 | p99 | non-2xx | server CPU per request |
| --- | ---: | ---: | ---: | ---: | ---: |
| POST /v1/quote (3 lines, 4 rules applied, live stock) | $q_rps | $q_p50 | $q_p99 | $q_err | $q_cpu µs |
| POST /v1/holds + POST /v1/checkout, alternating | $hc_rps | $hc_p50 | $hc_p99 | $hc_err | $hc_cpu µs |

Orders committed during the hold+checkout run: $((orders_after - orders_before)) ($orders_per_second orders/s; each order is
one hold and one checkout, so hold+checkout requests/s = 2 x orders/s).
REPORT
)"
echo "$report"
if [[ "$write" == 1 ]]; then bench_write_section server Server "$report"; fi
