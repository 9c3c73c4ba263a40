#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Loopback HTTP benchmark of cartcore-server with wrk: quote, then hold+checkout, on a fresh SQLite file.
# Usage: bench/server-bench.sh [--duration 10s] [--connections 32] [--threads 2] [--synchronous normal|full]
#                              [--no-write]
# Env: CARTCORE_SERVER_BIN (default build/native/server/cartcore-server). Prints a Markdown summary and, unless
# --no-write, replaces the "Server" section of bench/RESULTS.md with it (bench/results-section.mjs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
server_bin="${CARTCORE_SERVER_BIN:-$root/build/native/server/cartcore-server}"
duration=10s connections=32 wrk_threads=2 synchronous=normal server_threads=2 write=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) wrk_threads="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    --synchronous) synchronous="$2"; shift 2 ;;
    --no-write) write=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -x "$server_bin" ]] || { echo "no server binary at $server_bin; build target cartcore_server" >&2; exit 1; }

work="$(mktemp -d)"
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

token="bench-token"
# wrk's connections all come from 127.0.0.1, one "client" to the fair-access limits: those are turned off here.
"$server_bin" --db "$work/bench.db" --port 0 --admin-token "$token" --threads "$server_threads" \
  --synchronous "$synchronous" --max-holds-per-client 0 --max-held-units-per-client 0 --hold-rate-per-ip 0 \
  > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$work/server.out" ]] && break; sleep 0.05; done
port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/server.out" | head -1)"
[[ -n "$port" ]] || { echo "server did not start: $(cat "$work/server.err")" >&2; exit 1; }
base="http://127.0.0.1:$port"
# Plenty of stock, so every hold succeeds and the run measures the happy path.
curl -sf -X PUT "$base/v1/admin/stock" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"levels":{"tee-black-m":{"onHand":1000000000},"hoodie-grey-m":{"onHand":1000000000},"mug":{"onHand":1000000000}}}' >/dev/null

# The server's own CPU time (user + system, in clock ticks) from /proc: CPU per request does not depend on how
# much of the shared machine wrk and other processes take, so it shows what the server would do on free cores.
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

run() {  # name script path -> "requests/s p50 p99 non2xx cpu-us-per-request"
  local name="$1" script="$2" path="$3"
  local cpu_before cpu_after
  cpu_before="$(server_cpu_ticks)"
  wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency -s "$script" "$base$path" > "$work/$name.txt" 2> "$work/$name.err" || true
  cpu_after="$(server_cpu_ticks)"
  local rps p50 p99 errors requests cpu_us
  rps="$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")"
  p50="$(awk '$1=="50%" {print $2}' "$work/$name.txt")"
  p99="$(awk '$1=="99%" {print $2}' "$work/$name.txt")"
  errors="$(awk '/Non-2xx/ {print $5}' "$work/$name.txt")"
  requests="$(awk '/requests in/ {print $1}' "$work/$name.txt")"
  cpu_us="$(awk -v t=$((cpu_after - cpu_before)) -v hz="$ticks_per_second" -v n="${requests:-0}" \
    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "?" }')"
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0} $cpu_us"
}

# Warm up (page cache, allocator, first WAL growth), then measure.
wrk -t1 -c4 -d2s -s "$here/server/quote.lua" "$base/v1/quote" >/dev/null 2>&1 || true
read -r q_rps q_p50 q_p99 q_err q_cpu <<<"$(run quote "$here/server/quote.lua" /v1/quote)"
orders_before="$(curl -sf "$base/metrics" | awk '/^cartcore_orders_committed_total/ {print $2}')"
read -r hc_rps hc_p50 hc_p99 hc_err hc_cpu <<<"$(run hold-checkout "$here/server/hold-checkout.lua" /v1/holds)"
orders_after="$(curl -sf "$base/metrics" | awk '/^cartcore_orders_committed_total/ {print $2}')"
seconds="${duration%s}"
orders_per_second="$(awk -v a="$orders_before" -v b="$orders_after" -v s="$seconds" 'BEGIN {printf "%.0f", (b-a)/s}')"

load="$(cut -d' ' -f1-3 /proc/loadavg)"
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
if [[ "$write" == 1 ]]; then
  REPORT="$report" node --input-type=module -e '
    import { replaceResultsSection } from "'"$here"'/results-section.mjs";
    replaceResultsSection("'"$here"'/RESULTS.md", "server", "Server", process.env.REPORT);'
fi
