// SPDX-License-Identifier: MIT
// <cartcore-replay>: prices the period's committed carts under a draft config (POST /v1/admin/config/replay),
// follows the job's progress, can cancel it, and shows its report: revenue, discount and margin before and
// after, which promotions start or stop firing, and the orders that change most with the engine's reasons.
// The draft is sent as the merchant's exact text (only checked to be JSON here), so no number is rewritten.
import { ApiError } from "./api.mjs";
import { dataTable, element } from "./dom.mjs";
import { count, money, nextUtcDay, percent, signedMoney, signedPercent, time } from "./format.mjs";

const POLL_MS = 400;
const FINISHED = new Set(["done", "cancelled", "failed"]);

export class CartcoreReplay extends HTMLElement {
  #api = null;
  #job = null; // the job being followed
  #form;
  #draft;
  #from;
  #to;
  #top;
  #start;
  #cancel;
  #progress;
  #status;
  #report;
  #poll = null;

  clear() {
    clearTimeout(this.#poll);
    this.#job = null;
    this.#api = null;
    this.replaceChildren();
    this.#form = null;
  }

  #build() {
    this.#draft = element("textarea", { id: "replay-draft", name: "draft", rows: "12", spellcheck: "false", "aria-describedby": "replay-draft-hint", required: true });
    const file = element("input", { id: "replay-file", type: "file", accept: "application/json,.json" });
    file.addEventListener("change", async () => {
      const chosen = file.files?.[0];
      if (chosen) this.#draft.value = await chosen.text();
    });
    const active = element("button", { type: "button", class: "secondary", text: "Start from the active config" });
    active.addEventListener("click", () => this.#loadActive());
    this.#from = element("input", { id: "replay-from", type: "date", required: true });
    this.#to = element("input", { id: "replay-to", type: "date", required: true });
    this.#top = element("input", { id: "replay-top", type: "number", min: "1", max: "100", step: "1", value: "20", inputmode: "numeric" });
    this.#start = element("button", { type: "submit", text: "Start replay" });
    this.#cancel = element("button", { type: "button", class: "secondary", text: "Cancel replay", disabled: true });
    this.#cancel.addEventListener("click", () => this.#cancelJob());
    this.#progress = element("progress", { id: "replay-progress", max: "1", value: "0", "aria-labelledby": "replay-progress-label" });
    this.#status = element("p", { id: "replay-status", role: "status", class: "replay-status" });
    this.#report = element("div", { class: "replay-report" });
    const field = (id, label, input, hint) => element("div", { class: "field" }, element("label", { for: id, text: label }), input, hint ?? null);
    this.#form = element("form", { class: "replay-form", novalidate: true },
      element("div", { class: "field wide" },
        element("label", { for: "replay-draft", text: "Draft config (JSON)" }),
        element("p", { id: "replay-draft-hint", class: "hint", text: "Paste a store config, upload a file, or start from the active one and edit it. It is not activated." }),
        this.#draft),
      element("div", { class: "row" }, field("replay-file", "Or upload a JSON file", file), element("div", { class: "field" }, active)),
      element("div", { class: "row" },
        field("replay-from", "Orders from (UTC day)", this.#from),
        field("replay-to", "To (UTC day, included)", this.#to),
        field("replay-top", "Orders to list", this.#top)),
      element("div", { class: "row" }, this.#start, this.#cancel),
      element("div", { class: "progress-row" }, element("span", { id: "replay-progress-label", text: "Progress" }), this.#progress),
      this.#status);
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#startJob();
    });
    this.replaceChildren(this.#form, this.#report);
  }

  async load({ api, days }) {
    this.#api = api;
    if (!this.#form) this.#build();
    // The dashboard's period is the default; a merchant's own choice here is kept.
    if (!this.#from.value && days.from) this.#from.value = days.from;
    if (!this.#to.value && days.to) this.#to.value = days.to;
    if (!this.#from.value || !this.#to.value) {
      const today = new Date().toISOString().slice(0, 10);
      this.#from.value ||= new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      this.#to.value ||= today;
    }
    return null;
  }

  async #loadActive() {
    try {
      const active = await this.#api.get("/v1/admin/config");
      this.#draft.value = JSON.stringify(active.config, null, 2);
      this.#setStatus(`Loaded the active config (version ${active.version}).`);
    } catch (error) {
      this.#setStatus(`The active config could not be read: ${error.message}`, true);
    }
  }

  #setStatus(text, isError = false) {
    this.#status.textContent = text;
    this.#status.classList.toggle("error", isError);
  }

  async #startJob() {
    const text = this.#draft.value.trim();
    try {
      const parsed = JSON.parse(text);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("the draft must be a JSON object");
    } catch (error) {
      this.#draft.setAttribute("aria-invalid", "true");
      this.#setStatus(`The draft is not valid JSON: ${error.message}`, true);
      this.#draft.focus();
      return;
    }
    this.#draft.removeAttribute("aria-invalid");
    if (!this.#from.value || !this.#to.value || this.#from.value > this.#to.value) {
      this.#setStatus("Choose a first and a last day, the first not after the last.", true);
      this.#from.focus();
      return;
    }
    const top = /^\d+$/.test(this.#top.value) ? Math.min(100, Math.max(1, Number(this.#top.value))) : 20;
    // The config goes in as the merchant's text; the other members are ours.
    const body = `{"config":${text},"from":"${this.#from.value}T00:00:00Z","to":"${nextUtcDay(this.#to.value)}T00:00:00Z","top":${top}}`;
    this.#report.replaceChildren();
    this.#start.disabled = true;
    try {
      const { job } = await this.#api.postText("/v1/admin/config/replay", body);
      this.#follow(job);
    } catch (error) {
      this.#start.disabled = false;
      if (error instanceof ApiError && error.code === "replay_busy" && error.details.jobId) {
        this.#setStatus("Another replay is running; following it (you can cancel it).");
        this.#follow({ id: error.details.jobId, status: "running", progress: { done: 0, total: 0 } });
        return;
      }
      const where = error.details?.pointer ? ` (at ${error.details.pointer})` : "";
      this.#setStatus(`The replay was refused: ${error.message}${where} [${error.code}]`, true);
    }
  }

  #follow(job) {
    this.#job = job;
    this.dataset.job = job.id;
    this.#showJob(job);
    const tick = async () => {
      if (this.#job?.id !== job.id || !this.#api) return;
      try {
        const { job: current } = await this.#api.get(`/v1/admin/config/replay/${encodeURIComponent(job.id)}`);
        if (this.#job?.id !== job.id) return;
        this.#job = current;
        this.#showJob(current);
        if (!FINISHED.has(current.status)) this.#poll = setTimeout(tick, POLL_MS);
      } catch (error) {
        this.#setStatus(`Lost track of the replay: ${error.message}`, true);
        this.#start.disabled = false;
        this.#cancel.disabled = true;
      }
    };
    this.#poll = setTimeout(tick, FINISHED.has(job.status) ? 0 : POLL_MS);
  }

  async #cancelJob() {
    if (!this.#job) return;
    this.#cancel.disabled = true;
    try {
      const { job } = await this.#api.delete(`/v1/admin/config/replay/${encodeURIComponent(this.#job.id)}`);
      this.#job = job;
      this.#showJob(job);
    } catch (error) {
      this.#setStatus(`The replay could not be cancelled: ${error.message}`, true);
    }
  }

  #showJob(job) {
    const finished = FINISHED.has(job.status);
    const { done = 0, total = 0 } = job.progress ?? {};
    this.#progress.max = Math.max(total, 1);
    this.#progress.value = total > 0 ? done : finished ? 1 : 0;
    this.#start.disabled = !finished;
    this.#cancel.disabled = finished;
    this.dataset.status = job.status;
    const progress = `${count(done)} of ${count(total)} orders`;
    const text = {
      queued: "Queued…",
      running: `Running: ${progress} priced.`,
      done: `Done: ${progress} priced.`,
      cancelled: `Cancelled after ${progress}.`,
      failed: `Failed: ${job.error ?? "unknown error"}.`,
    }[job.status] ?? job.status;
    this.#setStatus(text, job.status === "failed");
    if (job.status === "done" && job.report) this.#showReport(job.report);
  }

  #showReport(report) {
    const sections = [
      element("h3", { tabindex: "-1", id: "replay-report-title", text: "What the draft would have changed" }),
      element("p", { "data-summary": "replay" },
        `${count(report.repriced)} of ${count(report.orders)} orders repriced under both configs; ` +
        `${count(report.baselineMatches)} baseline prices equal the committed quotes.`),
    ];
    for (const figures of report.byCurrency) {
      const c = figures.currency;
      const rows = ["revenue", "discount", "cost", "margin", "marginPercent"].map((key) => ({ key }));
      const label = { revenue: "Revenue", discount: "Discount given", cost: "Cost", margin: "Margin", marginPercent: "Margin %" };
      const show = (side) => (row) => (row.key === "marginPercent" ? percent(figures[side][row.key]) : money(figures[side][row.key], c));
      sections.push(dataTable({
        id: `replay-${c}`,
        caption: `${c}: ${count(figures.orders)} orders, committed config against the draft`,
        rows,
        rowKey: (row) => row.key,
        columns: [
          { key: "key", label: "Figure", format: (row) => label[row.key] },
          { key: "baseline", label: "As committed", numeric: true, format: show("baseline") },
          { key: "draft", label: "Under the draft", numeric: true, format: show("draft") },
          { key: "difference", label: "Difference", numeric: true, format: (row) => (row.key === "marginPercent" ? signedPercent(figures.difference[row.key]) : signedMoney(figures.difference[row.key], c)) },
        ],
      }));
    }
    const list = (title, ids, key) => element("div", { class: "firing" }, element("h4", { text: title }),
      ids.length ? element("ul", { "data-list": key }, ids.map((id) => element("li", { text: id }))) : element("p", { "data-list": key, text: "None." }));
    sections.push(element("div", { class: "row" },
      list("Newly firing", report.newlyFiring, "newly-firing"), list("Stopped firing", report.stoppedFiring, "stopped-firing")));
    sections.push(dataTable({
      id: "replay-promotions",
      caption: "Orders each promotion applied to",
      rows: report.promotions,
      rowKey: (row) => row.promotion,
      columns: [
        { key: "promotion", label: "Promotion" },
        { key: "baselineOrders", label: "As committed", numeric: true, format: (row) => count(row.baselineOrders) },
        { key: "draftOrders", label: "Under the draft", numeric: true, format: (row) => count(row.draftOrders) },
        { key: "change", label: "Change" },
      ],
    }));
    sections.push(dataTable({
      id: "replay-top-changes",
      caption: "Orders that change most",
      rows: report.topChanges,
      rowKey: (row) => row.orderId,
      empty: "No order changes.",
      columns: [
        { key: "orderId", label: "Order" },
        { key: "createdAt", label: "Checked out", format: (row) => time(row.createdAt) },
        { key: "baseline", label: "Revenue as committed", numeric: true, format: (row) => money(row.baseline.revenue, row.currency) },
        { key: "draft", label: "Revenue under the draft", numeric: true, format: (row) => money(row.draft.revenue, row.currency) },
        { key: "difference", label: "Difference", numeric: true, format: (row) => signedMoney(row.difference.revenue, row.currency) },
        { key: "promotions", label: "Why (the engine's reasons)", format: (row) => reasons(row.promotions) },
      ],
    }));
    if (report.skipped.length) {
      sections.push(dataTable({
        id: "replay-skipped",
        caption: "Orders that could not be priced",
        rows: report.skipped,
        rowKey: (row) => `${row.side}:${row.code}`,
        columns: [
          { key: "side", label: "Config" },
          { key: "code", label: "Error code" },
          { key: "orders", label: "Orders", numeric: true, format: (row) => count(row.orders) },
          { key: "example", label: "Example" },
        ],
      }));
    }
    this.#report.replaceChildren(...sections);
  }
}

/** The engine's reason codes before and after; a side without the promotion (added or removed by the draft) is named. */
function reasons(promotions) {
  if (!promotions?.length) return "the same promotions, other amounts";
  const outcome = (code, side) => code ?? `not in the ${side}`;
  return element("ul", { class: "plain" }, promotions.map((p) =>
    element("li", { text: `${p.promotion}: ${outcome(p.before, "committed config")} → ${outcome(p.after, "draft")}${p.by ? ` (by ${p.by})` : ""}` })));
}

customElements.define("cartcore-replay", CartcoreReplay);
