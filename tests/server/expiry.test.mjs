// SPDX-License-Identifier: MIT
// Holds expire exactly once, driven by the injected test clock rather than sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, call, setStock, stockOf, metricValue, allEvents } from './helpers.mjs';

const advance = (server, ms) => call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { advanceMs: ms } });
const hold = (server, quantity, ttlSeconds = 60) =>
  call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity }] }, ttlSeconds } });

test('expiry: holds return their stock exactly once when the clock passes their TTL', async () => {
  const tmp = tempDir();
  // A long sweep interval: expiry here comes from the clock endpoint's sweep, not a timer.
  const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
  try {
    await setStock(server, { mug: { onHand: 20 } });
    const holds = [];
    // TTLs of 10 minutes and a first step 10 s short of them: placing the holds may take seconds on a busy machine.
    for (let i = 0; i < 5; i++) holds.push((await hold(server, 2, 600)).body.hold);
    const extended = (await hold(server, 3, 600)).body.hold;
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [20, 13, 7]);

    assert.equal((await advance(server, 590_000)).body.expired, 0);
    const ext = await call(server, 'POST', `/v1/holds/${extended.id}/extend`, { body: { ttlSeconds: 1200 } });
    assert.equal(ext.status, 200);
    const sweep = await advance(server, 20_000);
    assert.equal(sweep.body.expired, 5, 'the five un-extended holds expire');
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [20, 3, 17]);

    // More sweeps, reads, releases and checkouts of the expired holds return nothing twice.
    assert.equal((await advance(server, 1_000)).body.expired, 0);
    for (const h of holds) {
      assert.equal((await call(server, 'GET', `/v1/holds/${h.id}`)).body.hold.status, 'expired');
      const checkout = await call(server, 'POST', '/v1/checkout', { body: { holdId: h.id, quoteDigest: h.quoteDigest } });
      assert.equal(checkout.status, 410);
      assert.equal(checkout.body.error.code, 'hold_expired');
      assert.equal((await call(server, 'DELETE', `/v1/holds/${h.id}`)).status, 409);
    }
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [20, 3, 17]);

    // The extended hold lives until its new deadline, then expires once.
    assert.equal((await advance(server, 1_000_000)).body.expired, 0);
    assert.equal((await advance(server, 200_000)).body.expired, 1);
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [20, 0, 20]);
    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.equal(metricValue(metrics, 'cartcore_holds_expired_total'), 6);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('expiry: a hold is either committed or expired, never both, under racing checkouts and sweeps', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
  try {
    await setStock(server, { mug: { onHand: 100 } });
    const holds = [];
    for (let i = 0; i < 40; i++) holds.push((await hold(server, 1, 30)).body.hold);
    await advance(server, 29_990);
    // Checkouts race the clock moving past the deadline.
    const [results] = await Promise.all([
      Promise.all(holds.map((h) => call(server, 'POST', '/v1/checkout', { body: { holdId: h.id, quoteDigest: h.quoteDigest } }))),
      advance(server, 20),
    ]);
    const committed = results.filter((r) => r.status === 200).length;
    const expired = results.filter((r) => r.status === 410).length;
    assert.equal(committed + expired, holds.length);
    await advance(server, 1_000);
    const statuses = await Promise.all(holds.map((h) => call(server, 'GET', `/v1/holds/${h.id}`)));
    assert.equal(statuses.filter((s) => s.body.hold.status === 'committed').length, committed);
    assert.equal(statuses.filter((s) => s.body.hold.status === 'expired').length, holds.length - committed);
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held]), [100 - committed, 0]);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('expiry: holds survive a restart and still expire once afterwards', async () => {
  const tmp = tempDir();
  let server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
  try {
    await setStock(server, { mug: { onHand: 10 } });
    await hold(server, 4, 60);
    await server.crash();
    server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [10, 4, 6]);
    assert.equal((await advance(server, 61_000)).body.expired, 1);
    assert.equal((await advance(server, 61_000)).body.expired, 0);
    assert.deepEqual(await stockOf(server, 'mug').then((s) => [s.onHand, s.held, s.available]), [10, 0, 10]);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('retention: old idempotency records and dead holds are purged; orders and stock are untouched', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000', '--retention-days', '30'] });
  try {
    await setStock(server, { mug: { onHand: 10 } });
    const released = (await hold(server, 1)).body.hold;
    assert.equal((await call(server, 'DELETE', `/v1/holds/${released.id}`)).status, 200);
    const sold = (await hold(server, 2)).body.hold;
    const confirm = () => call(server, 'POST', '/v1/checkout', {
      headers: { 'idempotency-key': 'kept-for-30-days' }, body: { holdId: sold.id, quoteDigest: sold.quoteDigest } });
    const order = await confirm();
    assert.equal(order.status, 200);

    assert.equal((await advance(server, 29 * 86_400_000)).body.purged, 0, 'nothing is purged inside the retention');
    assert.deepEqual((await confirm()).body, order.body, 'still replayed on day 29');
    const events = (await allEvents(server)).length;
    assert.ok(events > 0);
    const purge = await advance(server, 2 * 86_400_000);
    // No endpoint is configured, so every event has been delivered: the outbox goes with the rest of the history.
    assert.equal(purge.body.purged, 2 + events, 'the idempotency record, the released hold and the old events');
    assert.deepEqual(await allEvents(server), []);
    assert.equal((await call(server, 'GET', `/v1/holds/${released.id}`)).status, 404);
    // Without its record a retry is refused by the hold's state: still never a second order.
    const late = await confirm();
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'hold_already_checked_out');
    assert.equal((await call(server, 'GET', `/v1/admin/orders/${order.body.order.id}`, { admin: true })).status, 200);
    assert.equal((await stockOf(server, 'mug')).onHand, 8);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
