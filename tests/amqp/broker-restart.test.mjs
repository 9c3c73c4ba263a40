// SPDX-License-Identifier: MIT
// The --amqp sink against a real rabbitmq-server (support/rabbitmq.mjs, one throwaway node for this file), killed
// with SIGKILL and started again mid-stream while shoppers hold, release, check out and let holds expire, stock is
// set and configs are activated: the consumer's durable queue gets every outbox event of every kind, persistent,
// with the event id as message id and a routing key of type and SKU, in order per SKU, with no gaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, startServer, call, setStock, allEvents, metricValue } from '../server/helpers.mjs';
import { startBroker } from './support/rabbitmq.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLIENT = process.env.CARTCORE_AMQP_TEST_CLIENT ?? resolve(here, '../../build/native/server/amqp-test-client');
const EXCHANGE = 'cartcore.events';
const VARIANTS = ['tee-black-m', 'tee-black-l', 'tee-white-m', 'hoodie-grey-m', 'mug'];

const client = (...args) => spawnSync(CLIENT, args, { encoding: 'utf8', timeout: 20000 });
const declare = (url) => client('declare', url, EXCHANGE, 'erp', '#').status === 0;

async function waitFor(predicate, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const metric = async (server, name) => metricValue(await (await fetch(server.base + '/metrics')).text(), name);

/** Every event kind the stream carries (server/README.md, "Events and webhooks"). */
const KINDS = ['stock.changed', 'stock.low', 'stock.out', 'stock.back_in_stock', 'hold.placed', 'hold.released',
  'hold.expired', 'order.committed', 'config.activated'];

test('amqp: a broker killed and restarted mid-stream loses nothing; every kind, order per SKU; persistent, ids, routing keys', async (t) => {
  const tmp = tempDir();
  // The consumer's durable queue exists before any event: what no queue takes is returned and retried, not lost.
  const broker = await startBroker(join(tmp.dir, 'rabbit'), declare);
  const server = await startServer({
    db: tmp.db,
    args: ['--amqp', broker.url, '--webhook-retry-ms', '50', '--webhook-retry-max-ms', '500', '--test-clock',
      '--sweep-ms', '3600000'],
  });
  try {
    let level = 0;
    let rounds = 0;
    const { config } = (await call(server, 'GET', '/v1/admin/config', { admin: true })).body;
    const holdOf = async (variant) => {
      const r = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant, quantity: 2 }] }, ttlSeconds: 60 } });
      return r.status === 201 ? r.body.hold : null;
    };
    /** Stock set for every variant (stock.changed and the low/out/back-in-stock crossings), a hold on each: one
     *  released, one checked out, the rest left to expire by the sweep; every fifth round a new config version. */
    const round = async () => {
      rounds += 1;
      level = (level + 7) % 23;
      await setStock(server, Object.fromEntries(VARIANTS.map((v, i) => [v, { onHand: (level + i) % 23 }])));
      const holds = [];
      for (const variant of VARIANTS) holds.push(await holdOf(variant));
      const [released, sold] = holds.filter(Boolean);
      if (released) assert.equal((await call(server, 'DELETE', `/v1/holds/${released.id}`)).status, 200);
      if (sold) {
        await call(server, 'POST', '/v1/checkout', { body: { holdId: sold.id, quoteDigest: sold.quoteDigest } });
      }
      const sweep = await call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { advanceMs: 61_000 } });
      assert.equal(sweep.status, 200);
      if (rounds % 5 === 0) {
        const renamed = { ...config, store: { ...config.store, name: `${config.store.name} ${rounds}` } };
        assert.equal((await call(server, 'PUT', '/v1/admin/config', { admin: true, body: renamed })).status, 200);
      }
    };
    for (let i = 0; i < 20; i++) await round();
    await waitFor(async () => (await metric(server, 'cartcore_amqp_published_total')) > 0, 'first confirms');
    await broker.kill();  // mid-stream: some events confirmed, some in flight, more to come
    for (let i = 0; i < 20; i++) await round();
    await new Promise((r) => setTimeout(r, 500));  // publishes fail and back off while the broker is down
    const failuresWhileDown = await metric(server, 'cartcore_amqp_failures_total');
    await broker.restart();
    for (let i = 0; i < 20; i++) await round();
    await waitFor(async () => (await metric(server, 'cartcore_outbox_pending')) === 0, 'an empty outbox after the restart');

    const events = await allEvents(server);
    const drained = client('drain', broker.url, 'erp');
    assert.equal(drained.status, 0, drained.stderr);
    const messages = drained.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const bodies = messages.map((m) => JSON.parse(m.body));
    // Every message: persistent, JSON, message id = the envelope's (= the outbox event's) id, routing key by type
    // and SKU.
    for (const [i, m] of messages.entries()) {
      assert.equal(m.deliveryMode, 2, 'persistent');
      assert.equal(m.contentType, 'application/json');
      assert.equal(m.messageId, String(bodies[i].id));
      assert.equal(m.type, bodies[i].type);
      const perSku = bodies[i].type.startsWith('stock.') || bodies[i].type.startsWith('hold.');
      const expectedKey = perSku ? `${bodies[i].type}.${bodies[i].data.sku.replaceAll('.', '_')}` : bodies[i].type;
      assert.equal(m.routingKey, expectedKey);
    }
    // Nothing lost: every outbox event arrived (at least once).
    const ids = new Set(bodies.map((b) => b.id));
    const missing = events.filter((e) => !ids.has(e.id)).map((e) => e.id);
    assert.deepEqual(missing, [], 'every event reached the queue');
    assert.ok(events.length >= 300, `a real stream (${events.length} events)`);
    // Every kind of event, each in the outbox and on the queue (the sweep's expiries too).
    for (const kind of KINDS) {
      assert.ok(events.some((e) => e.type === kind), `the outbox has ${kind}`);
      assert.ok(bodies.some((b) => b.type === kind), `the queue got ${kind}`);
    }
    // Hold events carry their SKU and partition by the variant, so they are ordered with its stock events.
    for (const b of bodies.filter((b) => b.type.startsWith('hold.'))) {
      assert.equal(b.partitionKey, b.data.variant);
      assert.ok(b.data.holdId && b.data.quantity === 2 && typeof b.data.available === 'number', JSON.stringify(b));
    }
    // In order per SKU, no gaps: dropping repeats (at-least-once), each partition's events come in outbox order.
    const seen = new Set();
    const byPartition = new Map();
    for (const b of bodies) {
      if (seen.has(b.id)) continue;
      seen.add(b.id);
      byPartition.set(b.partitionKey, [...(byPartition.get(b.partitionKey) ?? []), b.id]);
    }
    for (const [partition, got] of byPartition) {
      const expected = events.filter((e) => e.partitionKey === partition).map((e) => e.id);
      assert.deepEqual(got, expected, `partition ${partition} in order, no gaps`);
    }
    assert.ok(failuresWhileDown > 0 || (await metric(server, 'cartcore_amqp_failures_total')) > 0,
      'publishes really failed while the broker was down');
    t.diagnostic(`events ${events.length}, messages ${messages.length} (${messages.length - seen.size} repeats)`);
  } finally {
    await server.stop();
    await broker.stop();
    tmp.cleanup();
  }
});
