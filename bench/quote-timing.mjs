// SPDX-License-Identifier: MIT
// Shared by the benchmarks that time quotes in Node (bench/wasm-bench.mjs, bench/peers/run.mjs,
// bench/issue12-table.mjs): back-to-back timing loops, medians, the core workload on disk, and the machine line.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `{ usPerQuote, quotes }` for `quoteOnce` (synchronous) run back to back for at least `minMs`: the shape of the
 * native driver's samples (bench/peers/native-driver.cpp). The clock is read every 16 calls so its own cost stays
 * out of the figure, as the driver does.
 */
export function timeQuotes(quoteOnce, minMs) {
  let quotes = 0;
  let elapsed = 0;
  const started = performance.now();
  while (elapsed < minMs) {
    for (let k = 0; k < 16; k++) quoteOnce();
    quotes += 16;
    elapsed = performance.now() - started;
  }
  return { usPerQuote: (elapsed * 1000) / quotes, quotes };
}

/** The same for an asynchronous call (the JS peers), at least twice; slow enough that the clock does not matter. */
export async function timeQuotesAsync(quoteOnce, minMs) {
  let quotes = 0;
  let elapsed = 0;
  const started = performance.now();
  while (elapsed < minMs || quotes < 2) {
    await quoteOnce();
    quotes += 1;
    elapsed = performance.now() - started;
  }
  return { usPerQuote: (elapsed * 1000) / quotes, quotes };
}

/** µs per quote over several samples taken together: their total time over their total quotes. */
export function pooled(samples) {
  const quotes = samples.reduce((sum, s) => sum + s.quotes, 0);
  return samples.reduce((sum, s) => sum + s.usPerQuote * s.quotes, 0) / quotes;
}

/** Round-robin over a list: `next()` returns its items in turn, forever. */
export function cycle(items) {
  let i = 0;
  return () => items[i++ % items.length];
}

/**
 * The core benchmark's workload (bench/workload.cpp) as files: `cartcore_bench --dump-workload DIR` writes
 * store-N.json for every rule count and carts.jsonl, byte for byte what Google Benchmark prices.
 */
export function dumpCoreWorkload(nativeBench, dir) {
  mkdirSync(dir, { recursive: true });
  execFileSync(nativeBench, ["--dump-workload", dir]);
  return {
    cartsPath: `${dir}/carts.jsonl`,
    carts: readFileSync(`${dir}/carts.jsonl`, "utf8").trimEnd().split("\n"),
    storePath: (rules) => `${dir}/store-${rules}.json`,
  };
}

/** Load average (1 minute) samples taken during a run, reported as a range. */
export function loadTracker() {
  const samples = [];
  return {
    sample: () => samples.push(loadavg()[0]),
    range: () => `${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)}`,
  };
}

/** "AMD EPYC (2 cores, shared)". */
export function machine() {
  return `${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared)`;
}
