// SPDX-License-Identifier: MIT
// A hold keeps the shopper's price: checkout re-prices with the stock facts the hold's quote read (guards, "N left")
// and, by store policy, with the time windows that were open when it was quoted; everything else is current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, tempDir, startServer, call, setStock, metricValue } from './helpers.mjs';
import { testCluster } from './support/postgres.mjs';

/** A cookware store: a 99.00 skillet on a 69.00 flash sale while at least 6 are available. */
function flashStore({ name = 'Flash Cookware', skilletPrice = '99.00', holds } = {}) {
  return {
    schemaVersion: 1,
    store: { name, currency: 'USD', lowStockLevel: 5 },
    catalog: {
      products: [
        { id: 'skillet', name: 'Cast Iron Skillet', variants: [{ id: 'skillet-12', price: skilletPrice }] },
        { id: 'lid', name: 'Glass Lid', variants: [{ id: 'lid-12', price: '19.00' }] },
      ],
    },
    promotions: [
      {
        id: 'flash-skillet', name: 'Flash sale: skillet 69.00', type: 'itemDiscount',
        selector: { variants: ['skillet-12'] }, discount: { fixedPrice: '69.00' },
        conditions: { stockGuard: { selector: { variants: ['skillet-12'] }, minAvailable: 6 } },
      },
    ],
    ...(holds ? { holds } : {}),
  };
}

async function putConfig(server, config) {
  const r = await call(server, 'PUT', '/v1/admin/config', { admin: true, body: config });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

const skilletCart = { lines: [{ variant: 'skillet-12', quantity: 1 }] };
const appliedIds = (quote) => quote.promotions.applied.map((p) => p.id);

test('held price: 40 shoppers race for a guarded flash sale; each pays what their own hold quoted', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await putConfig(server, flashStore());
    await setStock(server, { 'skillet-12': { onHand: 40 }, 'lid-12': { onHand: 100 } });

    // 40 shoppers hold one skillet each at the same moment.
    const holds = await Promise.all(
      Array.from({ length: 40 }, () => call(server, 'POST', '/v1/holds', { body: { cart: skilletCart } })),
    );
    for (const h of holds) assert.equal(h.status, 201, JSON.stringify(h.body));
    const byTotal = {};
    for (const h of holds) byTotal[h.body.quote.totals.total] = (byTotal[h.body.quote.totals.total] ?? 0) + 1;
    // Holds placed while at least 6 remained got the flash price; the last 5 (5 or fewer left) did not.
    assert.deepEqual(byTotal, { '69.00': 35, '99.00': 5 });
    for (const h of holds) {
      const flash = h.body.quote.totals.total === '69.00';
      const seen = h.body.quote.heldFacts.stock['skillet-12'];
      // The fact each hold keeps is the availability just before its own unit was taken.
      assert.ok(flash ? seen >= 6 : seen <= 5 && seen >= 1, `hold saw ${seen} and was quoted ${h.body.quote.totals.total}`);
      if (!flash) {
        const reason = h.body.quote.promotions.notApplied.find((p) => p.id === 'flash-skillet').reason;
        assert.equal(reason, 'stock_below_threshold');
        assert.equal(h.body.quote.lines[0].lowStock?.remaining, seen < 5 ? seen : undefined);
      }
    }
    // Where the figure matters to the price or is shown ("N left" below 5, the guard's edge at 5), the fact is the
    // exact availability of a distinct moment: the last five holds saw 5, 4, 3, 2 and 1.
    assert.deepEqual(holds.map((h) => h.body.quote.heldFacts.stock['skillet-12']).filter((n) => n <= 5).sort(),
      [1, 2, 3, 4, 5]);

    // Mid-hold, the merchant renames the store and reprices another product: nothing about a skillet changes.
    await putConfig(server, (() => {
      const c = flashStore({ name: 'Flash Cookware & Co.' });
      c.catalog.products[1].variants[0].price = '21.00';
      return c;
    })());

    // Every checkout goes through at the price its hold quoted; none is refused.
    const checkouts = await Promise.all(holds.map((h) =>
      call(server, 'POST', '/v1/checkout', { body: { holdId: h.body.hold.id, quoteDigest: h.body.hold.quoteDigest } })));
    checkouts.forEach((c, i) => {
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.equal(c.body.order.total, holds[i].body.quote.totals.total);
    });
    const totals = checkouts.map((c) => c.body.order.total);
    assert.equal(totals.filter((t) => t === '69.00').length, 35);
    assert.equal(totals.filter((t) => t === '99.00').length, 5);
    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.equal(metricValue(metrics, 'cartcore_price_changed_refused_total'), 0);

    // Shopper 41 comes after the sale sold out: the promotion is off, and says why.
    const late = await call(server, 'POST', '/v1/quote', { body: skilletCart });
    assert.equal(late.status, 200);
    assert.equal(late.body.quote.totals.total, '99.00');
    const off = late.body.quote.promotions.notApplied.find((p) => p.id === 'flash-skillet');
    assert.equal(off.reason, 'stock_below_threshold');
    assert.equal((await call(server, 'POST', '/v1/holds', { body: { cart: skilletCart } })).body.error.code, 'insufficient_stock');
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('held price: a config change that changes the held cart\'s price is refused with price_changed', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await putConfig(server, flashStore());
    await setStock(server, { 'skillet-12': { onHand: 3 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: skilletCart } });
    assert.equal(hold.body.quote.totals.total, '99.00');
    await putConfig(server, flashStore({ skilletPrice: '109.00' }));
    const checkout = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
    });
    assert.equal(checkout.status, 409);
    assert.equal(checkout.body.error.code, 'price_changed');
    assert.equal(checkout.body.error.currentQuote.totals.total, '109.00');
    assert.ok(checkout.body.error.differences.some((d) => d.field === 'totals/total' && d.was === '99.00' && d.now === '109.00'));
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('held price: a cart cannot bring its own held facts to a hold', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    await putConfig(server, flashStore());
    await setStock(server, { 'skillet-12': { onHand: 2 } });
    const forged = { ...skilletCart, heldFacts: { quotedAt: '2020-01-01T00:00:00.000Z', stock: { 'skillet-12': 40 } }, forHold: false };
    // A quote may carry them (they change only that answer, as at the edge)...
    const quoted = await call(server, 'POST', '/v1/quote', { body: forged });
    assert.equal(quoted.body.quote.totals.total, '69.00');
    // ...but a hold prices with the server's own facts, and checkout re-prices with those.
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: forged } });
    assert.equal(hold.status, 201);
    assert.equal(hold.body.quote.totals.total, '99.00');
    assert.equal(hold.body.quote.heldFacts.stock['skillet-12'], 2);
    const checkout = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
    });
    assert.equal(checkout.status, 200);
    assert.equal(checkout.body.order.total, '99.00');
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

/** A 20 % weekend sale on the lid ending at 12:00; the shopper holds at 11:50 for 30 minutes. */
function weekendStore(honorEndedWindows) {
  const config = flashStore({ holds: honorEndedWindows === undefined ? undefined : { honorEndedWindows } });
  config.promotions = [{
    id: 'weekend-lid', name: 'Weekend: 20% off lids', type: 'itemDiscount',
    selector: { variants: ['lid-12'] }, discount: { percentOff: '20' },
    conditions: { window: { startsAt: '2026-11-28T00:00:00.000Z', endsAt: '2026-11-28T12:00:00.000Z' } },
  }];
  return config;
}

for (const honor of [undefined, true, false]) {
  test(`held price: a window that ends mid-hold (holds.honorEndedWindows ${honor ?? 'default'})`, async () => {
    const tmp = tempDir();
    const server = await startServer({ db: tmp.db, args: ['--test-clock', '--sweep-ms', '3600000'] });
    const clock = (now) => call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { now } });
    try {
      await putConfig(server, weekendStore(honor));
      await setStock(server, { 'lid-12': { onHand: 10 } });
      await clock('2026-11-28T11:50:00.000Z');
      const lidCart = { lines: [{ variant: 'lid-12', quantity: 2 }] };
      const hold = await call(server, 'POST', '/v1/holds', { body: { cart: lidCart, ttlSeconds: 1800 } });
      assert.equal(hold.status, 201);
      assert.equal(hold.body.quote.totals.total, '30.40');
      assert.deepEqual(appliedIds(hold.body.quote), ['weekend-lid']);

      await clock('2026-11-28T12:10:00.000Z');  // the sale has ended; the hold runs until 12:20
      const now = await call(server, 'POST', '/v1/quote', { body: lidCart });
      assert.equal(now.body.quote.totals.total, '38.00', 'a new shopper pays the regular price');
      const checkout = await call(server, 'POST', '/v1/checkout', {
        body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
      });
      if (honor === false) {
        assert.equal(checkout.status, 409);
        assert.equal(checkout.body.error.code, 'price_changed');
        assert.equal(checkout.body.error.currentQuote.totals.total, '38.00');
        assert.ok(checkout.body.error.differences.some((d) => d.field === 'promotions/weekend-lid' && d.now === 'not applied'));
      } else {
        assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
        assert.equal(checkout.body.order.total, '30.40');
      }
    } finally {
      await server.stop();
      tmp.cleanup();
    }
  });
}

// A PostgreSQL database created by a server before held prices (schema 3: analytics) takes migration 4 when the
// current server opens it, and holds that read stock are then placed through cartcore_place_priced_hold.
test('held price: a schema-3 PostgreSQL database takes migration 4 and keeps held prices', { skip: BACKEND !== 'postgresql' }, async () => {
  const tmp = tempDir();
  const database = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(tmp.db)[1];
  let server = await startServer({ db: tmp.db });
  await server.stop();
  // Back to the schema main shipped before this migration: versions 1-3, without the priced-hold function. (The
  // later migrations' objects stay; those migrations run again over them, as each can.)
  const latest = testCluster().psql('SELECT max(version) FROM cartcore_schema', database).trim();
  testCluster().psql('DELETE FROM cartcore_schema WHERE version >= 4; DROP FUNCTION cartcore_place_priced_hold', database);
  assert.equal(testCluster().psql('SELECT max(version) FROM cartcore_schema', database).trim(), '3');
  server = await startServer({ db: tmp.db });
  try {
    assert.equal(testCluster().psql('SELECT max(version) FROM cartcore_schema', database).trim(), latest);
    assert.ok(Number(latest) >= 4);
    await putConfig(server, flashStore());
    await setStock(server, { 'skillet-12': { onHand: 7 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: skilletCart } });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    assert.equal(hold.body.quote.totals.total, '69.00');
    await setStock(server, { 'skillet-12': { onHand: 3 } });
    const checkout = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
    });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    assert.equal(checkout.body.order.total, '69.00');
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
