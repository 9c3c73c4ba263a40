// SPDX-License-Identifier: MIT
// The worst-case suite as a benchmark (issue 10): runs every adversarial case of tests/worstcase at half and full
// scale, each in its own child process, and writes the table, with growth ratios and the budgets, into the
// "Worst cases" section of bench/RESULTS.md.
//   node bench/worstcase-bench.mjs [--binary PATH] [--repetitions R]
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { option, replaceResultsSection } from "./results-section.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const binary = option("binary", `${root}build/native/tests/worstcase/cartcore_worstcase`);
const repetitions = Number(option("repetitions", "3"));
const budgets = {
  quote: { millis: 50, bytes: 64 << 20 },
  compile: { millis: 5000, bytes: 1 << 30 },
};

const rows = execFileSync(binary, ["--table", "--repetitions", String(repetitions)], { maxBuffer: 1 << 26 })
  .toString().trim().split("\n").map((line) => JSON.parse(line));

const mb = (bytes) => (bytes / (1 << 20)).toFixed(1);
const ms = (millis) => (millis < 10 ? millis.toFixed(2) : millis.toFixed(0));
const table = [
  "| case | what is adversarial | n (full scale) | outcome | ms at n/2 | ms at n | growth | heap MB | output MB | budget |",
  "|---|---|---:|---|---:|---:|---:|---:|---:|---|",
];
let outside = 0;
for (let i = 0; i < rows.length; i += 2) {
  const [half, full] = [rows[i], rows[i + 1]];
  const budget = budgets[full.kind];
  const within = full.outcome === full.expected && full.millis <= budget.millis && full.peakHeapBytes <= budget.bytes;
  if (!within) outside += 1;
  const growth = half.millis > 0 ? (full.millis / half.millis).toFixed(2) : "-";
  table.push(`| \`${full.case}\` | ${full.description} | ${full.scale.toLocaleString("en")} ${full.unit} | ` +
    `${full.outcome} | ${ms(half.millis)} | ${ms(full.millis)} | ${growth} | ${mb(full.peakHeapBytes)} | ` +
    `${mb(full.outputBytes)} | ${within ? "within" : "**outside**"} (${full.kind}: ${budget.millis} ms, ${mb(budget.bytes)} MB) |`);
}

const body = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared with other work),`,
  `Release build. Command: \`node bench/worstcase-bench.mjs\` (= \`build/native/tests/worstcase/cartcore_worstcase --table --repetitions ${repetitions}\`).`,
  "Every case runs in a fresh child process (6 GB address-space cap, 60 s deadline); time is the thread CPU time of the",
  "fastest repetition of the operation alone (`Engine::compile`, or `quoteJson` on an engine compiled beforehand),",
  "memory the peak of live heap bytes during it. Growth = time at n ÷ time at n/2: about 2 for linear or n log n",
  "work, 4 for quadratic; below 5 ms it is mostly timer noise. Budgets (docs/LIMITS.md): a quote ≤ 50 ms and",
  "≤ 64 MB, a compile ≤ 5 s and ≤ 1 GB. `ctest -R core_worstcase` (`cartcore_worstcase --check --margin 4`) asserts",
  "them with a 4× margin (shared, noisy machines) and a growth ratio ≤ 3.5 above 5 ms (n log n doubles, quadratic quadruples);",
  "a case over either is measured again in fresh children, up to 3 times, and judged on its fastest (load slows the",
  "shared caches and cores in bursts; a real regression is over on every try).",
  "",
  ...table,
  "",
  `${outside === 0 ? "Every case is within its budget." : `${outside} case(s) outside their budget.`}`,
].join("\n");

replaceResultsSection(`${root}bench/RESULTS.md`, "worstcase-bench", "Worst cases (issue 10)", body, "bench/worstcase-bench.mjs");
console.log(body);
