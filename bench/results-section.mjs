// SPDX-License-Identifier: MIT
// Shared by the benchmark scripts: run Google Benchmark for medians, and replace one generated section of
// bench/RESULTS.md between its markers, leaving every other section intact.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces the block between `<!-- name:begin … -->` and `<!-- name:end -->` (appending it under `## heading` the
 * first time). `generator` names the script in the begin marker; an existing marker is found by its prefix.
 */
export function replaceResultsSection(resultsPath, name, heading, body, generator = "") {
  const beginPrefix = `<!-- ${name}:begin`;
  const end = `<!-- ${name}:end -->`;
  const begin = `${beginPrefix} (generated${generator ? ` by ${generator}` : ""}; edit outside these markers) -->`;
  const block = `${begin}\n${body}\n${end}`;
  // Re-read right before writing: the other sections belong to other benchmarks and must stay intact.
  let text = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "# Benchmark results\n";
  const from = text.indexOf(beginPrefix);
  const to = text.indexOf(end);
  text = from !== -1 && to !== -1
    ? text.slice(0, from) + block + text.slice(to + end.length)
    : `${text.trimEnd()}\n\n## ${heading}\n\n${block}\n`;
  writeFileSync(resultsPath, text);
}

/** Command-line option `--name value`, or the fallback. */
export function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : process.argv[at + 1];
}

/**
 * Runs a Google Benchmark binary with repetitions and returns its arguments and each benchmark's median row, with
 * `micros(name)` giving that median's CPU time in microseconds.
 */
export function benchmarkMedians(bench, { filter, repetitions }) {
  // Google Benchmark reports medians only for two or more repetitions.
  const args = [
    ...(filter ? [`--benchmark_filter=${filter}`] : []),
    `--benchmark_repetitions=${repetitions}`,
    "--benchmark_report_aggregates_only=true",
    "--benchmark_min_time=0.2",
    "--benchmark_format=json",
  ];
  const report = JSON.parse(execFileSync(bench, args, { maxBuffer: 1 << 26 }).toString());
  const medians = new Map();  // "BM_QuoteTyped/1000" -> aggregate row
  for (const row of report.benchmarks) {
    if (row.aggregate_name === "median") medians.set(row.run_name, row);
  }
  const micros = (name) => {
    const row = medians.get(name);
    return row.time_unit === "ms" ? row.cpu_time * 1000 : row.cpu_time;
  };
  return { args: args.slice(0, -1), medians, micros };
}
