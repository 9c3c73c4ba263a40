// SPDX-License-Identifier: MIT
// <cartcore-live-stock>: every variant's on hand, held and available units and the hold counts, live from
// GET /v1/admin/stream (server-sent events read with fetch(), since EventSource cannot send the key). Each change
// shows its delta and a short highlight (none under prefers-reduced-motion), so a flash sale visibly ticks down;
// each stock-guarded promotion (a flash sale) shows its live units against its guard, and recorded switches (a
// promotion turning itself off or on, a SKU going low) are announced politely.
import { alertBox, element } from "./dom.mjs";
import { count, percent, time } from "./format.mjs";

const MAX_SWITCHES = 20;
const MAX_RETRY_MS = 30_000;

const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
});

/** "1 unit", "3 units" (the English plural with s is all the page needs). */
const plural = (n, noun) => `${count(n)} ${noun}${n === 1 ? "" : "s"}`;

const STATE_TEXT = { ok: "In stock", low: "Low", out: "Out of stock" };

export class CartcoreLiveStock extends HTMLElement {
  #abort = null;
  #rows = new Map(); // variant -> {row, cells, bar, delta, available}
  #status;
  #holds;
  #updated;
  #tbody;
  #switches;
  #guards;
  // promotion -> {promotion, name, state, variant, sku, available, threshold, at}: from the stream's `guards` (its
  // live state) or, from a server without them, the last recorded switch; the line follows the variant's units.
  #guardState = new Map();
  #history;

  clear() {
    this.deactivate();
    this.replaceChildren();
    this.#rows.clear();
    this.#guardState.clear();
    this.#status = null;
  }

  #build() {
    this.#status = element("p", { class: "connection", role: "status", "data-connection": "connecting", text: "Connecting…" });
    this.#holds = element("p", { class: "holds", "data-holds": "" });
    this.#updated = element("p", { class: "hint", "data-updated": "" });
    this.#tbody = element("tbody");
    this.#guards = element("ul", { class: "guards plain", "aria-labelledby": "guards-title" },
      element("li", { class: "hint", "data-empty": "", text: "None has switched on or off in the last 30 days; its variant's units are in the table below." }));
    this.#switches = element("ol", { class: "switches plain", reversed: true });
    this.#history = element("div", { class: "history" });
    const table = element("div", { class: "table-scroll", role: "region", "aria-label": "Stock by variant, live" }, element("table", { id: "live-stock-table" },
      element("caption", { text: "Stock by variant, live" }),
      element("thead", {}, element("tr", {}, ["SKU", "Variant", "On hand", "Held", "Available", "Low-stock level", "State"].map((label, i) =>
        element("th", { scope: "col", class: i >= 2 && i <= 5 ? "num" : null, text: label })))),
      this.#tbody));
    this.replaceChildren(
      this.#status,
      element("div", { class: "live-summary" }, this.#holds, this.#updated),
      element("h3", { id: "guards-title", text: "Stock-guarded promotions" }),
      this.#guards,
      table,
      element("h3", { id: "switches-title", text: "Switches" }),
      element("div", { "aria-live": "polite", "aria-labelledby": "switches-title" }, this.#switches),
      this.#history);
  }

  /** Opens the stream (once) while the view is shown. */
  activate(api) {
    if (this.#abort || !api) return;
    if (!this.#status) this.#build();
    this.#abort = new AbortController();
    this.#run(api, this.#abort.signal);
  }

  /** Closes the stream when the view is left or the key is dropped. */
  deactivate() {
    this.#abort?.abort();
    this.#abort = null;
  }

  /** The hold outcomes of the last 30 days (the analytics default period) and the recent switches. */
  async load({ api }) {
    if (!this.#status) this.#build();
    try {
      const stock = await api.get("/v1/admin/analytics/stock", { limit: MAX_SWITCHES });
      const h = stock.holds;
      this.#history.replaceChildren(element("h3", { text: "Hold outcomes" }), element("p", { "data-summary": "hold-outcomes" },
        `${stock.from.slice(0, 10)} to ${stock.to.slice(0, 10)}: holds ended as ${plural(h.converted, "order")}, ${count(h.expired)} expired, ` +
        `${count(h.released)} released (conversion ${percent(h.conversionPercent)}, expiry ${percent(h.expiryPercent)}).`));
      if (this.#switches.children.length === 0) for (const s of stock.switches) this.#addSwitch(s, { announce: false });
    } catch (error) {
      this.#history.replaceChildren(alertBox(`The hold outcomes could not be loaded: ${error.message}`));
    }
    return null;
  }

  #setStatus(state, text) {
    this.#status.dataset.connection = state;
    this.#status.textContent = text;
  }

  async #run(api, signal) {
    let delay = 1000;
    while (!signal.aborted) {
      this.#setStatus("connecting", "Connecting…");
      try {
        for await (const { event, data } of api.stream(signal)) {
          delay = 1000;
          this.#onEvent(event, data);
        }
        if (signal.aborted) return;
        this.#setStatus("retrying", "The stream ended; reconnecting…");
      } catch (error) {
        if (signal.aborted || error.status === 401) return; // the page signs out on 401
        const busy = error.code === "too_many_streams";
        this.#setStatus("retrying", `${busy ? "Too many live views are open" : `Disconnected (${error.message})`}; retrying in ${Math.round(delay / 1000)} s.`);
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  #onEvent(event, data) {
    if (event === "snapshot") {
      this.#tbody.replaceChildren();
      this.#rows.clear();
      for (const level of data.stock) this.#upsert(level, { initial: true });
      if (data.guards) {
        this.#guards.replaceChildren();
        this.#guardState.clear();
        if (data.guards.length === 0) this.#guards.append(element("li", { class: "hint", "data-empty": "", text: "The active config has no stock-guarded promotion." }));
        for (const guard of data.guards) this.#setGuard(guard, data.at);
      }
      this.#showHolds(data.holds);
      this.#setStatus("live", `Live (config version ${data.configVersion}).`);
    } else if (event === "stock") {
      for (const level of data.stock) this.#upsert(level, { initial: false });
    } else if (event === "guards") {
      for (const guard of data.guards) this.#setGuard(guard, data.at);
    } else if (event === "holds") {
      this.#showHolds(data);
    } else if (event === "switch") {
      this.#addSwitch(data, { announce: true });
    }
    if (data.at) this.#updated.textContent = `Updated ${time(data.at)}`;
  }

  #showHolds({ active, units }) {
    this.#holds.dataset.holds = `${active}:${units}`;
    this.#holds.textContent = `${plural(active, "active hold")}, ${plural(units, "unit")} held`;
  }

  #upsert(level, { initial }) {
    let entry = this.#rows.get(level.variant);
    if (!entry) {
      const cells = {};
      const cell = (key, numeric) => (cells[key] = element("td", { class: numeric ? "num" : null, "data-field": key }));
      const bar = element("span", { class: "bar", "aria-hidden": "true" });
      const delta = element("span", { class: "delta", "data-field": "delta" });
      const row = element("tr", { "data-row": level.variant },
        element("th", { scope: "row", "data-field": "sku", text: level.sku }),
        cell("variant"), cell("onHand", true), cell("held", true), cell("available", true), cell("lowStockLevel", true), cell("state"));
      entry = { row, cells, bar, delta, available: level.available };
      this.#rows.set(level.variant, entry);
      this.#tbody.append(row);
    }
    const { cells } = entry;
    cells.variant.textContent = level.variant;
    cells.onHand.textContent = count(level.onHand);
    cells.held.textContent = count(level.held);
    const availableText = element("span", { "data-value": "" }, count(level.available));
    cells.available.replaceChildren(entry.bar, availableText, entry.delta);
    // The bar is the share of on-hand units still available: it shrinks as holds and orders take stock.
    entry.bar.style.setProperty("--share", level.onHand > 0 ? String(Math.max(0, Math.min(1, level.available / level.onHand))) : "0");
    cells.lowStockLevel.textContent = level.lowStockLevel === null || level.lowStockLevel === undefined ? "–" : count(level.lowStockLevel);
    cells.state.textContent = STATE_TEXT[level.state] ?? level.state;
    entry.row.dataset.state = level.state;
    if (!initial && level.available !== entry.available) {
      const change = level.available - entry.available;
      entry.delta.textContent = change > 0 ? ` +${count(change)}` : ` −${count(-change)}`;
      entry.delta.dataset.direction = change > 0 ? "up" : "down";
      entry.row.classList.remove("ticked");
      void entry.row.offsetWidth; // restart the highlight animation
      entry.row.classList.add("ticked");
    }
    entry.available = level.available;
    for (const [promotion, guard] of this.#guardState) if (guard.variant === level.variant) this.#showGuard(promotion);
  }

  #addSwitch(s, { announce }) {
    const what = s.kind === "guard"
      ? `Promotion ${s.subject} switched ${s.state}: ${s.sku || s.variant} had ${count(s.available)} available (guard minimum ${count(s.threshold)}).`
      : `${s.sku || s.variant} is now ${STATE_TEXT[s.state]?.toLowerCase() ?? s.state}: ${count(s.available)} available (low-stock level ${count(s.threshold)}).`;
    const item = element("li", { "data-switch": `${s.kind}:${s.subject}:${s.state}` }, element("time", { datetime: s.at, text: time(s.at) }), ` ${what}`);
    // Only live switches go into the live region; the history loads silently.
    if (announce) this.#switches.prepend(item);
    else this.#switches.append(item);
    while (this.#switches.children.length > MAX_SWITCHES) this.#switches.lastElementChild.remove();
    const known = this.#guardState.get(s.subject);
    if (s.kind === "guard" && (!known || s.at >= known.at)) {
      this.#guardState.set(s.subject, { ...known, promotion: s.subject, state: s.state, variant: s.variant, sku: s.sku, available: s.available, threshold: s.threshold, at: s.at });
      this.#showGuard(s.subject);
    }
  }

  /** A guarded promotion's live state from the stream (snapshot or `guards` event). */
  #setGuard(guard, at) {
    this.#guardState.set(guard.promotion, { ...guard, threshold: guard.minAvailable, at });
    this.#showGuard(guard.promotion);
  }

  /**
   * One line per stock-guarded promotion: running or switched off, and the live units of the guarded variant with
   * the fewest, so a flash sale is seen counting down to its guard.
   */
  #showGuard(promotion) {
    const s = this.#guardState.get(promotion);
    let item = this.#guards.querySelector(`[data-guard="${CSS.escape(promotion)}"]`);
    if (!item) {
      this.#guards.querySelector("[data-empty]")?.remove();
      this.#guards.append((item = element("li", { "data-guard": promotion })));
    }
    const live = this.#rows.get(s.variant)?.available ?? s.available;
    item.dataset.state = s.state;
    const title = s.name ? `${s.name} (${promotion})` : promotion;
    item.textContent = `${title}: ${s.state === "on" ? "running" : "switched off"}; ${s.sku || s.variant} has ${count(live)} available, the guard needs ${count(s.threshold)}.`;
  }
}

customElements.define("cartcore-live-stock", CartcoreLiveStock);
