// SPDX-License-Identifier: MIT
// kill -9 the server under checkout load, restart it on the same file: every acknowledged order survives,
// stock equals initial minus committed, and no order is half-written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, call, setStock, stockOf, allOrders, holdAndCheckout } from './helpers.mjs';

const INITIAL = 100000;

for (const synchronous of ['normal', 'full']) test(`crash (--synchronous ${synchronous}): kill -9 mid-load loses no acknowledged checkout and writes no partial order`, async () => {
  const tmp = tempDir();
  const args = ['--synchronous', synchronous];
  let server = await startServer({ db: tmp.db, args });
  try {
    await setStock(server, { 'tee-black-m': { onHand: INITIAL }, mug: { onHand: INITIAL } });
    const acknowledged = new Map();  // order id -> units per variant the client was told are sold
    let stop = false;
    const clients = Array.from({ length: 32 }, async (_, c) => {
      while (!stop) {
        try {
          const lines = [{ variant: 'tee-black-m', quantity: 1 + (c % 3) }];
          if (c % 2) lines.push({ variant: 'mug', quantity: 1 });
          const { checkout } = await holdAndCheckout(server, lines);
          if (checkout?.status === 200) acknowledged.set(checkout.body.order.id, checkout.body.order);
        } catch {
          // connection reset by the crash: the outcome is unknown to this client, which is allowed
          if (stop) return;
        }
      }
    });
    // Let load build up (at least 1.5 s and a few orders: a busy machine may need longer), then crash while
    // requests are in flight.
    const loadStarted = Date.now();
    while (Date.now() - loadStarted < 1500 || (acknowledged.size <= 10 && Date.now() - loadStarted < 30000))
      await new Promise((r) => setTimeout(r, 50));
    const beforeCrash = acknowledged.size;
    await server.crash();
    stop = true;
    await Promise.all(clients);
    assert.ok(beforeCrash > 10, `load too light to mean anything (${beforeCrash} orders)`);

    server = await startServer({ db: tmp.db, args });
    const orders = await allOrders(server);
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const [id, order] of acknowledged) {
      assert.ok(byId.has(id), `acknowledged order ${id} is missing after restart`);
      assert.deepEqual(byId.get(id), order, 'the stored order is the one the client was shown');
    }
    const sold = { 'tee-black-m': 0, mug: 0 };
    for (const order of orders) {
      assert.ok(order.lines.length >= 1, `order ${order.id} has no lines`);
      for (const line of order.lines) sold[line.variant] += line.quantity;
      // The hold behind every order is marked committed, pointing back at the order.
      const hold = await call(server, 'GET', `/v1/holds/${order.holdId}`);
      assert.equal(hold.body.hold.status, 'committed');
      assert.equal(hold.body.hold.orderId, order.id);
    }
    for (const variant of Object.keys(sold)) {
      const level = await stockOf(server, variant);
      assert.equal(level.onHand, INITIAL - sold[variant], `${variant}: stock == initial - committed`);
    }
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
