// SPDX-License-Identifier: MIT
// Outbox delivery to a receiver that fails at first: nothing lost, nothing out of order per SKU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { tempDir, startServer, call, setStock, allEvents, holdAndCheckout } from './helpers.mjs';

/** A webhook receiver that answers 503 to its first `failFirst` requests and then to every third one. */
async function flakyReceiver(failFirst) {
  const received = [];  // every attempt, in arrival order, with the status we answered
  let count = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      count++;
      const fail = count <= failFirst || count % 3 === 0;
      received.push({ path: req.url, body: JSON.parse(body), status: fail ? 503 : 200, auth: req.headers.authorization });
      res.writeHead(fail ? 503 : 200).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, received, close: () => new Promise((r) => server.close(r)) };
}

async function waitFor(predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('webhooks: at-least-once, in order per SKU, through failures', async () => {
  const tmp = tempDir();
  const receiver = await flakyReceiver(5);
  const server = await startServer({
    db: tmp.db,
    args: ['--webhook', `${receiver.url}/hooks/cartcore`, '--webhook-retry-ms', '10', '--webhook-retry-max-ms', '100'],
  });
  try {
    await setStock(server, { 'tee-black-m': { onHand: 30 }, mug: { onHand: 12, wooProductId: 102 },
      'hoodie-grey-m': { onHand: 8, wooProductId: 101, wooVariationId: 5001 } });
    for (let i = 0; i < 6; i++) {
      const { checkout } = await holdAndCheckout(server, [
        { variant: 'tee-black-m', quantity: 2 }, { variant: 'mug', quantity: 2 }, { variant: 'hoodie-grey-m', quantity: 1 }]);
      assert.equal(checkout.status, 200);
    }
    await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: 5, reason: 'restock' } });

    const events = await allEvents(server);
    const types = new Set(events.map((e) => e.type));
    for (const type of ['stock.changed', 'stock.low', 'stock.out', 'stock.back_in_stock', 'order.committed'])
      assert.ok(types.has(type), `outbox has a ${type} event`);

    // Cartcore receiver: every event acknowledged, and per SKU acknowledged in outbox order.
    await waitFor(() => new Set(receiver.received.filter((r) => r.status === 200).map((r) => r.body.id)).size === events.length,
      'every event to be acknowledged');
    const acknowledged = receiver.received.filter((r) => r.status === 200).map((r) => r.body);
    assert.deepEqual(new Set(acknowledged.map((e) => e.id)), new Set(events.map((e) => e.id)), 'nothing lost');
    const byPartition = new Map();
    for (const attempt of receiver.received) {
      // Within a partition an event is never sent before every earlier one was acknowledged.
      const seen = byPartition.get(attempt.body.partitionKey) ?? { acked: [], lastAcked: 0 };
      assert.ok(attempt.body.id > seen.lastAcked || seen.acked.includes(attempt.body.id),
        `event ${attempt.body.id} for ${attempt.body.partitionKey} sent after later ${seen.lastAcked}`);
      if (attempt.status === 200) {
        assert.ok(attempt.body.id >= seen.lastAcked, 'acknowledgements per SKU are in order');
        seen.acked.push(attempt.body.id);
        seen.lastAcked = attempt.body.id;
      }
      byPartition.set(attempt.body.partitionKey, seen);
    }
    for (const event of events) {
      const expected = events.filter((e) => e.partitionKey === event.partitionKey).map((e) => e.id);
      const got = [...new Set(acknowledged.filter((e) => e.partitionKey === event.partitionKey).map((e) => e.id))];
      assert.deepEqual(got, expected, `partition ${event.partitionKey} delivered in order`);
    }
    assert.ok(receiver.received.some((r) => r.status === 503), 'the receiver really failed some deliveries');

    // WooCommerce's stock push has its own suite against a fake WooCommerce: tests/woocommerce/stock-push.test.mjs.
    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.match(metrics, /cartcore_outbox_pending 0\b/);
  } finally {
    await server.stop();
    await receiver.close();
    tmp.cleanup();
  }
});

test('webhooks: events written while the receiver is down are delivered after a restart', async () => {
  const tmp = tempDir();
  const receiver = await flakyReceiver(0);
  // A long maximum backoff: the restart itself must make pending deliveries due again.
  const args = ['--webhook', `${receiver.url}/x`, '--webhook-retry-ms', '50', '--webhook-retry-max-ms', '600000'];
  let server = await startServer({ db: tmp.db, args });
  let revived;
  try {
    await receiver.close();  // the receiver goes away: deliveries fail (connection refused) and stay pending
    await setStock(server, { mug: { onHand: 3 } });
    await setStock(server, { mug: { onHand: 0 } });
    await new Promise((r) => setTimeout(r, 300));  // let a few attempts fail and back off
    await server.crash();
    // The receiver comes back on the same address; the restarted server finds the pending rows in the outbox.
    const delivered = [];
    revived = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => { delivered.push(JSON.parse(body)); res.end(); });
    });
    await new Promise((r) => revived.listen(Number(new URL(receiver.url).port), '127.0.0.1', r));
    server = await startServer({ db: tmp.db, args });
    const events = await allEvents(server);
    assert.ok(events.length >= 4);
    // The seed events may have reached the first receiver before it closed; together nothing is missing.
    const reached = () => new Set([...receiver.received.filter((r) => r.status === 200).map((r) => r.body.id),
      ...delivered.map((e) => e.id)]);
    await waitFor(() => reached().size === events.length, 'redelivery after restart');
    assert.ok(delivered.some((e) => e.partitionKey === 'mug' && e.data.onHand === 0), 'the events written while down arrived');
    const firstDeliveries = (partition) => [...receiver.received.filter((r) => r.status === 200).map((r) => r.body), ...delivered].filter((e) => e.partitionKey === partition).map((e) => e.id)
      .filter((id, i, all) => all.indexOf(id) === i);
    for (const partition of new Set(events.map((e) => e.partitionKey)))
      assert.deepEqual(firstDeliveries(partition), events.filter((e) => e.partitionKey === partition).map((e) => e.id),
        `partition ${partition}: delivered in outbox order`);
  } finally {
    await server.stop();
    if (revived) await new Promise((r) => revived.close(r));
    tmp.cleanup();
  }
});
