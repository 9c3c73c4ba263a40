// SPDX-License-Identifier: MIT
// Stock to WooCommerce over HTTPS, against the fake WooCommerce (support/fake-woocommerce.mjs): a store imported
// with `cartcore import woocommerce --stock`, its levels pushed through the outbox, and no level silently lost to
// WooCommerce's quirks (stock ignored without manage_stock, per-item errors inside a 200, the 100-object cap,
// stock kept on the parent product), 5xx answers or timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, startServer, call, setStock, metricValue } from '../server/helpers.mjs';
import { makeTestCa, loadRestExport, startFakeWooCommerce } from './support/fake-woocommerce.mjs';
import { FIXTURE_STORE, importStore, waitFor } from './support/store.mjs';

const AUTH = ['--woocommerce-auth', 'ck_test:cs_test'];

/** The fixture store plus `pins` simple products, even ones counting stock (5 each), odd ones not. */
function storeWithPins(dir, pins) {
  cpSync(FIXTURE_STORE, dir, { recursive: true });
  const products = JSON.parse(readFileSync(join(dir, 'products.json'), 'utf8'));
  const tee = products.find((p) => p.id === 100);
  Object.assign(tee, { manage_stock: true, stock_quantity: 9 });  // variations 102 and 103 use the tee's stock
  const tote = products.find((p) => p.id === 200);
  for (let i = 0; i < pins; i++) {
    products.push({ ...tote, id: 1000 + i, name: `Enamel pin ${i}`, slug: `pin-${i}`, sku: `PIN-${i}`, meta_data: [],
      manage_stock: i % 2 === 0, stock_quantity: i % 2 === 0 ? 5 : null });
  }
  writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
  const variationsFile = join(dir, 'products', '100', 'variations.json');
  const variations = JSON.parse(readFileSync(variationsFile, 'utf8'));
  Object.assign(variations.find((v) => v.id === 103), { status: 'publish', manage_stock: 'parent' });
  writeFileSync(variationsFile, JSON.stringify(variations));
}

/** Variant -> its link, from the importer's stock file. */
const linksOf = (stock) => new Map(Object.entries(stock.levels));

async function levelsOf(server) {
  const r = await call(server, 'GET', '/v1/admin/stock', { admin: true });
  return new Map(r.body.stock.map((s) => [s.variant, s]));
}

/** Whether every linked variant's level (but those of `skip`) is in the fake, on the object that holds it. */
async function inSync(server, woo, skip = new Set()) {
  const levels = await levelsOf(server);
  const sums = new Map();
  for (const level of levels.values()) {
    if (level.wooProductId == null || skip.has(level.variant)) continue;
    const key = level.wooVariationId ?? level.wooProductId;
    sums.set(key, (sums.get(key) ?? 0) + level.onHand);
  }
  for (const [id, quantity] of sums) {
    const object = woo.objects.get(id);
    if (!object || object.manage_stock !== true || object.stock_quantity !== quantity) return false;
  }
  return true;
}

/** Per item id: times sent, and times its send failed (the request or the item). */
function sendCounts(woo) {
  const sent = new Map(), failed = new Map();
  for (const request of woo.requests) {
    for (const item of request.items) {
      sent.set(item.id, (sent.get(item.id) ?? 0) + 1);
      if (request.status !== 200 || request.refused.includes(item.id)) failed.set(item.id, (failed.get(item.id) ?? 0) + 1);
    }
  }
  return { sent, failed };
}

test('stock push: manage_stock with each level, <= 100 a batch, only failed items retried, parent stock, 5xx and timeouts', async () => {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  storeWithPins(storeDir, 300);
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const links = linksOf(stock);
  const tls = makeTestCa(tmp.dir);
  const objects = loadRestExport(storeDir);
  for (const object of objects.values()) if (object.manage_stock === true) object.stock_quantity = 0;  // drifted
  const woo = await startFakeWooCommerce({ tls, objects, consumerKey: 'ck_test', consumerSecret: 'cs_test' });
  const server = await startServer({
    db: tmp.db,
    args: ['--config', configFile, '--no-seed', '--woocommerce-webhook', woo.url, ...AUTH, '--ca-file', tls.caFile,
      '--webhook-retry-ms', '10', '--webhook-retry-max-ms', '200'],
  });
  try {
    // The importer linked the variations the tee keeps stock for to the tee, and split its 9 units over them.
    const shared = [...links].filter(([, l]) => l.wooProductId === 100 && l.wooVariationId === null);
    assert.equal(shared.length, 2, 'two tee variations use the tee\'s stock');
    assert.equal(shared.reduce((n, [, l]) => n + l.onHand, 0), 9);
    assert.ok([...links.values()].some((l) => l.wooProductId === 100 && l.wooVariationId === 101));

    // Phase 1: the imported levels, through a 503 and an item WooCommerce refuses twice.
    // Objects that do not count stock get no level from the importer (phase 2 sets theirs).
    const unmanaged = [...links].filter(([, l]) => l.onHand === undefined);
    assert.equal(unmanaged.length, 150 + 2, 'the odd pins, the care guide and the socks');
    woo.faults.failRequests = 1;
    woo.faults.itemErrors.set(1004, 2);
    await setStock(server, stock.levels);
    await waitFor(() => inSync(server, woo, new Set(unmanaged.map(([variant]) => variant))), 'every imported level in WooCommerce');
    for (const request of woo.requests) assert.ok(request.items.length <= 100, 'no batch over 100 objects');
    assert.ok(woo.requests.every((r) => r.status !== 413), 'never refused for size');
    assert.ok(woo.requests.some((r) => r.items.length === 100), 'a full batch of 100 was sent');
    assert.ok(woo.requests.some((r) => r.status === 503), 'the 5xx really happened');
    const { sent, failed } = sendCounts(woo);
    assert.equal(failed.get(1004), 2, 'the refused item failed twice');
    for (const [id, count] of sent) assert.equal(count, 1 + (failed.get(id) ?? 0), `item ${id}: sent once more per failure, never otherwise`);
    for (const request of woo.requests) {
      assert.equal(request.auth, 'Basic ' + Buffer.from('ck_test:cs_test').toString('base64'));
      for (const item of request.items) {
        assert.equal(item.manage_stock, true, 'every level carries manage_stock: true');
        assert.ok(Number.isInteger(item.stock_quantity) && item.stock_quantity >= 0);
      }
    }
    // Stock the tee keeps: pushed to the tee as the sum; its variations were never sent a level.
    assert.equal(woo.objects.get(100).stock_quantity, 9);
    assert.ok(!woo.requests.some((r) => r.path.endsWith('/products/100/variations/batch') && r.items.some((i) => i.id !== 101)));
    assert.equal(woo.objects.get(102).manage_stock, 'parent');

    // Phase 2: products that did not count stock: the push turns stock management on with Cartcore's level.
    assert.equal(woo.objects.get(1001).manage_stock, false);
    await setStock(server, Object.fromEntries(unmanaged.map(([variant]) => [variant, { onHand: 7 }])));
    await waitFor(() => inSync(server, woo), 'levels of the unmanaged products');
    assert.equal(woo.objects.get(1001).manage_stock, true);
    assert.equal(woo.objects.get(1001).stock_quantity, 7);

    // Phase 3: a request that never answers (timeout, then a retry); levels written meanwhile collapse into the
    // newest one per SKU; a sale of a tee variation moves the tee's shared stock.
    const pin2 = [...links].find(([, l]) => l.wooProductId === 1002)[0];
    const sentBefore = sendCounts(woo).sent.get(1002) ?? 0;
    woo.faults.hangRequests = 1;
    await call(server, 'POST', `/v1/admin/stock/${pin2}/adjust`, { admin: true, body: { delta: 1, reason: 'recount' } });
    for (let i = 0; i < 5; i++)
      await call(server, 'POST', `/v1/admin/stock/${pin2}/adjust`, { admin: true, body: { delta: 1, reason: 'recount' } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: shared[0][0], quantity: 1 }], country: 'DE' } } });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    const checkout = await call(server, 'POST', '/v1/checkout', { body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest } });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    await waitFor(() => inSync(server, woo), 'levels after the timeout', 30000);
    assert.equal(woo.objects.get(1002).stock_quantity, 5 + 6);
    assert.equal(woo.objects.get(100).stock_quantity, 8);
    const pin2Sends = (sendCounts(woo).sent.get(1002) ?? 0) - sentBefore;
    assert.ok(pin2Sends <= 3, `6 levels of one SKU written during an outage go out as the newest (${pin2Sends} sends)`);

    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.ok(metricValue(metrics, 'cartcore_woocommerce_stock_pushed_total') >= 152);
    assert.ok(metricValue(metrics, 'cartcore_webhook_failures_total') >= 3);
    await waitFor(async () => metricValue(await (await fetch(server.base + '/metrics')).text(), 'cartcore_outbox_pending') === 0,
      'an empty outbox');
  } finally {
    await server.stop();
    await woo.close();
    tmp.cleanup();
  }
});

test('stock push: a certificate from an untrusted CA is refused and nothing is acknowledged', async () => {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  storeWithPins(storeDir, 2);
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const tls = makeTestCa(tmp.dir);
  const woo = await startFakeWooCommerce({ tls, objects: loadRestExport(storeDir), consumerKey: 'ck_test', consumerSecret: 'cs_test' });
  // No --ca-file: the system store does not know the test CA.
  const server = await startServer({
    db: tmp.db,
    args: ['--config', configFile, '--no-seed', '--woocommerce-webhook', woo.url, ...AUTH, '--webhook-retry-ms', '10',
      '--webhook-retry-max-ms', '50'],
  });
  try {
    await setStock(server, stock.levels);
    await waitFor(() => woo.tlsFailures() >= 2, 'refused TLS handshakes');
    assert.equal(woo.requests.length, 0, 'no request went over an unverified connection');
    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.ok(metricValue(metrics, 'cartcore_outbox_pending') > 0, 'the levels wait in the outbox');
    assert.equal(metricValue(metrics, 'cartcore_woocommerce_stock_pushed_total'), 0);
  } finally {
    await server.stop();
    await woo.close();
    tmp.cleanup();
  }
});
