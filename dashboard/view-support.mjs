// SPDX-License-Identifier: MIT
// What the analytics views share: the busy state tests and assistive technology can see, and CSV downloads.
import { alertBox, element } from "./dom.mjs";

/**
 * One loader per analytics view: `load(fetchFigures, render)` marks the view busy (aria-busy, which tests and
 * assistive technology see), lets only the newest of overlapping loads render (a quick change of period must not
 * be overwritten by the slower answer to the previous one), and shows a failure as an alert. It resolves to what
 * `render` returned, or null.
 */
export function latestLoader(view, what) {
  let latest = 0;
  return async (fetchFigures, render) => {
    const mine = ++latest;
    view.setAttribute("aria-busy", "true");
    try {
      const figures = await fetchFigures();
      return mine === latest ? render(figures) : null;
    } catch (error) {
      if (mine === latest) view.replaceChildren(alertBox(`${what} could not be loaded: ${error.message}`));
      return null;
    } finally {
      if (mine === latest) view.setAttribute("aria-busy", "false");
    }
  };
}

/**
 * A button that downloads an analytics table as CSV. The export needs the Authorization header, so it cannot be
 * a plain link: the CSV is fetched and handed to the browser as a file from a blob: URL.
 */
export function downloadCsv(api, path, parameters, filename, label) {
  const status = element("span", { class: "hint", role: "status" });
  const button = element("button", { type: "button", class: "secondary", text: label });
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "";
    try {
      const text = await api.csv(path, parameters);
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
      const link = element("a", { href: url, download: filename });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = `${filename} downloaded.`;
    } catch (error) {
      status.textContent = `The CSV could not be downloaded: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });
  return element("p", { class: "actions" }, button, " ", status);
}
