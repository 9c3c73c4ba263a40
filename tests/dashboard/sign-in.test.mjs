// SPDX-License-Identifier: MIT
// The dashboard's sign-in in Chromium against the real server, keyboard only: the key field has the focus, a
// wrong key and a key of the wrong scope are refused with an alert and keep the focus, the key never reaches the URL or storage when refused,
// the page loads nothing from elsewhere and breaks none of its CSP, and its text meets 4.5:1 contrast.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createKey, startServer, tempDir } from '../server/helpers.mjs';
import { chromiumPath, contrastFailures, launchBrowser, openDashboard, screenshot, tabOrder } from './browser.mjs';

const skip = !existsSync(chromiumPath) && `no ${chromiumPath}`;
let temp;
let server;
let browser;
before(async () => {
  if (skip) return;
  temp = tempDir();
  server = await startServer({ db: temp.db });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  temp?.cleanup();
});

test('sign-in: keyboard only, a wrong key and an edge key refused with an alert, CSP intact, contrast >= 4.5:1', { skip }, async () => {
  const { page, problems, csp } = await openDashboard(browser, server.base);
  await page.waitForFunction(() => customElements.get('cartcore-sign-in') && document.activeElement?.id === 'key');
  assert.equal(await page.locator('label[for=key]').textContent(), 'Analytics key or admin token');
  assert.equal(await page.locator('#sections').isHidden(), true, 'no navigation before signing in');

  // Tab order from the top: the skip link, the key, the button.
  assert.deepEqual(await tabOrder(page, 3), ['a#skip-link', 'input#key', 'button:Sign in']);

  await page.locator('#key').focus();
  await page.keyboard.type('not-the-key');
  await page.keyboard.press('Enter');
  await page.locator('#key-error').filter({ hasText: 'This key was not accepted.' }).waitFor();
  assert.equal(await page.getAttribute('#key', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'key');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal(new URL(page.url()).href.includes('not-the-key'), false);

  // A real key whose scope cannot read analytics (an edge worker's) is refused with its scope named.
  await page.locator('#key').fill(createKey(temp.db, 'edge').key);
  await page.keyboard.press('Enter');
  await page.locator('#key-error').filter({ hasText: "This key's scope (edge) cannot read analytics: sign in with an analytics or admin key." }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  // An empty key is refused without asking the server.
  await page.locator('#key').fill('');
  await page.keyboard.press('Enter');
  await page.locator('#key-error').filter({ hasText: 'Enter the key.' }).waitFor();

  assert.deepEqual(await contrastFailures(page), []);
  await screenshot(page, 'dashboard-sign-in.png');
  assert.deepEqual(await csp(), []);
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.foreign, []);
  // The refused keys' 401 and 403 are the only console errors Chromium logs (failed fetches).
  assert.ok(problems.console.every((text) => /40[13]/.test(text)), problems.console.join('\n'));
});
