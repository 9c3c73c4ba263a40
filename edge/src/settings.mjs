// SPDX-License-Identifier: MIT
// Reads the worker's settings from its environment (wrangler.toml [vars] and secrets) once per isolate, with the
// defaults a merchant gets when a variable is absent. Nothing here prices anything.

const DEFAULTS = {
  ORIGIN_VERSION_PATH: "/healthz",
  ORIGIN_CONFIG_PATH: "/v1/admin/config",
  ORIGIN_STOCK_PATH: "/v1/admin/stock",
  CONFIG_CHECK_SECONDS: "30",
  STOCK_MAX_AGE_SECONDS: "5",
  STOCK_STALE_IF_ERROR_SECONDS: "60",
  COUNTRY_HEADER: "CF-IPCountry",
  MAX_BODY_BYTES: "1048576", // the core's own request limit (docs/FORMAT.md), refused here before any parsing
  ALLOWED_ORIGINS: "*",
  TRUST_REQUEST_CONTEXT: "false",
  CUSTOMER_SEGMENTS: "signed",
};

function text(env, name) {
  const value = env[name];
  if (value === undefined || value === null) return DEFAULTS[name];
  return typeof value === "string" ? value : JSON.stringify(value);
}

function seconds(env, name) {
  const value = Number(text(env, name));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number of seconds >= 0, not ${text(env, name)}`);
  return value * 1000;
}

/** wrangler [vars] may hold a JSON object as an inline table or as JSON text; both are accepted. */
function jsonObject(env, name) {
  const value = env[name];
  if (value === undefined || value === null || value === "") return {};
  const parsed = typeof value === "string" ? JSON.parse(value) : value;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${name} must be a JSON object`);
  return parsed;
}

/**
 * @typedef {object} EdgeSettings
 * @property {string | undefined} originUrl   the native server, e.g. "https://shop.example.com" (no trailing slash)
 * @property {string | undefined} originToken the origin's edge-scoped API key (reads config and stock only; a secret)
 * @property {string | undefined} bundledConfig store config text shipped with the worker; wins over the origin
 * @property {string} versionPath   origin path answering {configVersion, configDigest}
 * @property {string} configPath    origin path answering {version, configDigest, config}
 * @property {string} stockPath     origin path answering {stock: [{variant, available}]}; "" = no stock at the edge
 * @property {number} configCheckMs how long a known config version is trusted before the origin is asked again
 * @property {number} stockMaxAgeMs the oldest stock snapshot a quote may use when the origin answers
 * @property {number} stockStaleIfErrorMs the oldest snapshot still used while the origin does not answer
 * @property {Record<string, string>} countryCurrencies ISO 3166 country -> ISO 4217 currency
 * @property {string} countryHeader the CDN's header naming the shopper's country
 * @property {number} maxBodyBytes
 * @property {string[] | "*"} allowedOrigins browser origins the widget may call from
 * @property {boolean} trustRequestContext honour "now" and "stock" sent in the cart (tests and previews only)
 * @property {boolean} trustCustomerSegments take customer.segments from the cart as sent (CUSTOMER_SEGMENTS =
 *   "trusted"); otherwise only from a verified Cartcore-Customer token, as the origin does
 * @property {string | undefined} customerHmacSecret HS256 secret shared with the storefront backend (a secret)
 * @property {string | undefined} customerEd25519Key the storefront's Ed25519 public key, PEM
 */

function customerSegments(env) {
  const mode = text(env, "CUSTOMER_SEGMENTS");
  if (mode !== "signed" && mode !== "trusted") throw new Error(`CUSTOMER_SEGMENTS must be "signed" or "trusted", not ${mode}`);
  return mode;
}

/** @returns {EdgeSettings} */
export function readSettings(env) {
  const origins = text(env, "ALLOWED_ORIGINS").trim();
  const originUrl = env.ORIGIN_URL ? String(env.ORIGIN_URL).replace(/\/+$/, "") : undefined;
  const bundled = env.STORE_CONFIG;
  return {
    originUrl,
    originToken: env.ORIGIN_TOKEN ? String(env.ORIGIN_TOKEN) : undefined,
    bundledConfig: bundled === undefined || bundled === null || bundled === "" ? undefined : typeof bundled === "string" ? bundled : JSON.stringify(bundled),
    versionPath: text(env, "ORIGIN_VERSION_PATH"),
    configPath: text(env, "ORIGIN_CONFIG_PATH"),
    stockPath: text(env, "ORIGIN_STOCK_PATH"),
    configCheckMs: seconds(env, "CONFIG_CHECK_SECONDS"),
    stockMaxAgeMs: seconds(env, "STOCK_MAX_AGE_SECONDS"),
    stockStaleIfErrorMs: seconds(env, "STOCK_STALE_IF_ERROR_SECONDS"),
    countryCurrencies: jsonObject(env, "COUNTRY_CURRENCIES"),
    countryHeader: text(env, "COUNTRY_HEADER"),
    maxBodyBytes: Number(text(env, "MAX_BODY_BYTES")),
    allowedOrigins: origins === "*" ? "*" : origins.split(",").map((o) => o.trim()).filter(Boolean),
    trustRequestContext: text(env, "TRUST_REQUEST_CONTEXT") === "true",
    trustCustomerSegments: customerSegments(env) === "trusted",
    customerHmacSecret: env.CUSTOMER_HMAC_SECRET ? String(env.CUSTOMER_HMAC_SECRET) : undefined,
    customerEd25519Key: env.CUSTOMER_ED25519_KEY ? String(env.CUSTOMER_ED25519_KEY) : undefined,
  };
}
