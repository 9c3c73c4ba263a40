// SPDX-License-Identifier: MIT
// The golden corpus through the edge worker in real workerd: for every tests/golden/**/*.json case, the body of
// POST /quote is byte-identical to the native CLI's output for the same config and cart. The worker takes each
// config the way it does in production, from its origin, noticing each new version; the origin here is a
// small HTTP server publishing the corpus's configs one version at a time. TRUST_REQUEST_CONTEXT lets the
// cases' own "now" and "stock" through (the corpus pins both), which is the only test-only setting;
// CUSTOMER_SEGMENTS = "trusted" takes their segments as stated, as for a trusted storefront backend.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { dumpCanonical, member, parseLossless } from "../js/support/canonical-json.mjs";
import { quoteBatchNative, repoRoot } from "../js/support/native.mjs";
import { startEdge } from "./support/edge-worker.mjs";
import { startVersionedOrigin } from "./support/versioned-origin.mjs";

const goldenRoot = `${repoRoot}tests/golden/`;

function loadCorpus() {
  return readdirSync(goldenRoot, { recursive: true })
    .filter((path) => path.endsWith(".json"))
    .sort()
    .map((path) => {
      const tree = parseLossless(readFileSync(goldenRoot + path, "utf8"));
      // Same reading as tests/js/golden.test.mjs: a string is raw text, anything else keeps its source order.
      const inputText = (key) => {
        const value = member(tree, key);
        return value.type === "string" ? value.value : dumpCanonical(value, { sortKeys: false });
      };
      return { path, config: inputText("config"), request: inputText("request") };
    });
}

test("golden corpus: the edge worker's /quote bodies equal the native CLI's bytes", async (t) => {
  const corpus = loadCorpus();
  assert.ok(corpus.length > 0);
  const native = await quoteBatchNative(corpus);
  const origin = await startVersionedOrigin();
  const edge = await startEdge({
    ORIGIN_URL: origin.url,
    ORIGIN_STOCK_PATH: "",
    CONFIG_CHECK_SECONDS: "0", // ask for the version on every quote, so each publish is seen at once
    TRUST_REQUEST_CONTEXT: "true",
    CUSTOMER_SEGMENTS: "trusted", // the corpus's carts state their segments, as a trusted backend would
  });
  try {
    let published;
    let versionsSeen = 0;
    for (const [i, { path, config, request }] of corpus.entries()) {
      if (config !== published) {
        origin.publish(config);
        published = config;
        versionsSeen += 1;
      }
      const { status, text, headers } = await edge.postQuote(request);
      await t.test(path, () => {
        const expected = native[i].toString("utf8");
        assert.ok(Buffer.from(text, "utf8").equals(native[i]), `edge and native bytes differ:\nedge:   ${text}\nnative: ${expected}`);
        const ok = JSON.parse(expected).ok;
        if (ok) {
          assert.equal(status, 200);
          assert.equal(headers.get("cartcore-config-version"), String(versionsSeen));
        } else {
          assert.ok(status >= 400, `status ${status} for an error body`);
        }
      });
    }
    assert.ok(versionsSeen > 10, `the corpus should exercise many config versions, saw ${versionsSeen}`);
  } finally {
    await edge.dispose();
    await origin.close();
  }
});
