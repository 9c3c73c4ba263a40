// SPDX-License-Identifier: MIT
// Several server instances on one PostgreSQL database behave as one store: no oversell across instances, one order
// per idempotency key, one config version everywhere within the poll bound, each hold expired exactly once on the
// database clock whatever the instances' clocks say, and every event delivered once per partition's turn, in
// order. Runs on the PostgreSQL backend only (ctest server_reliability_postgresql).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { BACKEND, tempDir, startServer, call, setStock, stockOf, allOrders, allEvents, holdAndCheckout, metricValue }
  from './helpers.mjs';
import { testCluster } from './support/postgres.mjs';

const skip = BACKEND !== 'postgresql';

/** Starts `count` instances on one fresh database (each with its own extra args); returns them and a stop(). */
async function instances(count, argsFor = () => []) {
  const tmp = tempDir();
  const servers = [];
  for (let i = 0; i < count; i++) servers.push(await startServer({ db: tmp.db, args: argsFor(i) }));
  return {
    servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      tmp.cleanup();
    },
  };
}

async function waitFor(predicate, what, timeoutMs = 10000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs SQL on a test's database (tempDir().db, a postgresql:// URL); returns psql's unaligned output. */
const sql = (db, text) => testCluster().psql(text, /^postgresql:\/\/[^/]*\/([^?]+)/.exec(db)[1]);

const metric = async (server, name) => metricValue(await (await fetch(server.base + '/metrics')).text(), name);

test('scale: three instances sell one SKU to the last unit without overselling', { skip }, async () => {
  const { servers, stop } = await instances(3);
  try {
    // A tee: no promotion of the sample store depends on its stock level, so its price holds while it sells out.
    await setStock(servers[0], { 'tee-black-m': { onHand: 50 } });
    let confirmed = 0;
    // Demand exceeds stock: each client buys until the database says none is left on hand. A refused hold while
    // others still hold the last units is retried, so every unit ends up sold.
    const clients = Array.from({ length: 48 }, async (_, c) => {
      const server = servers[c % 3];
      for (let attempt = 0; attempt < 400; attempt++) {
        const { hold, checkout } = await holdAndCheckout(server, [{ variant: 'tee-black-m', quantity: 1 + (c % 2) }]);
        if (checkout) {
          assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
          confirmed++;
          continue;
        }
        assert.equal(hold.status, 409, JSON.stringify(hold.body));
        if ((await stockOf(server, 'tee-black-m')).onHand === 0) return;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    await Promise.all(clients);
    const orders = await allOrders(servers[1]);
    const sold = orders.reduce((n, o) => n + o.lines.reduce((m, l) => m + l.quantity, 0), 0);
    const level = await stockOf(servers[2], 'tee-black-m');
    assert.equal(orders.length, confirmed, 'every confirmed checkout is one order');
    assert.equal(sold, 50, 'every unit sold, none twice');
    assert.deepEqual([level.onHand, level.held], [0, 0]);
  } finally {
    await stop();
  }
});

test('scale: one idempotency key raced on three instances makes one order; the losers replay it', { skip }, async () => {
  const { servers, stop } = await instances(3);
  try {
    // A tee: its price does not depend on stock, so instances whose stock copy still lags price it alike.
    await setStock(servers[0], { 'tee-black-m': { onHand: 10 } });
    const hold = await call(servers[0], 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 2 }] } } });
    const body = { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      call(servers[i % 3], 'POST', '/v1/checkout', { headers: { 'idempotency-key': 'one-order' }, body })));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => JSON.stringify(r.body))).size, 1, 'every answer is the same bytes');
    assert.equal((await allOrders(servers[2])).length, 1);
    assert.equal((await stockOf(servers[1], 'tee-black-m')).onHand, 8);
  } finally {
    await stop();
  }
});

test('scale: a config uploaded on one instance is active on every instance within the poll bound', { skip }, async () => {
  const { servers, stop } = await instances(2, () => ['--config-poll-ms', '200']);
  try {
    const config = (await call(servers[0], 'GET', '/v1/admin/config', { admin: true })).body.config;
    config.catalog.products[0].variants[0].price = '15.00';
    const started = Date.now();
    const put = await call(servers[0], 'PUT', '/v1/admin/config', { admin: true, body: config });
    assert.equal(put.status, 200);
    await waitFor(async () => (await call(servers[1], 'GET', '/healthz')).body.configVersion === put.body.version,
      'the other instance to switch', 3000);
    const switchMillis = Date.now() - started;
    const quote = await call(servers[1], 'POST', '/v1/quote', { body: { lines: [{ variant: 'tee-black-m', quantity: 1 }] } });
    assert.equal(quote.body.quote.totals.total, '15.00');
    assert.ok(switchMillis < 1500, `switched in ${switchMillis} ms (poll every 200 ms)`);
  } finally {
    await stop();
  }
});

test('scale: holds expire exactly once, on the database clock, with skewed instances all sweeping', { skip }, async () => {
  // The second instance's clock runs an hour fast, the third's an hour slow: neither may expire a hold early or late.
  const skews = [0, 3_600_000, -3_600_000];
  const { servers, stop } = await instances(3, (i) => ['--sweep-ms', '50', '--clock-skew-ms', String(skews[i])]);
  try {
    await setStock(servers[0], { mug: { onHand: 100 } });
    const holds = [];
    for (let i = 0; i < 30; i++) {
      const r = await call(servers[i % 3], 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] }, ttlSeconds: 4 } });
      assert.equal(r.status, 201);
      holds.push(r.body.hold);
    }
    for (const h of holds) assert.ok(Date.parse(h.expiresAt) - Date.now() < 4_500, 'expiry stamped on the database clock');
    await new Promise((r) => setTimeout(r, 1000));
    // A loaded machine can take seconds to place the 30 holds, so the first may rightly have expired by now: every
    // hold whose expiry is still ahead must be held (the hour-fast sweeper would have taken them all at once).
    const readAt = Date.now();
    const stillDue = holds.filter((h) => Date.parse(h.expiresAt) > readAt).length;
    assert.ok(stillDue > 0, 'the holds were placed within their 4 s life, so the check below means something');
    assert.ok((await stockOf(servers[1], 'mug')).held >= stillDue, 'nothing expired early (one sweeper is an hour fast)');
    await waitFor(async () => (await stockOf(servers[2], 'mug')).held === 0, 'every hold to expire', 12000);
    let expired = 0;
    for (const server of servers) expired += await metric(server, 'cartcore_holds_expired_total');
    assert.equal(expired, 30, 'each hold expired once across the three sweepers');
    assert.equal((await stockOf(servers[0], 'mug')).onHand, 100);
    // Each hold's hold.placed and hold.expired events exist exactly once, written by whichever sweeper expired it,
    // numbered in the mug's partition in commit order.
    const events = (await allEvents(servers[0])).filter((e) => e.type.startsWith('hold.'));
    for (const type of ['hold.placed', 'hold.expired']) {
      const ids = events.filter((e) => e.type === type).map((e) => e.data.holdId).sort();
      assert.deepEqual(ids, holds.map((h) => h.id).sort(), `one ${type} per hold`);
    }
    const seqs = events.map((e) => e.partitionSeq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'partition numbers follow commit order');
  } finally {
    await stop();
  }
});

test('scale: another instance\'s quotes see a hold within the stock copy\'s staleness bound', { skip }, async () => {
  const { servers, stop } = await instances(2);
  try {
    await setStock(servers[0], { mug: { onHand: 8 } });  // below the low-stock level: quotes say how many are left
    const remaining = async () =>
      (await call(servers[1], 'POST', '/v1/quote', { body: { lines: [{ variant: 'mug', quantity: 1 }] } })).body.quote.lines[0].lowStock?.remaining;
    await waitFor(async () => (await remaining()) === 8, 'the copy to see the stock');
    const started = Date.now();
    await call(servers[0], 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 3 }] } } });
    await waitFor(async () => (await remaining()) === 5, 'the other instance to see the hold', 2000);
    const lagMillis = Date.now() - started;
    assert.ok(lagMillis < 1000, `seen after ${lagMillis} ms`);
  } finally {
    await stop();
  }
});

test('scale: events from two instances reach a receiver once each partition\'s turn, in order, without gaps', { skip }, async () => {
  const received = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => { received.push(JSON.parse(body)); res.end(); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  const { servers, stop } = await instances(2, () => ['--webhook', url]);
  try {
    await setStock(servers[0], { mug: { onHand: 100 }, 'tee-black-m': { onHand: 100 } });
    await Promise.all(Array.from({ length: 20 }, (_, c) =>
      holdAndCheckout(servers[c % 2], [{ variant: c % 3 ? 'mug' : 'tee-black-m', quantity: 1 }])));
    const events = await allEvents(servers[1]);
    await waitFor(() => new Set(received.map((e) => e.id)).size === events.length, 'every event delivered');
    const byPartition = new Map();
    for (const e of received) byPartition.set(e.partitionKey, [...(byPartition.get(e.partitionKey) ?? []), e.partitionSeq]);
    for (const [partition, seqs] of byPartition) {
      const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
      assert.deepEqual(firsts, firsts.map((_, i) => i + 1), `${partition}: 1, 2, 3, ... in order, no gap`);
    }
    await waitFor(async () => (await metric(servers[0], 'cartcore_outbox_pending')) === 0, 'deliveries recorded');
  } finally {
    await stop();
    await new Promise((r) => receiver.close(r));
  }
});

test('scale: multi-line holds on three instances are all-or-nothing, whatever order the lines come in', { skip }, async () => {
  const { servers, stop } = await instances(3);
  try {
    // Every cart takes one mug and one hoodie; hoodies run out first. A hold that kept its mug without a hoodie
    // would leave more mugs held than hoodies. Half the carts list the lines the other way round (lock order).
    await setStock(servers[0], { mug: { onHand: 1000 }, 'hoodie-grey-m': { onHand: 20 } });
    const results = await Promise.all(Array.from({ length: 60 }, (_, c) => {
      const lines = [{ variant: 'mug', quantity: 1 }, { variant: 'hoodie-grey-m', quantity: 1 }];
      if (c % 2) lines.reverse();
      return call(servers[c % 3], 'POST', '/v1/holds', { body: { cart: { lines } } });
    }));
    const placed = results.filter((r) => r.status === 201).length;
    for (const r of results) assert.ok(r.status === 201 || r.status === 409, JSON.stringify(r.body));
    const [mug, hoodie] = [await stockOf(servers[1], 'mug'), await stockOf(servers[2], 'hoodie-grey-m')];
    assert.equal(placed, 20, 'as many holds as hoodies');
    assert.deepEqual([mug.held, hoodie.held], [20, 20], 'no refused hold kept a line');
  } finally {
    await stop();
  }
});

test('scale: instances starting at once on an empty database migrate it once and seed it once', { skip }, async () => {
  const tmp = tempDir();
  const servers = await Promise.all(Array.from({ length: 4 }, () => startServer({ db: tmp.db })));
  try {
    const versions = sql(tmp.db, 'SELECT version FROM cartcore_schema ORDER BY version').trim().split('\n').map(Number);
    assert.deepEqual(versions, versions.map((_, i) => i + 1), 'each migration applied once, in order');
    assert.equal(sql(tmp.db, 'SELECT count(*) FROM config_versions').trim(), '1', 'one first config version');
    assert.equal((await stockOf(servers[3], 'mug')).onHand, 60, 'the sample stock seeded once');
    const changed = (await allEvents(servers[0])).filter((e) => e.type === 'stock.changed' && e.partitionKey === 'mug');
    assert.equal(changed.length, 1, 'one seeding event');
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    tmp.cleanup();
  }
});

test('scale: a killed deliverer\'s SKUs pass to another instance under a new fence; one deliverer per SKU at a time', { skip }, async () => {
  // The receiver refuses until told otherwise, so the first instance keeps its delivery leases, retrying.
  let accepting = false;
  const inFlight = new Map();  // partition -> deliveries being answered now
  let overlaps = 0;
  const delivered = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const event = JSON.parse(body);
      const accept = accepting;  // as of arrival: a dead instance's request answered late is not a delivery
      const busy = inFlight.get(event.partitionKey) ?? 0;
      if (busy > 0) overlaps++;
      inFlight.set(event.partitionKey, busy + 1);
      setTimeout(() => {
        inFlight.set(event.partitionKey, inFlight.get(event.partitionKey) - 1);
        if (accept) delivered.push(event);
        res.writeHead(accept ? 200 : 503).end();
      }, 3);
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = ['--webhook', `http://127.0.0.1:${receiver.address().port}/hook`, '--webhook-retry-ms', '20',
    '--webhook-retry-max-ms', '40'];
  const tmp = tempDir();
  const first = await startServer({ db: tmp.db, args: hook });
  let second;
  try {
    await setStock(first, { mug: { onHand: 100 }, 'tee-black-m': { onHand: 100 } });
    for (let i = 0; i < 8; i++) await holdAndCheckout(first, [{ variant: i % 2 ? 'mug' : 'tee-black-m', quantity: 1 }]);
    const leases = () => sql(tmp.db, 'SELECT owner, fence FROM delivery_leases ORDER BY bucket').trim().split('\n')
      .map((row) => row.split('|'));
    const buckets = Number(sql(tmp.db, 'SELECT count(DISTINCT cartcore_bucket(partition_key)) FROM outbox').trim());
    await waitFor(() => leases().length === buckets, 'the first instance to lease the buckets of orders, mug and tee');
    const firstOwner = leases()[0][0];
    assert.ok(leases().every(([owner, fence]) => owner === firstOwner && fence === '1'));
    second = await startServer({ db: tmp.db, args: hook });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(leases().every(([owner]) => owner === firstOwner), 'the second instance waits while the first lives');
    await first.crash();
    accepting = true;
    const events = await allEvents(second);
    await waitFor(() => new Set(delivered.map((e) => e.id)).size === events.length, 'every event delivered');
    assert.ok(leases().every(([owner, fence]) => owner !== firstOwner && fence === '2'), 'taken over, fence moved on');
    assert.equal(overlaps, 0, 'never two deliveries of one SKU at once');
    const byPartition = new Map();
    for (const e of delivered) byPartition.set(e.partitionKey, [...(byPartition.get(e.partitionKey) ?? []), e.partitionSeq]);
    for (const [partition, seqs] of byPartition)
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `${partition}: delivered 1, 2, 3, ... in order, no gap`);
  } finally {
    await first.stop();
    await second?.stop();
    tmp.cleanup();
    await new Promise((r) => receiver.close(r));
  }
});

test('scale: a tier reserve holds across instances: regular shoppers never take it, members take it first', { skip }, async () => {
  const { servers, stop } = await instances(2, () => ['--customer-segments', 'trusted']);
  try {
    // 12 on hand, 5 of them reserved for "vip": regular shoppers may hold 7. 12 regular and 8 member holds race.
    await setStock(servers[0], { 'tee-white-m': { onHand: 12, reserved: { vip: 5 } } });
    const hold = (c, segments) => call(servers[c % 2], 'POST', '/v1/holds',
      { body: { cart: { lines: [{ variant: 'tee-white-m', quantity: 1 }], ...(segments ? { customer: { segments } } : {}) } } });
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, c) => hold(c).then((r) => ({ member: false, r }))),
      ...Array.from({ length: 8 }, (_, c) => hold(c, ['vip']).then((r) => ({ member: true, r }))),
    ]);
    for (const { r } of results) assert.ok(r.status === 201 || r.status === 409, JSON.stringify(r.body));
    const placed = results.filter(({ r }) => r.status === 201);
    const pools = (member) => placed.filter((p) => p.member === member).flatMap(({ r }) => r.body.hold.lines.map((l) => l.pool));
    assert.equal(placed.length, 12, 'every unit held, none twice');
    assert.ok(pools(false).every((pool) => pool === 'general') && pools(false).length <= 7, 'regulars stay out of the reserve');
    assert.equal(pools(true).filter((pool) => pool === 'vip').length, 5, 'members used the whole reserve');
    const level = await stockOf(servers[1], 'tee-white-m');
    assert.deepEqual([level.held, level.available, level.reserved.vip.held], [12, 0, 5]);
  } finally {
    await stop();
  }
});
