#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Runs the native Google Benchmark suite (bench/core_bench.cpp) with repetitions and writes the medians, the
// command and the machine into the "Core (native)" section of bench/RESULTS.md.
//   node bench/core-bench.mjs [--bench PATH] [--repetitions N]
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { benchmarkMedians, option, replaceResultsSection } from "./results-section.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const bench = option("bench", `${root}build/native/bench/cartcore_bench`);
const repetitions = option("repetitions", "7");
const { args, medians, micros: microsOf } = benchmarkMedians(bench, { filter: "BM_Quote(Typed|Json)/|BM_Compile", repetitions });
const micros = (row) => microsOf(row.run_name);
const ruleCounts = [10, 100, 1000, 10000];
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared with other work),`,
  `Release build. Command: \`node bench/core-bench.mjs\` (= \`build/native/bench/cartcore_bench ${args.join(" ")}\`), medians of ${repetitions} repetitions, CPU time.`,
  "Workload (`bench/workload.cpp`, seeded): a 2,000-variant catalog (200 products × 10 colour/size variants, 20 categories);",
  "N rules: 10 % tiered price rules, then item discounts, buy-X-get-Y, bundles, spend thresholds and free shipping over",
  "product, variant, category and category+attribute selectors; 40 % need a code, 15 % run on a schedule (half live), 10 % target",
  "a segment. 64 different 10-line carts, each entering one random code. `rules listed` = rules in the quote (relevant to",
  "the cart's lines or cart-wide); `applied` = those that changed a price.",
  "",
  "| rules | typed quote (µs) | JSON in → JSON out (µs) | rules listed / cart | applied / cart |",
  "| ---: | ---: | ---: | ---: | ---: |",
  ...ruleCounts.map((n) => {
    const typed = medians.get(`BM_QuoteTyped/${n}`);
    const json = medians.get(`BM_QuoteJson/${n}`);
    return `| ${n} | ${micros(typed).toFixed(2)} | ${micros(json).toFixed(2)} | ${Number(typed.rulesListed).toFixed(1)} | ${Number(typed.rulesApplied).toFixed(1)} |`;
  }),
  "",
  ...[1000, 10000].map((n) => `Compiling the ${n}-rule store (validate + index): ${(micros(medians.get(`BM_Compile/${n}`)) / 1000).toFixed(1)} ms.`),
];
const body = lines.join("\n");
console.log(body);
replaceResultsSection(`${root}bench/RESULTS.md`, "core-bench", "Core (native)", body);
