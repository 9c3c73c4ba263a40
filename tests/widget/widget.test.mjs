// SPDX-License-Identifier: MIT
// The <cartcore-breakdown> demo page in Debian's Chromium, driven by playwright-core: what the widget renders
// (line totals, totals, reasons and nudges, "N left", codes) equals the native engine's quote for the exact
// request the widget priced, before and after the shopper changes quantities with the mouse and the keyboard.
// Saves a screenshot to tests/artifacts/widget-demo.png. Skipped, loudly, where /usr/bin/chromium is absent.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { quoteBatchNative, repoRoot } from "../js/support/native.mjs";

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifacts = join(repoRoot, "tests/artifacts");
const configText = readFileSync(join(repoRoot, "server/sample-store.json"), "utf8");

/** Serves only what the demo page needs: the widget, the package's public files and the sample store. */
async function startStaticServer() {
  const allowed = ["web-widget/", "wasm/js/", "wasm/dist/", "server/sample-store.json"];
  const types = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
  const server = createServer((request, response) => {
    let path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^\/+/, "");
    if (path.endsWith("/") || path === "web-widget/demo") path = path.replace(/\/?$/, "/index.html");
    if (path.includes("..") || !allowed.some((prefix) => path.startsWith(prefix))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(repoRoot, path));
      response.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The native engine's quote for the request the widget sent to its WASM engine. */
async function nativeQuote(requestText, config = configText) {
  const [bytes] = await quoteBatchNative([{ config, request: requestText }]);
  const response = JSON.parse(bytes.toString("utf8"));
  assert.equal(response.ok, true, bytes.toString("utf8"));
  return response.quote;
}

/** Everything the widget shows, read from its shadow DOM. */
function readRendered(page) {
  return page.locator("cartcore-breakdown").evaluate((host) => {
    const root = host.shadowRoot;
    const all = (selector, read) => [...root.querySelectorAll(selector)].map(read);
    return {
      lineTotals: Object.fromEntries(all("tr[data-line]", (row) => [row.dataset.line, row.querySelector("[data-line-total] > span:last-child").textContent])),
      lowStock: Object.fromEntries(all("tr[data-line]", (row) => [row.dataset.line, row.querySelector("[data-low-stock]")?.textContent ?? null])),
      adjustments: all("[data-adjustment]", (li) => li.textContent),
      clamps: all("[data-clamp]", (li) => `${li.dataset.clamp}: ${li.textContent}`),
      totals: Object.fromEntries(all("[data-total]", (dd) => [dd.dataset.total, dd.textContent])),
      taxes: all("[data-tax]", (dd) => `${dd.dataset.tax}: ${dd.textContent}`),
      applied: all("ul.applied li", (li) => li.textContent),
      nudges: all("ul.nudges li", (li) => li.textContent),
      reasons: all("ul.reasons li", (li) => li.textContent),
      coupons: all("ul.coupons li", (li) => li.textContent),
      status: root.querySelector("[role=status]").textContent,
      quantityLabels: all("input[data-line]", (input) => input.getAttribute("aria-label")),
    };
  });
}

const ENGLISH = { left: (n) => `Only ${n} left`, total: "Total" };
const GERMAN = { left: (n) => `Nur noch ${n} verfügbar`, total: "Gesamt" };

/** Asserts the rendering says exactly what the native quote says (with the widget's own labels in `labels`). */
function assertRenders(rendered, quote, labels = ENGLISH) {
  const c = quote.currency;
  assert.deepEqual(rendered.lineTotals, Object.fromEntries(quote.lines.map((l) => [l.id, `${l.total} ${c}`])));
  assert.deepEqual(rendered.lowStock, Object.fromEntries(quote.lines.map((l) => [l.id, l.lowStock ? labels.left(l.lowStock.remaining) : null])));
  assert.deepEqual(
    rendered.adjustments,
    quote.lines.flatMap((l) => l.adjustments.map((a) => `${a.name}: −${a.amount.replace(/^-/, "")} ${c}`)),
  );
  const totals = {
    listSubtotal: `${quote.totals.listSubtotal} ${c}`,
    priceRuleSavings: `−${quote.totals.priceRuleSavings} ${c}`,
    promotionSavings: `−${quote.totals.promotionSavings} ${c}`,
    total: `${quote.totals.total} ${c}`,
  };
  for (const key of ["shipping", "grandTotal"]) if (quote.totals[key] !== undefined) totals[key] = `${quote.totals[key]} ${c}`;
  assert.deepEqual(rendered.totals, totals);
  assert.deepEqual(rendered.taxes, (quote.tax?.rates ?? []).map((r) => `${r.id}: ${r.amount} ${c}`));
  const applied = [...quote.priceRules.applied, ...quote.promotions.applied].map((p) => `${p.name}: ${p.message}`);
  assert.deepEqual(rendered.applied, applied);
  const notApplied = [...quote.priceRules.notApplied, ...quote.promotions.notApplied];
  // Nudges are the engine's own list when the quote has one, else the offers it reports as within reach.
  const nudgeIds = quote.nudges ? quote.nudges.map((n) => n.id) : notApplied.filter((p) => p.amountNeeded !== undefined || p.quantityNeeded !== undefined).map((p) => p.id);
  const outcome = (id) => [...quote.priceRules.applied, ...quote.promotions.applied, ...notApplied].find((p) => p.id === id);
  const nudgeMessage = (id) => quote.nudges?.find((n) => n.id === id).message ?? outcome(id).message;
  const labelled = (name, message) => (name ? `${name}: ${message}` : message);
  assert.deepEqual(rendered.nudges, nudgeIds.map((id) => labelled(outcome(id)?.name, nudgeMessage(id))));
  assert.deepEqual(rendered.reasons, notApplied.filter((p) => !nudgeIds.includes(p.id)).map((p) => `${p.name}: ${p.message}`));
  const clamps = quote.margin?.clamps ?? [];
  assert.deepEqual(rendered.clamps, clamps.map((c) => `${c.line}: ${c.message}`));
  assert.deepEqual(rendered.coupons, quote.coupons.map((k) => `${k.code}: ${k.message}`));
  assert.equal(rendered.status, `${labels.total} ${quote.totals.grandTotal ?? quote.totals.total} ${c}`);
}

test("the cart widget renders the native engine's quote and re-prices as quantities change", { skip: !existsSync(chromiumPath) && `no ${chromiumPath}` }, async () => {
  const server = await startStaticServer();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Record every request the widget priced, as the host page would see it in quote-updated.
    await page.addInitScript(() => {
      window.cartcoreRequests = [];
      document.addEventListener("quote-updated", (event) => window.cartcoreRequests.push(JSON.stringify(event.detail.request)));
    });
    await page.goto(`${server.base}/web-widget/demo/`);
    const repriced = async (count) => {
      await page.waitForFunction((n) => window.cartcoreRequests.length >= n, count, { timeout: 15_000 });
      return page.evaluate(() => window.cartcoreRequests.at(-1));
    };
    // The demo sets live stock after the first quote; wait for the quote that used it.
    await page.waitForFunction(() => window.cartcoreRequests.some((r) => JSON.parse(r).stock), null, { timeout: 15_000 });
    let request = await page.evaluate(() => window.cartcoreRequests.at(-1));
    let quote = await nativeQuote(request);
    let rendered = await readRendered(page);
    assertRenders(rendered, quote);
    assert.equal(rendered.lowStock["tee-black-l"], "Only 4 left");
    assert.ok(rendered.nudges.some((n) => n.startsWith("Any 3 tees: 10% off each: ")), "the tier nudge is shown");
    assert.deepEqual(rendered.quantityLabels, quote.lines.map((l) => `Quantity of ${l.name}`));
    assert.match(await page.locator("#host-log").textContent(), new RegExp(`total ${quote.totals.total.replace(".", "\\.")} USD`));

    // Mouse and typing: three mugs. Still one mug free with the hoodie; the rest at the overstock discount.
    let seen = await page.evaluate(() => window.cartcoreRequests.length);
    const mugQuantity = page.locator('cartcore-breakdown input[data-line="mug"]');
    await mugQuantity.fill("3");
    await mugQuantity.press("Tab");
    request = await repriced(seen + 1);
    assert.equal(JSON.parse(request).lines.find((l) => l.variant === "mug").quantity, 3);
    quote = await nativeQuote(request);
    assertRenders(await readRendered(page), quote);

    // Keyboard only: focus the black tee's quantity and step it up to reach the 3-tee price break.
    seen = await page.evaluate(() => window.cartcoreRequests.length);
    await page.locator('cartcore-breakdown input[data-line="tee-black-l"]').focus();
    await page.keyboard.press("ArrowUp");
    request = await repriced(seen + 1);
    quote = await nativeQuote(request);
    rendered = await readRendered(page);
    assertRenders(rendered, quote);
    assert.ok(quote.priceRules.applied.some((p) => p.id === "tee-bulk"), "3 tees reach the tier");
    assert.ok(rendered.applied.some((a) => a.startsWith("Any 3 tees: 10% off each")));
    assert.equal(await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.dataset.line), "tee-black-l", "focus stays on the edited line");

    // The host page's own code form: properties in, re-priced, the code's outcome explained.
    seen = await page.evaluate(() => window.cartcoreRequests.length);
    await page.fill("#coupon", "save10");
    await page.press("#coupon", "Enter");
    request = await repriced(seen + 1);
    quote = await nativeQuote(request);
    rendered = await readRendered(page);
    assertRenders(rendered, quote);
    assert.equal(quote.coupons[0].status, "applied");

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "widget-demo.png"), fullPage: true });

    // The widget's lang (here set on the page, as a German shop would) becomes the request's locale: the engine's
    // sentences and the widget's labels are German, the money and the digest unchanged.
    const english = quote;
    seen = await page.evaluate(() => window.cartcoreRequests.length);
    await page.evaluate(() => document.documentElement.setAttribute("lang", "de-DE"));
    await page.evaluate(() => document.querySelector("cartcore-breakdown").setAttribute("lang", "de_DE"));
    request = await repriced(seen + 1);
    assert.equal(JSON.parse(request).locale, "de-DE");
    quote = await nativeQuote(request);
    assert.equal(quote.locale, "de");
    assert.equal(quote.digest, english.digest);
    assert.deepEqual(quote.totals, english.totals);
    rendered = await readRendered(page);
    assertRenders(rendered, quote, GERMAN);
    assert.equal(rendered.lowStock["tee-black-l"], "Nur noch 4 verfügbar");
    assert.ok(rendered.coupons[0].startsWith("SAVE10: Ihr Einkauf von "), rendered.coupons[0]);
    await page.screenshot({ path: join(artifacts, "widget-demo-de.png"), fullPage: true });
    seen = await page.evaluate(() => window.cartcoreRequests.length);
    await page.evaluate(() => {
      document.documentElement.removeAttribute("lang");
      document.querySelector("cartcore-breakdown").removeAttribute("lang");
    });
    request = await repriced(seen + 1);
    assert.equal(JSON.parse(request).locale, undefined);

    // A cart the engine refuses: the widget shows the engine's reason and tells the host page.
    const error = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const widget = document.querySelector("cartcore-breakdown");
          widget.addEventListener("quote-error", (event) => resolve(event.detail.error), { once: true });
          widget.cart = { lines: [{ variant: "no-such-tee", quantity: 1 }] };
        }),
    );
    assert.equal(error.code, "unknown_reference");
    const alert = await page.locator("cartcore-breakdown [role=alert]").textContent();
    assert.equal(alert, `This cart cannot be priced: ${error.message}`);
    // Stores with margin floors, tax and shipping (golden configs): the widget shows the engine's clamp sentence
    // on the line, never the cost or the floor, and the tax lines, shipping and grand total. A held cart (its
    // hold's heldFacts in the cart) shows the price the hold promised, though live stock says otherwise.
    for (const path of ["margin/shopper-visibility.json", "tax/two-rates-one-region.json", "shipping/promotion-all-methods.json",
                        "holds/guard-kept-for-holder.json"]) {
      const golden = JSON.parse(readFileSync(join(repoRoot, "tests/golden", path), "utf8"));
      const { now, schemaVersion, ...cart } = golden.request;
      seen = await page.evaluate(() => window.cartcoreRequests.length);
      await page.evaluate(({ config, cart }) => {
        const widget = document.querySelector("cartcore-breakdown");
        widget.stock = null;
        widget.config = config;
        widget.cart = cart;
      }, { config: golden.config, cart });
      request = await repriced(seen + 1);
      quote = await nativeQuote(request, JSON.stringify(golden.config));
      rendered = await readRendered(page);
      assertRenders(rendered, quote);
      if (path.startsWith("margin/")) {
        assert.ok(rendered.clamps.length > 0, "the clamp is shown");
        const text = await page.locator("cartcore-breakdown").evaluate((host) => host.shadowRoot.querySelector('[part="body"]').textContent);
        const inCart = new Set(cart.lines.map((l) => l.variant));
        const costs = golden.config.catalog.products.flatMap((p) => p.variants.filter((v) => inCart.has(v.id)).map((v) => v.cost));
        assert.ok(costs.length > 0);
        for (const cost of costs) assert.ok(!text.includes(cost), `the widget must not show the cost ${cost}`);
        assert.doesNotMatch(text, /cost|margin|floor/i);
      } else if (path.startsWith("holds/")) {
        assert.equal(rendered.totals.total, `${golden.expected.quote.totals.total} USD`, "the held price");
      } else {
        assert.ok(rendered.totals.grandTotal, `${path}: a grand total`);
      }
    }
    await page.screenshot({ path: join(artifacts, "widget-tax-shipping.png"), fullPage: true });
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
