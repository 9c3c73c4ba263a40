// SPDX-License-Identifier: MIT
// What the analytics views share: the busy state tests and assistive technology can see, and CSV downloads.
import { element } from "./dom.mjs";

/** Marks `view` busy (aria-busy) until the returned function is called. */
export function loadingView(view) {
  view.setAttribute("aria-busy", "true");
  return () => view.setAttribute("aria-busy", "false");
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
