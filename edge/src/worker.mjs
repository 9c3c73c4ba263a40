// SPDX-License-Identifier: MIT
// Cartcore at the edge: a module worker (Cloudflare Workers / workerd / WinterCG fetch handler) that prices
// carts with the WebAssembly engine, close to the shopper. It adapts inputs (clock, stock snapshot, currency
// from the shopper's country) and passes the core's JSON through untouched; it never reserves stock.
//
//   POST /quote                  the cart (docs/FORMAT.md "Quote request"; now and stock are the edge's to set)
//                                -> the core's response bytes, plus Cartcore-* headers about config and stock
//   /v1/holds…, /v1/checkout     forwarded to the origin, which owns stock
//   OPTIONS *                    CORS preflight for the cart widget
import Cartcore, { CartcoreError } from "cartcore";
import cartcoreWasm from "cartcore/cartcore.wasm";
import { readSettings } from "./settings.mjs";
import { StoreConfigInvalid, StoreConfigSource } from "./store-config.mjs";
import { StockSnapshotSource } from "./stock-snapshot.mjs";
import { OriginError } from "./origin.mjs";
import { parseLossless, stringifyLossless } from "./lossless-json.mjs";
import { CustomerContextError, CustomerContextVerifier } from "./customer-context.mjs";
import { localeFromAcceptLanguage } from "./accept-language.mjs";

const EXPOSED_HEADERS = [
  "Cartcore-Config-Version",
  "Cartcore-Config-Digest",
  "Cartcore-Stock",
  "Cartcore-Stock-Age",
  "Cartcore-Stock-As-Of",
  "Cartcore-Country",
  "Cartcore-Currency",
];

/** HTTP status for a core error code; the same table as the native server (server/src/shop.cpp). */
function statusForCoreError(code) {
  switch (code) {
    case "payload_too_large":
      return 413;
    case "unknown_reference":
    case "currency_mismatch":
      return 422;
    case "internal_error":
      return 500;
    default:
      return 400;
  }
}

/** The engine's error shape, for errors the edge itself raises (routing, size, origin). */
function edgeError(status, code, message, pointer = "") {
  return new Response(JSON.stringify({ ok: false, error: { code, message, pointer } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/** Per-isolate state: one WebAssembly instance, one config and one stock snapshot, reused across requests. */
let isolate = null;

async function isolateFor(env) {
  if (isolate === null) {
    const settings = readSettings(env);
    const loading = Cartcore.load({ module: cartcoreWasm }).then((instance) => ({
      settings,
      instance,
      locales: instance.locales(),
      config: new StoreConfigSource(settings, instance),
      stock: new StockSnapshotSource(settings),
      customers: new CustomerContextVerifier(settings),
    }));
    isolate = loading;
    loading.catch(() => (isolate = null)); // a failed load is retried by the next request
  }
  return isolate;
}

function corsHeaders(settings, request) {
  const origin = request.headers.get("origin");
  if (origin === null) return {};
  const allowed = settings.allowedOrigins === "*" || settings.allowedOrigins.includes(origin);
  if (!allowed) return { vary: "Origin" };
  return {
    "access-control-allow-origin": settings.allowedOrigins === "*" ? "*" : origin,
    "access-control-expose-headers": EXPOSED_HEADERS.join(", "),
    vary: "Origin",
  };
}

function preflight(settings, request) {
  const headers = corsHeaders(settings, request);
  if (!headers["access-control-allow-origin"]) return new Response(null, { status: 403, headers });
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      "access-control-allow-methods": "POST, GET, DELETE, OPTIONS",
      "access-control-allow-headers": "content-type, idempotency-key, cartcore-customer, accept-language",
      "access-control-max-age": "86400",
    },
  });
}

/**
 * Reads the body up to the limit without buffering more than limit + one chunk. Returns null when too large.
 * @returns {Promise<Uint8Array | null>}
 */
async function readLimitedBody(request, limit) {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

/**
 * Builds the request the core prices. The cart's own text goes through unchanged when nothing must be added
 * (so the core judges exactly what the shopper sent); otherwise the parsed cart gets the edge's clock, stock
 * snapshot and the shopper's country, numbers keeping their source text.
 *
 * Currency: a cart that names a currency keeps it. Otherwise the CDN's country goes in as `country`, and the
 * engine picks the currency from the store's own country map (docs/FORMAT.md), or the store currency. A
 * COUNTRY_CURRENCIES entry at the edge names the currency explicitly instead (for stores whose config has no map).
 * Segments: `segments` (from a verified Cartcore-Customer token, or [] without one) replaces the cart's own
 * `customer`; undefined keeps the cart's (CUSTOMER_SEGMENTS = "trusted").
 * Language: a cart that names a `locale` keeps it; otherwise the shopper's Accept-Language picks one the engine writes.
 * @returns {{ text: string, currencyFromEdgeMap: string | null, cart?: object, stockFromCart?: boolean }}
 */
function requestForCore(cartText, { trustRequestContext, now, stockLevels, country, edgeCurrency, storeCurrency, segments, locale }) {
  let cart;
  try {
    cart = parseLossless(cartText);
  } catch {
    return { text: cartText, currencyFromEdgeMap: null }; // the core reports malformed_json with its own words
  }
  if (cart === null || typeof cart !== "object" || Array.isArray(cart)) return { text: cartText, currencyFromEdgeMap: null };
  let changed = false;
  const stockFromCart = trustRequestContext && cart.stock !== undefined;
  if (!trustRequestContext || cart.now === undefined) {
    cart.now = new Date(now).toISOString();
    changed = true;
  }
  if (!trustRequestContext || cart.stock === undefined) {
    if (stockLevels !== null) cart.stock = stockLevels;
    else delete cart.stock;
    changed = true;
  }
  if (segments !== undefined && replaceableCustomer(cart.customer)) {
    // Segments from a verified token only (or none): the origin will price the hold and checkout the same way.
    if (segments.length > 0) cart.customer = { segments };
    else delete cart.customer;
    changed = true;
  }
  if (cart.locale === undefined && locale !== null) {
    cart.locale = locale;
    changed = true;
  }
  let currencyFromEdgeMap = null;
  if (cart.currency === undefined) {
    if (cart.country === undefined && country !== null) {
      cart.country = country;
      changed = true;
    }
    if (edgeCurrency !== null && cart.country === country) {
      cart.currency = edgeCurrency;
      currencyFromEdgeMap = edgeCurrency;
      changed = true;
    } else if (cart.country === undefined) {
      cart.currency = storeCurrency; // as the native server does for a cart without one
      changed = true;
    }
  }
  return { text: changed ? stringifyLossless(cart) : cartText, currencyFromEdgeMap, cart, stockFromCart };
}

/**
 * A cart's `customer` the edge may replace: absent, or exactly what the engine accepts ({segments: up to 100 ids}).
 * Anything else stays, so the engine refuses it exactly as the origin's engine does.
 */
function replaceableCustomer(customer) {
  if (customer === undefined) return true;
  if (customer === null || typeof customer !== "object" || Array.isArray(customer)) return false;
  if (Object.keys(customer).some((key) => key !== "segments")) return false;
  const list = customer.segments ?? [];
  const utf8 = new TextEncoder();
  return Array.isArray(list) && list.length <= 100 &&
    list.every((s) => typeof s === "string" && s.length > 0 && utf8.encode(s).length <= 200);
}

/** The snapshot restricted to the variants of the config in use (memoized per snapshot and config). */
const stockByConfig = new WeakMap(); // ActiveConfig -> { levels, known }
function stockForCatalog(levels, active) {
  const cached = stockByConfig.get(active);
  if (cached?.levels === levels) return cached.known;
  const known = {};
  for (const [variant, units] of Object.entries(levels)) if (active.variantIds.has(variant)) known[variant] = units;
  stockByConfig.set(active, { levels, known });
  return known;
}

async function quote(request, state) {
  const { settings, instance } = state;
  const body = await readLimitedBody(request, settings.maxBodyBytes);
  if (body === null) {
    return edgeError(413, "payload_too_large", `A quote request may be at most ${settings.maxBodyBytes} bytes.`);
  }
  let cartText;
  try {
    // fatal: invalid UTF-8 must be refused, not silently replaced with U+FFFD and priced
    cartText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return edgeError(400, "malformed_json", "The body is not valid UTF-8.");
  }

  const now = Date.now();
  let segments;
  if (!settings.trustCustomerSegments) {
    const token = request.headers.get("cartcore-customer");
    try {
      segments = token === null ? [] : (await state.customers.verify(token, now)).segments;
    } catch (error) {
      if (error instanceof CustomerContextError) return edgeError(401, error.code, error.message);
      throw error;
    }
  }
  let active;
  try {
    active = await state.config.current(now);
  } catch (error) {
    if (error instanceof StoreConfigInvalid) {
      // The merchant's config, not the cart, is at fault; the body is the core's own report of why.
      return new Response(error.errorJson, { status: 500, headers: { "content-type": "application/json; charset=utf-8" } });
    }
    if (error instanceof OriginError) return edgeError(503, "origin_unavailable", `No store config yet: ${error.message}`);
    throw error;
  }
  const engine = active.engine;
  const stock = await state.stock.read(now, active.digest);
  const stockLevels = stock.levels === null ? null : stockForCatalog(stock.levels, active);

  // CDNs send codes that are not countries ("XX" unknown, "T1" Tor): those are left out, not refused.
  const headerCountry = request.headers.get(settings.countryHeader)?.trim().toUpperCase() ?? "";
  const country = /^[A-Z]{2}$/.test(headerCountry) && headerCountry !== "XX" ? headerCountry : null;
  const built = requestForCore(cartText, {
    trustRequestContext: settings.trustRequestContext,
    now,
    stockLevels,
    country,
    edgeCurrency: (country && settings.countryCurrencies[country]) || null,
    storeCurrency: engine.currency,
    segments,
    locale: localeFromAcceptLanguage(request.headers.get("accept-language"), state.locales),
  });
  let responseText = engine.quoteJson(built.text);
  let response = JSON.parse(responseText);
  if (!response.ok && built.currencyFromEdgeMap !== null && built.currencyFromEdgeMap !== engine.currency &&
      response.error.pointer === "/currency") {
    // The store does not sell in the currency the edge's map chose (the engine said so): let the engine pick.
    delete built.cart.currency;
    responseText = engine.quoteJson(stringifyLossless(built.cart));
    response = JSON.parse(responseText);
  }

  const headers = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "cartcore-config-digest": active.digest,
    "cartcore-stock": built.stockFromCart ? "request" : stock.state,
  };
  if (active.version !== null) headers["cartcore-config-version"] = String(active.version);
  if (stock.fetchedAt !== null && (stock.state === "fresh" || stock.state === "stale")) {
    headers["cartcore-stock-age"] = String(Math.max(0, Math.floor((now - stock.fetchedAt) / 1000)));
    headers["cartcore-stock-as-of"] = new Date(stock.fetchedAt).toISOString();
  }
  if (country) headers["cartcore-country"] = country;
  if (response.ok) headers["cartcore-currency"] = response.quote.currency;
  if (response.ok && response.quote.locale) headers["content-language"] = response.quote.locale;
  const status = response.ok ? 200 : statusForCoreError(response.error.code);
  return new Response(responseText, { status, headers });
}

/** Holds and checkout reserve stock, which only the origin may do: pass them through unchanged. */
async function forwardToOrigin(request, settings, url) {
  if (!settings.originUrl) return edgeError(404, "not_found", "Holds and checkout are served by the store's server, not this edge.");
  const headers = new Headers();
  for (const name of ["content-type", "idempotency-key", "accept", "cartcore-customer"]) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  try {
    const upstream = await fetch(settings.originUrl + url.pathname + url.search, { method: request.method, headers, body });
    return new Response(upstream.body, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" } });
  } catch (error) {
    return edgeError(502, "origin_unavailable", `The store's server did not answer: ${error?.message ?? error}`);
  }
}

async function route(request, state) {
  const url = new URL(request.url);
  if (url.pathname === "/quote") {
    if (request.method !== "POST") return edgeError(405, "method_not_allowed", "POST the cart to /quote.");
    return quote(request, state);
  }
  if (url.pathname === "/v1/checkout" || url.pathname === "/v1/holds" || url.pathname.startsWith("/v1/holds/")) {
    return forwardToOrigin(request, state.settings, url);
  }
  return edgeError(404, "not_found", "This edge serves POST /quote, and forwards /v1/holds and /v1/checkout to the store's server.");
}

export default {
  /** @param {Request} request */
  async fetch(request, env) {
    let state;
    try {
      state = await isolateFor(env);
    } catch (error) {
      return edgeError(500, "internal_error", `The pricing engine failed to start: ${error?.message ?? error}`);
    }
    if (request.method === "OPTIONS") return preflight(state.settings, request);
    let response;
    try {
      response = await route(request, state);
    } catch (error) {
      console.error("cartcore edge: request failed:", error?.stack ?? error); // for `wrangler tail`
      if (error instanceof CartcoreError && error.code === "instance_failed") isolate = null; // load afresh next time
      response = edgeError(500, "internal_error", "The edge failed to price this cart; nothing was reserved.");
    }
    for (const [name, value] of Object.entries(corsHeaders(state.settings, request))) response.headers.set(name, value);
    return response;
  },
};
