// SPDX-License-Identifier: MIT
// Every event kind on the outbox, on both backends: holds placed, released and expired (by reading and by the
// sweeper) once each, per variant with its SKU; stock.low once per crossing of available (holds count); a config
// activation; and WooCommerce gets stock levels only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { tempDir, startServer, call, setStock, allEvents, metricValue } from './helpers.mjs';

const advance = (server, ms) => call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { advanceMs: ms } });
const hold = async (server, lines, ttlSeconds = 60) => {
  const r = await call(server, 'POST', '/v1/holds', { body: { cart: { lines }, ttlSeconds } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.hold;
};
const release = async (server, id) => assert.equal((await call(server, 'DELETE', `/v1/holds/${id}`)).status, 200);
const eventsAfter = async (server, seq) => (await allEvents(server)).filter((e) => e.id > seq);
const lastId = async (server) => (await allEvents(server)).at(-1)?.id ?? 0;

test('events: stock.low fires once per crossing of available below the level; holds count', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
  try {
    await setStock(server, { mug: { onHand: 12 } });  // the sample config's mug: lowStockLevel 10
    const start = await lastId(server);
    const two = await hold(server, [{ variant: 'mug', quantity: 2 }]);  // available 10: not below
    const a = await hold(server, [{ variant: 'mug', quantity: 1 }]);  // 9: below, once
    const b = await hold(server, [{ variant: 'mug', quantity: 1 }]);  // 8: still below, nothing
    await release(server, a.id);
    await release(server, b.id);  // back to 10
    const three = await hold(server, [{ variant: 'mug', quantity: 3 }]);  // 7: a second crossing
    const sold = await call(server, 'POST', '/v1/checkout', { body: { holdId: three.id, quoteDigest: three.quoteDigest } });
    assert.equal(sold.status, 200);  // onHand 9, held 2: available unchanged at 7
    assert.equal((await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: -1 } })).status, 200);
    await release(server, two.id);  // 8 + 0: still below
    assert.equal((await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: 4 } })).status, 200);
    assert.equal((await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: -3 } })).status, 200);

    const lows = (await eventsAfter(server, start)).filter((e) => e.type === 'stock.low');
    assert.deepEqual(lows.map((e) => [e.data.previousAvailable, e.data.available, e.data.reason]), [
      [10, 9, `hold.placed ${a.id}`],
      [10, 7, `hold.placed ${three.id}`],
      [12, 9, 'adjustment'],  // 12 after the restock, 9 after the correction
    ]);
    for (const low of lows) {
      assert.equal(low.partitionKey, 'mug');
      assert.equal(low.data.sku, 'MUG-01');
      assert.equal(low.data.lowStockLevel, 10);
    }
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('events: holds placed, released and expired (by the sweeper) once each, per variant with its SKU, in the variant\'s partition', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
  try {
    await setStock(server, { mug: { onHand: 50 }, 'tee-black-m': { onHand: 50 } });
    const start = await lastId(server);
    const lines = [{ variant: 'tee-black-m', quantity: 2 }, { variant: 'mug', quantity: 3 }];
    const released = await hold(server, lines);
    await release(server, released.id);
    await release(server, released.id);  // a repeat changes nothing and writes nothing
    const swept = await hold(server, lines, 30);
    assert.equal((await advance(server, 31_000)).body.expired, 1);  // the sweeper expires it
    assert.equal((await call(server, 'GET', `/v1/holds/${swept.id}`)).body.hold.status, 'expired');
    assert.equal((await advance(server, 31_000)).body.expired, 0);
    const events = (await eventsAfter(server, start)).filter((e) => e.type.startsWith('hold.'));
    const summary = events.map((e) => [e.type, e.data.holdId, e.partitionKey, e.data.sku, e.data.quantity]);
    assert.deepEqual(summary, [
      ['hold.placed', released.id, 'mug', 'MUG-01', 3],
      ['hold.placed', released.id, 'tee-black-m', 'TEE-BLK-M', 2],
      ['hold.released', released.id, 'mug', 'MUG-01', 3],
      ['hold.released', released.id, 'tee-black-m', 'TEE-BLK-M', 2],
      ['hold.placed', swept.id, 'mug', 'MUG-01', 3],
      ['hold.placed', swept.id, 'tee-black-m', 'TEE-BLK-M', 2],
      ['hold.expired', swept.id, 'mug', 'MUG-01', 3],
      ['hold.expired', swept.id, 'tee-black-m', 'TEE-BLK-M', 2],
    ]);
    // The levels the events report: each shows what its own change left.
    const mug = events.filter((e) => e.partitionKey === 'mug');
    assert.deepEqual(mug.map((e) => e.data.available), [47, 50, 47, 50]);
    assert.deepEqual(mug.map((e) => e.data.onHand), [50, 50, 50, 50]);
    assert.equal(mug[0].data.expiresAt, released.expiresAt);
    const seqs = mug.map((e) => e.partitionSeq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('events: a config activation is an event', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    const { config } = (await call(server, 'GET', '/v1/admin/config', { admin: true })).body;
    const put = await call(server, 'PUT', '/v1/admin/config', { admin: true,
      body: { ...config, store: { ...config.store, name: 'Renamed' } } });
    assert.equal(put.status, 200);
    const activations = (await allEvents(server)).filter((e) => e.type === 'config.activated');
    assert.deepEqual(activations.map((e) => [e.partitionKey, e.data.version]), [['config', 1], ['config', 2]]);
    assert.equal(activations[1].data.configDigest, put.body.configDigest);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('events: WooCommerce gets stock levels only, the rest of the stream is not queued for it', async () => {
  // A WooCommerce that is never there: the linked variants' stock.changed stay pending; hold and config events
  // are written for no WooCommerce delivery, so nothing else ever waits behind them.
  const closed = createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--woocommerce-webhook', `http://127.0.0.1:${port}/wp-json/wc/v3`,
    '--webhook-retry-ms', '50', '--webhook-retry-max-ms', '100'] });
  const pending = async () => metricValue(await (await fetch(server.base + '/metrics')).text(), 'cartcore_outbox_pending');
  try {
    // The sample stock links mug and hoodie-grey-m: their seed levels wait; the other variants' were acknowledged.
    const deadline = Date.now() + 10_000;
    while ((await pending()) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await pending(), 2);
    for (let i = 0; i < 3; i++) await release(server, (await hold(server, [{ variant: 'mug', quantity: 1 }])).id);
    const { config } = (await call(server, 'GET', '/v1/admin/config', { admin: true })).body;
    await call(server, 'PUT', '/v1/admin/config', { admin: true, body: { ...config, store: { ...config.store, name: 'X' } } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await pending(), 2, 'no delivery row for hold or config events');
    const types = new Set((await allEvents(server)).map((e) => e.type));
    assert.ok(types.has('hold.placed') && types.has('hold.released') && types.has('config.activated'));
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
