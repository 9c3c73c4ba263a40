// SPDX-License-Identifier: MIT
// Merchant analytics with two server instances on one PostgreSQL database: a stock crossing both instances see is
// recorded once, and the orders both commit are counted once each, whichever instance is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, call, setStock, startServer, tempDir } from './helpers.mjs';
import { analyticsArgs, DAY1 } from './analytics-fixture.mjs';

const skip = BACKEND !== 'postgresql' && 'several instances share a database only on PostgreSQL';

const skilletQuote = (server) =>
  call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'skillet', quantity: 1 }] } });

/** Quotes on `server` until the flash price is (or is not) applied: the instance's stock copy follows by NOTIFY. */
async function quoteUntilFlash(server, applied) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const quote = await skilletQuote(server);
    assert.equal(quote.status, 200, JSON.stringify(quote.body));
    if (quote.body.quote.promotions.applied.some((p) => p.id === 'flash-skillet') === applied) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the flash price never became ${applied ? 'applied' : 'blocked'}`);
}

test('two instances: one crossing is recorded once, orders are counted once', { skip }, async () => {
  const tmp = tempDir();
  const args = analyticsArgs(tmp.dir);
  const a = await startServer({ db: tmp.db, args });
  const b = await startServer({ db: tmp.db, args });
  try {
    for (const server of [a, b]) {
      const clock = await call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { now: '2026-11-02T08:00:00.000Z' } });
      assert.equal(clock.status, 200, JSON.stringify(clock.body));
    }
    await setStock(a, { skillet: { onHand: 40 } });
    await quoteUntilFlash(a, true);
    await quoteUntilFlash(b, true);
    // Below the guard's 6 (and the low-stock level 10): each instance sees the crossing in its own quotes.
    await setStock(a, { skillet: { onHand: 5 } });
    await Promise.all([quoteUntilFlash(a, false), quoteUntilFlash(b, false)]);
    await Promise.all([skilletQuote(a), skilletQuote(b), skilletQuote(a), skilletQuote(b)]);
    for (const [i, server] of [a, b, a].entries()) {
      const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'skillet', quantity: 1 }] } } });
      assert.equal(hold.status, 201, JSON.stringify(hold.body));
      const checkout = await call(server, 'POST', '/v1/checkout', {
        body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest }, headers: { 'idempotency-key': `k${i}` },
      });
      assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    }
    const period = `from=${DAY1}&to=2026-11-03T00:00:00.000Z`;
    for (const server of [a, b]) {
      const stock = await call(server, 'GET', `/v1/admin/analytics/stock?${period}`, { admin: true });
      assert.equal(stock.status, 200, JSON.stringify(stock.body));
      assert.deepEqual(stock.body.switches.map((s) => `${s.kind} ${s.subject} ${s.state}`).sort(),
        ['guard flash-skillet off', 'stock skillet low'].sort(), JSON.stringify(stock.body.switches));
      assert.equal(stock.body.holds.converted, 3);
      const promotions = await call(server, 'GET', `/v1/admin/analytics/promotions?${period}`, { admin: true });
      assert.equal(promotions.body.orders, 3);
    }
  } finally {
    await a.stop();
    await b.stop();
    tmp.cleanup();
  }
});
