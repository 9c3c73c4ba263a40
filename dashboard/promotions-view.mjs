// SPDX-License-Identifier: MIT
// <cartcore-promotions>: what each promotion did in the period (orders, units, discount, revenue, margin,
// clamps, what it lost to), the discount and margin % per day, and the promotions most often applied together.
// Figures come from /v1/admin/analytics/{promotions,margin,combinations} and are shown as the API wrote them.
import { dataTable, element } from "./dom.mjs";
import { compareDecimals, count, money, percent } from "./format.mjs";
import { downloadCsv, latestLoader } from "./view-support.mjs";

const TOP_COMBINATIONS = 8;

export class CartcorePromotions extends HTMLElement {
  #load = latestLoader(this, "The analytics");

  clear() {
    this.replaceChildren();
  }

  /** Resolves to the promotions report (its period is what the page shows), or null. */
  load({ api, period }) {
    return this.#load(
      () => Promise.all(["promotions", "margin", "combinations"].map((report) => api.get(`/v1/admin/analytics/${report}`, period))),
      ([promotions, margin, combinations]) => this.#render(api, period, promotions, margin, combinations));
  }

  #render(api, period, promotions, margin, combinations) {
    const currency = promotions.currency;
    const cash = (key) => (row) => money(row[key], currency);
    const table = dataTable({
      id: "promotions-table",
      caption: `Promotions that applied, by discount given (${currency})`,
      rows: promotions.promotions,
      rowKey: (row) => row.promotion,
      empty: "No promotion applied to an order in this period.",
      columns: [
        { key: "promotion", label: "Promotion", format: (row) => element("span", {}, element("span", { class: "name", text: row.name }), element("span", { class: "id", text: row.promotion })) },
        { key: "orders", label: "Orders", numeric: true, format: (row) => count(row.orders) },
        { key: "units", label: "Units", numeric: true, format: (row) => count(row.units) },
        { key: "listAmount", label: "List amount", numeric: true, format: cash("listAmount") },
        { key: "discount", label: "Discount given", numeric: true, format: cash("discount") },
        { key: "revenue", label: "Revenue", numeric: true, format: cash("revenue") },
        { key: "cost", label: "Cost", numeric: true, format: cash("cost") },
        { key: "margin", label: "Margin", numeric: true, format: cash("margin") },
        { key: "marginPercent", label: "Margin %", numeric: true, format: (row) => percent(row.marginPercent) },
        { key: "clamps", label: "Margin clamps", numeric: true, format: (row) => count(row.clamps) },
        { key: "lostTo", label: "Most often lost to", format: (row) => lostTo(row.lostTo) },
      ],
    });

    const days = margin.daily;
    const discountChart = element("cartcore-chart", { id: "chart-discount" });
    discountChart.show({
      id: "chart-discount",
      title: `Discount given per day (${currency})`,
      summary: summarize(days, "discount", (v) => money(v, currency), "discount given"),
      kind: "line",
      x: { label: "Day (UTC)", values: days.map((d) => d.day) },
      series: [{ label: "Discount", values: days.map((d) => d.discount), format: (v) => money(v, currency) }],
    });
    const marginChart = element("cartcore-chart", { id: "chart-margin" });
    marginChart.show({
      id: "chart-margin",
      title: "Margin % per day (lines with a known cost)",
      summary: summarize(days, "marginPercent", percent, "margin"),
      kind: "line",
      x: { label: "Day (UTC)", values: days.map((d) => d.day) },
      series: [{ label: "Margin %", values: days.map((d) => d.marginPercent), format: percent }],
    });
    const top = combinations.combinations.slice(0, TOP_COMBINATIONS);
    const combinationChart = element("cartcore-chart", { id: "chart-combinations" });
    combinationChart.show({
      id: "chart-combinations",
      title: "Top combinations by orders",
      summary: top.length
        ? `Bar chart of the ${top.length} most frequent combinations; the most frequent is ${combinationName(top[0].promotions)} with ${count(top[0].orders)} orders.`
        : "No orders in this period.",
      kind: "bars",
      x: { label: "Promotions applied together", values: top.map((c) => combinationName(c.promotions)) },
      series: [{ label: "Orders", values: top.map((c) => String(c.orders)), format: count }],
    });

    const combinationTable = dataTable({
      id: "combinations-table",
      caption: `Promotions applied together (${currency})`,
      rows: combinations.combinations,
      rowKey: (row) => combinationName(row.promotions),
      columns: [
        { key: "promotions", label: "Promotions", format: (row) => combinationName(row.promotions) },
        { key: "orders", label: "Orders", numeric: true, format: (row) => count(row.orders) },
        { key: "subtotal", label: "Subtotal", numeric: true, format: cash("subtotal") },
        { key: "discount", label: "Discount", numeric: true, format: cash("discount") },
        { key: "averageDiscountPercent", label: "Average discount %", numeric: true, format: (row) => percent(row.averageDiscountPercent) },
      ],
    });

    this.replaceChildren(
      element("p", { class: "period-summary", "data-summary": "promotions" },
        `${count(promotions.orders)} orders in ${currency}, ${promotions.from.slice(0, 10)} to ${promotions.to.slice(0, 10)} (exclusive)`,
        promotions.configVersion ? `, config version ${promotions.configVersion}.` : ", every config version."),
      table,
      downloadCsv(api, "/v1/admin/analytics/promotions", period, "promotions.csv", "Download the promotions as CSV"),
      element("div", { class: "charts" }, discountChart, marginChart, combinationChart),
      combinationTable,
      downloadCsv(api, "/v1/admin/analytics/combinations", period, "combinations.csv", "Download the combinations as CSV"),
    );
    return promotions;
  }
}

/** "flash-skillet + bundle" ; the empty set is the orders without a promotion. */
export const combinationName = (ids) => (ids.length ? ids.join(" + ") : "(no promotion)");

function lostTo(entries) {
  if (!entries.length) return "–";
  return element("ul", { class: "plain" }, entries.map((e) => element("li", { text: `${e.promotion} (${e.reason}): ${count(e.orders)} orders` })));
}

/** One sentence for a day series: first and last day, and the day with the highest value (compared as text). */
function summarize(days, key, format, what) {
  if (!days.length) return "No orders in this period.";
  const known = days.filter((d) => d[key] !== null);
  if (!known.length) return `${days.length} days with orders; no ${what} figure (no cost known).`;
  const highest = known.reduce((best, d) => (compareDecimals(d[key], best[key]) > 0 ? d : best));
  return `Line chart over ${days.length} days from ${days[0].day} to ${days.at(-1).day}; highest ${what} ${format(highest[key])} on ${highest.day}.`;
}

customElements.define("cartcore-promotions", CartcorePromotions);
