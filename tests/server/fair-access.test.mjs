// SPDX-License-Identifier: MIT
// Fair access in a flash sale: per-client limits (a signed customer, else the IP address) on active holds, units of
// one variant held, extension time; the config's per-variant purchase limit; the per-IP hold rate with
// Retry-After. And the scenario they exist for: a bot trying to hoard a 40-unit flash sale while shoppers buy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  withServer as withServerOf, tempDir, startServer, call, callFrom, setStock, stockOf, allOrders, metricValue, signCustomer, epochSeconds,
  CUSTOMER_SECRET, NO_FAIR_ACCESS_LIMITS,
} from './helpers.mjs';

const sampleConfig = JSON.parse(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../server/sample-store.json'), 'utf8'));

/** The sample store with `purchaseLimit` set on one variant. */
function configWithPurchaseLimit(variantId, limit) {
  const config = structuredClone(sampleConfig);
  for (const product of config.catalog.products)
    for (const variant of product.variants) if (variant.id === variantId) variant.purchaseLimit = limit;
  return config;
}

const withServer = (args, body) => withServerOf(args, body, { fairAccess: true });

const holdBody = (variant, quantity, extra = {}) => ({ cart: { lines: [{ variant, quantity }] }, ...extra });
const advance = (server, ms) => call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { advanceMs: ms } });

test('per client: active holds, units of one variant; a signed customer is its own client', () =>
  withServer(['--max-holds-per-client', '2', '--max-held-units-per-client', '5', '--customer-hmac-secret', CUSTOMER_SECRET], async (server) => {
    await setStock(server, { mug: { onHand: 60 }, 'tee-black-m': { onHand: 60 } });
    const a = '127.0.0.2';
    const first = await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('mug', 3) });
    assert.equal(first.status, 201);
    const tooMany = await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('mug', 3) });
    assert.equal(tooMany.status, 409, JSON.stringify(tooMany.body));
    assert.equal(tooMany.body.error.code, 'hold_limit_exceeded');
    assert.deepEqual([tooMany.body.error.variant, tooMany.body.error.limit, tooMany.body.error.held], ['mug', 5, 3]);
    assert.equal((await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('tee-black-m', 2) })).status, 201);
    const third = await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('mug', 1) });
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'too_many_holds');
    assert.equal(third.body.error.activeHolds, 2);

    // Another address, and a signed customer on the same address, are other clients.
    assert.equal((await callFrom(server, '127.0.0.3', 'POST', '/v1/holds', { body: holdBody('mug', 5) })).status, 201);
    const customer = { 'cartcore-customer': signCustomer({ customer: 'c-1', exp: epochSeconds(600) }) };
    assert.equal((await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('mug', 5), headers: customer })).status, 201);

    // Releasing frees the slot; nothing the refusals touched changed.
    assert.equal((await callFrom(server, a, 'DELETE', `/v1/holds/${first.body.hold.id}`)).status, 200);
    assert.equal((await callFrom(server, a, 'POST', '/v1/holds', { body: holdBody('mug', 5) })).status, 201);
    assert.equal((await stockOf(server, 'mug')).held, 15);
    const metrics = await call(server, 'GET', '/metrics');
    assert.equal(metricValue(metrics.body, 'cartcore_fair_access_refused_total'), 2);
  }));

test('purchase limit from the config: held units, and a signed customer\'s bought units in the window', () =>
  withServer(['--customer-hmac-secret', CUSTOMER_SECRET], async (server) => {
    const put = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: configWithPurchaseLimit('tee-black-m', 2) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const bad = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: configWithPurchaseLimit('tee-black-m', 0) });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'out_of_range');
    assert.match(bad.body.error.pointer, /\/purchaseLimit$/);
    await setStock(server, { 'tee-black-m': { onHand: 40 } });

    const over = await call(server, 'POST', '/v1/holds', { body: holdBody('tee-black-m', 3) });
    assert.equal(over.status, 409);
    assert.equal(over.body.error.code, 'purchase_limit_exceeded');
    assert.deepEqual([over.body.error.limit, over.body.error.heldOrBought, over.body.error.requested], [2, 0, 3]);

    const headers = { 'cartcore-customer': signCustomer({ customer: 'c-2', exp: epochSeconds(600) }) };
    const hold = await callFrom(server, '127.0.0.4', 'POST', '/v1/holds', { body: holdBody('tee-black-m', 2), headers });
    assert.equal(hold.status, 201);
    const order = await callFrom(server, '127.0.0.4', 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest }, headers });
    assert.equal(order.status, 200);
    // Bought counts for the signed customer, from any address; not for the address itself.
    const again = await callFrom(server, '127.0.0.5', 'POST', '/v1/holds', { body: holdBody('tee-black-m', 1), headers });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.heldOrBought, 2);
    assert.equal((await callFrom(server, '127.0.0.4', 'POST', '/v1/holds', { body: holdBody('tee-black-m', 2) })).status, 201);
  }));

test('extension time per client, and the per-IP hold rate with Retry-After', () =>
  withServer(['--test-clock', '--max-extension-per-client', '600', '--hold-rate-per-ip', '6', '--hold-burst-per-ip', '3',
    '--max-holds-per-client', '0'], async (server) => {
    await setStock(server, { mug: { onHand: 60 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: holdBody('mug', 1, { ttlSeconds: 900 }) });
    assert.equal(hold.status, 201);
    const extend = (ttlSeconds) => call(server, 'POST', `/v1/holds/${hold.body.hold.id}/extend`, { body: { ttlSeconds } });
    assert.equal((await extend(1499)).status, 200, 'pushes the expiry out by 599 s (and the ms since): nearly the whole budget');
    const refused = await extend(1600);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'extension_limit_exceeded');
    assert.equal(refused.body.error.extensionLeftSeconds, 0);
    assert.equal((await extend(60)).status, 200, 'shortening is always allowed');

    // 3 at once, then one every 10 s (6 a minute).
    for (let i = 0; i < 2; i++) assert.equal((await call(server, 'POST', '/v1/holds', { body: holdBody('mug', 1) })).status, 201);
    const limited = await call(server, 'POST', '/v1/holds', { body: holdBody('mug', 1) });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.equal(limited.headers.get('retry-after'), '10');
    assert.equal(limited.body.error.retryAfterSeconds, 10);
    assert.equal((await callFrom(server, '127.0.0.9', 'POST', '/v1/holds', { body: holdBody('mug', 1) })).status, 201, 'another IP');
    await advance(server, 10000);
    assert.equal((await call(server, 'POST', '/v1/holds', { body: holdBody('mug', 1) })).status, 201);
    assert.equal((await call(server, 'POST', '/v1/holds', { body: holdBody('mug', 1) })).status, 429);
  }));

/**
 * A 40-unit flash sale (2 per customer): 19 shoppers, each on their own address (some signed in), want 2 units each;
 * a bot on one address tries everything to take the lot first: big holds, a burst of parallel holds, spoofed
 * forwarding headers, a claimed "vip" segment, a forged customer token, extending its holds, releasing and
 * re-holding. Returns what the shoppers and the bot ended up with.
 */
async function flashSale(server, { purchaseLimit = 2 } = {}) {
  if (purchaseLimit) {
    const put = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: configWithPurchaseLimit('tee-black-m', purchaseLimit) });
    assert.equal(put.status, 200);
  }
  await setStock(server, { 'tee-black-m': { onHand: 40 } });
  const bot = '127.0.0.2';
  const botHolds = [];
  const botStatuses = {};
  const note = (r) => (botStatuses[`${r.status} ${r.body?.error?.code ?? ''}`.trim()] = (botStatuses[`${r.status} ${r.body?.error?.code ?? ''}`.trim()] ?? 0) + 1);
  const botHold = async (quantity, headers = {}, cart = {}) => {
    const r = await callFrom(server, bot, 'POST', '/v1/holds', {
      body: { cart: { lines: [{ variant: 'tee-black-m', quantity }], ...cart }, ttlSeconds: 86400 }, headers });
    note(r);
    if (r.status === 201) botHolds.push(r.body.hold.id);
    return r;
  };
  const botRun = (async () => {
    await Promise.all([botHold(40), ...Array.from({ length: 12 }, () => botHold(2))]);
    await botHold(2, { 'x-forwarded-for': '10.9.9.9', 'cartcore-client-ip': '10.8.8.8' });
    await botHold(20, {}, { customer: { segments: ['vip'] } });
    note(await callFrom(server, bot, 'POST', '/v1/holds', { body: holdBody('tee-black-m', 2), headers: {
      'cartcore-customer': signCustomer({ customer: 'bot', exp: epochSeconds(600) }, { secret: 'guessed-secret-guessed-secret-000000' }) } }));
    for (let round = 0; round < 5; round++) {
      for (const id of botHolds) note(await callFrom(server, bot, 'POST', `/v1/holds/${id}/extend`, { body: { ttlSeconds: 86400 } }));
      await botHold(1);
    }
  })();
  const shoppers = Array.from({ length: 19 }, async (_, i) => {
    const address = `127.0.0.${10 + i}`;
    const headers = i % 2 ? { 'cartcore-customer': signCustomer({ customer: `shopper-${i}`, exp: epochSeconds(600) }) } : {};
    const hold = await callFrom(server, address, 'POST', '/v1/holds', { body: holdBody('tee-black-m', 2), headers });
    if (hold.status !== 201) return { hold };
    const checkout = await callFrom(server, address, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest }, headers });
    return { hold, checkout };
  });
  const results = await Promise.all(shoppers);
  await botRun;
  return { results, botStatuses, orders: await allOrders(server), level: await stockOf(server, 'tee-black-m') };
}

test('flash sale: a hoarding bot cannot keep real shoppers from buying', () =>
  withServer(['--customer-hmac-secret', CUSTOMER_SECRET], async (server) => {
    const { results, botStatuses, orders, level } = await flashSale(server);
    for (const [i, { hold, checkout }] of results.entries()) {
      assert.equal(hold.status, 201, `shopper ${i} hold: ${JSON.stringify(hold.body)}`);
      assert.equal(checkout.status, 200, `shopper ${i} checkout: ${JSON.stringify(checkout.body)}`);
    }
    assert.equal(orders.length, 19);
    assert.equal(orders.reduce((units, o) => units + o.lines[0].quantity, 0), 38);
    assert.equal(level.onHand, 2);
    assert.ok(level.held <= 2, `the bot holds at most the purchase limit (${level.held})`);
    // What stopped it: the purchase limit, the per-IP rate, the extension budget, the forged token.
    assert.ok(botStatuses['409 purchase_limit_exceeded'] > 0, JSON.stringify(botStatuses));
    assert.ok(botStatuses['429 rate_limited'] > 0, JSON.stringify(botStatuses));
    assert.ok(botStatuses['401 customer_context_invalid'] === 1, JSON.stringify(botStatuses));
  }));

test('flash sale control: without the limits the same bot takes the stock from the shoppers', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: [...NO_FAIR_ACCESS_LIMITS, '--customer-hmac-secret', CUSTOMER_SECRET] });
  try {
    // The same scenario with no limit of any kind: this is what the limits above prevent.
    const { results } = await flashSale(server, { purchaseLimit: null });
    const served = results.filter((r) => r.checkout?.status === 200).length;
    assert.ok(served < 19, `without limits some shoppers lose out (served ${served})`);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
