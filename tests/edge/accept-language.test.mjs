// SPDX-License-Identifier: MIT
// Accept-Language negotiation at the edge, on its own: preference order, q-values, junk and bounds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { localeFromAcceptLanguage } from "../../edge/src/accept-language.mjs";

const supported = ["en", "de", "fr", "es"];

test("the most preferred tag the engine writes, as the shopper wrote it", () => {
  assert.equal(localeFromAcceptLanguage("de-DE,de;q=0.9,en;q=0.8", supported), "de-DE");
  assert.equal(localeFromAcceptLanguage("it-IT,it;q=0.9,fr-CA;q=0.7,en;q=0.8", supported), "en");
  assert.equal(localeFromAcceptLanguage("en;q=0.5, es-419", supported), "es-419");
  assert.equal(localeFromAcceptLanguage("FR-fr", supported), "FR-fr");
  assert.equal(localeFromAcceptLanguage("de;q=0.5, fr;q=0.5", supported), "de"); // ties keep the header's order
});

test("nothing usable gives null: the engine then writes English without a warning", () => {
  for (const header of [null, "", "*", "it, pt-BR", "de;q=0", "de;q=abc", "de_DE", "deu-DE-", "1de", " ; ,,,"]) {
    assert.equal(localeFromAcceptLanguage(header, supported), null, String(header));
  }
});

test("an oversized header costs a bounded amount of work", () => {
  const huge = Array.from({ length: 10000 }, (_, i) => `x${i % 10}x;q=0.${i % 9}`).join(",") + ",de";
  assert.equal(localeFromAcceptLanguage(huge, supported), null); // "de" sits beyond the first 32 ranges
  assert.equal(localeFromAcceptLanguage("de," + huge, supported), "de");
});
