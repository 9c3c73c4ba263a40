# SPDX-License-Identifier: MIT
# What the server benchmarks share (sourced by bench/*.sh): the common options, a scratch directory, throwaway
# cartcore-servers stopped on exit, the stock top-up, the server's CPU time and order count, and writing a section
# of bench/RESULTS.md. The sourcing script sets `set -euo pipefail` and `here` (its own directory) first.

bench_root="$(cd "$here/.." && pwd)"
server_bin="${CARTCORE_SERVER_BIN:-$bench_root/build/native/server/cartcore-server}"
bench_token="bench-token"
# wrk's connections all come from 127.0.0.1, one "client" to the fair-access limits: benchmarks turn them off.
bench_no_fair_access=(--max-holds-per-client 0 --max-held-units-per-client 0 --hold-rate-per-ip 0)
duration=10s connections=32 write=1

# One option every wrk benchmark takes (--duration, --connections, --no-write): sets it and `bench_consumed` (how
# many arguments to shift). Anything else is a usage error. In the caller's loop: *) bench_common_option "$@";
# shift "$bench_consumed" ;;
bench_common_option() {
  case "$1" in
    --duration) duration="$2"; bench_consumed=2 ;;
    --connections) connections="$2"; bench_consumed=2 ;;
    --no-write) write=0; bench_consumed=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
}

bench_require_wrk() {
  command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
}

bench_require_server() {
  [[ -x "$server_bin" ]] || { echo "no server binary at $server_bin; build target cartcore_server" >&2; exit 1; }
}

# The scratch directory ($bench_work) and every server started below go away on exit, however the script ends.
bench_work="$(mktemp -d)"
bench_pids=()
bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$bench_work"
}
trap bench_cleanup EXIT

# bench_start_server NAME [server options...]: cartcore-server on $bench_work/NAME.db, port 0, admin token
# $bench_token; sets server_pid and server_base (http://127.0.0.1:PORT).
bench_start_server() {
  local name="$1" port
  shift
  "$server_bin" --db "$bench_work/$name.db" --port 0 --admin-token "$bench_token" "$@" \
    > "$bench_work/$name.out" 2> "$bench_work/$name.err" &
  server_pid=$!
  bench_pids+=("$server_pid")
  for _ in $(seq 200); do [[ -s "$bench_work/$name.out" ]] && break; sleep 0.05; done
  port="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$bench_work/$name.out" | head -1)"
  [[ -n "$port" ]] || { echo "server ($name) did not start: $(cat "$bench_work/$name.err")" >&2; exit 1; }
  server_base="http://127.0.0.1:$port"
}

# Plenty of stock of the sample store's variants, so every hold succeeds and a run measures the happy path.
bench_fill_stock() {
  curl -sf -X PUT "$1/v1/admin/stock" -H "Authorization: Bearer $bench_token" -H 'Content-Type: application/json' \
    -d '{"levels":{"tee-black-m":{"onHand":1000000000},"hoodie-grey-m":{"onHand":1000000000},"mug":{"onHand":1000000000}}}' \
    > /dev/null
}

# A process's CPU time (user + system) in clock ticks, from /proc: CPU per request does not depend on how much of
# the shared machine wrk and other processes take. Ticks per second: $(getconf CLK_TCK).
bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

bench_orders_committed() { curl -sf "$1/metrics" | awk '/^cartcore_orders_committed_total/ {print $2}'; }

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_write_section NAME HEADING REPORT [GENERATOR]: replaces that section of bench/RESULTS.md.
bench_write_section() {
  REPORT="$3" node --input-type=module -e '
    import { replaceResultsSection } from "'"$here"'/results-section.mjs";
    const [name, heading, generator] = process.argv.slice(1);
    replaceResultsSection("'"$here"'/RESULTS.md", name, heading, process.env.REPORT, generator);' \
    "$1" "$2" "${4:-}"
}
