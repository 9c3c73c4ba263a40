// SPDX-License-Identifier: MIT
// Chromium (Debian's, through playwright-core) on the dashboard, and what the tests read from the page: tables by
// row and field, the page's CSP violations and errors, and the WCAG contrast of every piece of visible text.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot } from '../js/support/native.mjs';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const artifacts = join(repoRoot, 'tests/artifacts');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A page that records CSP violations, page errors, console errors and every request to another origin; the
 * test asserts all four stay empty.
 */
export async function openDashboard(browser, base, { reducedMotion = 'no-preference' } = {}) {
  // en-US: the date fields take keyboard input as mm/dd/yyyy whatever the machine's locale. Honolulu (UTC-10): the
  // page's UTC days must not follow the browser's time zone.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion, locale: 'en-US', timezoneId: 'Pacific/Honolulu' });
  const page = await context.newPage();
  const problems = { csp: [], errors: [], console: [], foreign: [] };
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.console.push(message.text()));
  page.on('request', (request) => !request.url().startsWith(base) && !request.url().startsWith('blob:') && problems.foreign.push(request.url()));
  await page.goto(`${base}/admin/`);
  return { page, context, problems, csp: () => page.evaluate(() => window.cspViolations) };
}

/** A table's body as {rowKey: {field: text}} (row keys from data-row, fields from data-field). */
export function readTable(page, selector) {
  return page.locator(selector).evaluate((root) => {
    const rows = {};
    for (const tr of root.querySelectorAll('tbody tr[data-row]')) {
      rows[tr.dataset.row] = Object.fromEntries([...tr.querySelectorAll('[data-field]')].map((cell) => [cell.dataset.field, cell.textContent.trim()]));
    }
    return rows;
  });
}

/** The tab order from the top of the page: what each Tab press focuses (tag#id or its text). */
export async function tabOrder(page, presses) {
  // Start from the top of the document: focus a throwaway element placed first, then remove it.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
    start.remove();
  });
  const order = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const el = document.activeElement;
      return el.id ? `${el.tagName.toLowerCase()}#${el.id}` : `${el.tagName.toLowerCase()}:${el.textContent.trim().slice(0, 40)}`;
    }));
  }
  return order;
}

/**
 * Every visible element with its own text whose contrast against the first opaque background behind it is
 * below 4.5:1 (WCAG 2 AA for normal text), computed from the browser's computed styles.
 */
export function contrastFailures(page, minimum = 4.5) {
  return page.evaluate((min) => {
    const parse = (color) => {
      const m = color.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const channel = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const over = (top, bottom) => ({ r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
    const background = (el) => {
      const layers = [];
      for (let node = el; node; node = node.parentElement) {
        const bg = parse(getComputedStyle(node).backgroundColor);
        if (bg && bg.a > 0) {
          layers.push(bg);
          if (bg.a === 1) break;
        }
      }
      let result = { r: 255, g: 255, b: 255, a: 1 };
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const failures = [];
    for (const el of document.querySelectorAll('body *')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!ownText || el.closest('[hidden], .visually-hidden, script, style')) continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
      const fg = parse(style.color);
      const bg = background(el);
      const text = over(fg, bg);
      const [hi, lo] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < min) failures.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return failures;
  }, minimum);
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}
