// SPDX-License-Identifier: MIT
// The fault harness on its own, against one server on SQLite: the TCP proxy's modes on real traffic, and a short
// seeded run (kill -9 and restarts of the server, a flaky and then absent webhook receiver) through the shoppers,
// the receiver and the invariant checker that the multi-instance PostgreSQL suite uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, setStock, startServer, tempDir } from '../server/helpers.mjs';
import { startProxy } from './support/tcp-proxy.mjs';
import { startReceiver } from './support/webhook-receiver.mjs';
import { faultSchedule, seededRandom } from './support/schedule.mjs';
import { Instance, balancer } from './support/instances.mjs';
import { newLedger, resolveUnanswered, runShoppers } from './support/shoppers.mjs';
import { checkCheckouts, checkEvents, checkHolds, checkStock } from './support/invariants.mjs';
import { readEvents, readHolds, readOrders, readStock } from './support/store-view.mjs';
import { report, runSchedule, waitFor } from './support/fault-run.mjs';
import { cartDrawer, faultStoreConfig, initialStock } from './support/store.mjs';

const SEED = Number(process.env.CARTCORE_FAULT_SEED ?? 20261201);

/** GET through a new connection (no pooling, so the proxy sees every request); resolves {status, ms} or {error, ms}. */
function rawGet(port, path, timeoutMs = 5000) {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ error: error.code ?? error.message, ms: Date.now() - started }));
    req.end();
  });
}

test('tcp proxy: pass, slow, cut and partition on real traffic', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  const proxy = await startProxy({ port: server.port });
  try {
    const first = await rawGet(proxy.port, '/healthz');
    assert.equal(first.status, 200, JSON.stringify(first));

    proxy.slow(150);
    const slow = await rawGet(proxy.port, '/healthz');
    assert.equal(slow.status, 200);
    assert.ok(slow.ms >= 280, `150 ms each way adds ~300 ms (took ${slow.ms} ms)`);

    // A partition holds the request without failing it; healing delivers it.
    proxy.partition();
    const held = rawGet(proxy.port, '/healthz');
    const early = await Promise.race([held, new Promise((r) => setTimeout(() => r('pending'), 400))]);
    assert.equal(early, 'pending', 'nothing gets through a partition');
    assert.equal(proxy.openConnections(), 1);
    proxy.pass();
    const healed = await held;
    assert.equal(healed.status, 200);
    assert.ok(healed.ms >= 400);

    // Cut: a connection in flight is reset, and new ones are refused until the link comes back.
    proxy.partition();
    const inFlight = rawGet(proxy.port, '/healthz');
    await new Promise((r) => setTimeout(r, 100));
    proxy.cut();
    assert.equal((await inFlight).error, 'ECONNRESET');
    const refused = await rawGet(proxy.port, '/healthz');
    assert.equal(refused.error, 'ECONNRESET');
    assert.ok(refused.ms < 1000, 'refused at once, not left hanging');
    assert.ok(proxy.stats.resets >= 2);
    proxy.pass();
    assert.equal((await rawGet(proxy.port, '/healthz')).status, 200);
  } finally {
    await proxy.close();
    await server.stop();
    tmp.cleanup();
  }
});

test('fault harness on SQLite: kill -9 and restart under 40 shoppers, a flaky receiver; every invariant holds', async () => {
  const tmp = tempDir();
  const random = seededRandom(SEED);
  const spread = 12;
  const initial = initialStock({ spread, hot: 250, perSpread: 80 });
  const configFile = join(tmp.dir, 'store.json');
  writeFileSync(configFile, JSON.stringify(faultStoreConfig(spread)));
  const receiver = await startReceiver({ failRate: 0.1, random: random.fork() });
  const instance = new Instance(0, {
    db: tmp.db,
    args: ['--config', configFile, '--no-seed', '--test-clock', '--webhook', receiver.url, '--webhook-retry-ms', '20',
      '--webhook-retry-max-ms', '400', '--threads', '2'],
  });
  await instance.start();
  try {
    await setStock(instance.server, Object.fromEntries(Object.entries(initial).map(([v, onHand]) => [v, { onHand }])));
    const durationMs = 12000;
    const schedule = faultSchedule({ seed: SEED, durationMs, instances: 1, kinds: ['kill-instance', 'receiver-outage'],
      minimumPerKind: 2, gapMs: [2000, 3500] });
    const ledger = newLedger();
    const stop = { value: false };
    const started = Date.now();
    const shoppers = runShoppers({ count: 40, cluster: balancer([instance]), carts: cartDrawer(spread), random: random.fork(),
      ledger, stop, abandonTtlSeconds: [1, 2] });
    const faults = await runSchedule(schedule, {
      'kill-instance': async () => {
        await instance.crash();
        return () => instance.start();
      },
      'receiver-outage': async () => {
        receiver.outage(true);
        return () => receiver.outage(false);
      },
    }, started);
    await new Promise((r) => setTimeout(r, Math.max(0, started + durationMs - Date.now())));
    stop.value = true;
    await shoppers;
    const seconds = (Date.now() - started) / 1000;

    const base = instance.url;
    const resolvedAfter = await resolveUnanswered(ledger, base);
    // Every hold's deadline passes (the test clock jumps an hour and sweeps): no hold is live any more.
    const sweep = await fetch(`${base}/v1/admin/test/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 3_600_000 }),
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } });
    assert.equal(sweep.status, 200);
    const orders = await readOrders(base);
    const stock = await readStock(base);
    const events = await readEvents(base);
    await waitFor(() => events.every((e) => receiver.acknowledgedIds().has(e.id)), 'every event to reach the receiver');
    const stored = await readHolds(base, [...ledger.holds.keys()]);

    const stockCheck = checkStock({ initial, orders, stock, liveHeld: {} });
    const checkoutCheck = checkCheckouts({ checkouts: [...ledger.checkouts.values()], orders });
    const holdCheck = checkHolds({ holds: [...ledger.holds.values()], stored, orders, releasedOk: ledger.released,
      notFound: ledger.notFound });
    const eventCheck = checkEvents({ events, attempts: receiver.attempts, orders, stock });
    const violations = [...stockCheck.violations, ...checkoutCheck.violations, ...holdCheck.violations,
      ...eventCheck.violations, ...ledger.unexpected.map((u) => `unexpected answer: ${JSON.stringify(u).slice(0, 300)}`),
      ...ledger.replays.different.map((d) => `replay differs: ${JSON.stringify(d).slice(0, 300)}`)];
    console.log(report({ title: 'SQLite fault harness', seed: SEED, seconds, startedAt: started, ledger, faults, figures: {
      orders: orders.length,
      'units committed': stockCheck.committed,
      'checkouts answered 200': checkoutCheck.answered,
      'checkouts whose answer was lost, then replayed by key': checkoutCheck.replayedAfterLoss,
      'checkouts resolved after the run': resolvedAfter,
      'holds ended': { committed: holdCheck.committed, released: holdCheck.released, expired: holdCheck.expired },
      'server starts': instance.starts,
      'webhook attempts': receiver.attempts.length,
      'webhook failures answered': eventCheck.failedAttempts,
      'webhook redeliveries': eventCheck.duplicates,
      'events delivered': `${eventCheck.acknowledged} of ${events.length}`,
    } }));
    assert.deepEqual(violations, []);
    assert.ok(faults.filter((f) => f.kind === 'kill-instance').length >= 2, 'the server was killed at least twice');
    assert.ok(orders.length > 100, `load too light to mean anything (${orders.length} orders)`);
    assert.ok(holdCheck.expired > 0 && holdCheck.released > 0, 'holds expired and were released');
  } finally {
    await instance.stop();
    await receiver.close();
    tmp.cleanup();
  }
});
