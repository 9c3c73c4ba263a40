// SPDX-License-Identifier: MIT
// <cartcore-chart>: one uPlot chart with its text alternative. The canvas is an image to assistive technology
// (role="img" with a one-sentence summary); the same figures, formatted exactly as the API wrote them, are in a
// table under a disclosure, so nothing is only in the picture. uPlot is the ES module the build copied from npm
// into vendor/; if it is missing the table still shows everything.
import { dataTable, element } from "./dom.mjs";
import { plotValue } from "./format.mjs";

let uPlotLoading = null;
const loadUPlot = () => (uPlotLoading ??= import("./vendor/uPlot.esm.js").then((module) => module.default));

// Series colours: >= 3:1 against white as WCAG 1.4.11 asks of graphics (blue 6.0:1, green 6.5:1).
const SERIES_COLOURS = ["#1f5fbf", "#116b3a"];
const AXIS = { stroke: "#1d232a", grid: { stroke: "#d8dde3", width: 1 }, ticks: { stroke: "#d8dde3", width: 1 } };

// Ticks fall on whole UTC days (1, 2, 7, 14, 28 days apart), labelled MM-DD; the table has the full dates.
const DAY_STEPS = [1, 2, 7, 14, 28, 56].map((days) => days * 86_400);
// Counts are whole: ticks 1, 2, 5, 10, … apart, never 0.5.
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];
/** Room for the longest category label (about 7 px a character at the axis font), within reason. */
const labelWidth = (labels) => Math.min(260, 24 + 7 * Math.max(0, ...labels.map((label) => label.length)));
const utcDaySeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

export class CartcoreChart extends HTMLElement {
  #plot = null;
  #spec = null;
  #resize = new ResizeObserver(() => this.#fit());

  connectedCallback() {
    this.#resize.observe(this);
  }

  disconnectedCallback() {
    this.#resize.disconnect();
    this.#plot?.destroy();
    this.#plot = null;
  }

  /**
   * spec: {id, title, summary, kind: "line" | "bars", x: {label, values, days?}, series: [{label, values, format}]}
   * `values` are the API's strings (days, labels, decimals); `format` writes a value for the table.
   */
  show(spec) {
    this.#spec = spec;
    this.#plot?.destroy();
    this.#plot = null;
    const plotArea = element("div", { class: "plot", role: "img", "aria-label": spec.summary });
    const rows = spec.x.values.map((x, index) => ({ x, index }));
    const columns = [
      { key: "x", label: spec.x.label },
      ...spec.series.map((series, s) => ({ key: `s${s}`, label: series.label, numeric: true, format: (row) => series.format(series.values[row.index]) })),
    ];
    this.replaceChildren(element("figure", { class: "chart" },
      element("figcaption", { text: spec.title }),
      plotArea,
      element("details", {}, element("summary", { text: `${spec.title}: the figures as a table` }),
        dataTable({ caption: spec.title, columns, rows, rowKey: (row) => row.x, id: spec.id && `${spec.id}-table` }))));
    loadUPlot().then(() => this.#fit(), () => {
      plotArea.append(element("p", { class: "note", text: "The chart library is not installed on this server; the table below has the figures." }));
    });
  }

  async #fit() {
    const spec = this.#spec;
    const plotArea = this.querySelector(".plot");
    if (!spec || !plotArea) return;
    const width = plotArea.clientWidth;
    if (width === 0) return; // hidden view: drawn when it is shown
    if (this.#plot) {
      if (this.#plot.width !== width) this.#plot.setSize({ width, height: this.#plot.height });
      return;
    }
    const uPlot = await loadUPlot();
    if (this.#plot || this.#spec !== spec) return;
    // Bars are horizontal: the categories (long promotion lists) read as text down the left side.
    const bars = spec.kind === "bars";
    const xs = bars ? spec.x.values.map((_, i) => i) : spec.x.values.map(utcDaySeconds);
    const height = bars ? Math.max(120, 44 + 30 * xs.length) : 220;
    const options = {
      width,
      height,
      legend: { show: spec.series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      // The API's days are UTC days: label the axis in UTC whatever the browser's time zone.
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
      scales: {
        x: bars ? { time: false, ori: 1, dir: -1, range: () => [-0.5, xs.length - 0.5] } : { time: true },
        y: { ...(bars ? { ori: 0, dir: 1 } : {}), range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        bars
          ? { ...AXIS, side: 3, size: labelWidth(spec.x.values), gap: 6, splits: () => xs, values: (u, splits) => splits.map((i) => spec.x.values[i] ?? "") }
          : { ...AXIS, incrs: DAY_STEPS, values: (u, splits) => splits.map((s) => new Date(s * 1000).toISOString().slice(5, 10)) },
        bars ? { ...AXIS, side: 2, incrs: COUNT_STEPS } : { ...AXIS, size: 64 },
      ],
      series: [
        {},
        ...spec.series.map((series, s) => ({
          label: series.label,
          stroke: SERIES_COLOURS[s % SERIES_COLOURS.length],
          width: 2,
          fill: bars ? SERIES_COLOURS[s % SERIES_COLOURS.length] : undefined,
          points: { show: !bars },
          paths: bars ? uPlot.paths.bars({ size: [0.6, 64] }) : undefined,
          spanGaps: false,
        })),
      ],
    };
    const data = [xs, ...spec.series.map((series) => series.values.map(plotValue))];
    this.#plot = new uPlot(options, data, plotArea);
    // The canvas and its axis labels repeat what the summary and the table say.
    this.#plot.root.setAttribute("aria-hidden", "true");
  }
}

customElements.define("cartcore-chart", CartcoreChart);
