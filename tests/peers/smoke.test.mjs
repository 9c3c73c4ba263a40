// SPDX-License-Identifier: MIT
// Smoke version of the peer benchmark (bench/peers/): one cart per promotion kind, priced by Cartcore (the WASM
// package), Medusa and Vendure, checking that the agreement table in bench/RESULTS.md still holds: the kinds
// whose semantics match agree to the cent, and each documented difference still points the documented way.
// Run through bench/peers/smoke, which installs the peers first. No timing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createWasmEngine, loadCartcoreWasm } from "../../bench/peers/cartcore.mjs";
import { createMedusaPeer } from "../../bench/peers/medusa.mjs";
import { createVendurePeer } from "../../bench/peers/vendure.mjs";
import { cartcoreOutcome, makeWorkload, toCartcoreConfig, toCartcoreRequest } from "../../bench/peers/workload.mjs";

// CARTCORE_SOURCE: another Cartcore checkout whose built wasm/ package to load (default: this repository).
const source = process.env.CARTCORE_SOURCE ?? fileURLToPath(new URL("../..", import.meta.url));
const cartcore = await loadCartcoreWasm(source);

/**
 * One cart against 100 promotions of one kind, priced by all three engines: the first of the workload's carts on
 * which Cartcore applies a promotion (a cart nothing applies to would check nothing).
 */
async function priceOneCart(kind) {
  const workload = makeWorkload({ promotionCount: 100, cartCount: 20, onlyKind: kind });
  const engine = createWasmEngine(cartcore, JSON.stringify(toCartcoreConfig(workload)));
  let cart;
  let quote;
  for (const candidate of workload.carts) {
    const response = JSON.parse(engine.quoteJson(JSON.stringify(toCartcoreRequest(candidate))));
    assert.equal(response.ok, true, JSON.stringify(response.error));
    if (response.quote.promotions.applied.length > 0) {
      [cart, quote] = [candidate, response.quote];
      break;
    }
  }
  engine.dispose();
  assert.ok(cart, `no ${kind} cart applies a promotion`);
  const outcomes = { cartcore: cartcoreOutcome(quote) };
  for (const [name, peer] of [["medusa", createMedusaPeer(workload)], ["vendure", createVendurePeer(workload)]]) {
    outcomes[name] = peer.outcome(cart, await peer.run(cart));
  }
  return { cart, ...outcomes };
}

test("amount off items: Medusa and Vendure agree with Cartcore to the cent", async () => {
  const { cartcore: c, medusa, vendure } = await priceOneCart("amountOffItems");
  assert.ok(c.itemsTotalCents > 0);
  assert.equal(medusa.itemsTotalCents, c.itemsTotalCents);
  assert.equal(vendure.itemsTotalCents, c.itemsTotalCents);
});

test("buy X get Y: Medusa and Vendure give the same unit free", async () => {
  const { cartcore: c, medusa, vendure } = await priceOneCart("buyXGetY");
  assert.equal(medusa.itemsTotalCents, c.itemsTotalCents);
  assert.equal(vendure.itemsTotalCents, c.itemsTotalCents);
});

test("percent off items: Medusa within a cent per line (it never rounds); Vendure never charges more (it adds percentages on the list price, Cartcore compounds)", async () => {
  const { cart, cartcore: c, medusa, vendure } = await priceOneCart("percentOffItems");
  assert.ok(Math.abs(medusa.itemsTotalCents - c.itemsTotalCents) <= cart.lines.length);
  assert.ok(vendure.itemsTotalCents <= c.itemsTotalCents);
});

test("order threshold: Vendure agrees to the cent; Medusa never charges more (it tests thresholds on the subtotal before discounts)", async () => {
  const { cartcore: c, medusa, vendure } = await priceOneCart("orderThreshold");
  assert.equal(vendure.itemsTotalCents, c.itemsTotalCents);
  assert.ok(medusa.itemsTotalCents <= c.itemsTotalCents);
});

test("free shipping: all three agree that shipping is free, and item totals are untouched", async () => {
  const { cartcore: c, medusa, vendure } = await priceOneCart("freeShipping");
  assert.equal(c.freeShipping, true);
  assert.equal(medusa.freeShipping, true);
  assert.equal(vendure.freeShipping, true);
  assert.equal(medusa.itemsTotalCents, c.itemsTotalCents);
  assert.equal(vendure.itemsTotalCents, c.itemsTotalCents);
});
