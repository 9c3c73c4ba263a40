// SPDX-License-Identifier: MIT
// The JS binding itself: marshalling, Unicode, large inputs, error mapping, handle lifetime and versions.
// Pricing rules are not re-tested here (the golden corpus and parity tests own that).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import Cartcore, { CartcoreError, CartcoreInstance, Engine, load } from "cartcore";
import { repoRoot } from "./support/native.mjs";
import { sharedInstance } from "./support/wasm.mjs";

const NOW = "2026-11-27T09:30:00.000Z";

/** A small store; variantCount spreads tee-0 … tee-(n-1) over products of at most 1,000 variants (the core's limit). */
function teeShop({ productName = "Classic Tee", variantCount = 1 } = {}) {
  const products = [];
  for (let i = 0; i < variantCount; i++) {
    if (i % 1000 === 0) products.push({ id: i === 0 ? "tee" : `tee-batch-${i / 1000}`, name: productName, categories: ["tees"], variants: [] });
    const variant = { id: `tee-${i}`, sku: `TEE-${i}`, attributes: { size: ["S", "M", "L"][i % 3] }, price: `${20 + (i % 7)}.99` };
    products.at(-1).variants.push(variant);
  }
  return {
    schemaVersion: 1,
    store: { name: "Tee Shop", currency: "USD", lowStockLevel: 5 },
    catalog: { products },
    priceRules: [],
    promotions: [
      { id: "save10", name: "Save 10%", type: "itemDiscount", selector: { everything: true }, discount: { percentOff: "10" }, coupons: ["SAVE10"] },
    ],
  };
}

function cart(lines, extra = {}) {
  return { schemaVersion: 1, currency: "USD", now: NOW, lines, ...extra };
}

describe("marshalling", () => {
  it("prices a cart from JSON text and from an object, identically, with money as strings", async () => {
    const engine = (await sharedInstance()).compile(JSON.stringify(teeShop()));
    try {
      const request = cart([{ id: "l1", variant: "tee-0", quantity: 3 }], { coupons: ["save10"] });
      const text = engine.quoteJson(JSON.stringify(request));
      assert.equal(engine.quoteJson(request), text);
      const quote = engine.quote(request);
      assert.deepEqual(quote, JSON.parse(text).quote);
      assert.equal(quote.totals.listSubtotal, "62.97");
      assert.equal(quote.totals.promotionSavings, "6.30");
      assert.equal(quote.totals.total, "56.67");
      assert.equal(quote.lines[0].quantity, 3);
      assert.equal(typeof quote.lines[0].total, "string");
      assert.match(quote.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(quote.configDigest, engine.configDigest);
      assert.equal(engine.currency, "USD");
    } finally {
      engine.dispose();
    }
  });

  it("lists the languages the engine writes, and writes UTF-8 sentences in them", async () => {
    const instance = await sharedInstance();
    assert.deepEqual(instance.locales(), ["en", "de", "fr", "es"]);
    const engine = instance.compile(teeShop());
    try {
      const quote = engine.quote(cart([{ variant: "tee-0", quantity: 1 }], { coupons: ["save10"], locale: "fr-FR" }));
      assert.equal(quote.locale, "fr");
      assert.equal(quote.promotions.applied[0].message, "Appliquée à 1 article. Vous économisez 2,10\u00a0$US.");
    } finally {
      engine.dispose();
    }
  });

  it("returns the core's canonical bytes: sorted keys, no whitespace", async () => {
    const instance = await sharedInstance();
    const text = instance.quoteJson(teeShop(), cart([{ variant: "tee-0", quantity: 1 }]));
    assert.ok(text.startsWith('{"ok":true,"quote":{"configDigest":"sha256:'), text.slice(0, 80));
    assert.doesNotMatch(text, /\s"|":\s/);
  });

  it("round-trips Unicode names and ids (BMP, astral, combining, escapes) byte for byte", async () => {
    const name = "Crème Brûlée Tee — 日本語 😀 e\u0301 \"quoted\" tab\there";
    const config = teeShop({ productName: name });
    config.catalog.products[0].variants[0].id = "tee-ñ-😀";
    const engine = (await sharedInstance()).compile(config);
    try {
      const text = engine.quoteJson(cart([{ id: "línea-😀", variant: "tee-ñ-😀", quantity: 1 }]));
      const line = JSON.parse(text).quote.lines[0];
      assert.equal(line.name, name);
      assert.equal(line.id, "línea-😀");
      // Raw UTF-8 in the output (nlohmann does not \u-escape non-ASCII), only JSON's mandatory escapes.
      assert.ok(text.includes("日本語 😀"));
      assert.ok(text.includes('\\"quoted\\" tab\\there'));
    } finally {
      engine.dispose();
    }
  });

  it("keeps its reused input buffers exact: after memory grows, after a longer text, and with multi-byte text", async () => {
    // A fresh instance, so its memory grows here (a shared one may already be large).
    const instance = await load();
    const small = instance.compile(teeShop());
    const request = JSON.stringify(cart([{ id: "l1", variant: "tee-0", quantity: 2 }], { coupons: ["SAVE10"] }));
    const expected = small.quoteJson(request);
    assert.match(expected, /^\{"ok":true/);
    try {
      // Compiling a 5,000-variant catalog grows WASM memory, which detaches every view the facade kept. Its ~425 KB
      // of text (over 1 MiB at three bytes a character) takes a slot of its exact length rather than a kept view.
      const largeConfig = JSON.stringify(teeShop({ variantCount: 5000 }));
      assert.ok(largeConfig.length * 3 > 1 << 20);
      const large = instance.compile(largeConfig);
      large.dispose();
      assert.equal(small.quoteJson(request), expected);
      // A request longer than the kept buffer (3-byte characters, 18,000+ bytes), then the short one again: the
      // longer text's bytes left in the buffer must not leak into the next quote.
      const long = small.quoteJson(cart([{ id: "€".repeat(6000), variant: "tee-0", quantity: 1 }]));
      assert.equal(long, (await load()).compile(teeShop()).quoteJson(cart([{ id: "€".repeat(6000), variant: "tee-0", quantity: 1 }])));
      assert.equal(small.quoteJson(request), expected);
      // Astral characters (a surrogate pair in JS, 4 bytes in UTF-8) round-trip through the kept buffer.
      assert.equal(small.quote(cart([{ id: "😀".repeat(20), variant: "tee-0", quantity: 1 }])).lines[0].id, "😀".repeat(20));
      // The one-shot call fills both slots; a longer config before must not leave bytes behind in the first slot.
      assert.match(instance.quoteJson(teeShop({ variantCount: 300 }), request), /^\{"ok":true/);
      assert.equal(instance.quoteJson(teeShop(), request), expected);
    } finally {
      small.dispose();
    }
  });

  it("handles a 5,000-variant catalog and a 500-line cart (the line limit)", async () => {
    const engine = (await sharedInstance()).compile(teeShop({ variantCount: 5000 }));
    try {
      const lines = Array.from({ length: 500 }, (_, i) => ({ id: `l${String(i).padStart(3, "0")}`, variant: `tee-${i * 10}`, quantity: 1 + (i % 9) }));
      const quote = engine.quote(cart(lines, { coupons: ["SAVE10"] }));
      assert.equal(quote.lines.length, 500);
      assert.equal(quote.lines[0].id, "l000");
      assert.equal(quote.lines[499].id, "l499");
      const tooMany = [...lines, { id: "l500", variant: "tee-1", quantity: 1 }];
      assert.throws(() => engine.quote(cart(tooMany)), { name: "CartcoreError", code: "too_many_items", pointer: "/lines" });
    } finally {
      engine.dispose();
    }
  });
});

describe("error mapping", () => {
  it("turns a bad config into CartcoreError with code, pointer and message", async () => {
    const instance = await sharedInstance();
    const config = teeShop();
    config.catalog.products[0].variants[0].price = "19.999";
    assert.throws(
      () => instance.compile(config),
      (error) => {
        assert.ok(error instanceof CartcoreError);
        assert.ok(error instanceof Error);
        assert.equal(error.name, "CartcoreError");
        assert.equal(error.code, "invalid_value");
        assert.equal(error.pointer, "/catalog/products/0/variants/0/price");
        assert.ok(error.message.length > 0);
        return true;
      },
    );
    assert.throws(() => instance.compile("{not json"), { code: "malformed_json", pointer: "" });
    assert.throws(() => instance.compile({ ...teeShop(), promotionz: [] }), { code: "unknown_field", pointer: "/promotionz" });
  });

  it("maps request errors from quote() and leaves quoteJson() returning the error JSON", async () => {
    const engine = (await sharedInstance()).compile(teeShop());
    try {
      const bad = cart([{ variant: "tee-0", quantity: 1.5 }]);
      assert.throws(() => engine.quote(bad), { name: "CartcoreError", code: "invalid_type", pointer: "/lines/0/quantity" });
      const text = engine.quoteJson(bad);
      assert.deepEqual(JSON.parse(text).error.code, "invalid_type");
      assert.ok(text.startsWith('{"error":'));
      assert.throws(() => engine.quote(cart([{ variant: "nope", quantity: 1 }])), { code: "unknown_reference", pointer: "/lines/0/variant" });
      assert.throws(() => engine.quote({ ...cart([]), currency: "EUR" }), { code: "currency_mismatch", pointer: "/currency" });
    } finally {
      engine.dispose();
    }
  });

  it("rejects non-JSON argument types with a TypeError before reaching the core", async () => {
    const instance = await sharedInstance();
    assert.throws(() => instance.compile(42), TypeError);
    assert.throws(() => instance.compile(null), TypeError);
  });

  it("survives hostile input: the same instance still prices correctly afterwards", async () => {
    const instance = await sharedInstance();
    const engine = instance.compile(teeShop());
    try {
      const good = cart([{ variant: "tee-0", quantity: 2 }]);
      const before = engine.quoteJson(good);
      const hostile = [
        "",
        "null",
        "[]",
        '"just a string"',
        "{".repeat(100000),
        "[".repeat(100000) + "]".repeat(100000),
        JSON.stringify({ a: "x".repeat(2 << 20) }), // over the 1 MiB request limit
        '{"currency":"USD","now":"' + NOW + '","lines":[{"variant":"tee-0","quantity":1e400}]}',
        '{"currency":"USD","now":"' + NOW + '","lines":[{"variant":"tee-0","quantity":99999999999999999999999}]}',
        '{"currency":"USD","now":"' + NOW + '","lines":[{"variant":"\uD800","quantity":1}]}', // lone surrogate
        '{"currency":"USD","now":"' + NOW + '","lines":[{"variant":"tee-0\u0000","quantity":1}]}',
      ];
      for (const input of hostile) {
        const text = engine.quoteJson(input);
        const response = JSON.parse(text);
        assert.equal(response.ok, false, `accepted ${input.slice(0, 60)}`);
        assert.notEqual(response.error.code, "internal_error", `${input.slice(0, 60)} -> ${text}`);
        assert.throws(() => engine.quote(input), CartcoreError);
      }
      for (const input of hostile) {
        assert.throws(() => instance.compile(input), CartcoreError);
      }
      assert.equal(engine.quoteJson(good), before);
    } finally {
      engine.dispose();
    }
  });
});

describe("engine lifetime", () => {
  it("reuses one compiled engine across many quotes", async () => {
    const engine = (await sharedInstance()).compile(teeShop({ variantCount: 30 }));
    try {
      const first = engine.quoteJson(cart([{ variant: "tee-3", quantity: 2 }]));
      for (let i = 0; i < 2000; i++) engine.quoteJson(cart([{ variant: `tee-${i % 30}`, quantity: 1 + (i % 5) }]));
      assert.equal(engine.quoteJson(cart([{ variant: "tee-3", quantity: 2 }])), first);
    } finally {
      engine.dispose();
    }
  });

  it("dispose() frees the engine; using it afterwards throws a clear error; disposing twice is harmless", async () => {
    const instance = await load();
    assert.equal(instance.liveEngineCount(), 0);
    const engine = instance.compile(teeShop());
    const other = instance.compile(teeShop({ productName: "Other" }));
    assert.equal(instance.liveEngineCount(), 2);
    assert.equal(engine.disposed, false);
    engine.dispose();
    assert.equal(engine.disposed, true);
    assert.equal(instance.liveEngineCount(), 1);
    assert.throws(() => engine.quote(cart([{ variant: "tee-0", quantity: 1 }])), {
      name: "CartcoreError",
      code: "engine_disposed",
      message: /disposed/,
    });
    assert.throws(() => engine.quoteJson("{}"), { code: "engine_disposed" });
    engine.dispose();
    assert.equal(instance.liveEngineCount(), 1);
    // The surviving engine is untouched, and a fresh compile of the same config prices again.
    assert.equal(other.quote(cart([{ variant: "tee-0", quantity: 1 }])).lines[0].name, "Other");
    const again = instance.compile(teeShop());
    assert.equal(again.quote(cart([{ variant: "tee-0", quantity: 1 }])).totals.total, "20.99");
    other.dispose();
    again.dispose();
    assert.equal(instance.liveEngineCount(), 0);
  });

  it("supports Symbol.dispose where the runtime has it", async (t) => {
    if (typeof Symbol.dispose !== "symbol") return t.skip("no Symbol.dispose in this Node");
    const instance = await load();
    const engine = instance.compile(teeShop());
    engine[Symbol.dispose]();
    assert.equal(engine.disposed, true);
    assert.equal(instance.liveEngineCount(), 0);
  });

  it("the FinalizationRegistry backstop frees engines that were never disposed", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    const instance = await load();
    (() => {
      for (let i = 0; i < 20; i++) instance.compile(teeShop());
    })();
    assert.equal(instance.liveEngineCount(), 20);
    for (let attempt = 0; attempt < 50 && instance.liveEngineCount() > 0; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(instance.liveEngineCount(), 0);
  });

  it("keeps instances independent: engines and their handles belong to one instance", async () => {
    const a = await load();
    const b = await load();
    const engineA = a.compile(teeShop({ productName: "From A" }));
    assert.equal(b.liveEngineCount(), 0);
    const engineB = b.compile(teeShop({ productName: "From B" }));
    assert.equal(engineA.quote(cart([{ variant: "tee-0", quantity: 1 }])).lines[0].name, "From A");
    assert.equal(engineB.quote(cart([{ variant: "tee-0", quantity: 1 }])).lines[0].name, "From B");
    engineA.dispose();
    assert.equal(b.liveEngineCount(), 1);
    engineB.dispose();
  });
});

describe("versions", () => {
  it("the .wasm, the JS facade, wasm/package.json and CMake's project() agree", async () => {
    const instance = await sharedInstance();
    const packageVersion = JSON.parse(readFileSync(`${repoRoot}wasm/package.json`, "utf8")).version;
    const cmakeVersion = /project\(cartcore VERSION (\S+)/.exec(readFileSync(`${repoRoot}CMakeLists.txt`, "utf8"))[1];
    assert.equal(instance.version(), Cartcore.version);
    assert.equal(packageVersion, Cartcore.version);
    assert.equal(cmakeVersion, Cartcore.version);
  });

  it("refuses a .wasm that reports another version", async () => {
    const bytes = readFileSync(`${repoRoot}wasm/dist/cartcore.wasm`);
    const needle = Buffer.from(`${Cartcore.version}\0`);
    const at = bytes.indexOf(needle);
    assert.ok(at > 0, "version string not found in the data section");
    assert.equal(bytes.indexOf(needle, at + 1), -1, "version string is ambiguous in the .wasm");
    const patched = Buffer.from(bytes);
    patched.write("9".repeat(Cartcore.version.length), at, "latin1");
    await assert.rejects(load({ bytes: patched }), { name: "CartcoreError", code: "version_mismatch", message: /9\.?9/ });
  });

  it("exports the documented surface", () => {
    assert.equal(Cartcore.load, load);
    assert.equal(Cartcore.CartcoreError, CartcoreError);
    assert.equal(typeof CartcoreInstance, "function");
    assert.equal(typeof Engine, "function");
  });
});
