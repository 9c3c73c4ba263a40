#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What recording analytics facts costs checkout: two cartcore-servers from the same binary, one with
# `--analytics-facts off`, each on its own fresh SQLite database, take the hold+checkout workload of
# bench/server-bench.sh in turns (off, on, on, off, ... so drift in the machine's load falls on both alike).
# Reports orders/s and server CPU per request of each round and the on/off ratios (median of the rounds). Prints a
# Markdown section and, unless --no-write, replaces the "Analytics: checkout cost" section of bench/RESULTS.md.
# Usage: bench/analytics-checkout-bench.sh [--rounds 3] [--duration 10s] [--connections 32] [--no-write]
# Env: CARTCORE_SERVER_BIN (default build/native/server/cartcore-server).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    *) bench_common_option "$@"; shift "$bench_consumed" ;;
  esac
done
bench_require_wrk
bench_require_server

declare -A base pid_of
for facts in on off; do
  bench_start_server "$facts" --threads 2 --analytics-facts "$facts" "${bench_no_fair_access[@]}"
  base[$facts]="$server_base"
  pid_of[$facts]="$server_pid"
  bench_fill_stock "$server_base"
  wrk -t1 -c4 -d2s -s "$here/server/hold-checkout.lua" "$server_base/v1/holds" >/dev/null 2>&1 || true
done

ticks_per_second="$(getconf CLK_TCK)"
seconds="${duration%s}"

run() {  # facts -> "orders/s cpu-us-per-request non2xx"
  local facts="$1" before after cpu_before cpu_after
  before="$(bench_orders_committed "${base[$facts]}")"
  cpu_before="$(bench_cpu_ticks "${pid_of[$facts]}")"
  wrk -t2 -c"$connections" -d"$duration" -s "$here/server/hold-checkout.lua" "${base[$facts]}/v1/holds" \
    > "$bench_work/wrk.txt" 2> /dev/null || true
  cpu_after="$(bench_cpu_ticks "${pid_of[$facts]}")"
  after="$(bench_orders_committed "${base[$facts]}")"
  local requests errors
  requests="$(awk '/requests in/ {print $1}' "$bench_work/wrk.txt")"
  errors="$(awk '/Non-2xx/ {print $5}' "$bench_work/wrk.txt")"
  awk -v a="$before" -v b="$after" -v s="$seconds" -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" \
    -v n="${requests:-0}" -v e="${errors:-0}" \
    'BEGIN { printf "%.0f %.0f %d\n", (b - a) / s, (n > 0 ? t * 1e6 / hz / n : 0), e }'
}

load_before="$(bench_load)"
rows="" ratios_rate=() ratios_cpu=()
for round in $(seq "$rounds"); do
  if (( round % 2 )); then order=(off on); else order=(on off); fi
  declare -A rate cpu errs
  for facts in "${order[@]}"; do read -r rate[$facts] cpu[$facts] errs[$facts] <<<"$(run "$facts")"; done
  ratio_rate="$(awk -v a="${rate[on]}" -v b="${rate[off]}" 'BEGIN {printf "%.3f", a / b}')"
  ratio_cpu="$(awk -v a="${cpu[on]}" -v b="${cpu[off]}" 'BEGIN {printf "%.3f", a / b}')"
  ratios_rate+=("$ratio_rate") ratios_cpu+=("$ratio_cpu")
  rows+="| $round (${order[0]} first) | ${rate[off]} | ${rate[on]} | $ratio_rate | ${cpu[off]} µs | ${cpu[on]} µs | $ratio_cpu | $((errs[off] + errs[on])) |"$'\n'
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
median_rate="$(median "${ratios_rate[@]}")" median_cpu="$(median "${ratios_cpu[@]}")"
# Signed words rather than "-8.7 % slower": a ratio above 1 means the run with facts was faster (noise).
slowdown="$(awk -v r="$median_rate" 'BEGIN {d = (1 - r) * 100; printf "%.1f %% %s", (d < 0 ? -d : d), (d < 0 ? "faster" : "slower")}')"
cpu_cost="$(awk -v r="$median_cpu" 'BEGIN {printf "%.1f", (r - 1) * 100}')"

report="$(cat <<REPORT
$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared by both servers, wrk and other work (load average before: $load_before,
after: $(bench_load)); SQLite (WAL, \`--synchronous normal\`), server \`--threads 2\`.
Command: \`bench/analytics-checkout-bench.sh --rounds $rounds --duration $duration --connections $connections\`. Workload:
bench/server/hold-checkout.lua (POST /v1/holds then POST /v1/checkout, 2 lines, sample store), wrk -t2 -c$connections
-d$duration per run; one server per setting from the same binary, run in turns.

| round | orders/s facts off | orders/s facts on | on/off | CPU per request off | CPU per request on | on/off | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows}
Median on/off: throughput ${median_rate} (checkout ${slowdown} with facts), server CPU per request
${median_cpu} (${cpu_cost} % more). Budget: less than 10 % slower.
REPORT
)"
echo "$report"
if [[ "$write" == 1 ]]; then
  bench_write_section analytics-checkout "Analytics: checkout cost" "$report" bench/analytics-checkout-bench.sh
fi
