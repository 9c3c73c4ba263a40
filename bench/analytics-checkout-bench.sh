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
root="$(cd "$here/.." && pwd)"
server_bin="${CARTCORE_SERVER_BIN:-$root/build/native/server/cartcore-server}"
rounds=3 duration=10s connections=32 write=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --no-write) write=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -x "$server_bin" ]] || { echo "no server binary at $server_bin; build target cartcore_server" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
token="bench-token"

declare -A base pid_of
for facts in on off; do
  # Fair-access limits off: every wrk connection comes from 127.0.0.1, one "client".
  "$server_bin" --db "$work/$facts.db" --port 0 --admin-token "$token" --threads 2 --analytics-facts "$facts" \
    --max-holds-per-client 0 --max-held-units-per-client 0 --hold-rate-per-ip 0 \
    > "$work/$facts.out" 2> "$work/$facts.err" &
  pids+=($!)
  pid_of[$facts]=$!
  for _ in $(seq 200); do [[ -s "$work/$facts.out" ]] && break; sleep 0.05; done
  port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/$facts.out" | head -1)"
  [[ -n "$port" ]] || { echo "server ($facts) did not start: $(cat "$work/$facts.err")" >&2; exit 1; }
  base[$facts]="http://127.0.0.1:$port"
  curl -sf -X PUT "${base[$facts]}/v1/admin/stock" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"levels":{"tee-black-m":{"onHand":1000000000},"hoodie-grey-m":{"onHand":1000000000},"mug":{"onHand":1000000000}}}' >/dev/null
  wrk -t1 -c4 -d2s -s "$here/server/hold-checkout.lua" "${base[$facts]}/v1/holds" >/dev/null 2>&1 || true
done

orders() { curl -sf "$1/metrics" | awk '/^cartcore_orders_committed_total/ {print $2}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
seconds="${duration%s}"

run() {  # facts -> "orders/s cpu-us-per-request non2xx"
  local facts="$1" before after cpu_before cpu_after
  before="$(orders "${base[$facts]}")"
  cpu_before="$(cpu_ticks "${pid_of[$facts]}")"
  wrk -t2 -c"$connections" -d"$duration" -s "$here/server/hold-checkout.lua" "${base[$facts]}/v1/holds" \
    > "$work/wrk.txt" 2> /dev/null || true
  cpu_after="$(cpu_ticks "${pid_of[$facts]}")"
  after="$(orders "${base[$facts]}")"
  local requests errors
  requests="$(awk '/requests in/ {print $1}' "$work/wrk.txt")"
  errors="$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt")"
  awk -v a="$before" -v b="$after" -v s="$seconds" -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" \
    -v n="${requests:-0}" -v e="${errors:-0}" \
    'BEGIN { printf "%.0f %.0f %d\n", (b - a) / s, (n > 0 ? t * 1e6 / hz / n : 0), e }'
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
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
slowdown="$(awk -v r="$median_rate" 'BEGIN {printf "%.1f", (1 - r) * 100}')"
cpu_cost="$(awk -v r="$median_cpu" 'BEGIN {printf "%.1f", (r - 1) * 100}')"

report="$(cat <<REPORT
$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared by both servers, wrk and other work (load average before: $load_before,
after: $(cut -d' ' -f1-3 /proc/loadavg)); SQLite (WAL, \`--synchronous normal\`), server \`--threads 2\`.
Command: \`bench/analytics-checkout-bench.sh --rounds $rounds --duration $duration --connections $connections\`. Workload:
bench/server/hold-checkout.lua (POST /v1/holds then POST /v1/checkout, 2 lines, sample store), wrk -t2 -c$connections
-d$duration per run; one server per setting from the same binary, run in turns.

| round | orders/s facts off | orders/s facts on | on/off | CPU per request off | CPU per request on | on/off | non-2xx |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows}
Median on/off: throughput ${median_rate} (checkout ${slowdown} % slower with facts), server CPU per request
${median_cpu} (${cpu_cost} % more). Budget: less than 10 % slower.
REPORT
)"
echo "$report"
if [[ "$write" == 1 ]]; then
  REPORT="$report" node --input-type=module -e '
    import { replaceResultsSection } from "'"$here"'/results-section.mjs";
    replaceResultsSection("'"$here"'/RESULTS.md", "analytics-checkout", "Analytics: checkout cost", process.env.REPORT,
                          "bench/analytics-checkout-bench.sh");'
fi
