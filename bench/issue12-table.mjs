#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Issue 12's speed table, every row measured in one run of one process: the native core at 1,000 and 10 rules
// (Google Benchmark, as bench/core-bench.mjs and bench/speed-compare.mjs measure it), native against Medusa at
// 10 lines × 100 promotions (`explain: all` and `applied`), and WASM against native at 10 .. 10,000 rules. The two
// sides of each ratio are sampled alternately in every round, so they see the same machine load.
//
//   node bench/issue12-table.mjs [--write] [--rounds N] [--min-ms MS] [--slices N] [--bench PATH] [--driver PATH] [--wasm-before DIR]
//     --write    replace the generated table in "Issue 12: speed, before and after" of bench/RESULTS.md
//     --rounds   timed rounds after one discarded warm-up round (default 9)
//     --min-ms   milliseconds of back-to-back quotes per side and round (default 250), taken in --slices slices
//     --slices   slices per side and round, the sides alternating slice by slice (default 10)
//     --bench    cartcore_bench (default build/native/bench/cartcore_bench)
//     --driver   cartcore_peer_driver (default build/native/bench/cartcore_peer_driver)
//     --wasm-before DIR   also time the WASM package of another checkout (DIR/wasm/js + DIR/wasm/dist, for example a
//                `git archive` of an earlier commit built with scripts/build-wasm) beside this one, for a before/after
// Needs the native Release build, the WASM package (scripts/build-wasm) and the peers (bench/peers/install-peers).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Cartcore from "cartcore";
import { assertNativeMatchesWasm } from "./peers/agreement.mjs";
import { loadCartcoreWasm, startNativeDriver, writeCartcoreInputs } from "./peers/cartcore.mjs";
import { makeWorkload } from "./peers/workload.mjs";
import { cycle, dumpCoreWorkload, loadTracker, machine, median, pooled, timeQuotes, timeQuotesAsync } from "./quote-timing.mjs";
import { benchmarkMedians, option, replaceResultsSection } from "./results-section.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const bench = option("bench", `${root}build/native/bench/cartcore_bench`);
const driver = option("driver", `${root}build/native/bench/cartcore_peer_driver`);
const rounds = Number(option("rounds", "9"));
const minMs = Number(option("min-ms", "250"));
const slices = Number(option("slices", "10"));
// The two sides of a ratio alternate in short slices, so a burst of other work on the shared cores falls on both.
const sliceMs = minMs / slices;
const write = process.argv.includes("--write");
const wasmBefore = option("wasm-before", null);
const log = (...args) => console.error(...args);

for (const [path, how] of [[bench, "cmake --build build/native --target cartcore_bench"], [driver, "cmake --build build/native --target cartcore_peer_driver"]]) {
  if (!existsSync(path)) {
    log(`${path} not found: build it first (${how}), or pass its path`);
    process.exit(1);
  }
}
if (!existsSync(`${root}bench/peers/node_modules/@medusajs/promotion`)) {
  log("Medusa is not installed: run bench/peers/install-peers first");
  process.exit(1);
}
const { createMedusaPeer, medusaVersion } = await import("./peers/medusa.mjs");

const startedAt = Date.now();
const load = loadTracker();
load.sample();
const uptimeAtStart = execFileSync("uptime", { encoding: "utf8" }).trim();

// ---- the core workload (bench/workload.cpp): rows 1-3, and WASM against native at every size ----
const GB_ROWS = [
  { name: "BM_QuoteTyped/1000", what: "typed quote, 1,000 rules", target: 20 },
  { name: "BM_QuoteJsonExplain/1000/0", what: "JSON → JSON, 1,000 rules, `explain: all`", target: 40 },
  { name: "BM_QuoteJsonExplain/10/0", what: "JSON → JSON, 10 rules", target: 6 },
];
const GB_FILTER = "^BM_QuoteTyped/1000$|^BM_QuoteJsonExplain/(10|1000)/0$";
const core = dumpCoreWorkload(bench, `${root}build/bench/workload`);
const instance = await Cartcore.load();
const instanceBefore = wasmBefore ? await loadCartcoreWasm(wasmBefore.replace(/\/$/, "")) : null;
const sizes = [];
for (const rules of [10, 100, 1000, 10000]) {
  const native = startNativeDriver(driver, core.storePath(rules), core.cartsPath);
  const storeJson = readFileSync(core.storePath(rules), "utf8");
  const engine = instance.compile(storeJson);
  const engineBefore = instanceBefore?.compile(storeJson);
  // Same bytes from every build, and no error path timed.
  const nativeQuotes = await native.quotes();
  assertNativeMatchesWasm(nativeQuotes, core.carts.map((cart) => engine.quoteJson(cart)));
  if (engineBefore) assertNativeMatchesWasm(nativeQuotes, core.carts.map((cart) => engineBefore.quoteJson(cart)));
  if (!nativeQuotes.every((quote) => quote.startsWith('{"ok":true'))) throw new Error(`a workload cart failed at ${rules} rules`);
  const nextCart = cycle(core.carts);
  const sides = {
    wasm: () => timeQuotes(() => engine.quoteJson(nextCart()), sliceMs),
    native: () => native.measure(sliceMs),
  };
  if (engineBefore) sides.wasmBefore = () => timeQuotes(() => engineBefore.quoteJson(nextCart()), sliceMs);
  sizes.push({
    rules,
    sides,
    stop: async () => {
      engine.dispose();
      engineBefore?.dispose();
      await native.stop();
    },
  });
}

// ---- the peer workload (bench/peers/workload.mjs) at 100 promotions: native against Medusa ----
const peerOut = `${root}build/peers/out`;
mkdirSync(peerOut, { recursive: true });
const peerWorkload = makeWorkload({ cartCount: 64, promotionCount: 100 });
const peerInputs = writeCartcoreInputs(peerOut, "mixed-100", peerWorkload);
const nativeAll = startNativeDriver(driver, peerInputs.storePath, peerInputs.cartsPath);
const nativeApplied = startNativeDriver(driver, peerInputs.storePath, peerInputs.appliedPath);
for (const quote of [...(await nativeAll.quotes()), ...(await nativeApplied.quotes())]) {
  if (!quote.startsWith('{"ok":true')) throw new Error(`a peer workload cart failed: ${quote.slice(0, 200)}`);
}
const medusa = createMedusaPeer(peerWorkload);
const nextPeerCart = cycle(peerWorkload.carts);
// Medusa's JIT takes seconds to settle (its first 250 ms run ~2× slower than later ones): warm it for 3 s first.
await timeQuotesAsync(() => medusa.run(nextPeerCart()), 3000);
const medusaSides = {
  medusa: () => timeQuotesAsync(() => medusa.run(nextPeerCart()), sliceMs),
  all: () => nativeAll.measure(sliceMs),
  applied: () => nativeApplied.measure(sliceMs),
};

/**
 * One round's figure for every side: the sides take turns slice by slice (the order rotated by round so no side
 * always runs first), and each side's figure is its time over its quotes across all its slices.
 */
async function sampleSides(sides, round, into) {
  const names = Object.keys(sides);
  const sliceFigures = Object.fromEntries(names.map((name) => [name, []]));
  for (let slice = 0; slice < slices; slice++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      sliceFigures[name].push(await sides[name]());
    }
  }
  if (into) for (const name of names) (into[name] ??= []).push(pooled(sliceFigures[name]));
}

// ---- the rounds ----
const gbSamples = new Map(GB_ROWS.map(({ name }) => [name, []]));
const medusaSamples = {};
const sizeSamples = new Map(sizes.map(({ rules }) => [rules, {}]));
let gbArgs = [];
for (let round = -1; round < rounds; round++) {
  const timed = round >= 0;  // round -1 warms up the JIT, the drivers' caches and Medusa, and is discarded
  load.sample();
  if (timed) {
    const run = benchmarkMedians(bench, { filter: GB_FILTER, repetitions: "3" });
    gbArgs = run.args;
    for (const { name } of GB_ROWS) gbSamples.get(name).push(run.micros(name));
  }
  await sampleSides(medusaSides, Math.max(round, 0), timed ? medusaSamples : null);
  for (const size of sizes) await sampleSides(size.sides, Math.max(round, 0), timed ? sizeSamples.get(size.rules) : null);
  load.sample();
  if (timed) log(`round ${round + 1}/${rounds} done (load ${load.range()})`);
}
for (const size of sizes) await size.stop();
await nativeAll.stop();
await nativeApplied.stop();

// ---- the report ----
const seconds = Math.round((Date.now() - startedAt) / 1000);
const commit = execFileSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
const dirty = execFileSync("git", ["-C", root, "status", "--porcelain", "--untracked-files=no", "--", "core", "wasm", "bench", ":!bench/RESULTS.md"], { encoding: "utf8" }).trim() !== "";
const range = (values, digits = 1) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
const perRound = (numerators, denominators) => numerators.map((n, i) => n / denominators[i]);
const verdict = (reached) => (reached ? "reached" : "**missed**");

const medusaUs = median(medusaSamples.medusa);
const againstMedusa = [
  { level: "all", what: "against Medusa, 10 lines × 100 promotions, same run, JSON → JSON `all`", target: 60 },
  { level: "applied", what: "against Medusa, same, `applied`", target: 100 },
].map((row) => ({ ...row, nativeUs: median(medusaSamples[row.level]), ratio: medusaUs / median(medusaSamples[row.level]), rounds: perRound(medusaSamples.medusa, medusaSamples[row.level]) }));
const wasmRows = sizes.map(({ rules }) => {
  const s = sizeSamples.get(rules);
  const before = s.wasmBefore && { us: median(s.wasmBefore), ratio: median(s.wasmBefore) / median(s.native), speedup: perRound(s.wasmBefore, s.wasm) };
  return { rules, wasmUs: median(s.wasm), nativeUs: median(s.native), ratio: median(s.wasm) / median(s.native), rounds: perRound(s.wasm, s.native), before };
});
const worstWasm = Math.max(...wasmRows.map((r) => r.ratio));

const command = `node bench/issue12-table.mjs ${process.argv.slice(2).join(" ")}`.trim();
const lines = [
  `Measured ${new Date(startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}, Node ${process.version}; Cartcore ${commit}${dirty ? " with uncommitted changes" : ""} (native Release build/native, WASM Release wasm/dist). Load average ${load.range()} during the run (at its start: \`${uptimeAtStart.replace(/^.*load average: /, "")}\`); the run took ${seconds} s.`,
  `Command: \`${command}\`: ${rounds} rounds after one discarded warm-up round. Each round measures every row; the sides of each ratio take turns in ${slices} slices of ≥ ${sliceMs} ms each (the order rotating by round), a side's round figure being its time over its quotes in all its slices; the table shows medians over rounds, and the range of the ${rounds} per-round figures.`,
  "",
  "| measure | target | measured (median) | per-round range | |",
  "| --- | ---: | ---: | ---: | --- |",
  ...GB_ROWS.map(({ name, what, target }) => {
    const us = median(gbSamples.get(name));
    return `| ${what} | ≤ ${target} µs | ${us.toFixed(1)} µs | ${range(gbSamples.get(name))} µs | ${verdict(us <= target)} |`;
  }),
  ...againstMedusa.map((r) => `| ${r.what} | ≥ ${r.target}× | ${r.ratio.toFixed(0)}× (${(medusaUs / 1000).toFixed(2)} ms ÷ ${r.nativeUs.toFixed(1)} µs) | ${range(r.rounds, 0)}× | ${verdict(r.ratio >= r.target)} |`),
  `| WASM / native | ≤ 1.5× at every size | ${wasmRows.map((r) => `${r.ratio.toFixed(2)}× at ${r.rules.toLocaleString("en")}`).join(", ")} rules | see below | ${verdict(worstWasm <= 1.5)} |`,
  "",
  ...(wasmBefore
    ? [
        "| rules | WASM (µs/quote) | native (µs/quote) | WASM / native | per-round range | WASM before (µs/quote) | before / native | before ÷ after, per-round range |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...wasmRows.map((r) => `| ${r.rules.toLocaleString("en")} | ${r.wasmUs.toFixed(2)} | ${r.nativeUs.toFixed(2)} | ${r.ratio.toFixed(2)}× | ${range(r.rounds, 2)}× | ${r.before.us.toFixed(2)} | ${r.before.ratio.toFixed(2)}× | ${median(r.before.speedup).toFixed(2)}× (${range(r.before.speedup, 2)}) |`),
        "",
        `"WASM before": the package of \`${wasmBefore}\` (${existsSync(`${wasmBefore}/COMMIT`) ? readFileSync(`${wasmBefore}/COMMIT`, "utf8").trim() : "its checkout"}), timed in the same slices.`,
      ]
    : [
        "| rules | WASM (µs/quote) | native (µs/quote) | WASM / native | per-round range |",
        "| ---: | ---: | ---: | ---: | ---: |",
        ...wasmRows.map((r) => `| ${r.rules.toLocaleString("en")} | ${r.wasmUs.toFixed(2)} | ${r.nativeUs.toFixed(2)} | ${r.ratio.toFixed(2)}× | ${range(r.rounds, 2)}× |`),
      ]),
  "",
  "How each row is measured:",
  `- *Typed and JSON → JSON quotes*: \`cartcore_bench ${gbArgs.join(" ")}\` once per round (Google Benchmark, CPU time, the workload of "Core (native)": 64 different 10-line carts, N rules); each round's median, then the median over rounds. \`explain: all\` is the default level.`,
  `- *Against Medusa*: the workload of "Peers" (bench/peers/workload.mjs, seed 7, 64 carts, 100 mixed promotions). Native: \`cartcore_peer_driver\` (\`Engine::quoteJson\`, request text in, quote text out, wall time over back-to-back quotes) on the carts and, in a second driver, on the same carts with \`"explain": "applied"\`; Medusa ${medusaVersion}: \`computeActions\` in this process with promotions served from memory (no database, so a lower bound of its cost). The ratio is Medusa's median over native's median.`,
  `- *WASM / native*: the core workload at each size; WASM: \`engine.quoteJson(text)\` through the npm facade in this process; native: \`cartcore_peer_driver\` on the same store and carts (the same loop: wall time over back-to-back quotes, the clock read every 16). Both builds' answers are checked byte-identical first.`,
];
const body = lines.join("\n");
console.log(body);
if (write) {
  const path = `${root}bench/RESULTS.md`;
  replaceResultsSection(path, "issue12-table", "Issue 12: speed, before and after", body, "bench/issue12-table.mjs --write");
  log(`updated ${path}`);
}
process.exit(0);
