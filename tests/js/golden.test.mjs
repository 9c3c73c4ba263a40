// SPDX-License-Identifier: MIT
// The whole golden corpus through the WASM build: each case's output must be byte-identical to the native
// CLI's and to the canonical dump of its "expected" object.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { dumpCanonical, member, parseLossless } from "./support/canonical-json.mjs";
import { quoteBatchNative, repoRoot } from "./support/native.mjs";
import { quoteBatchWasm } from "./support/wasm.mjs";

// CARTCORE_GOLDEN_DIR points the runner at another corpus (e.g. a candidate set before it is committed).
const goldenRoot = process.env.CARTCORE_GOLDEN_DIR ?? `${repoRoot}tests/golden/`;

function loadCorpus() {
  const files = readdirSync(goldenRoot, { recursive: true })
    .filter((path) => path.endsWith(".json"))
    .sort();
  return files.map((path) => {
    const tree = parseLossless(readFileSync(goldenRoot + path, "utf8"));
    const part = (key) => {
      const value = member(tree, key);
      assert.ok(value, `${path} has no "${key}"`);
      return value;
    };
    // An input given as a JSON string is raw text (how a case feeds malformed JSON, as in quote-batch); any
    // other value is passed with its source key order and number text: the engines canonicalize, not the test.
    const inputText = (key) => {
      const value = part(key);
      return value.type === "string" ? value.value : dumpCanonical(value, { sortKeys: false });
    };
    return {
      path,
      config: inputText("config"),
      request: inputText("request"),
      expected: dumpCanonical(part("expected")),
    };
  });
}

test("golden corpus: WASM output is byte-identical to native and to expected", async (t) => {
  const corpus = loadCorpus();
  assert.ok(corpus.length > 0, `no golden cases under ${goldenRoot}`);
  const [native, wasm] = await Promise.all([quoteBatchNative(corpus), quoteBatchWasm(corpus)]);
  for (const [i, { path, expected }] of corpus.entries()) {
    await t.test(path, () => {
      const wasmBytes = Buffer.from(wasm[i], "utf8");
      assert.equal(wasm[i], expected, "WASM output differs from the canonical dump of expected");
      assert.ok(wasmBytes.equals(native[i]), `WASM and native bytes differ:\nwasm:   ${wasm[i]}\nnative: ${native[i]}`);
    });
  }
});
