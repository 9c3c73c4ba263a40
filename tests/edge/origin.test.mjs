// SPDX-License-Identifier: MIT
// The edge worker in real workerd against the real native server as its origin: its quotes equal the server's
// own /v1/quote bytes; it follows config versions; it reports and bounds the age of its stock snapshot; it picks
// the currency from the CDN's country header; it refuses bad requests with the engine's JSON errors; it
// forwards holds to the origin instead of reserving anything itself.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CUSTOMER_SECRET, call, createKey, epochSeconds, setStock, signCustomer, startServer, tempDir } from "../server/helpers.mjs";
import { startEdge } from "./support/edge-worker.mjs";

/** A fresh server on the sample store (seeded stock: mug 60, tee-black-l 4, ...) and an edge in front of it. */
async function withOriginAndEdge(edgeVars, body, serverArgs = []) {
  const dir = tempDir();
  const server = await startServer({ db: dir.db, args: typeof serverArgs === "function" ? serverArgs(dir) : serverArgs });
  // The edge reads config and stock with a read-only key, as deployed (README "Deploying the edge worker").
  const edgeKey = createKey(dir.db, "edge", "edge worker").key;
  const edge = await startEdge({ ORIGIN_URL: server.base, ORIGIN_TOKEN: edgeKey, ...edgeVars });
  try {
    await body({ server, edge, edgeKey });
  } finally {
    await edge.dispose();
    await server.stop();
    dir.cleanup();
  }
}

/** The server's own quote for the same body, as raw text. */
async function serverQuote(server, cartText, headers = {}) {
  const response = await fetch(`${server.base}/v1/quote`, {
    method: "POST",
    body: cartText,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: response.status, text: await response.text() };
}

const promotion = (quote, id) => {
  const applied = quote.promotions.applied.find((p) => p.id === id);
  return applied ? "applied" : quote.promotions.notApplied.find((p) => p.id === id)?.reason;
};

test("edge quotes equal the native server's quotes byte for byte", async () => {
  await withOriginAndEdge({}, async ({ server, edge, edgeKey }) => {
    // The edge's key reads config and stock, and can change nothing.
    const asEdge = { headers: { authorization: `Bearer ${edgeKey}` } };
    assert.equal((await call(server, "GET", "/v1/admin/stock", asEdge)).status, 200);
    const write = await call(server, "PUT", "/v1/admin/stock/mug", { ...asEdge, body: { onHand: 1 } });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.code, "insufficient_scope");
    const carts = [
      { lines: [{ variant: "tee-black-l", quantity: 2 }] }, // 4 on hand: "N left"
      { lines: [{ variant: "hoodie-grey-m", quantity: 1 }, { variant: "mug", quantity: 1 }] }, // hoodie buys a free mug
      { lines: [{ variant: "mug", quantity: 3 }] }, // 60 mugs: the stock-guarded overstock discount applies
      { lines: [{ variant: "tee-black-m", quantity: 3 }, { variant: "tee-white-m", quantity: 1 }], coupons: ["save10"] },
      { lines: [{ variant: "mug", quantity: 1 }], customer: { segments: ["vip"] } },
      { lines: [{ variant: "no-such-variant", quantity: 1 }] }, // 422 unknown_reference
      '{"lines":[{"variant":"mug","quantity":1.0}]}', // 1.0 is not an integer: numbers must reach the core unchanged
      '{"lines":[{"variant":"mug","quantity":99999999999999999999}]}',
    ];
    for (const cart of carts) {
      const text = typeof cart === "string" ? cart : JSON.stringify(cart);
      const fromServer = await serverQuote(server, text);
      const fromEdge = await edge.postQuote(text);
      assert.equal(fromEdge.text, fromServer.text, `cart ${text}`);
      assert.equal(fromEdge.status, fromServer.status, `status for ${text}`);
    }
    const lowStock = JSON.parse((await edge.postQuote(carts[0])).text).quote.lines[0].lowStock;
    assert.deepEqual(lowStock, { remaining: 4 });
  });
});

test("config: cached by version, refreshed when the origin's version changes", async () => {
  await withOriginAndEdge({ CONFIG_CHECK_SECONDS: "0" }, async ({ server, edge, edgeKey }) => {
    const slowEdge = await startEdge({ ORIGIN_URL: server.base, ORIGIN_TOKEN: edgeKey, CONFIG_CHECK_SECONDS: "3600", STOCK_MAX_AGE_SECONDS: "0" });
    try {
      const cart = JSON.stringify({ lines: [{ variant: "mug", quantity: 2 }] });
      const before = await edge.postQuote(cart);
      const beforeSlow = await slowEdge.postQuote(cart);
      const active = await call(server, "GET", "/v1/admin/config", { admin: true });
      assert.equal(before.headers.get("cartcore-config-version"), String(active.body.version));
      assert.equal(before.headers.get("cartcore-config-digest"), active.body.configDigest);

      // The merchant raises the mug price and adds a travel mug: a new config version at the origin.
      const config = active.body.config;
      const mugProduct = config.catalog.products.find((p) => p.id === "mug");
      const mug = mugProduct.variants[0];
      const oldPrice = mug.price;
      mug.price = "14.50";
      mugProduct.variants.push({ id: "mug-travel", sku: "MUG-TRAVEL", price: "18.00" });
      const put = await call(server, "PUT", "/v1/admin/config", { admin: true, body: config });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.version, active.body.version + 1);
      await setStock(server, { "mug-travel": { onHand: 7 } });

      const after = await edge.postQuote(cart);
      assert.equal(after.headers.get("cartcore-config-version"), String(put.body.version));
      assert.equal(after.headers.get("cartcore-config-digest"), put.body.configDigest);
      assert.equal(JSON.parse(after.text).quote.lines[0].listUnitPrice, "14.50");
      assert.equal(after.text, (await serverQuote(server, cart)).text);

      // An edge that checks the version hourly keeps pricing with the version it compiled, although the fresh
      // stock snapshot now lists a variant that version does not know.
      const afterSlow = await slowEdge.postQuote(cart);
      assert.equal(afterSlow.status, 200, afterSlow.text);
      assert.equal(afterSlow.headers.get("cartcore-stock"), "fresh");
      assert.equal(afterSlow.headers.get("cartcore-config-version"), beforeSlow.headers.get("cartcore-config-version"));
      assert.equal(JSON.parse(afterSlow.text).quote.lines[0].listUnitPrice, oldPrice);
      assert.equal(afterSlow.text, beforeSlow.text);
    } finally {
      await slowEdge.dispose();
    }
  });
});

test("stock: the snapshot's age is bounded and reported; stale and missing stock are handled", async () => {
  // Ages of seconds, not milliseconds, so a loaded CI machine cannot outrun the windows being tested.
  const maxAge = 4000;
  const staleIfError = 8000;
  const vars = { STOCK_MAX_AGE_SECONDS: String(maxAge / 1000), STOCK_STALE_IF_ERROR_SECONDS: String(staleIfError / 1000) };
  await withOriginAndEdge(vars, async ({ server, edge }) => {
    const cart = JSON.stringify({ lines: [{ variant: "mug", quantity: 3 }] });
    const guard = "mug-overstock"; // 20% off mugs while at least 50 are available

    const first = await edge.postQuote(cart);
    assert.equal(first.headers.get("cartcore-stock"), "fresh");
    assert.equal(first.headers.get("cartcore-stock-age"), "0");
    assert.ok(!Number.isNaN(Date.parse(first.headers.get("cartcore-stock-as-of"))));
    assert.equal(promotion(JSON.parse(first.text).quote, guard), "applied");
    assert.equal(first.text, (await serverQuote(server, cart)).text);

    await setStock(server, { mug: { onHand: 10 } });
    // Within the maximum age the edge still prices with the snapshot it has, and says how old it is.
    const cached = await edge.postQuote(cart);
    assert.equal(cached.headers.get("cartcore-stock"), "fresh");
    assert.equal(cached.headers.get("cartcore-stock-as-of"), first.headers.get("cartcore-stock-as-of"));
    assert.equal(promotion(JSON.parse(cached.text).quote, guard), "applied");

    await sleep(maxAge + 100);
    const refreshed = await edge.postQuote(cart);
    assert.equal(refreshed.headers.get("cartcore-stock"), "fresh");
    assert.notEqual(refreshed.headers.get("cartcore-stock-as-of"), first.headers.get("cartcore-stock-as-of"));
    assert.equal(promotion(JSON.parse(refreshed.text).quote, guard), "stock_below_threshold");
    assert.equal(refreshed.text, (await serverQuote(server, cart)).text);

    // The origin goes away: the last snapshot serves, marked stale, until STOCK_STALE_IF_ERROR_SECONDS.
    await server.stop();
    await sleep(maxAge + 100);
    const stale = await edge.postQuote(cart);
    assert.equal(stale.status, 200);
    assert.equal(stale.headers.get("cartcore-stock"), "stale");
    assert.ok(Number(stale.headers.get("cartcore-stock-age")) >= maxAge / 1000);
    assert.equal(stale.text, refreshed.text);

    await sleep(staleIfError - maxAge + 100);
    const none = await edge.postQuote(cart);
    assert.equal(none.status, 200, none.text);
    assert.equal(none.headers.get("cartcore-stock"), "unavailable");
    assert.equal(none.headers.get("cartcore-stock-age"), null);
    // Without a snapshot the engine cannot vouch for the guard, and says so.
    assert.equal(promotion(JSON.parse(none.text).quote, guard), "stock_unknown");
  });
});

test("currency: chosen from the CDN's country header, falling back to the store currency", async () => {
  const vars = { COUNTRY_CURRENCIES: JSON.stringify({ US: "USD", DE: "EUR" }) };
  await withOriginAndEdge(vars, async ({ server, edge }) => {
    const cart = JSON.stringify({ lines: [{ variant: "mug", quantity: 1 }] });
    const us = await edge.postQuote(cart, { "CF-IPCountry": "US" });
    assert.equal(us.status, 200);
    assert.equal(us.headers.get("cartcore-country"), "US");
    assert.equal(us.headers.get("cartcore-currency"), "USD");
    assert.equal(us.text, (await serverQuote(server, cart)).text);

    // The sample store sells in USD only; the engine refuses EUR, so the shopper gets the store currency.
    const de = await edge.postQuote(cart, { "CF-IPCountry": "DE" });
    assert.equal(de.status, 200, de.text);
    assert.equal(de.headers.get("cartcore-country"), "DE");
    assert.equal(JSON.parse(de.text).quote.currency, "USD");
    assert.equal(de.text, us.text);

    // A currency the shopper named is never replaced: the engine's refusal is the answer.
    const named = JSON.stringify({ currency: "EUR", lines: [{ variant: "mug", quantity: 1 }] });
    const explicit = await edge.postQuote(named, { "CF-IPCountry": "US" });
    const fromServer = await serverQuote(server, named);
    assert.equal(explicit.status, fromServer.status);
    assert.equal(explicit.text, fromServer.text);
    assert.equal(JSON.parse(explicit.text).error.code, "currency_mismatch");
  });
});

test("bad requests get HTTP codes with the engine's JSON error; CORS; holds go to the origin", async () => {
  await withOriginAndEdge({ MAX_BODY_BYTES: "2048", ALLOWED_ORIGINS: "https://shop.example" }, async ({ server, edge }) => {
    const error = (response) => JSON.parse(response.text).error;

    const malformed = await edge.postQuote("{");
    assert.equal(malformed.status, 400);
    assert.equal(error(malformed).code, "malformed_json");

    const notObject = await edge.postQuote("[1]");
    assert.equal(notObject.status, 400);
    assert.equal(error(notObject).code, "invalid_type");

    const badUtf8 = await edge.fetch("/quote", { method: "POST", body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    assert.equal(badUtf8.status, 400);
    assert.equal(error(badUtf8).code, "malformed_json");

    const tooBig = await edge.postQuote(JSON.stringify({ lines: [], padding: "x".repeat(3000) }));
    assert.equal(tooBig.status, 413);
    assert.equal(error(tooBig).code, "payload_too_large");

    const wrongMethod = await edge.fetch("/quote");
    assert.equal(wrongMethod.status, 405);
    assert.equal(error(wrongMethod).code, "method_not_allowed");
    const nowhere = await edge.fetch("/admin", { method: "POST", body: "{}" });
    assert.equal(nowhere.status, 404);
    assert.equal(error(nowhere).code, "not_found");

    // CORS for the widget on the merchant's site, and only there.
    const preflight = await edge.fetch("/quote", {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "https://shop.example");
    assert.match(preflight.headers.get("access-control-allow-headers"), /content-type/);
    const stranger = await edge.fetch("/quote", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    assert.equal(stranger.status, 403);
    assert.equal(stranger.headers.get("access-control-allow-origin"), null);
    const cors = await edge.postQuote({ lines: [{ variant: "mug", quantity: 1 }] }, { origin: "https://shop.example" });
    assert.equal(cors.headers.get("access-control-allow-origin"), "https://shop.example");
    assert.match(cors.headers.get("access-control-expose-headers"), /Cartcore-Stock-Age/);

    // Holds reserve stock, so the edge forwards them; the origin's stock shows the hold.
    const hold = await edge.fetch("/v1/holds", {
      method: "POST",
      body: JSON.stringify({ cart: { lines: [{ variant: "mug", quantity: 2 }] } }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(hold.status, 201, hold.text);
    const held = await call(server, "GET", "/v1/admin/stock/mug", { admin: true });
    assert.equal(held.body.stock.held, 2);
    const release = await edge.fetch(`/v1/holds/${JSON.parse(hold.text).hold.id}`, { method: "DELETE" });
    assert.equal(release.status, 200, release.text);
    assert.equal((await call(server, "GET", "/v1/admin/stock/mug", { admin: true })).body.stock.held, 0);
  });
});

test("signed customer context: the edge honours segments exactly when the origin does", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" });
  const serverArgs = (dir) => {
    const keyFile = join(dir.dir, "customer-key.pem");
    writeFileSync(keyFile, pem);
    return ["--customer-hmac-secret", CUSTOMER_SECRET, "--customer-ed25519-key", keyFile];
  };
  const edgeVars = { CUSTOMER_HMAC_SECRET: CUSTOMER_SECRET, CUSTOMER_ED25519_KEY: pem, ALLOWED_ORIGINS: "https://shop.example" };
  await withOriginAndEdge(edgeVars, async ({ server, edge }) => {
    const claims = { customer: "c-9", segments: ["vip"], exp: epochSeconds(600) };
    const cart = JSON.stringify({ lines: [{ variant: "tee-black-m", quantity: 1 }], customer: { segments: ["vip"] } });
    const cases = [
      ["unsigned claim", {}, "20.00"],
      ["HS256", { "cartcore-customer": signCustomer(claims) }, "17.60"],
      ["EdDSA", { "cartcore-customer": signCustomer(claims, { privateKey }) }, "17.60"],
      ["expired", { "cartcore-customer": signCustomer({ ...claims, exp: epochSeconds(-5) }) }, null],
      ["forged", { "cartcore-customer": signCustomer(claims, { secret: "x".repeat(40) }) }, null],
    ];
    for (const [label, headers, total] of cases) {
      const fromEdge = await edge.postQuote(cart, headers);
      const fromServer = await serverQuote(server, cart, headers);
      assert.equal(fromEdge.status, fromServer.status, `${label}: ${fromEdge.text} vs ${fromServer.text}`);
      if (total === null) {
        assert.equal(fromEdge.status, 401, label);
        assert.equal(JSON.parse(fromEdge.text).error.code, JSON.parse(fromServer.text).error.code, label);
      } else {
        assert.equal(fromEdge.text, fromServer.text, label);
        assert.equal(JSON.parse(fromEdge.text).quote.totals.total, total, label);
      }
    }
    // The token travels with forwarded holds, so the origin prices the hold as the edge quoted it.
    const hold = await edge.fetch("/v1/holds", {
      method: "POST",
      body: JSON.stringify({ cart: { lines: [{ variant: "tee-black-m", quantity: 1 }] } }),
      headers: { "content-type": "application/json", "cartcore-customer": signCustomer(claims) },
    });
    assert.equal(hold.status, 201, hold.text);
    assert.equal(JSON.parse(hold.text).quote.totals.total, "17.60");
    const preflight = await edge.fetch("/v1/holds", {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "cartcore-customer" },
    });
    assert.match(preflight.headers.get("access-control-allow-headers"), /cartcore-customer/);
  }, serverArgs);
});

test("held price: a held cart priced at the edge with its hold's facts shows the price the hold promised", async () => {
  await withOriginAndEdge({ STOCK_MAX_AGE_SECONDS: "0" }, async ({ server, edge }) => {
    const cart = { lines: [{ variant: "mug", quantity: 3 }] };
    // 60 mugs: the overstock promotion (20 % off while at least 50 are available) is in the hold's price.
    const hold = await edge.fetch("/v1/holds", {
      method: "POST",
      body: JSON.stringify({ cart }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(hold.status, 201, hold.text);
    const held = JSON.parse(hold.text);
    assert.equal(promotion(held.quote, "mug-overstock"), "applied");
    assert.equal(held.quote.heldFacts.stock.mug, 60);

    // Stock drops under the guard for everyone else: 52 on hand, 3 of them held, 49 available.
    await setStock(server, { mug: { onHand: 52 } });
    const fresh = JSON.parse((await edge.postQuote(cart)).text).quote;
    assert.equal(promotion(fresh, "mug-overstock"), "stock_below_threshold");

    // The shopper's held cart, priced at the edge with the hold's facts, shows the hold's price, byte for byte what
    // the origin answers for the same body, and what checkout will charge.
    const heldCart = JSON.stringify({ ...cart, heldFacts: held.quote.heldFacts });
    const atEdge = await edge.postQuote(heldCart);
    assert.equal(atEdge.status, 200, atEdge.text);
    assert.equal(atEdge.text, (await serverQuote(server, heldCart)).text);
    const quote = JSON.parse(atEdge.text).quote;
    assert.equal(promotion(quote, "mug-overstock"), "applied");
    assert.equal(quote.totals.total, held.quote.totals.total);
    assert.equal(quote.digest, held.hold.quoteDigest);
    const checkout = await edge.fetch("/v1/checkout", {
      method: "POST",
      body: JSON.stringify({ holdId: held.hold.id, quoteDigest: held.hold.quoteDigest }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(checkout.status, 200, checkout.text);
    assert.equal(JSON.parse(checkout.text).order.itemsTotal, held.quote.totals.total);
  });
});
