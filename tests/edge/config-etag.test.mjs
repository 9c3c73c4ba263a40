// SPDX-License-Identifier: MIT
// Config caching by version and ETag, in real workerd: within CONFIG_CHECK_SECONDS the edge asks the origin
// nothing; a new version with the same config text costs a 304 (If-None-Match), not a download; a new text is
// downloaded and compiled.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "../js/support/native.mjs";
import { startEdge } from "./support/edge-worker.mjs";
import { startVersionedOrigin } from "./support/versioned-origin.mjs";

const sampleStore = readFileSync(`${repoRoot}server/sample-store.json`, "utf8");

test("config: one download per config text, 304 for a new version of the same text, silence in between", async () => {
  const origin = await startVersionedOrigin();
  const edge = await startEdge({ ORIGIN_URL: origin.url, ORIGIN_STOCK_PATH: "", CONFIG_CHECK_SECONDS: "2" });
  try {
    const cart = { lines: [{ variant: "mug", quantity: 1 }] };
    const unitPrice = (response) => JSON.parse(response.text).quote.lines[0].listUnitPrice;
    origin.publish(sampleStore);
    const first = await edge.postQuote(cart);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get("cartcore-config-version"), "1");
    for (let i = 0; i < 5; i++) await edge.postQuote(cart);
    assert.deepEqual(origin.counts, { config: 1, notModified: 0, version: 1 }, "within the check interval the origin is not asked");

    origin.publish(sampleStore); // version 2, same text
    await sleep(2100);
    const sameText = await edge.postQuote(cart);
    assert.equal(sameText.headers.get("cartcore-config-version"), "2");
    assert.equal(sameText.headers.get("cartcore-config-digest"), first.headers.get("cartcore-config-digest"));
    assert.deepEqual(origin.counts, { config: 1, notModified: 1, version: 2 });

    origin.publish(sampleStore.replace('"price": "12.00"', '"price": "13.00"')); // version 3, the mug costs more
    await sleep(2100);
    const newText = await edge.postQuote(cart);
    assert.equal(newText.headers.get("cartcore-config-version"), "3");
    assert.notEqual(newText.headers.get("cartcore-config-digest"), first.headers.get("cartcore-config-digest"));
    assert.equal(unitPrice(first), "12.00");
    assert.equal(unitPrice(newText), "13.00");
    assert.deepEqual(origin.counts, { config: 2, notModified: 1, version: 3 });
  } finally {
    await edge.dispose();
    await origin.close();
  }
});
