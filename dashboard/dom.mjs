// SPDX-License-Identifier: MIT
// Small DOM builders shared by the dashboard's elements: nodes from plain data, and data tables with real
// table semantics (caption, column headers with scope, a row header per row).

/** element("p", {class: "note", text: "…"}, child, …): attributes with false/null/undefined are left out. */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/**
 * A data table. `columns`: [{key, label, numeric?, format?(row) -> string | Node}]; the first column is each
 * row's header. `rowKey(row)` names the row (data-row) so tests and styles can find it; each cell carries
 * data-field = its column key.
 */
export function dataTable({ caption, columns, rows, rowKey, empty = "Nothing in this period.", id }) {
  const head = element("thead", {}, element("tr", {}, columns.map((column) =>
    element("th", { scope: "col", class: column.numeric ? "num" : null, text: column.label }))));
  const body = element("tbody");
  for (const row of rows) {
    const tr = element("tr", { "data-row": rowKey ? rowKey(row) : null });
    columns.forEach((column, index) => {
      const value = column.format ? column.format(row) : row[column.key];
      const cell = element(index === 0 ? "th" : "td", {
        scope: index === 0 ? "row" : null,
        class: column.numeric ? "num" : null,
        "data-field": column.key,
      });
      cell.append(value instanceof Node ? value : document.createTextNode(value ?? "–"));
      tr.append(cell);
    });
    body.append(tr);
  }
  if (rows.length === 0) body.append(element("tr", {}, element("td", { colspan: columns.length, class: "empty", text: empty })));
  // A wide table scrolls sideways inside its box; Chromium then makes the box focusable, so it gets a name.
  return element("div", { class: "table-scroll", id, role: "region", "aria-label": caption },
    element("table", {}, element("caption", { text: caption }), head, body));
}

/** A heading that takes focus when its view opens (tabindex -1: focusable by script, not in the tab order). */
export const viewHeading = (text, id) => element("h2", { tabindex: "-1", id, text });

/** A message for errors (role=alert) or status. */
export const alertBox = (text) => element("p", { class: "error", role: "alert", text });
