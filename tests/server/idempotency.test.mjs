// SPDX-License-Identifier: MIT
// Retried confirmations with one Idempotency-Key give one order and decrement stock once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, call, setStock, stockOf, allOrders } from './helpers.mjs';

test('idempotency: sequential and concurrent retries give one order', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await setStock(server, { 'tee-black-m': { onHand: 10 } });
    const hold = await call(server, 'POST', '/v1/holds', {
      body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 3 }] } },
    });
    assert.equal(hold.status, 201);
    const confirm = (key, digest = hold.body.hold.quoteDigest) =>
      call(server, 'POST', '/v1/checkout', {
        headers: { 'idempotency-key': key },
        body: { holdId: hold.body.hold.id, quoteDigest: digest },
      });
    const first = await confirm('retry-key-1');
    assert.equal(first.status, 200);
    const retries = [];
    for (let i = 0; i < 5; i++) retries.push(await confirm('retry-key-1'));
    retries.push(...(await Promise.all(Array.from({ length: 20 }, () => confirm('retry-key-1')))));
    for (const retry of retries) {
      assert.equal(retry.status, 200);
      assert.deepEqual(retry.body, first.body, 'a retry returns the same order, byte for byte');
    }
    assert.equal((await allOrders(server)).length, 1);
    assert.equal((await stockOf(server, 'tee-black-m')).onHand, 7);

    // The same key for a different request is an error, not a silent replay.
    const misuse = await confirm('retry-key-1', 'sha256:0000');
    assert.equal(misuse.status, 422);
    assert.equal(misuse.body.error.code, 'idempotency_key_reused');
    // A new key on a hold that is already an order does not sell twice.
    const again = await confirm('another-key');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'hold_already_checked_out');
    assert.equal(again.body.error.orderId, first.body.order.id);
    assert.equal((await stockOf(server, 'tee-black-m')).onHand, 7);
    assert.equal((await allOrders(server)).length, 1);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('idempotency: concurrent first attempts with one key commit once', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await setStock(server, { mug: { onHand: 10 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 2 }] } } });
    const results = await Promise.all(
      Array.from({ length: 16 }, () =>
        call(server, 'POST', '/v1/checkout', {
          headers: { 'idempotency-key': 'race-key' },
          body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
        }),
      ),
    );
    const ids = new Set(results.map((r) => (assert.equal(r.status, 200), r.body.order.id)));
    assert.equal(ids.size, 1);
    assert.equal((await stockOf(server, 'mug')).onHand, 8);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
