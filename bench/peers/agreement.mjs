// SPDX-License-Identifier: MIT
// Do the engines agree? For every cart, each peer's merchandise total (after all discounts, before shipping and
// tax, rounded to the cent) and whether shipping became free are compared with Cartcore's quote.
import { cartcoreOutcome } from "./workload.mjs";

/** Per-cart comparison of one peer with Cartcore. `rounding` allows 1 cent per cart line (Medusa never rounds). */
export async function comparePeer(workload, cartcoreQuotes, peer) {
  const rows = [];
  for (const [index, cart] of workload.carts.entries()) {
    const expected = cartcoreOutcome(cartcoreQuotes[index]);
    const actual = peer.outcome(cart, await peer.run(cart));
    const difference = actual.itemsTotalCents - expected.itemsTotalCents;
    rows.push({
      cart: cart.id,
      cartcore: expected,
      peer: actual,
      differenceCents: difference,
      exact: difference === 0,
      withinRounding: Math.abs(difference) <= cart.lines.length,
      freeShippingAgrees: actual.freeShipping === expected.freeShipping,
    });
  }
  return rows;
}

/** Counts for the agreement table: carts, exact totals, totals within a cent per line, free-shipping agreement. */
export function summarise(rows) {
  const count = (predicate) => rows.filter(predicate).length;
  return {
    carts: rows.length,
    exact: count((r) => r.exact),
    withinRounding: count((r) => r.withinRounding),
    freeShippingAgrees: count((r) => r.freeShippingAgrees),
    largestDifferenceCents: rows.reduce((max, r) => Math.max(max, Math.abs(r.differenceCents)), 0),
  };
}

/** Cartcore's own two builds must agree byte for byte before anything is compared with a peer. */
export function assertNativeMatchesWasm(nativeQuotes, wasmQuotes) {
  if (nativeQuotes.length !== wasmQuotes.length) throw new Error("native and WASM quoted different numbers of carts");
  nativeQuotes.forEach((quote, i) => {
    if (quote !== wasmQuotes[i]) throw new Error(`native and WASM quotes differ on cart ${i}`);
  });
}
