// SPDX-License-Identifier: MIT
// 64 concurrent clients race for one SKU through holds and checkouts: never more sold than stocked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, call, setStock, stockOf, allOrders, holdAndCheckout } from './helpers.mjs';

const CLIENTS = 64;

async function race(server, attemptsPerClient) {
  const outcomes = { committed: 0, refused: 0, other: [] };
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < attemptsPerClient; i++) {
        const { hold, checkout } = await holdAndCheckout(server, [{ variant: 'tee-black-m', quantity: 1 }]);
        if (hold.status === 409) {
          // Every refusal says why, in a stable code, with the numbers.
          assert.equal(hold.body.error.code, 'insufficient_stock');
          assert.equal(hold.body.error.shortages[0].variant, 'tee-black-m');
          assert.equal(hold.body.error.shortages[0].requested, 1);
          outcomes.refused++;
        } else if (hold.status === 201 && checkout.status === 200) {
          outcomes.committed++;
        } else {
          outcomes.other.push({ hold: hold.status, checkout: checkout?.status, body: checkout?.body ?? hold.body });
        }
      }
    }),
  );
  return outcomes;
}

for (const { stock, attempts } of [
  { stock: 50, attempts: 3 },   // demand 192 > stock: sells out exactly
  { stock: 500, attempts: 2 },  // demand 128 < stock: every request is served
]) {
  test(`oversell: stock ${stock}, demand ${CLIENTS * attempts}`, async () => {
    const tmp = tempDir();
    const server = await startServer({ db: tmp.db });
    try {
      await setStock(server, { 'tee-black-m': { onHand: stock } });
      const demand = CLIENTS * attempts;
      const outcomes = await race(server, attempts);
      assert.deepEqual(outcomes.other, []);
      assert.equal(outcomes.committed, Math.min(stock, demand));
      assert.equal(outcomes.refused, demand - Math.min(stock, demand));

      const level = await stockOf(server, 'tee-black-m');
      assert.equal(level.onHand, stock - outcomes.committed);
      assert.ok(level.onHand >= 0);
      assert.equal(level.held, 0);
      const orders = await allOrders(server);
      const unitsSold = orders.flatMap((o) => o.lines).filter((l) => l.variant === 'tee-black-m')
        .reduce((sum, l) => sum + l.quantity, 0);
      assert.equal(unitsSold, outcomes.committed);

      const metrics = await (await fetch(server.base + '/metrics')).text();
      assert.match(metrics, new RegExp(`cartcore_oversell_refused_total ${outcomes.refused}\\b`));
    } finally {
      await server.stop();
      tmp.cleanup();
    }
  });
}

test('oversell: a multi-line hold takes every line or none', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await setStock(server, { 'tee-black-m': { onHand: 5 }, mug: { onHand: 1 } });
    const r = await call(server, 'POST', '/v1/holds', {
      body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 2 }, { variant: 'mug', quantity: 2 }] } },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'insufficient_stock');
    assert.deepEqual(r.body.error.shortages, [{ variant: 'mug', requested: 2, available: 1 }]);
    assert.equal((await stockOf(server, 'tee-black-m')).held, 0, 'the satisfiable line was not held either');
    assert.equal((await stockOf(server, 'mug')).held, 0);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
