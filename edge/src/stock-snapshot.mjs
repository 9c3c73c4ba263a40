// SPDX-License-Identifier: MIT
// The origin's stock snapshot (units available to hold per variant), kept for at most STOCK_MAX_AGE_SECONDS.
// The edge only reads stock, for stock-guarded promotions and "N left"; holds and checkout, which reserve
// it, happen at the origin.
import { getFromOrigin } from "./origin.mjs";

/**
 * @typedef {object} StockReading
 * @property {"fresh" | "stale" | "unavailable" | "off"} state
 *   fresh: no older than the maximum age; stale: older, because the origin did not answer, but within
 *   STOCK_STALE_IF_ERROR_SECONDS; unavailable: nothing usable; off: the edge is not configured to read stock
 * @property {Record<string, number> | null} levels variant id -> units available (the engine's "stock" field)
 * @property {number | null} fetchedAt when the edge received the snapshot (ms since epoch)
 */

export class StockSnapshotSource {
  #settings;
  #snapshot = null; // { levels, fetchedAt }
  #refreshing = null;

  /** @param {import("./settings.mjs").EdgeSettings} settings */
  constructor(settings) {
    this.#settings = settings;
  }

  /**
   * @param {number} now
   * @param {string} configDigest the config being priced with: a snapshot taken under another config version may
   *   lack variants the new one added, so it is refreshed first, whatever its age
   * @returns {Promise<StockReading>}
   */
  async read(now, configDigest) {
    const settings = this.#settings;
    if (!settings.originUrl || settings.stockPath === "") return { state: "off", levels: null, fetchedAt: null };
    if (this.#snapshot && now - this.#snapshot.fetchedAt <= settings.stockMaxAgeMs && this.#snapshot.configDigest === configDigest) {
      return { state: "fresh", levels: this.#snapshot.levels, fetchedAt: this.#snapshot.fetchedAt };
    }
    this.#refreshing ??= this.#fetch(configDigest).finally(() => (this.#refreshing = null));
    try {
      await this.#refreshing;
      return { state: "fresh", levels: this.#snapshot.levels, fetchedAt: this.#snapshot.fetchedAt };
    } catch {
      if (this.#snapshot && Date.now() - this.#snapshot.fetchedAt <= settings.stockStaleIfErrorMs) {
        return { state: "stale", levels: this.#snapshot.levels, fetchedAt: this.#snapshot.fetchedAt };
      }
      return { state: "unavailable", levels: null, fetchedAt: this.#snapshot?.fetchedAt ?? null };
    }
  }

  async #fetch(configDigest) {
    const response = await getFromOrigin(this.#settings, this.#settings.stockPath);
    const document = await response.json();
    if (!Array.isArray(document.stock)) throw new Error("the origin's stock document has no stock list");
    const levels = {};
    // The origin computes "available" (on hand minus held, minus reserves for customer tiers); the edge
    // copies it. Tier reserves are not added here: a shopper's segments are only verified at the origin.
    for (const { variant, available } of document.stock) levels[variant] = available;
    this.#snapshot = { levels, fetchedAt: Date.now(), configDigest };
  }
}
