#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Merchant analytics at scale: generates an order history (default 1,000,000 orders over 365 days) with
# cartcore-history, starts cartcore-server on it, times every analytics question over a year, a month and a week
# with ragged edges (median of 7 runs, curl's total time on loopback), then replays 100,000 orders under a draft
# config with the CLI (`cartcore replay` over the export) and as a server job. Prints a Markdown section and, unless
# --no-write, replaces the "Analytics" section of bench/RESULTS.md with it.
# Usage: bench/analytics-bench.sh [--orders 1000000] [--replay-orders 100000] [--no-write]
# Needs the targets cartcore_history, cartcore_server and cartcore_cli (build/native).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
build="${CARTCORE_BUILD_DIR:-$bench_root/build/native}"
server_bin="$build/server/cartcore-server" cli_bin="$build/cli/cartcore" history_bin="$build/bench/cartcore-history"
orders=1000000 replay_orders=100000 days=365
while [[ $# -gt 0 ]]; do
  case "$1" in
    --orders) orders="$2"; shift 2 ;;
    --replay-orders) replay_orders="$2"; shift 2 ;;
    --no-write) write=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for bin in "$server_bin" "$cli_bin" "$history_bin"; do
  [[ -x "$bin" ]] || { echo "missing $bin: build cartcore_server, cartcore_cli and cartcore_history" >&2; exit 1; }
done

work="$bench_work"
token="$bench_token"
end="2026-11-27T00:00:00Z"

echo "generating $orders orders over $days days..." >&2
generated="$("$history_bin" --db "$work/history.db" --config "$here/analytics/store.json" --orders "$orders" \
  --days "$days" --end "$end" 2>/dev/null)"
gen_seconds="$(node -e 'console.log(JSON.parse(process.argv[1]).seconds.toFixed(1))' "$generated")"
db_size="$(du -m "$work/history.db" | cut -f1)"

# The test clock sits at the end of the history, so periods and rollups follow it; the sweeper (which would also
# roll up) waits 10 minutes, so the rollup below is timed alone.
bench_start_server history --no-seed --test-clock --threads 2 --replay-threads 2 --sweep-ms 600000
base="$server_base"
auth=(-H "Authorization: Bearer $token")
# Moving the clock also folds every finished day into the rollups (one transaction per day): time it.
rollup_started=$(date +%s.%N)
curl -sf -X POST "$base/v1/admin/test/clock" "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"now\":\"$end\"}" > /dev/null
rollup_seconds="$(echo "$(date +%s.%N) - $rollup_started" | bc -l | xargs printf '%.1f')"

median_ms() {  # url -> median of 7 curl total times, in ms
  local times=()
  curl -sf "${auth[@]}" "$1" -o /dev/null  # warm the page cache and the statement cache
  for _ in 1 2 3 4 5 6 7; do times+=("$(curl -sf "${auth[@]}" "$1" -o /dev/null -w '%{time_total}')"); done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 4p | awk '{printf "%.1f", $1 * 1000}'
}

year="from=2025-11-27T00:00:00Z&to=$end"
month="from=2026-10-28T00:00:00Z&to=$end"
week="from=2026-11-19T10:17:00Z&to=2026-11-26T16:43:00Z"
rows=""
for endpoint in promotions combinations margin stock; do
  rows+="| \`$endpoint\` | $(median_ms "$base/v1/admin/analytics/$endpoint?$year") | $(median_ms "$base/v1/admin/analytics/$endpoint?$month")"
  rows+=" | $(median_ms "$base/v1/admin/analytics/$endpoint?$week") | $(median_ms "$base/v1/admin/analytics/$endpoint?$year&format=csv") |"$'\n'
done
year_orders="$(curl -sf "${auth[@]}" "$base/v1/admin/analytics/promotions?$year" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).orders))')"

# Replay: the most recent $replay_orders orders (the history is evenly spread, so a proportional period).
replay_ms=$((days * 86400000 * replay_orders / orders))
replay_from="$(node -e 'console.log(new Date(Date.parse(process.argv[1]) - Number(process.argv[2])).toISOString())' "$end" "$replay_ms")"
export_started=$(date +%s.%N)
after=""
: > "$work/export.ndjson"
while :; do
  curl -sf "${auth[@]}" "$base/v1/admin/orders/export?from=$replay_from&to=$end&limit=10000${after:+&after=$after}" > "$work/page.ndjson"
  cat "$work/page.ndjson" >> "$work/export.ndjson"
  after="$(tail -1 "$work/page.ndjson" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const n=JSON.parse(s).next;console.log(n===null?"":encodeURIComponent(n))})')"
  [[ -n "$after" ]] || break
done
export_seconds="$(echo "$(date +%s.%N) - $export_started" | bc -l | xargs printf '%.1f')"
exported="$(grep -c '"type":"order"' "$work/export.ndjson" || true)"

cli_started=$(date +%s.%N)
"$cli_bin" replay --orders "$work/export.ndjson" --draft "$here/analytics/draft.json" --threads "$(nproc)" > "$work/cli-report.json"
cli_seconds="$(echo "$(date +%s.%N) - $cli_started" | bc -l | xargs printf '%.1f')"

job_started=$(date +%s.%N)
job="$(node -e 'const fs=require("fs");console.log(JSON.stringify({config:JSON.parse(fs.readFileSync(process.argv[1],"utf8")),from:process.argv[2],to:process.argv[3]}))' \
  "$here/analytics/draft.json" "$replay_from" "$end" | curl -sf -X POST "$base/v1/admin/config/replay" "${auth[@]}" \
  -H 'Content-Type: application/json' --data-binary @- | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).job.id))')"
while :; do
  status="$(curl -sf "${auth[@]}" "$base/v1/admin/config/replay/$job" | tee "$work/job.json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).job.status))')"
  [[ "$status" == running || "$status" == queued ]] || break
  sleep 0.2
done
job_seconds="$(echo "$(date +%s.%N) - $job_started" | bc -l | xargs printf '%.1f')"
same="$(node -e 'const fs=require("fs");const a=JSON.parse(fs.readFileSync(process.argv[1]));const b=JSON.parse(fs.readFileSync(process.argv[2])).job.report;console.log(JSON.stringify(a)===JSON.stringify(b)?"identical":"DIFFERENT")' "$work/cli-report.json" "$work/job.json")"
summary="$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1])).job.report;const c=r.byCurrency[0];console.log(`${r.repriced} repriced, ${r.baselineMatches} baseline digests equal to the committed ones; revenue ${c.difference.revenue}, discount ${c.difference.discount}, margin ${c.difference.margin} (${c.difference.marginPercent} points)`)' "$work/job.json")"

load="$(bench_load)"
report="$(cat <<REPORT
$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work (load average at the end: $load), SQLite (WAL) backend.
Command: \`bench/analytics-bench.sh --orders $orders --replay-orders $replay_orders\`. History: \`cartcore-history\`
wrote $orders orders over $days days ($year_orders in the year below) with the bench store
(\`bench/analytics/store.json\`: a stock-guarded flash price, an exclusion group, a coupon, margin floors) in
${gen_seconds} s; database ${db_size} MB. Rolling the 365 finished days into the daily rollups took ${rollup_seconds} s
(one transaction per day). Each figure is the median of 7 requests (curl total time on loopback, warm cache).

| question | year (365 days) ms | month (30 days) ms | week with ragged edges ms | year as CSV ms |
| --- | ---: | ---: | ---: | ---: |
${rows}
Replay of the last $exported orders under \`bench/analytics/draft.json\` (each order priced twice: its own version
and the draft, with its own time and stock): export (NDJSON, 10,000 per page) ${export_seconds} s;
\`cartcore replay --threads $(nproc)\` ${cli_seconds} s; server job (\`--replay-threads 2\`, polled every 0.2 s) ${job_seconds} s.
CLI and server reports: ${same}. ${summary}.
REPORT
)"
echo "$report"
if [[ "$write" == 1 ]]; then bench_write_section analytics Analytics "$report" bench/analytics-bench.sh; fi
