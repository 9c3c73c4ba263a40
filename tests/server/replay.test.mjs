// SPDX-License-Identifier: MIT
// Config replay against the seeded history: the job's report equals the figures computed by hand and the sum of
// per-order re-quotes made independently with the CLI; `cartcore replay` over the export prints the same report;
// bad requests are refused; a running job reports progress and can be cancelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, startServer, tempDir, ADMIN_TOKEN } from './helpers.mjs';
import { analyticsArgs, seedHistory, ANALYTICS_DRAFT, ANALYTICS_STORE, DAY1, DAY4 } from './analytics-fixture.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI_BIN = process.env.CARTCORE_CLI_BIN ?? resolve(here, '../../build/native/cli/cartcore');

let server, tmp, seeded;

before(async () => {
  tmp = tempDir();
  server = await startServer({ db: tmp.db, args: analyticsArgs(tmp.dir) });
  seeded = await seedHistory(server);
});

after(async () => {
  await server.stop();
  tmp.cleanup();
});

async function finished(server, id) {
  for (let i = 0; i < 600; i++) {
    const r = await call(server, 'GET', `/v1/admin/config/replay/${id}`, { admin: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (!['queued', 'running'].includes(r.body.job.status)) return r.body.job;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('the replay job did not finish');
}

async function exportAll(server, query) {
  let text = '', after = '';
  for (;;) {
    const response = await fetch(`${server.base}/v1/admin/orders/export?${query}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const page = await response.text();
    text += page;
    const end = JSON.parse(page.trimEnd().split('\n').at(-1));
    if (end.next === null) return text;
    after = end.next;
  }
}

const cents = (decimal) => Math.round(Number(decimal) * 100);
const money = (minor) => (minor < 0 ? '-' : '') + (Math.abs(minor) / 100).toFixed(2);
const COST = { skillet: 4000, 'tee-white': 800, mug: 300 };  // per unit; the apron has none

/** Revenue, discount and cost of a rendered quote, read straight from its JSON. */
function figures(quote) {
  let revenue = 0, cost = 0, costedRevenue = 0;
  for (const line of quote.lines) {
    revenue += cents(line.total);
    if (line.variant in COST) {
      cost += COST[line.variant] * line.quantity;
      costedRevenue += cents(line.total);
    }
  }
  return { revenue, discount: cents(quote.totals.promotionSavings), cost, costedRevenue };
}

test('the report: hand-computed totals, equal to the sum of per-order re-quotes, and the CLI agrees', async () => {
  const started = await call(server, 'POST', '/v1/admin/config/replay', {
    admin: true, body: { config: ANALYTICS_DRAFT, from: DAY1, to: DAY4, top: 10 },
  });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.match(started.body.job.id, /^rpl_/);
  const job = await finished(server, started.body.job.id);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.deepEqual(job.progress, { done: 7, total: 7 });
  const report = job.report;
  assert.equal(report.orders, 7);
  assert.equal(report.repriced, 7);
  assert.equal(report.baselineMatches, 7, 'each order re-quoted under its own version has its committed digest');
  assert.deepEqual(report.skipped, []);
  // By hand: O1, O4 skillet 69.00 -> 59.00 (-10.00 each), O7 79.00 -> 59.00 (-20.00), O5 apron 25.00 -> 30.00
  // (+5.00, the coupon's promotion is gone); the rest unchanged. Revenue -35.00, discount +35.00, margin -40.00
  // (the apron has no cost). Draft margin 144.67 on 329.67 of costed revenue = 43.88 %.
  assert.deepEqual(report.byCurrency, [{
    currency: 'USD', orders: 7,
    baseline: { revenue: '394.67', discount: '107.33', cost: '185.00', margin: '184.67', marginPercent: '49.96' },
    draft: { revenue: '359.67', discount: '142.33', cost: '185.00', margin: '144.67', marginPercent: '43.88' },
    difference: { revenue: '-35.00', discount: '35.00', cost: '0.00', margin: '-40.00', marginPercent: '-6.08' },
  }]);
  assert.deepEqual(report.newlyFiring, []);
  assert.deepEqual(report.stoppedFiring, ['apron-coupon']);
  const { o1, o4, o5, o7 } = seeded.orders;
  const [first, second] = [o1.order.id, o4.order.id].sort();
  assert.deepEqual(report.topChanges.map((c) => [c.orderId, c.difference.revenue]),
    [[o7.order.id, '-20.00'], [first, '-10.00'], [second, '-10.00'], [o5.order.id, '5.00']]);
  assert.deepEqual(report.topChanges[3].promotions, [{ promotion: 'apron-coupon', before: 'applied', after: null, by: null }]);

  // Independently: every order of the export priced under the draft by the CLI's plain quote command (with the
  // order's own time and stock), against the quote the order was committed at.
  const exported = await exportAll(server, `from=${DAY1}&to=${DAY4}`);
  const orders = exported.trimEnd().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'order');
  const draftPath = join(tmp.dir, 'draft.json');
  writeFileSync(draftPath, JSON.stringify(ANALYTICS_DRAFT));
  const sum = { revenue: 0, discount: 0, margin: 0 };
  for (const order of orders) {
    const cartPath = join(tmp.dir, 'cart.json');
    writeFileSync(cartPath, JSON.stringify({ ...order.cart, now: order.createdAt, stock: order.stock }));
    const draft = JSON.parse(execFileSync(CLI_BIN, ['quote', '--config', draftPath, '--cart', cartPath])).quote;
    const committed = (await call(server, 'GET', `/v1/admin/orders/${order.id}`, { admin: true })).body.quote;
    const [a, b] = [figures(committed), figures(draft)];
    sum.revenue += b.revenue - a.revenue;
    sum.discount += b.discount - a.discount;
    sum.margin += (b.costedRevenue - b.cost) - (a.costedRevenue - a.cost);
  }
  const difference = report.byCurrency[0].difference;
  assert.deepEqual([difference.revenue, difference.discount, difference.margin],
    [money(sum.revenue), money(sum.discount), money(sum.margin)]);

  // The CLI's replay shares the library: over the export it prints the same report, byte for byte in JSON terms.
  const exportPath = join(tmp.dir, 'export.ndjson');
  writeFileSync(exportPath, exported);
  const cli = JSON.parse(execFileSync(CLI_BIN, ['replay', '--orders', exportPath, '--draft', draftPath, '--top', '10', '--threads', '2']));
  assert.deepEqual(cli, report);
});

test('a version filter replays only that version\'s orders', async () => {
  const started = await call(server, 'POST', '/v1/admin/config/replay', {
    admin: true, body: { config: ANALYTICS_DRAFT, from: DAY1, to: DAY4, configVersion: 2 },
  });
  const job = await finished(server, started.body.job.id);
  assert.equal(job.report.orders, 1);
  assert.equal(job.report.byCurrency[0].difference.revenue, '-20.00');
  assert.equal(job.configVersion, 2);
});

test('bad replay requests: stable codes and pointers, nothing started', async () => {
  const post = (body) => call(server, 'POST', '/v1/admin/config/replay', { admin: true, body });
  const badDraft = structuredClone(ANALYTICS_STORE);
  badDraft.promotions[0].selector = { products: ['nothing-like-this'] };
  const cases = [
    [{ config: badDraft, from: DAY1, to: DAY4 }, 422, 'unknown_reference', '/config/promotions/0/selector/products/0'],
    [{ from: DAY1, to: DAY4 }, 400, 'missing_field', '/config'],
    [{ config: ANALYTICS_DRAFT, from: 'monday', to: DAY4 }, 400, 'invalid_value', '/from'],
    [{ config: ANALYTICS_DRAFT, from: DAY4, to: DAY1 }, 400, 'invalid_value', '/to'],
    [{ config: ANALYTICS_DRAFT, from: '2020-01-01T00:00:00Z', to: DAY4 }, 400, 'range_too_large', '/from'],
    [{ config: ANALYTICS_DRAFT, from: DAY1, to: DAY4, configVersion: 42 }, 404, 'unknown_config_version', '/configVersion'],
    [{ config: ANALYTICS_DRAFT, from: DAY1, to: DAY4, top: 0 }, 400, 'out_of_range', '/top'],
    [{ config: ANALYTICS_DRAFT, from: DAY1, to: DAY4, colour: 'red' }, 400, 'unknown_field', '/colour'],
  ];
  for (const [body, status, code, pointer] of cases) {
    const r = await post(body);
    assert.equal(r.status, status, `${code}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code);
    assert.equal(r.body.error.pointer, pointer);
  }
  const unknown = await call(server, 'GET', '/v1/admin/config/replay/rpl_nope', { admin: true });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'replay_not_found');
  assert.equal((await call(server, 'DELETE', '/v1/admin/config/replay/rpl_nope', { admin: true })).status, 404);
  assert.equal((await call(server, 'POST', '/v1/admin/config/replay', { body: {} })).status, 401);
  // Cancelling a finished job changes nothing.
  const done = await post({ config: ANALYTICS_DRAFT, from: DAY1, to: DAY4 });
  await finished(server, done.body.job.id);
  const cancelled = await call(server, 'DELETE', `/v1/admin/config/replay/${done.body.job.id}`, { admin: true });
  assert.equal(cancelled.body.job.status, 'done');
});

test('a long job reports progress, refuses a second one, and stops when cancelled', async () => {
  const local = tempDir();
  const slow = await startServer({ db: local.db, args: analyticsArgs(local.dir) });
  try {
    await call(slow, 'PUT', '/v1/admin/stock', { admin: true, body: { levels: { mug: { onHand: 100000 }, 'tee-white': { onHand: 100000 } } } });
    // 160 orders, then a draft with 2,000 cart-wide promotions in 50 exclusion groups: every re-quote does real work.
    const lines = [[{ variant: 'mug', quantity: 2 }], [{ variant: 'tee-white', quantity: 1 }, { variant: 'mug', quantity: 1 }]];
    await Promise.all(Array.from({ length: 8 }, async (_, client) => {
      for (let i = 0; i < 20; i++) {
        const hold = await call(slow, 'POST', '/v1/holds', { body: { cart: { lines: lines[(client + i) % 2] } } });
        const checkout = await call(slow, 'POST', '/v1/checkout', { body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest } });
        assert.equal(checkout.status, 200);
      }
    }));
    const heavy = structuredClone(ANALYTICS_STORE);
    for (let i = 0; i < 2000; i++)
      heavy.promotions.push({ id: `bulk-${i}`, name: `Bulk ${i}`, type: 'spendThreshold', priority: -1, exclusionGroup: `g${i % 50}`,
        tiers: [{ minSubtotal: `${(i % 100) + 1}.00`, percentOff: '1' }] });
    const now = Date.now();
    const body = { config: heavy, from: new Date(now - 3600e3).toISOString(), to: new Date(now + 3600e3).toISOString() };
    const started = await call(slow, 'POST', '/v1/admin/config/replay', { admin: true, body });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.job.id;
    const busy = await call(slow, 'POST', '/v1/admin/config/replay', { admin: true, body });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'replay_busy');
    assert.equal(busy.body.error.jobId, id);
    const running = await call(slow, 'GET', `/v1/admin/config/replay/${id}`, { admin: true });
    assert.equal(running.body.job.status, 'running');
    assert.ok(running.body.job.progress.done < 160);
    const cancel = await call(slow, 'DELETE', `/v1/admin/config/replay/${id}`, { admin: true });
    assert.equal(cancel.status, 200);
    const job = await finished(slow, id);
    assert.equal(job.status, 'cancelled');
    assert.equal(job.progress.total, 160);
    assert.ok(job.progress.done < 160, `cancelled after ${job.progress.done} of 160`);
    assert.equal(job.report, undefined);
    // The slot is free again.
    const next = await call(slow, 'POST', '/v1/admin/config/replay', { admin: true, body: { ...body, config: ANALYTICS_DRAFT } });
    assert.equal(next.status, 202);
    const done = await finished(slow, next.body.job.id);
    assert.equal(done.status, 'done');
    assert.deepEqual(done.progress, { done: 160, total: 160 });
  } finally {
    await slow.stop();
    local.cleanup();
  }
});
