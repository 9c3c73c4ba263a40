// SPDX-License-Identifier: MIT
// The store config the edge prices with: bundled with the worker, or the origin's active version, compiled once
// per version and kept while the origin reports the same version. The edge serves exactly the origin's active
// version because checkout at the origin re-prices with it: a quote from an older config would fail the
// digest check there. Only when the origin cannot be reached does the last known version keep serving.
import { CartcoreError } from "cartcore";
import { getFromOrigin } from "./origin.mjs";
import { parseLossless, stringifyLossless } from "./lossless-json.mjs";

/** The config could not be compiled: `errorJson` is the core's own error response, byte for byte. */
export class StoreConfigInvalid extends Error {
  constructor(errorJson, version) {
    super("the store config does not compile");
    this.name = "StoreConfigInvalid";
    this.errorJson = errorJson;
    this.version = version;
  }
}

/**
 * @typedef {object} ActiveConfig
 * @property {import("cartcore").Engine} engine
 * @property {number | null} version  the origin's version number (null when bundled)
 * @property {string} digest          "sha256:…" of the canonical config
 * @property {string | null} etag     the origin's ETag for the config document, sent back as If-None-Match
 * @property {number} checkedAt       when the origin last confirmed this version (ms since epoch)
 * @property {Set<string>} variantIds the catalog's variant ids, to keep stock for unknown variants out of quotes
 */

/**
 * The variant ids a config declares, read from the document (the engine has validated it). Stock the origin
 * reports for any other variant (one added in a config version the edge has not fetched yet) would make the
 * engine refuse the whole quote as unknown_reference, so the edge passes only these, as the server does.
 */
function variantIdsOf(config) {
  const ids = new Set();
  for (const product of config?.catalog?.products ?? []) for (const variant of product.variants ?? []) ids.add(variant.id);
  return ids;
}

export class StoreConfigSource {
  #settings;
  #instance;
  /** @type {ActiveConfig | null} */
  #active = null;
  /** @type {StoreConfigInvalid | null} the origin's active version when it does not compile */
  #invalid = null;
  #invalidCheckedAt = 0;
  #refreshing = null;

  /**
   * @param {import("./settings.mjs").EdgeSettings} settings
   * @param {import("cartcore").CartcoreInstance} instance
   */
  constructor(settings, instance) {
    this.#settings = settings;
    this.#instance = instance;
  }

  /**
   * The config to price with now. Throws StoreConfigInvalid when the active version does not compile, and
   * OriginError when there is no config yet and the origin cannot be reached.
   * @returns {Promise<ActiveConfig>}
   */
  async current(now) {
    if (this.#settings.bundledConfig !== undefined) return this.#bundled();
    const checkedAt = this.#active?.checkedAt ?? (this.#invalid ? this.#invalidCheckedAt : undefined);
    if (checkedAt === undefined || now - checkedAt >= this.#settings.configCheckMs) {
      // One refresh per isolate at a time; concurrent quotes wait for it rather than each asking the origin.
      this.#refreshing ??= this.#refresh(now).finally(() => (this.#refreshing = null));
      try {
        await this.#refreshing;
      } catch (error) {
        if (this.#active === null) throw error; // nothing to fall back on
        // The origin is unreachable: keep the last known version, and try again on the next request.
      }
    }
    if (this.#invalid) throw this.#invalid;
    return this.#active;
  }

  #bundled() {
    if (this.#invalid) throw this.#invalid;
    if (this.#active) return this.#active;
    const compiled = this.#compile(this.#settings.bundledConfig, null);
    const variantIds = variantIdsOf(JSON.parse(this.#settings.bundledConfig));
    this.#active = { engine: compiled, version: null, digest: compiled.configDigest, etag: null, checkedAt: 0, variantIds };
    return this.#active;
  }

  #compile(configText, version) {
    try {
      return this.#instance.compile(configText);
    } catch (error) {
      if (!(error instanceof CartcoreError) || error.code === "instance_failed") throw error;
      this.#invalid = new StoreConfigInvalid(this.#instance.validateConfigJson(configText), version);
      throw this.#invalid;
    }
  }

  async #refresh(now) {
    const settings = this.#settings;
    const probe = await (await getFromOrigin(settings, settings.versionPath)).json();
    const known = this.#active ?? this.#invalid;
    if (known && probe.configVersion === (this.#active?.version ?? this.#invalid?.version)) {
      if (this.#active) this.#active.checkedAt = now;
      else this.#invalidCheckedAt = now;
      return;
    }
    const conditional = this.#active?.etag ? { "if-none-match": this.#active.etag } : {};
    const response = await getFromOrigin(settings, settings.configPath, conditional);
    if (response.status === 304) {
      this.#active.version = probe.configVersion;
      this.#active.checkedAt = now;
      return;
    }
    const document = parseLossless(await response.text());
    // The lossless parse keeps numbers as raw JSON; the version is a small integer, read it as a plain number.
    const version = document.version === undefined ? (probe.configVersion ?? null) : JSON.parse(stringifyLossless(document.version));
    let engine;
    try {
      engine = this.#compile(stringifyLossless(document.config), version);
    } catch (error) {
      if (!(error instanceof StoreConfigInvalid)) throw error;
      this.#retire();
      this.#invalidCheckedAt = now;
      return;
    }
    if (document.configDigest !== undefined && document.configDigest !== engine.configDigest) {
      engine.dispose();
      throw new Error(`the origin's config digest ${document.configDigest} differs from the compiled ${engine.configDigest}`);
    }
    this.#retire();
    this.#invalid = null;
    const etag = response.headers.get("etag");
    this.#active = { engine, version, digest: engine.configDigest, etag, checkedAt: now, variantIds: variantIdsOf(document.config) };
  }

  /** Quotes run synchronously inside the engine, so no quote can be using the old engine while this runs. */
  #retire() {
    this.#active?.engine.dispose();
    this.#active = null;
  }
}
