// SPDX-License-Identifier: MIT
// WooCommerce's webhooks into POST /v1/integrations/woocommerce/webhook: every forgery refused (no signature, a
// wrong secret, a body changed after signing, a signed body replayed under another topic, malformed bodies),
// repeats and our own stock pushes coming back change nothing, and real catalog changes become a new config
// version through the same importer as `cartcore import woocommerce`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, startServer, call, setStock, metricValue } from '../server/helpers.mjs';
import { makeTestCa, loadRestExport, startFakeWooCommerce, wooSignature } from './support/fake-woocommerce.mjs';
import { FIXTURE_STORE, importStore, waitFor } from './support/store.mjs';

const SECRET = 'wc-webhook-secret-0123456789';
const PATH = '/v1/integrations/woocommerce/webhook';

let deliveries = 0;
/** POSTs `body` (text) as WooCommerce would: signed with `secret` unless `signature` is given. */
async function deliver(server, body, { topic = 'product.updated', secret = SECRET, signature, deliveryId } = {}) {
  const [resource, event] = topic.split('.');
  const headers = {
    'content-type': 'application/json',
    'x-wc-webhook-source': 'https://shop.example/',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource,
    'x-wc-webhook-event': event,
    'x-wc-webhook-id': '7',
    'x-wc-webhook-delivery-id': String(deliveryId ?? ++deliveries + 1000),
  };
  if (signature !== null) headers['x-wc-webhook-signature'] = signature ?? wooSignature(body, secret);
  const r = await fetch(server.base + PATH, { method: 'POST', headers, body });
  return { status: r.status, body: await r.json() };
}

async function configOf(server) {
  const r = await call(server, 'GET', '/v1/admin/config', { admin: true });
  return r.body;
}

const metric = async (server, name) => metricValue(await (await fetch(server.base + '/metrics')).text(), name);

test('webhooks in: forgeries refused, repeats and echoes ignored, catalog changes imported', async () => {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  cpSync(FIXTURE_STORE, storeDir, { recursive: true });
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const tls = makeTestCa(tmp.dir);
  const products = JSON.parse(readFileSync(join(storeDir, 'products.json'), 'utf8'));
  const tote = products.find((p) => p.id === 200);
  let server;
  // The fake fires product.updated, signed, for every object our stock push saves, as WooCommerce does.
  const echoes = [];
  const woo = await startFakeWooCommerce({
    tls, objects: loadRestExport(storeDir), consumerKey: 'ck', consumerSecret: 'cs',
    webhook: (object) => echoes.push(deliver(server, JSON.stringify(object))),
  });
  for (const object of woo.objects.values()) if (object.manage_stock === true) object.stock_quantity = 0;
  server = await startServer({
    db: tmp.db,
    args: ['--config', configFile, '--no-seed', '--woocommerce-webhook-secret', SECRET, '--woocommerce-store', storeDir,
      '--woocommerce-webhook', woo.url, '--woocommerce-auth', 'ck:cs', '--ca-file', tls.caFile,
      '--webhook-retry-ms', '10', '--webhook-retry-max-ms', '100'],
  });
  try {
    const first = await configOf(server);
    const edit = { price: '17.50', regular_price: '17.50', date_modified_gmt: '2026-12-01T10:00:00' };
    const updated = JSON.stringify({ ...tote, ...edit });
    Object.assign(woo.objects.get(200), edit);  // the merchant's edit, made in WooCommerce

    // WooCommerce's ping when a webhook is created: an unsigned form post.
    const ping = await fetch(server.base + PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=7' });
    assert.equal(ping.status, 200);

    // Forgeries: none is queued, each is counted.
    const refusals = [
      [await deliver(server, updated, { signature: null }), 401, 'signature_missing'],
      [await deliver(server, updated, { secret: 'another-secret-0123456789' }), 401, 'signature_invalid'],
      [await deliver(server, updated, { signature: wooSignature(JSON.stringify(tote), SECRET) }), 401, 'signature_invalid'],
      [await deliver(server, updated, { signature: wooSignature(updated, SECRET).slice(0, -2) }), 401, 'signature_invalid'],
      [await deliver(server, updated, { signature: '' }), 401, 'signature_missing'],
      [await deliver(server, updated, { topic: 'coupon.updated' }), 400, 'topic_mismatch'],
      [await deliver(server, updated, { topic: 'product.deleted' }), 400, 'topic_mismatch'],
      [await deliver(server, '{"id": 200, "type": "simple", ', {}), 400, 'topic_mismatch'],
      [await deliver(server, '[1, 2, 3]', {}), 400, 'topic_mismatch'],
      [await deliver(server, JSON.stringify({ id: -4, type: 'simple', name: 'x' }), {}), 400, 'topic_mismatch'],
      // Signed, and 100,000 levels deep: refused by the strict reader, never copied or dumped.
      [await deliver(server, `{"id": 200, "type": "simple", "x": ${'['.repeat(100000)}${']'.repeat(100000)}}`, {}), 400, 'topic_mismatch'],
      [await deliver(server, '{"id": 200, "id": 201, "type": "simple"}', {}), 400, 'topic_mismatch'],
    ];
    for (const [answer, status, code] of refusals) {
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, code);
    }
    assert.match(refusals.at(-2)[0].body.error.message, /nest at most 64 levels/);
    assert.match(refusals.at(-1)[0].body.error.message, /appears twice/);
    assert.equal(await metric(server, 'cartcore_woocommerce_webhooks_refused_total'), refusals.length);
    assert.equal(await metric(server, 'cartcore_woocommerce_webhooks_accepted_total'), 0);
    assert.match(server.stderr(), /"outcome":"refused","reason":"signature_invalid"/, 'refusals are logged');

    // A real change: queued at once (202), imported into a new config version.
    const accepted = await deliver(server, updated, { deliveryId: 'd-1' });
    assert.equal(accepted.status, 202);
    await waitFor(async () => (await configOf(server)).version === first.version + 1, 'the imported version');
    const second = await configOf(server);
    const toteVariant = second.config.catalog.products.find((p) => p.id === 'canvas-tote').variants[0];
    assert.equal(toteVariant.price, '17.50');

    // WooCommerce repeats deliveries: the same delivery id is answered without queueing; the same body under a new
    // id is queued but changes nothing; an older copy of the object is ignored.
    const again = await deliver(server, updated, { deliveryId: 'd-1' });
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal((await deliver(server, updated, { deliveryId: 'd-2' })).status, 202);
    await waitFor(() => /"deliveryId":"d-2","event":"woocommerce_webhook","outcome":"unchanged"/.test(server.stderr()), 'the repeat');
    const older = JSON.stringify({ ...tote, price: '11.00', regular_price: '11.00', date_modified_gmt: '2026-11-01T10:00:00' });
    assert.equal((await deliver(server, older, { deliveryId: 'd-3' })).status, 202);
    await waitFor(() => /"deliveryId":"d-3","event":"woocommerce_webhook","outcome":"stale"/.test(server.stderr()), 'the stale copy');
    assert.equal((await configOf(server)).version, second.version);

    // Our own stock pushes come back as product.updated: echoes, no new version.
    await setStock(server, stock.levels);
    await waitFor(() => woo.objects.get(200).stock_quantity === 40 && echoes.length >= 2, 'the stock push and its echoes');
    const echoAnswers = await Promise.all(echoes);
    assert.ok(echoAnswers.every((a) => a.status === 202), JSON.stringify(echoAnswers));
    // The tote and the black tee variation: our pushes came back, with nothing else changed.
    await waitFor(async () => (await metric(server, 'cartcore_woocommerce_webhook_echoes_total')) >= 2, 'echoes classified');
    assert.equal((await configOf(server)).version, second.version, 'echoes make no config version');

    // Deletions and coupons go through the importer too.
    assert.equal((await deliver(server, JSON.stringify({ id: 800 }), { topic: 'product.deleted' })).status, 202);
    const coupon = { id: 990, code: 'welcome5', amount: '5.00', discount_type: 'fixed_cart', description: '', date_expires_gmt: null,
      individual_use: false, product_ids: [], excluded_product_ids: [], usage_limit: null, usage_limit_per_user: null,
      limit_usage_to_x_items: null, free_shipping: false, product_categories: [], excluded_product_categories: [],
      exclude_sale_items: false, minimum_amount: '0.00', maximum_amount: '0.00', email_restrictions: [], meta_data: [] };
    assert.equal((await deliver(server, JSON.stringify(coupon), { topic: 'coupon.created', deliveryId: 'c-1' })).status, 202);
    await waitFor(async () => {
      const c = (await configOf(server)).config;
      return c.promotions.some((p) => (p.coupons ?? []).includes('welcome5')) &&
        !c.catalog.products.some((p) => p.variants.some((v) => v.id === 'TOTE-2'));
    }, 'the deletion and the coupon imported');
    assert.ok(await metric(server, 'cartcore_woocommerce_catalog_imports_total') >= 2);
  } finally {
    await server.stop();
    await woo.close();
    tmp.cleanup();
  }
});
