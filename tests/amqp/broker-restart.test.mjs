// SPDX-License-Identifier: MIT
// The --amqp sink against a real rabbitmq-server (support/rabbitmq.mjs, one throwaway node for this file), killed
// with SIGKILL and started again mid-stream: the consumer's durable queue gets every outbox event, persistent, with
// the event id as message id and a routing key of type and SKU, in order per SKU, with no gaps.
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

test('amqp: a broker killed and restarted mid-stream loses nothing; order per SKU; persistent, ids, routing keys', async (t) => {
  const tmp = tempDir();
  // The consumer's durable queue exists before any event: what no queue takes is returned and retried, not lost.
  const broker = await startBroker(join(tmp.dir, 'rabbit'), declare);
  const server = await startServer({
    db: tmp.db,
    args: ['--amqp', broker.url, '--webhook-retry-ms', '50', '--webhook-retry-max-ms', '500'],
  });
  try {
    let level = 0;
    /** One stock change for every variant (5 events of stock.changed, plus low/out/back-in-stock crossings). */
    const round = async () => {
      level = (level + 7) % 23;
      await setStock(server, Object.fromEntries(VARIANTS.map((v, i) => [v, { onHand: (level + i) % 23 }])));
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
      const expectedKey = bodies[i].type.startsWith('stock.') ? `${bodies[i].type}.${bodies[i].data.sku}` : bodies[i].type;
      assert.equal(m.routingKey, expectedKey);
    }
    // Nothing lost: every outbox event arrived (at least once).
    const ids = new Set(bodies.map((b) => b.id));
    const missing = events.filter((e) => !ids.has(e.id)).map((e) => e.id);
    assert.deepEqual(missing, [], 'every event reached the queue');
    assert.ok(events.length >= 300, `a real stream (${events.length} events)`);
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
