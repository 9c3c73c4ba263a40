// SPDX-License-Identifier: MIT
// The edge worker with its store config bundled (STORE_CONFIG) and no origin, in real workerd: it prices with
// the bundled config (byte-equal to the native CLI for the same cart), reports that it has no stock, and a
// bundled config that does not compile answers 500 with the engine's own report, byte-equal to the CLI's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { quoteBatchNative, repoRoot } from "../js/support/native.mjs";
import { startEdge } from "./support/edge-worker.mjs";

const sampleStore = readFileSync(`${repoRoot}server/sample-store.json`, "utf8");

test("a bundled config prices without an origin", async () => {
  const edge = await startEdge({ STORE_CONFIG: sampleStore });
  try {
    const cart = { lines: [{ variant: "mug", quantity: 2 }, { variant: "tee-black-l", quantity: 1 }], coupons: ["SAVE10"] };
    const response = await edge.postQuote(cart);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.headers.get("cartcore-stock"), "off");
    assert.equal(response.headers.get("cartcore-config-version"), null);
    // The sample store has no time windows, so any "now" prices the same; with no stock there is no "N left".
    const request = JSON.stringify({ ...cart, currency: "USD", now: "2026-11-27T09:30:00.000Z" });
    const [native] = await quoteBatchNative([{ config: sampleStore, request }]);
    assert.equal(response.text, native.toString("utf8"));
    assert.equal(response.headers.get("cartcore-config-digest"), JSON.parse(response.text).quote.configDigest);
  } finally {
    await edge.dispose();
  }
});

test("a bundled config that does not compile answers 500 with the engine's report", async () => {
  const broken = sampleStore.replace('"price": "12.00"', '"price": "12.345"');
  assert.notEqual(broken, sampleStore, "the sample mug price moved; update this test");
  const edge = await startEdge({ STORE_CONFIG: broken });
  try {
    const request = JSON.stringify({ currency: "USD", now: "2026-11-27T09:30:00.000Z", lines: [{ variant: "mug", quantity: 1 }] });
    const response = await edge.postQuote(request);
    assert.equal(response.status, 500);
    const [native] = await quoteBatchNative([{ config: broken, request }]);
    assert.equal(response.text, native.toString("utf8"));
    assert.equal(JSON.parse(response.text).error.code, "invalid_value");
  } finally {
    await edge.dispose();
  }
});

test("the CDN's country picks the currency through the store's own country map", async () => {
  // A golden store whose config maps DE -> EUR (with an EUR rate); its cart names no currency.
  const golden = JSON.parse(readFileSync(`${repoRoot}tests/golden/currency/country-derived.json`, "utf8"));
  const config = JSON.stringify(golden.config);
  assert.equal(golden.config.currencies.countries.DE, "EUR");
  // TRUST_REQUEST_CONTEXT keeps the cart's "now", so the engine sees a request the CLI can be given verbatim.
  const edge = await startEdge({ STORE_CONFIG: config, TRUST_REQUEST_CONTEXT: "true" });
  try {
    const cart = { schemaVersion: 1, now: "2026-11-27T09:30:00.000Z", lines: [{ variant: "cap", quantity: 1 }] };
    const german = await edge.postQuote(cart, { "CF-IPCountry": "de" });
    assert.equal(german.status, 200, german.text);
    assert.equal(german.headers.get("cartcore-country"), "DE");
    assert.equal(german.headers.get("cartcore-currency"), "EUR");
    const tor = await edge.postQuote(cart, { "CF-IPCountry": "T1" }); // not a country: left out, store currency
    assert.equal(tor.status, 200, tor.text);
    assert.equal(tor.headers.get("cartcore-country"), null);
    assert.equal(tor.headers.get("cartcore-currency"), golden.config.store.currency);
    const [nativeGerman, nativeNone] = await quoteBatchNative([
      { config, request: JSON.stringify({ ...cart, country: "DE" }) },
      { config, request: JSON.stringify({ ...cart, currency: golden.config.store.currency }) },
    ]);
    assert.equal(german.text, nativeGerman.toString("utf8"));
    assert.equal(tor.text, nativeNone.toString("utf8"));
  } finally {
    await edge.dispose();
  }
});

test("the shopper's Accept-Language picks the language of the sentences; a cart's own locale wins", async () => {
  const golden = JSON.parse(readFileSync(`${repoRoot}tests/golden/explain/all.json`, "utf8"));
  const config = JSON.stringify(golden.config);
  const edge = await startEdge({ STORE_CONFIG: config, TRUST_REQUEST_CONTEXT: "true" });
  try {
    const cart = golden.request;
    const german = await edge.postQuote(cart, { "Accept-Language": "it-IT,it;q=0.9,de-DE;q=0.8,en;q=0.5" });
    assert.equal(german.status, 200, german.text);
    assert.equal(german.headers.get("content-language"), "de");
    const [native] = await quoteBatchNative([{ config, request: JSON.stringify({ ...cart, locale: "de-DE" }) }]);
    assert.equal(german.text, native.toString("utf8"));
    const quote = JSON.parse(german.text).quote;
    assert.equal(quote.locale, "de");
    assert.ok(quote.nudges.some((n) => n.message === "Noch 12,40\u00a0€ bis zum kostenlosen Versand (Standard)."), german.text);

    const named = await edge.postQuote({ ...cart, locale: "fr" }, { "Accept-Language": "de-DE" });
    assert.equal(JSON.parse(named.text).quote.locale, "fr");

    // Only languages the engine does not write (or junk): English, and no unknown_locale warning.
    for (const header of ["it-IT, pt;q=0.8", "*", "de;q=0, xx-YY-!!", "a".repeat(5000)]) {
      const other = JSON.parse((await edge.postQuote(cart, { "Accept-Language": header })).text).quote;
      assert.equal(other.locale, undefined, header);
      assert.ok(!(other.warnings ?? []).some((w) => w.code === "unknown_locale"), header);
    }
  } finally {
    await edge.dispose();
  }
});
