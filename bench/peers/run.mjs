#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// The peer benchmark (bench/peers/README.md): one seeded workload expressed for Cartcore, Medusa and Vendure;
// first the agreement check, then interleaved timing of Cartcore native, Cartcore WASM, Medusa and Vendure per
// cart at 10, 100 and 1,000 promotions. Normally started by bench/peers/run, which installs and builds first.
//
//   node bench/peers/run.mjs [--source DIR] [--driver PATH] [--carts N] [--rounds N] [--min-ms MS] [--write]
//     --source   Cartcore checkout whose wasm/ package is loaded (default: this repository)
//     --driver   cartcore_peer_driver binary (default: <source>/build/peers/bench/cartcore_peer_driver)
//     --write    replace the generated part of "## Peers (Medusa, Vendure)" in bench/RESULTS.md and write the
//                plot data next to bench/peers/scaling.png (the run script draws it with gnuplot)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { assertNativeMatchesWasm, comparePeer, summarise } from "./agreement.mjs";
import { createWasmEngine, loadCartcoreWasm, startNativeDriver, writeCartcoreInputs } from "./cartcore.mjs";
import { createMedusaPeer, medusaVersion } from "./medusa.mjs";
import { createVendurePeer, vendureVersion } from "./vendure.mjs";
import { KINDS, makeWorkload } from "./workload.mjs";
import { median, timeQuotes, timeQuotesAsync } from "../quote-timing.mjs";
import { option, replaceResultsSection } from "../results-section.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const source = option("source", repo).replace(/\/$/, "");
const driverPath = option("driver", `${source}/build/peers/bench/cartcore_peer_driver`);
const cartCount = Number(option("carts", 64));
const rounds = Number(option("rounds", 5));
const minMs = Number(option("min-ms", 250));
const write = process.argv.includes("--write");
const PROMOTION_COUNTS = [10, 100, 1000];
const outDir = `${repo}build/peers/out`;
mkdirSync(outDir, { recursive: true });

const log = (...args) => console.error(...args);

if (!existsSync(driverPath)) {
  log(`native driver not found at ${driverPath}: run bench/peers/run (it builds it), or pass --driver PATH`);
  process.exit(1);
}

/** Everything one workload needs: the files for the native driver, a WASM engine, the two peers. */
async function prepare(wasmInstance, name, spec) {
  const workload = makeWorkload({ cartCount, ...spec });
  const { configJson, requests, storePath, cartsPath, appliedPath } = writeCartcoreInputs(outDir, name, workload);
  return {
    name,
    workload,
    requests,
    native: startNativeDriver(driverPath, storePath, cartsPath),
    nativeApplied: startNativeDriver(driverPath, storePath, appliedPath),
    wasm: createWasmEngine(wasmInstance, configJson),
    medusa: createMedusaPeer(workload),
    vendure: createVendurePeer(workload),
  };
}

/** Cartcore quotes every cart (native and WASM must give the same bytes), then each peer is compared with it. */
async function agreement(prepared) {
  const nativeQuotes = await prepared.native.quotes();
  const wasmQuotes = prepared.requests.map((request) => prepared.wasm.quoteJson(request));
  assertNativeMatchesWasm(nativeQuotes, wasmQuotes);
  const quotes = nativeQuotes.map((text) => JSON.parse(text));
  const failed = quotes.find((response) => !response.ok);
  if (failed) throw new Error(`Cartcore refused a workload cart: ${JSON.stringify(failed.error)}`);
  const applied = quotes.reduce((sum, response) => sum + response.quote.promotions.applied.length, 0) / quotes.length;
  const result = { workload: prepared.name, appliedPerCart: applied };
  for (const peer of ["medusa", "vendure"]) {
    const rows = await comparePeer(prepared.workload, quotes.map((response) => response.quote), prepared[peer]);
    result[peer] = summarise(rows);
    if (peer === "vendure") result.vendure.negativeShipping = rows.filter((row) => row.peer.shippingCents < 0).length;
  }
  return result;
}

/** µs per cart for a JS peer: back-to-back quotes over the carts for at least minMs (and at least 2 quotes). */
function samplePeer(peer, carts, cursor) {
  return timeQuotesAsync(() => peer.run(carts[cursor.next++ % carts.length]), minMs).then((s) => s.usPerQuote);
}

function sampleWasm(wasm, requests, cursor) {
  return timeQuotes(() => wasm.quoteJson(requests[cursor.next++ % requests.length]), minMs).usPerQuote;
}

// nativeApplied last, so the plot data's columns keep their places (bench/peers/scaling.gp).
const ENGINES = ["native", "nativeTyped", "wasm", "medusa", "vendure", "nativeApplied"];

/** Interleaved timing: every round samples every engine on every workload, rotating who goes first. */
async function timing(preparedList) {
  const samples = Object.fromEntries(preparedList.map((p) => [p.name, Object.fromEntries(ENGINES.map((e) => [e, []]))]));
  const cursors = Object.fromEntries(preparedList.map((p) => [p.name, Object.fromEntries(ENGINES.map((e) => [e, { next: 0 }]))]));
  // Warm-up (JIT, caches) is one untimed sample of each, discarded.
  for (let round = -1; round < rounds; round++) {
    for (const prepared of preparedList) {
      for (let k = 0; k < ENGINES.length; k++) {
        const engine = ENGINES[(k + Math.max(round, 0)) % ENGINES.length];
        const cursor = cursors[prepared.name][engine];
        let us;
        if (engine === "native") us = await prepared.native.sample(minMs);
        else if (engine === "nativeTyped") us = await prepared.native.sampleTyped(minMs);
        else if (engine === "nativeApplied") us = await prepared.nativeApplied.sample(minMs);
        else if (engine === "wasm") us = sampleWasm(prepared.wasm, prepared.requests, cursor);
        else us = await samplePeer(prepared[engine], prepared.workload.carts, cursor);
        if (round >= 0) samples[prepared.name][engine].push(us);
      }
    }
    if (round >= 0) log(`timing round ${round + 1}/${rounds} done`);
  }
  return Object.fromEntries(
    preparedList.map((p) => [p.name, Object.fromEntries(ENGINES.map((e) => [e, { median: median(samples[p.name][e]), min: Math.min(...samples[p.name][e]), max: Math.max(...samples[p.name][e]) }]))]),
  );
}

// ---- main ----
const startedAt = Date.now();
const wasmInstance = await loadCartcoreWasm(source);
const timed = [];
for (const count of PROMOTION_COUNTS) timed.push(await prepare(wasmInstance, `mixed-${count}`, { promotionCount: count }));
const isolated = [];
for (const kind of KINDS) isolated.push(await prepare(wasmInstance, `only-${kind}`, { promotionCount: 100, onlyKind: kind }));

log("agreement check ...");
const agreements = [];
for (const prepared of [...isolated, ...timed]) agreements.push(await agreement(prepared));
for (const prepared of isolated) {
  await prepared.native.stop();
  await prepared.nativeApplied.stop();
}

log(`timing: ${rounds} rounds x ${timed.length} workloads x ${ENGINES.length} engines, >= ${minMs} ms each ...`);
const times = await timing(timed);
for (const prepared of timed) {
  await prepared.native.stop();
  await prepared.nativeApplied.stop();
  prepared.wasm.dispose();
}

// ---- report ----
const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us < 10 ? 2 : 1)} µs`);
const ratio = (a, b) => `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`;
const t = (count, engine) => times[`mixed-${count}`][engine].median;
// A checkout names its commit; a tree exported with `git archive` (to measure a commit while the working tree is
// mid-edit) carries it in a COMMIT file instead.
let commit = "unknown";
if (existsSync(`${source}/.git`)) {
  commit = execFileSync("git", ["-C", source, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
} else if (existsSync(`${source}/COMMIT`)) {
  commit = readFileSync(`${source}/COMMIT`, "utf8").trim().slice(0, 7);
}

const names = { native: "Cartcore native", nativeTyped: "Cartcore native, typed API", nativeApplied: "Cartcore native, `explain: applied`", wasm: "Cartcore WASM (Node)", medusa: `Medusa ${medusaVersion}`, vendure: `Vendure ${vendureVersion}` };
const agreementCell = (s) => `${s.exact}/${s.carts} exact, ${s.withinRounding}/${s.carts} ≤1¢/line, max ${(s.largestDifferenceCents / 100).toFixed(2)}; free shipping ${s.freeShippingAgrees}/${s.carts}`;
const workloadLabel = (name) => (name.startsWith("only-") ? `100 × ${name.slice(5)} only` : `${name.slice(6)} mixed`);
const target100Native = t(100, "medusa") / t(100, "native");
const target100Wasm = t(100, "medusa") / t(100, "wasm");
const target100Applied = t(100, "medusa") / t(100, "nativeApplied");
const lines = [
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus()[0]?.model ?? "unknown CPU"} (${cpus().length} cores, shared), Node ${process.version}; Cartcore ${commit} (native Release, WASM Release).`,
  `Command: \`${process.env.PEERS_COMMAND ?? `node bench/peers/run.mjs ${process.argv.slice(2).join(" ")}`}\` (bench/peers/run installs the peers, builds \`cartcore_peer_driver\`, runs \`node bench/peers/run.mjs --write\` and draws the plot); agreement and timing took ${Math.round((Date.now() - startedAt) / 1000)} s.`,
  `Workload (bench/peers/workload.mjs, seeded): 2,000-variant catalog, ${cartCount} different 10-line carts, N promotions mixing the five shared kinds. Timing: ${rounds} interleaved rounds, each engine ≥ ${minMs} ms of back-to-back carts per sample; medians.`,
  "Timed per cart: Cartcore native `Engine::quoteJson` (request JSON in, explained and signed quote JSON out) or `Engine::quote` (typed, request parsed once), and `Engine::quoteJson` on the same carts with `\"explain\": \"applied\"` (only what changed the price explained); WASM `engine.quoteJson` through the npm facade; Medusa `PromotionModuleService.computeActions` with promotions served from memory; Vendure building the `Order` entity and `OrderCalculator.applyPriceAdjustments`. Neither peer's database work is timed (see bench/peers/README.md), so their figures are lower bounds.",
  "",
  "Time per cart (median):",
  "",
  `| promotions | ${ENGINES.map((e) => names[e]).join(" | ")} | Medusa / native | Medusa / WASM | Vendure / native | Vendure / WASM |`,
  `| ---: | ${ENGINES.map(() => "---:").join(" | ")} | ---: | ---: | ---: | ---: |`,
  ...PROMOTION_COUNTS.map(
    (n) =>
      `| ${n.toLocaleString("en")} | ${ENGINES.map((e) => fmt(t(n, e))).join(" | ")} | ${ratio(t(n, "medusa"), t(n, "native"))} | ${ratio(t(n, "medusa"), t(n, "wasm"))} | ${ratio(t(n, "vendure"), t(n, "native"))} | ${ratio(t(n, "vendure"), t(n, "wasm"))} |`,
  ),
  "",
  `Target at 10 lines × 100 promotions: native ≥ 250× faster than Medusa: **${target100Native.toFixed(0)}× (${target100Native >= 250 ? "reached" : "not reached"})**; WASM ≥ 100×: **${target100Wasm.toFixed(0)}× (${target100Wasm >= 100 ? "reached" : "not reached"})**.`,
  `Issue 12 targets at 10 lines × 100 promotions, native JSON → JSON against Medusa: \`explain: all\` ≥ 60×: **${target100Native.toFixed(0)}× (${target100Native >= 60 ? "reached" : "not reached"})**; \`explain: applied\` ≥ 100×: **${target100Applied.toFixed(0)}× (${target100Applied >= 100 ? "reached" : "not reached"})**.`,
  "",
  "Growth from 10 to 1,000 promotions (time per cart at 1,000 ÷ at 10; 1.0 would be flat):",
  "",
  `| engine | 10 | 100 | 1,000 | growth 10 → 1,000 |`,
  `| --- | ---: | ---: | ---: | ---: |`,
  ...ENGINES.map((e) => `| ${names[e]} | ${fmt(t(10, e))} | ${fmt(t(100, e))} | ${fmt(t(1000, e))} | ${(t(1000, e) / t(10, e)).toFixed(1)}× |`),
  "",
  "![time per cart against promotions, log scale](peers/scaling.png)",
  "",
  "Agreement with Cartcore (merchandise total after discounts, to the cent; free shipping yes/no), same carts:",
  "",
  "| workload | promotions applied per cart (Cartcore) | Medusa | Vendure |",
  "| --- | ---: | --- | --- |",
  ...agreements.map(
    (a) =>
      `| ${workloadLabel(a.workload)} | ${a.appliedPerCart.toFixed(1)} | ${agreementCell(a.medusa)} | ${agreementCell(a.vendure)}${a.vendure.negativeShipping ? `; shipping < 0 on ${a.vendure.negativeShipping}` : ""} |`,
  ),
];
const section = lines.join("\n");
console.log(section);
writeFileSync(`${outDir}/results.json`, JSON.stringify({ times, agreements, commit, cartCount, rounds, minMs }, null, 2));

if (write) {
  // Plot data: promotions, then µs per cart for each engine.
  const data = ["# promotions native nativeTyped wasm medusa vendure nativeApplied (µs per cart, medians)", ...PROMOTION_COUNTS.map((n) => [n, ...ENGINES.map((e) => t(n, e).toFixed(3))].join(" "))];
  writeFileSync(`${outDir}/scaling.dat`, `${data.join("\n")}\n`);
  const path = `${repo}bench/RESULTS.md`;
  replaceResultsSection(path, "peers", "Peers (Medusa, Vendure)", section, "bench/peers/run.mjs --write");
  log(`updated ${path}`);
}
process.exit(0);
