// SPDX-License-Identifier: MIT
// A store written by an older server opens with the current one: versioned migrations run once, history is kept,
// delivered rows are purged, pending deliveries still arrive (in order, numbered per partition), and deliveries to
// an endpoint that is no longer configured are retired. On PostgreSQL, the server-side functions are applied whole,
// again whenever the text a database last received differs from the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND, tempDir, startServer, call, setStock, allEvents, allOrders, metricValue } from './helpers.mjs';
import { testCluster } from './support/postgres.mjs';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'store-0.1.0.db');

/** A webhook receiver on `port` (0: any free one), or null when that port is taken. */
async function receiver(port = 0) {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => { received.push(JSON.parse(body)); res.end(); });
  });
  try {
    await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  } catch {
    return null;
  }
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

async function waitFor(predicate, what, timeoutMs = 10000) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The fixture's 6 undelivered events were recorded for this endpoint (seq 21..26: mug, orders, tee-black-m, twice).
const FIXTURE_ENDPOINT_PORT = 36355;

test('migrations: a 0.1.0 SQLite store opens, keeps its history and resumes what was pending', { skip: BACKEND !== 'sqlite' }, async (t) => {
  const tmp = tempDir();
  copyFileSync(fixture, tmp.db);
  const hook = await receiver(FIXTURE_ENDPOINT_PORT);
  if (!hook) return t.skip(`port ${FIXTURE_ENDPOINT_PORT} (the fixture's webhook endpoint) is taken here`);
  const server = await startServer({ db: tmp.db, args: ['--webhook', hook.url] });
  try {
    const events = await allEvents(server);
    assert.equal(events.length, 26, 'every event of the old store is kept');
    const byPartition = new Map();
    for (const event of events) byPartition.set(event.partitionKey, [...(byPartition.get(event.partitionKey) ?? []), event]);
    for (const [partition, list] of byPartition)
      assert.deepEqual(list.map((e) => e.partitionSeq), list.map((_, i) => i + 1), `${partition}: numbered 1, 2, 3, ...`);
    assert.equal((await allOrders(server)).length, 5);
    // Migration 5 added the analytics tables: they answer, and orders committed before it have no facts.
    const analytics = await call(server, 'GET', '/v1/admin/analytics/promotions?from=2024-01-01T00:00:00Z', { admin: true });
    assert.equal(analytics.status, 200, JSON.stringify(analytics.body));
    assert.equal(analytics.body.orders, 0);
    // Only the undelivered rows survived the migration, and they arrive, in order per partition.
    await waitFor(() => hook.received.length >= 6, 'the 6 pending deliveries');
    assert.deepEqual(hook.received.map((e) => e.id).sort((a, b) => a - b), [21, 22, 23, 24, 25, 26]);
    for (const partition of ['mug', 'orders', 'tee-black-m']) {
      const got = hook.received.filter((e) => e.partitionKey === partition).map((e) => e.partitionSeq);
      assert.deepEqual(got, [...got].sort((a, b) => a - b), `${partition} in order`);
    }
    // New events continue each partition's numbering; the old orders still cannot be placed twice.
    await call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, body: { delta: 1 } });
    const mug = (await allEvents(server)).filter((e) => e.partitionKey === 'mug');
    assert.deepEqual(mug.map((e) => e.partitionSeq), mug.map((_, i) => i + 1));
    const replay = await call(server, 'POST', '/v1/checkout', {
      headers: { 'idempotency-key': 'fixture-0' }, body: { holdId: (await allOrders(server))[0].holdId, quoteDigest: 'x' } });
    assert.equal(replay.status, 409);
    assert.equal(replay.body.error.code, 'hold_already_checked_out');
    await waitFor(async () => metricValue(await (await fetch(server.base + '/metrics')).text(), 'cartcore_outbox_pending') === 0,
      'an empty backlog');
  } finally {
    await server.stop();
    await hook.close();
    tmp.cleanup();
  }
});

test('migrations: deliveries to an endpoint that is no longer configured are retired at start', { skip: BACKEND !== 'sqlite' }, async () => {
  const tmp = tempDir();
  copyFileSync(fixture, tmp.db);
  const hook = await receiver();
  const server = await startServer({ db: tmp.db, args: ['--webhook', hook.url] });
  try {
    await waitFor(() => /retired 6 pending webhook deliveries/.test(server.stderr()), 'the retirement notice');
    const metrics = await (await fetch(server.base + '/metrics')).text();
    assert.equal(metricValue(metrics, 'cartcore_outbox_pending'), 0, 'nothing left pending forever');
  } finally {
    await server.stop();
    await hook.close();
    tmp.cleanup();
  }
});

test('migrations: a PostgreSQL database gets the current functions back when its copy drifted', { skip: BACKEND !== 'postgresql' }, async () => {
  const tmp = tempDir();
  const database = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(tmp.db)[1];
  const psql = (sql) => testCluster().psql(sql, database).trim();
  let server = await startServer({ db: tmp.db });
  await server.stop();
  const digest = psql('SELECT digest FROM cartcore_functions WHERE id = 1');
  assert.match(digest, /^[0-9a-f]{64}$/);
  // The same text is not applied again: a function dropped behind the server's back stays dropped...
  psql('DROP FUNCTION cartcore_extend_hold(text, bigint, bigint, bigint)');
  server = await startServer({ db: tmp.db });
  await server.stop();
  assert.equal(psql("SELECT count(*) FROM pg_proc WHERE proname = 'cartcore_extend_hold'"), '0');
  // ...until the recorded text differs (as after an upgrade that changed a function): then every function returns.
  psql("UPDATE cartcore_functions SET digest = 'an older server' WHERE id = 1");
  server = await startServer({ db: tmp.db });
  try {
    assert.equal(psql("SELECT count(*) FROM pg_proc WHERE proname = 'cartcore_extend_hold'"), '1');
    assert.equal(psql('SELECT digest FROM cartcore_functions WHERE id = 1'), digest);
    await setStock(server, { 'tee-black-m': { onHand: 5 } });
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 1 }] } } });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    const extended = await call(server, 'POST', `/v1/holds/${hold.body.hold.id}/extend`, { body: { ttlSeconds: 600 } });
    assert.equal(extended.status, 200, JSON.stringify(extended.body));
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
