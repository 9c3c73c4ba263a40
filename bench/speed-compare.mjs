#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Issue 12's speed figures: the native benchmark binary from before a change against the current one, in one run
// (rounds interleaved, so both see the same machine load), and the ratio of their medians written into the
// "Issue 12: speed, before and after" section of bench/RESULTS.md.
//   node bench/speed-compare.mjs --before PATH [--after PATH] [--rounds N] [--label TEXT]
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { median } from "./quote-timing.mjs";
import { benchmarkMedians, option, replaceResultsSection } from "./results-section.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const before = option("before", null);
const after = option("after", `${root}build/native/bench/cartcore_bench`);
const rounds = Number(option("rounds", "3"));
const label = option("label", "");
if (!before) {
  console.error("usage: node bench/speed-compare.mjs --before PATH [--after PATH] [--rounds N] [--label TEXT]");
  process.exit(2);
}

// The rows, with its targets in µs (null: no target of its own).
const rows = [
  { name: "BM_QuoteTyped/1000", what: "typed quote, 1,000 rules", target: 20 },
  { name: "BM_QuoteJsonExplain/1000/0", what: "JSON → JSON, 1,000 rules, `explain: all`", target: 40 },
  { name: "BM_QuoteJsonExplain/1000/1", what: "JSON → JSON, 1,000 rules, `explain: applied`", target: null },
  { name: "BM_QuoteJsonExplain/1000/2", what: "JSON → JSON, 1,000 rules, `explain: none`", target: null },
  { name: "BM_QuoteJsonExplain/10/0", what: "JSON → JSON, 10 rules, `explain: all`", target: 6 },
  { name: "BM_QuoteTyped/10", what: "typed quote, 10 rules", target: null },
];
const filter = "BM_QuoteTyped/(10|1000)$|BM_QuoteJsonExplain/(10|1000)/";
const repetitions = "3";

const samples = { before: new Map(), after: new Map() };
const loads = [];
let args = [];
for (let round = 0; round < rounds; ++round) {
  for (const [side, bench] of [["before", before], ["after", after]]) {
    loads.push(loadavg()[0]);
    const run = benchmarkMedians(bench, { filter, repetitions });
    args = run.args;
    for (const { name } of rows) {
      if (!samples[side].has(name)) samples[side].set(name, []);
      samples[side].get(name).push(run.micros(name));
    }
  }
}

const lines = [
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run), Release builds.`,
  `Command: \`node bench/speed-compare.mjs ${process.argv.slice(2).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}\`: ${rounds} interleaved rounds of each binary, each round \`cartcore_bench ${args.join(" ")}\`; the table shows the median over rounds of each round's median CPU time.`,
  ...(label ? [`Before → after: ${label}.`] : []),
  "The workload is the one of \"Core (native)\" above. On a loaded shared machine absolute figures run 1.5–3× above an idle one's; the ratios, taken in one run, are what to compare.",
  "",
  "| measure | before (µs) | after (µs) | speed-up | issue 12 target (µs) |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...rows.map(({ name, what, target }) => {
    const b = median(samples.before.get(name));
    const a = median(samples.after.get(name));
    return `| ${what} | ${b.toFixed(1)} | ${a.toFixed(1)} | ${(b / a).toFixed(2)}× | ${target ?? "—"} |`;
  }),
];
const body = lines.join("\n");
console.log(body);
replaceResultsSection(`${root}bench/RESULTS.md`, "issue12-speed", "Issue 12: speed, before and after", body, "bench/speed-compare.mjs");
