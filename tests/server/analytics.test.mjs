// SPDX-License-Identifier: MIT
// Merchant analytics against a seeded, known order history: every figure equals the hand-computed one in
// analytics-fixture.mjs, whole days from the rollups and the edges from the raw facts alike; CSV matches JSON;
// bad parameters are refused with their code and the parameter named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, startServer, tempDir, createKey, ADMIN_TOKEN } from './helpers.mjs';
import { analyticsArgs, seedHistory, EXPECTED, DAY1, DAY2, DAY3, DAY4 } from './analytics-fixture.mjs';

let server, tmp, seeded;
const period = `from=${DAY1}&to=${DAY4}`;

before(async () => {
  tmp = tempDir();
  server = await startServer({ db: tmp.db, args: analyticsArgs(tmp.dir) });
  seeded = await seedHistory(server);
});

after(async () => {
  await server.stop();
  tmp.cleanup();
});

const get = (path) => call(server, 'GET', path, { admin: true });
// The test clock keeps ticking after it is set, so times recorded during a request are compared to the second.
const toSecond = (iso) => iso.slice(0, 19);

async function getCsv(path, headers = {}) {
  const response = await fetch(server.base + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('promotions: every figure of the seeded history, hand-computed', async () => {
  const r = await get(`/v1/admin/analytics/promotions?${period}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.orders, EXPECTED.orders);
  assert.equal(r.body.currency, 'USD');
  assert.equal(r.body.configVersion, null);
  assert.deepEqual(r.body.promotions, EXPECTED.promotions);
});

test('combinations: sets applied together, counts and average discount %', async () => {
  const r = await get(`/v1/admin/analytics/combinations?${period}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.orders, 7);
  assert.deepEqual(r.body.combinations, EXPECTED.combinations);
});

test('margin: totals, days, orders below a target, clamps by floor, promotion and category', async () => {
  const r = await get(`/v1/admin/analytics/margin?${period}&targetPercent=45`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { orders, ...totals } = r.body.totals;
  assert.equal(orders, EXPECTED.totals.orders);
  const { orders: _, ...expectedTotals } = EXPECTED.totals;
  assert.deepEqual(totals, expectedTotals);
  assert.equal(r.body.unitsWithoutCost, 1);
  assert.deepEqual(r.body.target, EXPECTED.target45);
  assert.deepEqual(r.body.daily, EXPECTED.daily);
  assert.deepEqual(r.body.clamps, EXPECTED.clamps);
  // The default target is 0 %: no order of the history loses money.
  const zero = await get(`/v1/admin/analytics/margin?${period}`);
  assert.deepEqual(zero.body.target, { marginPercent: '0.00', ordersBelow: 0, ordersWithCost: 6 });
  const all = await get(`/v1/admin/analytics/margin?${period}&targetPercent=100`);
  assert.equal(all.body.target.ordersBelow, 6);
});

test('stock: hold fates, guard and low-stock switches once per crossing, per SKU', async () => {
  const r = await get(`/v1/admin/analytics/stock?${period}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.holds, EXPECTED.holds);
  assert.equal(r.body.truncated, false);
  // Day 3: the first hold after the stock fell to 5 saw 4 left (guard off, low); after version 2 and a restock
  // to 20, the next hold saw 19 (guard on, back to ok). Quotes and holds in between saw no crossing.
  const switches = r.body.switches.map((s) => ({ ...s, at: toSecond(s.at) }));
  const off = toSecond(seeded.guardOffAt), on = toSecond(seeded.guardOnAt);
  assert.deepEqual(switches, [
    { at: off, kind: 'guard', subject: 'flash-skillet', state: 'off', variant: 'skillet', sku: 'SKL-1', available: 4, threshold: 6, configVersion: 1 },
    { at: off, kind: 'stock', subject: 'skillet', state: 'low', variant: 'skillet', sku: 'SKL-1', available: 4, threshold: 10, configVersion: 1 },
    { at: on, kind: 'guard', subject: 'flash-skillet', state: 'on', variant: 'skillet', sku: 'SKL-1', available: 19, threshold: 6, configVersion: 2 },
    { at: on, kind: 'stock', subject: 'skillet', state: 'ok', variant: 'skillet', sku: 'SKL-1', available: 19, threshold: 10, configVersion: 2 },
  ]);
  assert.deepEqual(r.body.skus, [
    { variant: 'skillet', sku: 'SKL-1', lowSwitches: 1, outSwitches: 0, guardSwitches: 2, lastState: 'ok', lastAt: r.body.switches[3].at },
  ]);
  // More quotes at the same stock record nothing more.
  for (let i = 0; i < 5; i++) await call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'skillet', quantity: 1 }] } });
  const again = await get(`/v1/admin/analytics/stock?${period}`);
  assert.equal(again.body.switches.length, 4);
  const limited = await get(`/v1/admin/analytics/stock?${period}&limit=1`);
  assert.equal(limited.body.truncated, true);
  assert.deepEqual(limited.body.switches, [r.body.switches[3]]);
});

test('filters: config version, currency, and a period that cuts days in half', async () => {
  const v2 = await get(`/v1/admin/analytics/promotions?${period}&configVersion=2`);
  assert.equal(v2.body.orders, 1);
  assert.deepEqual(v2.body.promotions.map((p) => [p.promotion, p.orders, p.discount]), [['flash-skillet', 1, '20.00']]);
  const eur = await get(`/v1/admin/analytics/promotions?${period}&currency=EUR`);
  assert.equal(eur.body.orders, 0);
  assert.deepEqual(eur.body.promotions, []);
  // 11:30 on day 1 to 09:30 on day 3: O3, O4, O5, O6 (day 2 whole from the rollups, both edges raw).
  const cut = await get('/v1/admin/analytics/margin?from=2026-11-02T11:30:00Z&to=2026-11-04T09:30:00Z');
  assert.equal(cut.status, 200, JSON.stringify(cut.body));
  assert.equal(cut.body.totals.orders, 4);
  assert.equal(cut.body.totals.revenue, '220.00');  // 18.00 + 78.00 + 25.00 + 99.00
  assert.equal(cut.body.totals.discount, '44.00');  // 6.00 + 33.00 + 5.00 + 0.00
  assert.deepEqual(cut.body.daily.map((d) => [d.day, d.orders]), [['2026-11-02', 1], ['2026-11-03', 2], ['2026-11-04', 1]]);
  const day2 = await get(`/v1/admin/analytics/combinations?from=${DAY2}&to=${DAY3}`);
  assert.deepEqual(day2.body.combinations.map((c) => [c.promotions, c.orders]), [[['flash-skillet', 'mug-group-b'], 1], [['apron-coupon'], 1]]);
});

test('CSV: the same figures as JSON, by format=csv or Accept: text/csv', async () => {
  const csv = await getCsv(`/v1/admin/analytics/promotions?${period}&format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.type, /^text\/csv/);
  const rows = csv.text.trimEnd().split('\r\n');
  assert.equal(rows[0], 'promotion,name,orders,units,listAmount,discount,revenue,cost,margin,marginPercent,unitsWithoutCost,clamps,lostTo');
  assert.equal(rows[1], 'flash-skillet,Flash skillet 79.00,3,3,297.00,80.00,217.00,120.00,97.00,44.70,0,0,');
  assert.equal(rows[5], 'mug-group-a,Mugs 10% off,0,0,0.00,0.00,0.00,0.00,0.00,,0,0,mug-group-b:lost_to_better_in_group:2');
  const accept = await getCsv(`/v1/admin/analytics/combinations?${period}`, { accept: 'text/csv' });
  assert.equal(accept.text.split('\r\n')[2], 'flash-skillet+mug-group-b,1,111.00,33.00,29.73');
  const daily = await getCsv(`/v1/admin/analytics/margin?${period}&format=csv`);
  assert.equal(daily.text.split('\r\n')[1], '2026-11-02,3,163.00,49.33,113.67,62.00,51.67,45.46');
  const clamps = await getCsv(`/v1/admin/analytics/margin?${period}&format=csv&table=clamps`);
  assert.deepEqual(clamps.text.trimEnd().split('\r\n'), [
    'dimension,key,clamps,discountBefore,discountAfter,givenBack',
    'total,,1,20.00,13.33,6.67',
    'floor,tees-floor,1,20.00,13.33,6.67',
    'promotion,tee-half,1,20.00,13.33,6.67',
    'category,apparel,1,20.00,13.33,6.67',
    'category,tees,1,20.00,13.33,6.67',
  ]);
  const skus = await getCsv(`/v1/admin/analytics/stock?${period}&format=csv&table=skus`);
  assert.match(skus.text.split('\r\n')[1], new RegExp(`^skillet,SKL-1,1,0,2,ok,${toSecond(seeded.guardOnAt)}`));
});

test('bad parameters: stable codes naming the parameter, nothing computed', async () => {
  const cases = [
    ['promotions?from=yesterday', 400, 'invalid_value', 'from'],
    ['promotions?from=2026-13-01T00:00:00Z', 400, 'invalid_value', 'from'],
    ['promotions?to=2026-11-01T00:00:00%2B01:00', 400, 'invalid_value', 'to'],
    [`promotions?from=${DAY3}&to=${DAY1}`, 400, 'invalid_value', 'to'],
    [`promotions?from=${DAY1}&to=${DAY1}`, 400, 'invalid_value', 'to'],
    ['promotions?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 400, 'range_too_large', 'from'],
    ['promotions?limit=0', 400, 'out_of_range', 'limit'],
    ['promotions?limit=1001', 400, 'out_of_range', 'limit'],
    ['promotions?limit=ten', 400, 'invalid_value', 'limit'],
    ['promotions?limit=99999999999999999999', 400, 'out_of_range', 'limit'],
    ['promotions?configVersion=0', 400, 'out_of_range', 'configVersion'],
    ['promotions?configVersion=99', 404, 'unknown_config_version', 'configVersion'],
    ['promotions?currency=usd', 400, 'invalid_value', 'currency'],
    ['promotions?format=xml', 400, 'invalid_value', 'format'],
    ['promotions?limit=5&limit=6', 400, 'duplicate_id', 'limit'],
    ['promotions?colour=red', 400, 'unknown_field', 'colour'],
    ['promotions?from=%ZZ', 400, 'invalid_value', 'from'],
    ['promotions?targetPercent=5', 400, 'unknown_field', 'targetPercent'],
    ['margin?targetPercent=101', 400, 'out_of_range', 'targetPercent'],
    ['margin?targetPercent=4.5', 400, 'invalid_value', 'targetPercent'],
    ['margin?table=clamps', 400, 'invalid_value', 'table'],
    ['margin?format=csv&table=weekly', 400, 'invalid_value', 'table'],
    ['stock?format=csv&table=daily', 400, 'invalid_value', 'table'],
  ];
  for (const [path, status, code, parameter] of cases) {
    const r = await get(`/v1/admin/analytics/${path}`);
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code, path);
    assert.equal(r.body.error.parameter, parameter, path);
  }
  assert.equal((await get('/v1/admin/analytics/revenue')).status, 404);
  assert.equal((await call(server, 'POST', '/v1/admin/analytics/promotions', { admin: true, body: {} })).status, 405);
  assert.equal((await call(server, 'GET', '/v1/admin/analytics/promotions')).status, 401);
});

test('an analytics-scope key reads every report and the stream and runs replays; an edge key reads none', async () => {
  const analytics = createKey(tmp.db, 'analytics'), edge = createKey(tmp.db, 'edge');
  const as = (key, method, path, body) => call(server, method, path, { body, headers: { authorization: `Bearer ${key.key}` } });
  for (const path of ['analytics/promotions', 'analytics/combinations', 'analytics/margin', 'analytics/stock', 'orders/export']) {
    assert.equal((await as(analytics, 'GET', `/v1/admin/${path}?${period}`)).status, 200, path);
    const refused = await as(edge, 'GET', `/v1/admin/${path}?${period}`);
    assert.equal(refused.status, 403, path);
    assert.equal(refused.body.error.code, 'insufficient_scope');
  }
  const stream = await fetch(`${server.base}/v1/admin/stream`, { headers: { authorization: `Bearer ${analytics.key}` } });
  assert.equal(stream.status, 200);
  await stream.body.cancel();
  const replay = await as(analytics, 'POST', '/v1/admin/config/replay', { config: {}, from: DAY1, to: DAY4 });
  assert.equal(replay.status, 422, 'the analytics scope may start a replay (this draft is invalid)');
  assert.equal((await as(analytics, 'PUT', '/v1/admin/stock/mug', { onHand: 1 })).status, 403);
});

test('orders export: NDJSON pages with the configs, carts and stock replay needs', async () => {
  const lines = [];
  let after = '';
  for (let page = 0; page < 10; page++) {
    const r = await getCsv(`/v1/admin/orders/export?${period}&limit=3${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.type, /^application\/x-ndjson/);
    const pageLines = r.text.trimEnd().split('\n').map((l) => JSON.parse(l));
    lines.push(...pageLines);
    const end = pageLines.at(-1);
    assert.equal(end.type, 'end');
    if (end.next === null) break;
    after = end.next;
  }
  const orders = lines.filter((l) => l.type === 'order');
  assert.deepEqual(orders.map((o) => o.id), Object.values(seeded.orders).map((o) => o.order.id));
  const o1 = orders[0];
  assert.equal(toSecond(o1.createdAt), '2026-11-02T10:00:00');
  assert.equal(o1.configVersion, 1);
  assert.equal(o1.total, '69.00');
  assert.deepEqual(o1.cart.lines, [{ variant: 'skillet', quantity: 1 }]);
  assert.deepEqual(o1.stock, { skillet: 40 });  // the checkout counts the shopper's own held unit as available
  assert.equal(o1.quoteDigest, seeded.orders.o1.order.quoteDigest);
  const configs = lines.filter((l) => l.type === 'config');
  assert.deepEqual([...new Set(configs.map((c) => c.version))], [1, 2]);
  assert.equal(configs.find((c) => c.version === 2).config.promotions[0].discount.fixedPrice, '79.00');
  const bad = await get('/v1/admin/orders/export?after=nonsense');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.parameter, 'after');
});

test('an order committed behind the rollup watermark (the clock moved back) is still counted exactly', async () => {
  const before = await get(`/v1/admin/analytics/margin?${period}`);
  // Day 1 is already summed into the rollups; an order stamped on day 1 must reach them in its own transaction.
  await call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { now: '2026-11-02T15:00:00.000Z' } });
  const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } } });
  const checkout = await call(server, 'POST', '/v1/checkout', { body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest } });
  assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  const r = await get(`/v1/admin/analytics/margin?${period}`);
  assert.equal(r.body.totals.orders, before.body.totals.orders + 1);
  // One mug: 12.00 - 25% = 9.00, cost 3.00.
  assert.equal(r.body.totals.revenue, '403.67');
  assert.equal(r.body.daily[0].orders, 4);
  assert.equal(r.body.daily[0].revenue, '122.67');
  const dayOnly = await get(`/v1/admin/analytics/combinations?from=${DAY1}&to=${DAY2}`);
  assert.equal(dayOnly.body.orders, 4);
});
