// SPDX-License-Identifier: MIT
// <cartcore-margin>: the period's order margin, how many orders fell below a target margin %, and every margin
// clamp (a floor giving discount back) by floor, by promotion and by category, from /v1/admin/analytics/margin.
import { dataTable, element } from "./dom.mjs";
import { count, money, percent } from "./format.mjs";
import { downloadCsv, latestLoader } from "./view-support.mjs";

export class CartcoreMargin extends HTMLElement {
  #load = latestLoader(this, "The margin report");
  #target = "0";

  clear() {
    this.replaceChildren();
  }

  /** Resolves to the margin report (its period is what the page shows), or null. */
  load({ api, period }) {
    return this.#load(
      () => api.get("/v1/admin/analytics/margin", { ...period, targetPercent: this.#target }),
      (margin) => this.#render(api, period, margin));
  }

  #render(api, period, margin) {
    const currency = margin.currency;
    const cash = (key) => (row) => money(row[key], currency);
    const totals = margin.totals;
    const figure = (label, key, value) => element("div", {}, element("dt", { text: label }), element("dd", { "data-total": key, text: value }));
    const totalsList = element("dl", { class: "figures", "aria-label": "Totals of the period" },
      figure("Orders", "orders", count(totals.orders)),
      figure("Subtotal (after price rules)", "subtotal", money(totals.subtotal, currency)),
      figure("Discount given", "discount", money(totals.discount, currency)),
      figure("Revenue (net of tax)", "revenue", money(totals.revenue, currency)),
      figure("Cost", "cost", money(totals.cost, currency)),
      figure("Margin", "margin", money(totals.margin, currency)),
      figure("Margin %", "marginPercent", percent(totals.marginPercent)),
      figure("Units without a known cost", "unitsWithoutCost", count(margin.unitsWithoutCost)));

    const targetInput = element("input", { id: "margin-target", name: "targetPercent", type: "number", min: "-100", max: "100", step: "1", value: this.#target, inputmode: "numeric" });
    const targetForm = element("form", { class: "inline-form", novalidate: true },
      element("label", { for: "margin-target", text: "Target margin % (whole percent)" }), targetInput,
      element("button", { type: "submit", class: "secondary", text: "Count orders below" }));
    targetForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = targetInput.value.trim();
      if (!/^-?\d{1,3}$/.test(value) || Number(value) < -100 || Number(value) > 100) {
        targetInput.setAttribute("aria-invalid", "true");
        targetInput.focus();
        return;
      }
      this.#target = value;
      this.load({ api, period }).then(() => this.querySelector("#margin-target")?.focus());
    });
    const target = margin.target;
    const below = element("p", { "data-summary": "target" },
      `${count(target.ordersBelow)} of ${count(target.ordersWithCost)} orders with a known cost have a margin below ${percent(target.marginPercent)}.`);

    const clampColumns = (label) => [
      { key: "key", label },
      { key: "clamps", label: "Clamps", numeric: true, format: (row) => count(row.clamps) },
      { key: "discountBefore", label: "Discount before", numeric: true, format: cash("discountBefore") },
      { key: "discountAfter", label: "Discount after", numeric: true, format: cash("discountAfter") },
      { key: "givenBack", label: "Given back", numeric: true, format: cash("givenBack") },
    ];
    const clampTable = (id, caption, label, rows) =>
      dataTable({ id, caption, columns: clampColumns(label), rows, rowKey: (row) => row.key, empty: "No clamp in this period." });
    const total = margin.clamps.total;

    this.replaceChildren(
      element("p", { class: "period-summary", "data-summary": "margin" },
        `${margin.from.slice(0, 10)} to ${margin.to.slice(0, 10)} (exclusive), ${currency}`,
        margin.configVersion ? `, config version ${margin.configVersion}.` : ", every config version."),
      totalsList,
      element("h3", { text: "Orders below a target margin" }),
      targetForm,
      below,
      element("h3", { text: "Margin clamps" }),
      element("p", { "data-summary": "clamps" },
        `${count(total.clamps)} clamps gave back ${money(total.givenBack, currency)} of discount (${money(total.discountBefore, currency)} before, ${money(total.discountAfter, currency)} after).`),
      clampTable("clamps-by-floor", "Clamps by margin floor", "Floor", margin.clamps.byFloor),
      clampTable("clamps-by-promotion", "Clamps by promotion (the last-applied promotion on the clamped line)", "Promotion", margin.clamps.byPromotion),
      clampTable("clamps-by-category", "Clamps by category (a clamp counts under each category of its variant)", "Category", margin.clamps.byCategory),
      downloadCsv(api, "/v1/admin/analytics/margin", { ...period, table: "clamps" }, "clamps.csv", "Download the clamps as CSV"),
      downloadCsv(api, "/v1/admin/analytics/margin", { ...period, table: "daily" }, "margin-daily.csv", "Download the margin per day as CSV"),
    );
    return margin;
  }
}

customElements.define("cartcore-margin", CartcoreMargin);
