// SPDX-License-Identifier: MIT
// The merchant dashboard in Chromium against the real cartcore-server seeded with a known order history
// (tests/server/analytics-fixture.mjs): every figure on the page equals the API's, and the API's equal the
// fixture's hand-computed totals; sign-in and navigation by keyboard; the live view follows a hold placed
// through the API; a replay runs and its diff is shown; contrast, CSP and reduced motion hold on every view.
// Screenshots go to tests/artifacts/ (DASHBOARD_DOCS_SCREENSHOT=1 also rewrites docs/images/dashboard.png).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../js/support/native.mjs';
import { ADMIN_TOKEN, call, createKey, startServer, tempDir } from '../server/helpers.mjs';
import { artifacts, chromiumPath, contrastFailures, launchBrowser, openDashboard, readTable, screenshot } from './browser.mjs';

const fixturePath = join(repoRoot, 'tests/server/analytics-fixture.mjs');
const skip = (!existsSync(chromiumPath) && `no ${chromiumPath}`) ||
  (!existsSync(fixturePath) && 'tests/server/analytics-fixture.mjs (the analytics helper\'s seeded history) has not landed');

let temp;
let server;
let browser;
let session; // {page, problems, csp}
let fixture; // the analytics fixture module: EXPECTED, ANALYTICS_DRAFT, DAY1, DAY4, ...
let days; // the seeded period as the page's inclusive UTC days
let analyticsKey; // a read-only `analytics` API key: what a merchant's analyst signs in with

before(async () => {
  if (skip) return;
  fixture = await import(pathToFileURL(fixturePath).href);
  temp = tempDir();
  server = await startServer({ db: temp.db, args: fixture.analyticsArgs(temp.dir) });
  await fixture.seedHistory(server);
  analyticsKey = createKey(temp.db, 'analytics').key;
  // The history is [DAY1, DAY4): whole UTC days, which is what the page's period form holds.
  assert.match(fixture.DAY1, /T00:00:00(\.000)?Z$/);
  assert.match(fixture.DAY4, /T00:00:00(\.000)?Z$/);
  days = { from: fixture.DAY1.slice(0, 10), to: new Date(Date.parse(fixture.DAY4) - 1).toISOString().slice(0, 10) };
  browser = await launchBrowser();
  session = await openDashboard(browser, server.base);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  temp?.cleanup();
});

/** The API's answer for the seeded period, as the page asks for it. */
async function api(path, extra = {}) {
  const query = new URLSearchParams({ from: `${days.from}T00:00:00Z`, to: seededTo(), ...extra });
  const response = await call(server, 'GET', `${path}?${query}`, { admin: true });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}
const seededTo = () => new Date(Date.parse(`${days.to}T00:00:00Z`) + 86_400_000).toISOString().replace('.000Z', 'Z');

// What a cell must say for an API value: the page groups thousands with commas and adds the currency; nothing else.
const ungroup = (text) => text.replace(/,/g, '');
const moneyText = (value, currency) => `${value} ${currency}`;
const percentText = (value) => (value === null ? 'n/a' : `${value} %`);

async function waitLoaded(view) {
  await session.page.waitForSelector(`${view}[aria-busy=false]`, { timeout: 15_000 });
}

/** Moves to a view with the keyboard: focus its link in the navigation, press Enter; the view's heading gets focus. */
async function navigate(view, heading) {
  const { page } = session;
  await page.locator(`#sections a[data-view=${view}]`).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === id, heading);
}

test('keyboard-only sign-in with an analytics key; the key stays out of the URL', { skip }, async () => {
  const { page } = session;
  await page.waitForFunction(() => document.activeElement?.id === 'key');
  await page.keyboard.type(analyticsKey);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'promotions-title');
  await waitLoaded('cartcore-promotions');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('cartcore.dashboard.key')), analyticsKey);
  assert.equal(page.url().includes(analyticsKey), false);

  // The period by keyboard: type the seeded days into the date fields, submit with Enter.
  for (const [id, day] of [['#period-from', days.from], ['#period-to', days.to]]) {
    await page.locator(id).focus();
    const [y, m, d] = day.split('-');
    await page.keyboard.type(`${m}${d}${y}`);
  }
  await page.keyboard.press('Enter');
  await page.waitForFunction((d) => location.hash.includes(`from=${d.from}`) && location.hash.includes(`to=${d.to}`), days);
  await waitLoaded('cartcore-promotions');
  assert.equal(page.url().includes(analyticsKey), false);
});

test('promotions: the table, the charts\' figures and the combinations equal the API, and the API the fixture', { skip }, async () => {
  const { page } = session;
  const promotions = await api('/v1/admin/analytics/promotions');
  const margin = await api('/v1/admin/analytics/margin');
  const combinations = await api('/v1/admin/analytics/combinations');
  assertApiMatchesFixture({ promotions, margin, combinations }, fixture.EXPECTED);
  const c = promotions.currency;

  const table = await readTable(page, '#promotions-table');
  assert.deepEqual(Object.keys(table), promotions.promotions.map((p) => p.promotion), 'rows in the API\'s order');
  for (const p of promotions.promotions) {
    const row = table[p.promotion];
    assert.equal(row.promotion, `${p.name}${p.promotion}`);
    assert.equal(ungroup(row.orders), String(p.orders));
    assert.equal(ungroup(row.units), String(p.units));
    for (const key of ['listAmount', 'discount', 'revenue', 'cost', 'margin']) assert.equal(ungroup(row[key]), moneyText(p[key], c), `${p.promotion} ${key}`);
    assert.equal(row.marginPercent, percentText(p.marginPercent));
    assert.equal(ungroup(row.clamps), String(p.clamps));
    assert.equal(row.lostTo, p.lostTo.length ? p.lostTo.map((l) => `${l.promotion} (${l.reason}): ${l.orders} orders`).join('') : '–');
  }

  // Each chart: drawn by uPlot, described in words, and its figures in a table.
  for (const id of ['chart-discount', 'chart-margin', 'chart-combinations']) {
    assert.equal(await page.locator(`#${id} canvas`).count(), 1, `${id} is drawn`);
    assert.match(await page.getAttribute(`#${id} [role=img]`, 'aria-label'), /\S/);
  }
  const discountDays = await readTable(page, '#chart-discount-table');
  assert.deepEqual(Object.keys(discountDays), margin.daily.map((d) => d.day));
  for (const d of margin.daily) assert.equal(ungroup(discountDays[d.day].s0), moneyText(d.discount, c), d.day);
  const marginDays = await readTable(page, '#chart-margin-table');
  for (const d of margin.daily) assert.equal(marginDays[d.day].s0, percentText(d.marginPercent), d.day);
  const name = (ids) => (ids.length ? ids.join(' + ') : '(no promotion)');
  const topCombinations = await readTable(page, '#chart-combinations-table');
  assert.deepEqual(Object.keys(topCombinations), combinations.combinations.slice(0, 8).map((k) => name(k.promotions)));

  const combinationTable = await readTable(page, '#combinations-table');
  assert.deepEqual(Object.keys(combinationTable), combinations.combinations.map((k) => name(k.promotions)));
  for (const k of combinations.combinations) {
    const row = combinationTable[name(k.promotions)];
    assert.equal(ungroup(row.orders), String(k.orders));
    assert.equal(ungroup(row.subtotal), moneyText(k.subtotal, c));
    assert.equal(ungroup(row.discount), moneyText(k.discount, c));
    assert.equal(row.averageDiscountPercent, percentText(k.averageDiscountPercent));
  }
  // The CSV button hands over exactly the API's CSV (fetched with the key, saved from a blob: URL).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the promotions as CSV' }).click()]);
  assert.equal(download.suggestedFilename(), 'promotions.csv');
  const query = new URLSearchParams({ from: `${days.from}T00:00:00Z`, to: seededTo(), format: 'csv' });
  const csv = await call(server, 'GET', `/v1/admin/analytics/promotions?${query}`, { admin: true });
  assert.equal(csv.status, 200);
  assert.equal(readFileSync(await download.path(), 'utf8'), csv.body);
  assert.match(csv.body, /^promotion,name,orders,/);

  assert.deepEqual(await contrastFailures(page), []);
  await page.evaluate(() => document.activeElement?.blur()); // no focus ring on the picture
  await screenshot(page, 'dashboard-promotions.png');
  if (process.env.DASHBOARD_DOCS_SCREENSHOT) copyFileSync(join(artifacts, 'dashboard-promotions.png'), join(repoRoot, 'docs/images/dashboard.png'));
});

test('margin and clamps equal the API; a target margin is asked for by keyboard', { skip }, async () => {
  const { page } = session;
  await navigate('margin', 'margin-title');
  await waitLoaded('cartcore-margin');
  assert.match(page.url(), new RegExp(`#/margin\\?from=${days.from}&to=${days.to}$`), 'the period travels with the navigation');
  assert.equal(await page.locator('[data-summary=margin]').textContent(), `${days.from} to ${seededTo().slice(0, 10)} (exclusive), USD, every config version.`);
  const margin = await api('/v1/admin/analytics/margin');
  const c = margin.currency;
  const totals = await page.locator('dl.figures').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dd')].map((dd) => [dd.dataset.total, dd.textContent])));
  assert.deepEqual(Object.keys(totals), ['orders', 'subtotal', 'discount', 'revenue', 'cost', 'margin', 'marginPercent', 'unitsWithoutCost']);
  for (const [k, v] of Object.entries(totals)) {
    const expected = { orders: String(margin.totals.orders), unitsWithoutCost: String(margin.unitsWithoutCost), marginPercent: percentText(margin.totals.marginPercent) }[k] ?? moneyText(margin.totals[k], c);
    assert.equal(ungroup(v), expected, k);
  }
  for (const [id, rows] of [['#clamps-by-floor', margin.clamps.byFloor], ['#clamps-by-promotion', margin.clamps.byPromotion], ['#clamps-by-category', margin.clamps.byCategory]]) {
    const table = await readTable(page, id);
    assert.deepEqual(Object.keys(table), rows.map((r) => r.key), id);
    for (const r of rows) {
      assert.equal(ungroup(table[r.key].clamps), String(r.clamps));
      for (const key of ['discountBefore', 'discountAfter', 'givenBack']) assert.equal(ungroup(table[r.key][key]), moneyText(r[key], c), `${id} ${r.key} ${key}`);
    }
  }
  // Orders below a 45 % target, asked by keyboard; the fixture counts them by hand.
  await page.locator('#margin-target').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('45');
  await page.keyboard.press('Enter');
  const below = await api('/v1/admin/analytics/margin', { targetPercent: '45' });
  assert.deepEqual(below.target, fixture.EXPECTED.target45);
  await page.locator('[data-summary=target]').filter({ hasText: `${below.target.ordersBelow} of ${below.target.ordersWithCost} orders` }).waitFor();
  assert.equal(await page.locator('[data-summary=target]').textContent(),
    `${below.target.ordersBelow} of ${below.target.ordersWithCost} orders with a known cost have a margin below ${below.target.marginPercent} %.`);
  assert.deepEqual(await contrastFailures(page), []);
  await screenshot(page, 'dashboard-margin.png');
});

test('live stock: a flash sale ticks down on the page as a hold placed through the API takes its units', { skip }, async () => {
  const { page } = session;
  await navigate('live', 'live-title');
  await page.waitForSelector('[data-connection=live]', { timeout: 15_000 });
  const variant = 'skillet'; // under the flash-skillet promotion, whose stock guard switched off and on in the history
  const before = (await call(server, 'GET', `/v1/admin/stock/${variant}`, { admin: true })).body.stock;
  const row = page.locator(`#live-stock-table tr[data-row="${variant}"]`);
  const available = row.locator('[data-field=available] [data-value]');
  assert.equal(ungroup(await available.textContent()), String(before.available));
  assert.equal(ungroup(await row.locator('[data-field=onHand]').textContent()), String(before.onHand));
  // The flash sale's line: the stream's live guard state (it switched off at 09:00 and on at 11:00 on day 3).
  const guard = page.locator('[data-guard="flash-skillet"]');
  await guard.waitFor();
  assert.equal(await guard.getAttribute('data-state'), 'on');
  assert.equal(await guard.textContent(), `Flash skillet 79.00 (flash-skillet): running; SKL-1 has ${before.available} available, the guard needs 6.`);

  const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant, quantity: 2 }] } } });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const after = (await call(server, 'GET', `/v1/admin/stock/${variant}`, { admin: true })).body.stock;
  assert.equal(after.available, before.available - 2);
  const shows = (expected) => page.waitForFunction(({ v, n }) =>
    document.querySelector(`#live-stock-table tr[data-row="${v}"] [data-field=available] [data-value]`)?.textContent.replace(/,/g, '') === String(n),
  { v: variant, n: expected }, { timeout: 10_000 });
  await shows(after.available);
  assert.equal(await row.locator('[data-field=delta]').textContent(), ' −2');
  assert.equal(ungroup(await row.locator('[data-field=held]').textContent()), String(after.held));
  assert.equal(await guard.textContent(), `Flash skillet 79.00 (flash-skillet): running; SKL-1 has ${after.available} available, the guard needs 6.`);
  await page.waitForFunction(() => document.querySelector('[data-holds]')?.dataset.holds === '1:2');
  // The change is highlighted (an animation), unless the merchant asked for reduced motion (next test).
  assert.equal(await row.locator('td').first().evaluate((td) => getComputedStyle(td).animationName), 'tick');
  assert.deepEqual(await contrastFailures(page), []);
  await screenshot(page, 'dashboard-live.png');

  await call(server, 'DELETE', `/v1/holds/${hold.body.hold.id}`);
  await shows(before.available);
  assert.equal(await row.locator('[data-field=delta]').textContent(), ' +2');
});

test('reduced motion: the live view\'s highlight does not animate', { skip }, async () => {
  const reduced = await openDashboard(browser, server.base, { reducedMotion: 'reduce' });
  try {
    await reduced.page.evaluate((token) => sessionStorage.setItem('cartcore.dashboard.key', token), ADMIN_TOKEN);
    await reduced.page.goto(`${server.base}/admin/#/live`);
    await reduced.page.reload();
    await reduced.page.waitForSelector('[data-connection=live]', { timeout: 15_000 });
    const row = reduced.page.locator('#live-stock-table tbody tr').first();
    await row.evaluate((tr) => tr.classList.add('ticked'));
    assert.equal(await row.locator('td').first().evaluate((td) => getComputedStyle(td).animationName), 'none');
  } finally {
    await reduced.context.close();
  }
});

test('replay: a draft config runs as a job with progress, and its diff is the API\'s report', { skip }, async () => {
  const { page } = session;
  await navigate('replay', 'replay-title');
  // An analytics key may replay but not read the active config: the page says so.
  await page.getByRole('button', { name: 'Start from the active config' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#replay-status').filter({ hasText: 'The active config could not be read' }).waitFor();
  assert.match(await page.locator('#replay-status').textContent(), /scope \(analytics\)/);
  // The fixture's draft: flash at 59.00 and no apron coupon.
  await page.locator('#replay-draft').fill(JSON.stringify(fixture.ANALYTICS_DRAFT, null, 2));
  assert.equal(await page.locator('#replay-from').inputValue(), days.from);
  assert.equal(await page.locator('#replay-to').inputValue(), days.to);
  await page.getByRole('button', { name: 'Start replay' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('cartcore-replay[data-status=done]', { timeout: 60_000 });

  const jobId = await page.getAttribute('cartcore-replay', 'data-job');
  const { job } = (await call(server, 'GET', `/v1/admin/config/replay/${jobId}`, { admin: true })).body;
  assert.equal(job.status, 'done');
  assert.equal(job.from, fixture.DAY1);
  assert.equal(job.to, fixture.DAY4);
  const report = job.report;
  assert.equal(report.orders, fixture.EXPECTED.orders);
  assert.ok(report.stoppedFiring.includes('apron-coupon'), 'the draft drops the apron coupon');
  assert.equal(await page.locator('#replay-status').textContent(), `Done: ${job.progress.done} of ${job.progress.total} orders priced.`);
  assert.equal(await page.locator('#replay-progress').evaluate((p) => p.value === p.max), true);
  assert.equal(await page.locator('[data-summary=replay]').textContent(),
    `${report.repriced} of ${report.orders} orders repriced under both configs; ${report.baselineMatches} baseline prices equal the committed quotes.`);
  const plus = (value) => (/^-/.test(value) || !/[1-9]/.test(value) ? '' : '+');
  for (const figures of report.byCurrency) {
    const c = figures.currency;
    const table = await readTable(page, `#replay-${c}`);
    for (const key of ['revenue', 'discount', 'cost', 'margin']) {
      assert.equal(ungroup(table[key].baseline), moneyText(figures.baseline[key], c), key);
      assert.equal(ungroup(table[key].draft), moneyText(figures.draft[key], c), key);
      assert.equal(ungroup(table[key].difference), `${plus(figures.difference[key])}${moneyText(figures.difference[key], c)}`, key);
    }
    assert.equal(table.marginPercent.baseline, percentText(figures.baseline.marginPercent));
    assert.equal(table.marginPercent.draft, percentText(figures.draft.marginPercent));
  }
  const listed = async (key) => (await page.locator(`[data-list=${key}] li`).allTextContents());
  assert.deepEqual(await listed('stopped-firing'), report.stoppedFiring);
  assert.deepEqual(await listed('newly-firing'), report.newlyFiring);
  const promotions = await readTable(page, '#replay-promotions');
  assert.deepEqual(Object.keys(promotions), report.promotions.map((p) => p.promotion));
  for (const p of report.promotions) assert.equal(promotions[p.promotion].change, p.change);
  const changes = await readTable(page, '#replay-top-changes');
  assert.deepEqual(Object.keys(changes), report.topChanges.map((t) => t.orderId));
  for (const t of report.topChanges) {
    assert.equal(ungroup(changes[t.orderId].baseline), moneyText(t.baseline.revenue, t.currency));
    assert.equal(ungroup(changes[t.orderId].draft), moneyText(t.draft.revenue, t.currency));
    const outcome = (code, side) => code ?? `not in the ${side}`;
    assert.equal(changes[t.orderId].promotions, t.promotions.length
      ? t.promotions.map((p) => `${p.promotion}: ${outcome(p.before, 'committed config')} → ${outcome(p.after, 'draft')}${p.by ? ` (by ${p.by})` : ''}`).join('')
      : 'the same promotions, other amounts');
  }
  assert.deepEqual(await contrastFailures(page), []);
  await screenshot(page, 'dashboard-replay.png');
});

test('signing out forgets the key; the admin token then starts a draft from the active config', { skip }, async () => {
  const { page } = session;
  await page.locator('#sign-out').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'key');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('cartcore.dashboard.key')), null);
  assert.equal(await page.locator('#promotions-table').count(), 0, 'the figures are gone with the key');
  assert.equal(await page.locator('#replay-draft').count(), 0, 'and so is the draft');

  await page.keyboard.type(ADMIN_TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'replay-title'); // back where the merchant was
  await page.getByRole('button', { name: 'Start from the active config' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#replay-status').filter({ hasText: 'Loaded the active config' }).waitFor();
  const active = (await call(server, 'GET', '/v1/admin/config', { admin: true })).body;
  assert.deepEqual(JSON.parse(await page.locator('#replay-draft').inputValue()), active.config);
});

test('the page kept its CSP and loaded nothing from elsewhere', { skip }, async () => {
  const { problems, csp } = session;
  assert.deepEqual(await csp(), []);
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.foreign, []);
  // Chromium logs a failed fetch as a console error: the analytics key's 403 on the active config is the only one.
  assert.ok(problems.console.every((text) => /403/.test(text)), problems.console.join('\n'));
});

/** The API's figures equal the fixture's hand-computed ones (tests/server/analytics-fixture.mjs, EXPECTED). */
function assertApiMatchesFixture({ promotions, margin, combinations }, expected) {
  assert.equal(promotions.orders, expected.orders);
  assert.deepEqual(promotions.promotions, expected.promotions);
  assert.deepEqual(combinations.combinations, expected.combinations);
  assert.deepEqual(margin.totals, expected.totals);
  assert.deepEqual(margin.daily, expected.daily);
  assert.deepEqual(margin.clamps, expected.clamps);
}
