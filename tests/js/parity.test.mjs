// SPDX-License-Identifier: MIT
// Randomized native-vs-WASM parity: seeded configs and carts priced by the native CLI (one quote-batch
// process) and by the WASM build must produce identical bytes, errors included.
//   CI:        npm test                       (10,000 carts, seed 20261123)
//   once-off:  CARTCORE_PARITY_CARTS=100000 node --test tests/js/parity.test.mjs
//   replay:    CARTCORE_PARITY_SEED=<seed> ... reproduces a reported failure exactly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { quoteBatchNative } from "./support/native.mjs";
import { randomCases } from "./support/random-store.mjs";
import { quoteBatchWasm } from "./support/wasm.mjs";

const seed = Number(process.env.CARTCORE_PARITY_SEED ?? 20261123);
const cartCount = Number(process.env.CARTCORE_PARITY_CARTS ?? 10000);

test(`parity: ${cartCount} random carts (seed ${seed}) price to identical bytes natively and in WASM`, async (t) => {
  const started = performance.now();
  const cases = randomCases(seed, cartCount);
  const [native, wasm] = await Promise.all([quoteBatchNative(cases), quoteBatchWasm(cases)]);
  const mismatches = [];
  let priced = 0;
  const errorCodes = new Map();
  for (let i = 0; i < cases.length; i++) {
    if (!Buffer.from(wasm[i], "utf8").equals(native[i])) {
      mismatches.push(i);
      continue;
    }
    if (wasm[i].startsWith('{"ok":true')) {
      priced++;
    } else {
      const code = JSON.parse(wasm[i]).error.code;
      errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
    }
  }
  t.diagnostic(`priced ${priced}, errors ${JSON.stringify(Object.fromEntries(errorCodes))}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const detail = mismatches
    .slice(0, 3)
    .map((i) => `case ${i}\nconfig:  ${cases[i].config}\nrequest: ${cases[i].request}\nwasm:    ${wasm[i]}\nnative:  ${native[i]}`)
    .join("\n\n");
  assert.equal(mismatches.length, 0, `${mismatches.length} of ${cases.length} carts differ (seed ${seed}):\n${detail}`);
  // The generator must mostly produce priceable carts, or this test would only compare error messages.
  assert.ok(priced >= cases.length * 0.75, `only ${priced} of ${cases.length} carts priced; the generator drifted from the format`);
  assert.ok(errorCodes.size > 0, "no error responses: the deliberate breakage in the generator no longer runs");
});
