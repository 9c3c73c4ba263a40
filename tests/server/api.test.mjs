// SPDX-License-Identifier: MIT
// The documented API: config versions, live stock in quotes, tier reserves, price checks at checkout, CORS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withServer, tempDir, startServer, call, setStock, stockOf, allOrders, holdAndCheckout } from './helpers.mjs';

const sampleConfig = JSON.parse(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../server/sample-store.json'), 'utf8'));

test('config: versioned; a bad upload is rejected whole and the old version keeps serving', () =>
  withServer([], async (server) => {
    const v1 = await call(server, 'GET', '/v1/admin/config', { admin: true });
    assert.equal(v1.status, 200);
    assert.equal(v1.body.version, 1);
    assert.deepEqual(v1.body.config, sampleConfig);

    const broken = structuredClone(sampleConfig);
    broken.catalog.products[0].variants[0].price = '20.001';  // more decimals than USD allows
    const rejected = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: broken });
    assert.equal(rejected.status, 422);
    assert.equal(rejected.body.error.activeVersion, 1);
    assert.ok(rejected.body.error.pointer.startsWith('/catalog'), rejected.body.error.pointer);
    assert.equal((await call(server, 'GET', '/v1/admin/config', { admin: true })).body.version, 1);

    const cheaper = structuredClone(sampleConfig);
    cheaper.catalog.products[0].variants[0].price = '15.00';
    const accepted = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: cheaper });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.version, 2);
    const quote = await call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'tee-black-m', quantity: 1 }] } });
    assert.equal(quote.body.quote.totals.total, '15.00');
    assert.equal(quote.body.quote.configDigest, accepted.body.configDigest);
  }));

test('quote: reads live stock (low-stock count and stock-guarded promotions follow every change)', () =>
  withServer([], async (server) => {
    const mugQuote = () => call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'mug', quantity: 1 }] } });
    await setStock(server, { mug: { onHand: 60 } });
    let q = await mugQuote();
    assert.ok(q.body.quote.promotions.applied.some((p) => p.id === 'mug-overstock'), 'overstock promotion on at 60');
    // Holding 15 mugs leaves 45 available: the guard (>= 50) turns the promotion off at once.
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 15 }] } } });
    assert.equal(hold.status, 201);
    q = await mugQuote();
    assert.ok(!q.body.quote.promotions.applied.some((p) => p.id === 'mug-overstock'), 'off once holds take stock');
    await call(server, 'DELETE', `/v1/holds/${hold.body.hold.id}`);
    q = await mugQuote();
    assert.ok(q.body.quote.promotions.applied.some((p) => p.id === 'mug-overstock'), 'back on after release');
    // "N left" reflects the admin's latest correction.
    await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: -57, reason: 'ERP correction' } });
    q = await mugQuote();
    assert.deepEqual(q.body.quote.lines[0].lowStock, { remaining: 3 });
    // A client cannot inject its own stock snapshot or clock.
    const spoofed = await call(server, 'POST', '/v1/quote', {
      body: { lines: [{ variant: 'mug', quantity: 1 }], stock: { mug: 1000 }, now: '2000-01-01T00:00:00.000Z' } });
    assert.deepEqual(spoofed.body.quote.lines[0].lowStock, { remaining: 3 });
  }));

test('holds: tier-reserved stock is only for its segment (segments trusted from the cart)', () =>
  withServer(['--customer-segments', 'trusted'], async (server) => {
    await setStock(server, { 'tee-white-m': { onHand: 10, reserved: { vip: 4 } } });
    let level = await stockOf(server, 'tee-white-m');
    assert.equal(level.available, 6);
    assert.deepEqual(level.reserved.vip, { reserved: 4, held: 0, available: 10 });
    const line = (quantity) => [{ variant: 'tee-white-m', quantity }];
    const regular = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: line(7) } } });
    assert.equal(regular.status, 409);
    assert.deepEqual(regular.body.error.shortages, [{ variant: 'tee-white-m', requested: 7, available: 6 }]);
    const general = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: line(5) } } });
    assert.equal(general.status, 201);
    // A VIP takes their reserve first, then what is left of the general pool.
    const vip = await holdAndCheckout(server, line(5), { segments: ['vip'] });
    assert.equal(vip.hold.status, 201);
    assert.deepEqual(vip.hold.body.hold.lines, [
      { variant: 'tee-white-m', quantity: 1, pool: 'general' },
      { variant: 'tee-white-m', quantity: 4, pool: 'vip' },
    ].sort((a, b) => a.pool.localeCompare(b.pool)));
    assert.equal(vip.checkout.status, 200);
    level = await stockOf(server, 'tee-white-m');
    assert.equal(level.onHand, 5);
    assert.equal(level.held, 5);
    assert.equal(level.available, 0);
    assert.deepEqual(level.reserved, {}, 'the reserve was consumed by the VIP order');
  }));

test('checkout: re-prices on the server and refuses a changed price with the difference', () =>
  withServer([], async (server) => {
    await setStock(server, { 'tee-black-m': { onHand: 10 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 2 }] } } });
    assert.equal(hold.body.quote.totals.total, '40.00');
    const dearer = structuredClone(sampleConfig);
    dearer.catalog.products[0].variants[0].price = '22.00';
    assert.equal((await call(server, 'PUT', '/v1/admin/config', { admin: true, body: dearer })).status, 200);
    const refused = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'price_changed');
    assert.deepEqual(refused.body.error.differences.find((d) => d.field === 'totals/total'), { field: 'totals/total', was: '40.00', now: '44.00' });
    assert.equal(refused.body.error.currentQuote.totals.total, '44.00');
    assert.equal((await allOrders(server)).length, 0);
    assert.equal((await stockOf(server, 'tee-black-m')).onHand, 10);
    // A client-side "price" is not an input: confirming the new digest buys at the server's price.
    const accepted = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: refused.body.error.currentDigest } });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.order.total, '44.00');
    assert.equal((await stockOf(server, 'tee-black-m')).onHand, 8);
  }));

test('operations: health, metrics, CORS for the widget', () =>
  withServer(['--cors-origin', 'https://shop.example'], async (server) => {
    const health = await call(server, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    const preflight = await fetch(server.base + '/v1/quote', {
      method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
    const other = await call(server, 'POST', '/v1/quote', {
      headers: { origin: 'https://evil.example' }, body: { lines: [{ variant: 'mug', quantity: 1 }] } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    await holdAndCheckout(server, [{ variant: 'mug', quantity: 1 }]);
    const metrics = await (await fetch(server.base + '/metrics')).text();
    for (const name of ['cartcore_http_requests_total{route="quote",status="2xx"}', 'cartcore_http_request_duration_seconds_bucket',
      'cartcore_holds_active', 'cartcore_holds_expired_total', 'cartcore_oversell_refused_total', 'cartcore_outbox_lag_seconds',
      'cartcore_orders_committed_total 1'])
      assert.ok(metrics.includes(name), `metrics expose ${name}`);
  }));
