// SPDX-License-Identifier: MIT
// The fault suite's checker must be able to fail: each rule is shown a store that breaks it. The schedule must be
// reproducible from its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCheckouts, checkEvents, checkHolds, checkStock } from './support/invariants.mjs';
import { checkDeliveries } from './support/webhook-receiver.mjs';
import { faultSchedule, FAULT_KINDS, seededRandom } from './support/schedule.mjs';

const order = (id, holdId, lines, extra = {}) =>
  ({ id, holdId, quoteDigest: `d-${holdId}`, lines: lines.map(([variant, quantity]) => ({ variant, quantity })),
    json: { id, holdId }, ...extra });

test('checkStock: a consistent store passes; oversold, drifted and leaked stock are caught', () => {
  const initial = { hot: 10, pan: 5 };
  const orders = [order('o1', 'h1', [['hot', 6]]), order('o2', 'h2', [['hot', 4], ['pan', 1]])];
  const ok = checkStock({ initial, orders, stock: { hot: { onHand: 0, held: 0 }, pan: { onHand: 4, held: 2 } },
    liveHeld: { pan: 2 } });
  assert.deepEqual(ok.violations, []);
  assert.deepEqual(ok.committed, { hot: 10, pan: 1 });

  const oversold = checkStock({ initial, orders: [...orders, order('o3', 'h3', [['hot', 1]])],
    stock: { hot: { onHand: 0, held: 0 }, pan: { onHand: 4, held: 0 } }, liveHeld: {} });
  assert.ok(oversold.violations.some((v) => v.startsWith('oversold: hot committed 11 units of 10')), oversold.violations);
  const drift = checkStock({ initial, orders, stock: { hot: { onHand: 1, held: 0 }, pan: { onHand: 4, held: 0 } },
    liveHeld: {} });
  assert.deepEqual(drift.violations, ['stock: hot onHand 1 != initial 10 - committed 10']);
  // A hold expired twice gives its units back twice: held falls below what live holds account for.
  const doubleExpiry = checkStock({ initial, orders, stock: { hot: { onHand: 0, held: 0 }, pan: { onHand: 4, held: 1 } },
    liveHeld: { pan: 2 } });
  assert.deepEqual(doubleExpiry.violations, ['stock: pan held 1 != 2 units in live holds']);
});

test('checkCheckouts: answered orders must exist once; a lost answer must replay, never refuse', () => {
  const orders = [order('o1', 'h1', [['hot', 1]]), order('o2', 'h2', [['hot', 1]])];
  const answer = (status, body) => ({ status, body, text: JSON.stringify(body) });
  const fine = [
    { holdId: 'h1', key: 'k1', digest: 'd-h1', attempts: [{ status: 200 }], answer: answer(200, { order: { id: 'o1', holdId: 'h1' } }) },
    // Timed out, then replayed by its key on another instance.
    { holdId: 'h2', key: 'k2', digest: 'd-h2', attempts: [{ status: 0 }, { status: 200 }],
      answer: answer(200, { order: { id: 'o2', holdId: 'h2' } }) },
    // Refused, no order: fine.
    { holdId: 'h3', key: 'k3', digest: 'd-h3', attempts: [{ status: 410 }], answer: answer(410, { error: { code: 'hold_expired' } }) },
  ];
  const ok = checkCheckouts({ checkouts: fine, orders });
  assert.deepEqual(ok.violations, []);
  assert.equal(ok.answered, 2);
  assert.equal(ok.replayedAfterLoss, 1);

  const missing = checkCheckouts({ checkouts: fine, orders: [orders[1]] });
  assert.deepEqual(missing.violations, ['checkout k1: answered 200 (order o1) but hold h1 has no order']);
  const twice = checkCheckouts({ checkouts: fine, orders: [...orders, order('o9', 'h1', [['hot', 1]])] });
  assert.ok(twice.violations.some((v) => v.includes('hold h1 became two orders')), twice.violations);
  const changed = checkCheckouts({ checkouts: fine, orders: [{ ...orders[0], json: { id: 'o1', holdId: 'h1', total: '1' } }, orders[1]] });
  assert.deepEqual(changed.violations, ['checkout k1: the stored order differs from the one the client was shown']);
  // The first attempt committed but its answer was lost; the retry was refused instead of replayed.
  const refusedReplay = checkCheckouts({ checkouts: [{ holdId: 'h2', key: 'k2', digest: 'd-h2',
    attempts: [{ status: 0 }, { status: 409 }], answer: answer(409, { error: { code: 'hold_already_checked_out' } }) }], orders });
  assert.deepEqual(refusedReplay.violations,
    ['checkout k2: made order o2 but its final answer was 409 hold_already_checked_out instead of a replay']);
  const never = checkCheckouts({ checkouts: [{ holdId: 'h4', key: 'k4', digest: 'd', attempts: [{ status: 0 }], answer: null }], orders: [] });
  assert.deepEqual(never.violations, ['checkout k4: never answered, even after the run']);
});

test('checkHolds: every hold ends exactly one way, released and abandoned holds end as they should', () => {
  const holds = [
    { id: 'h1', plan: 'checkout', expiresAt: 100 }, { id: 'h2', plan: 'release', expiresAt: 100 },
    { id: 'h3', plan: 'abandon', expiresAt: 100 }, { id: 'h4', plan: 'abandon', expiresAt: 100, placedAt: 5 },
  ];
  const stored = new Map([['h1', { status: 'committed', expiresAt: 100 }], ['h2', { status: 'released', expiresAt: 100 }],
    ['h3', { status: 'expired', expiresAt: 100, updatedAt: 101 }]]);
  const orders = [order('o1', 'h1', [['hot', 1]])];
  const ok = checkHolds({ holds, stored, orders, releasedOk: new Set(['h2']), mayBeLost: (h) => h.placedAt === 5 });
  assert.deepEqual(ok.violations, []);
  assert.deepEqual([ok.committed, ok.released, ok.expired, ok.lost], [1, 1, 1, 1]);

  const bad = checkHolds({ holds: holds.slice(0, 3), orders: [], releasedOk: new Set(['h2']), stored: new Map([
    ['h1', { status: 'committed', expiresAt: 100 }], ['h2', { status: 'expired', expiresAt: 100, updatedAt: 120 }],
    ['h3', { status: 'expired', expiresAt: 100, updatedAt: 99 }]]) });
  assert.deepEqual(bad.violations, [
    'hold h1: status committed but has no order',
    'hold h2: released (200) but ended expired',
    'hold h3: expired at 99, before its deadline 100',
  ]);
  const ghost = checkHolds({ holds: [holds[0]], stored, orders, notFound: new Set(['h1']) });
  assert.deepEqual(ghost.violations, ['hold h1: answered 404 hold_not_found, but it is stored']);
  const lost = checkHolds({ holds: [holds[3]], stored: new Map(), orders: [] });
  assert.deepEqual(lost.violations, ['hold h4: acknowledged, then missing from the store']);
  const moved = checkHolds({ holds: [holds[2]], stored: new Map([['h3', { status: 'active', expiresAt: 130 }]]), orders: [] });
  assert.deepEqual(moved.violations, ['hold h3: still active after its deadline',
    'hold h3: abandoned, but ended active instead of expiring', 'hold h3: shown expiring at 100, stored 130']);
});

test('checkDeliveries: gaps, reordering and unacknowledged events are caught; redeliveries are only counted', () => {
  const events = [
    { id: 1, partitionKey: 'hot' }, { id: 2, partitionKey: 'pan' }, { id: 3, partitionKey: 'hot' }, { id: 4, partitionKey: 'hot' },
  ];
  const attempt = (id, partitionKey, status = 200) => ({ id, partitionKey, status });
  const ok = checkDeliveries(events, [attempt(1, 'hot', 503), attempt(2, 'pan'), attempt(1, 'hot'), attempt(3, 'hot'),
    attempt(3, 'hot'), attempt(4, 'hot')]);
  assert.deepEqual(ok.violations, []);
  assert.deepEqual([ok.duplicates, ok.failedAttempts, ok.acknowledged], [1, 1, 4]);

  const reordered = checkDeliveries(events, [attempt(1, 'hot'), attempt(2, 'pan'), attempt(4, 'hot'), attempt(3, 'hot')]);
  assert.ok(reordered.violations.includes('receiver: hot event 3 was sent while 2 was not yet acknowledged (out of order)'),
    reordered.violations);
  const gap = checkDeliveries(events, [attempt(1, 'hot'), attempt(2, 'pan'), attempt(3, 'hot', 503)]);
  assert.deepEqual(gap.violations, ['receiver: hot acknowledged in order only up to 1 of 3 events']);
  const skipped = checkDeliveries([{ id: 1, partitionKey: 'a', partitionSeq: 1 }, { id: 2, partitionKey: 'a', partitionSeq: 3 }], []);
  assert.ok(skipped.violations.includes('outbox: partition a event 2 has sequence 3, expected 2'), skipped.violations);
});

test('checkEvents: each order has one order.committed event; stock.changed events chain to the final stock', () => {
  const orders = [order('o1', 'h1', [['hot', 2]])];
  const events = [
    { id: 1, type: 'stock.changed', partitionKey: 'hot', data: { variant: 'hot', previousOnHand: 0, onHand: 5 } },
    { id: 2, type: 'stock.changed', partitionKey: 'hot', data: { variant: 'hot', previousOnHand: 5, onHand: 3 } },
    { id: 3, type: 'order.committed', partitionKey: 'orders', data: { id: 'o1' } },
  ];
  const attempts = events.map((e) => ({ id: e.id, partitionKey: e.partitionKey, status: 200 }));
  assert.deepEqual(checkEvents({ events, attempts, orders, stock: { hot: { onHand: 3 } } }).violations, []);
  const broken = checkEvents({ events: [events[0], { ...events[1], data: { variant: 'hot', previousOnHand: 4, onHand: 3 } }],
    attempts: attempts.slice(0, 2), orders, stock: { hot: { onHand: 2 } } });
  assert.deepEqual(broken.violations, [
    'events: order o1 has 0 order.committed events',
    'events: 0 order.committed events for 1 orders',
    'events: hot event 2 says previousOnHand 4, the last was 5',
    "events: hot's last stock.changed says 3, the store 2",
  ]);
});

test('checkEvents: each hold\'s variant is placed once, then released or expired at most once, never once ordered', () => {
  const orders = [order('o1', 'h1', [['hot', 1]])];
  const hold = (id, type, holdId) => ({ id, type, partitionKey: 'hot', partitionSeq: id, data: { holdId, variant: 'hot' } });
  const committed = { id: 9, type: 'order.committed', partitionKey: 'orders', partitionSeq: 1, data: { id: 'o1' } };
  const good = [hold(1, 'hold.placed', 'h1'), hold(2, 'hold.placed', 'h2'), hold(3, 'hold.expired', 'h2'), committed];
  const ack = (events) => events.map((e) => ({ id: e.id, partitionKey: e.partitionKey, status: 200 }));
  assert.deepEqual(checkEvents({ events: good, attempts: ack(good), orders, stock: {} }).violations, []);
  const bad = [hold(1, 'hold.placed', 'h1'), hold(2, 'hold.expired', 'h1'), hold(3, 'hold.placed', 'h2'),
    hold(4, 'hold.released', 'h2'), hold(5, 'hold.expired', 'h2'), hold(6, 'hold.released', 'h3'), committed];
  assert.deepEqual(checkEvents({ events: bad, attempts: ack(bad), orders, stock: {} }).violations, [
    'events: hold h1 hot has hold.placed, hold.expired',
    'events: hold h2 hot has hold.placed, hold.released, hold.expired',
    'events: hold h3 hot has hold.released',
  ]);
});

test('faultSchedule: the same seed gives the same schedule, every kind appears, one instance down at a time', () => {
  const a = faultSchedule({ seed: 7, durationMs: 60000, instances: 3 });
  assert.deepEqual(a, faultSchedule({ seed: 7, durationMs: 60000, instances: 3 }));
  assert.notDeepEqual(a, faultSchedule({ seed: 8, durationMs: 60000, instances: 3 }));
  for (const kind of Object.keys(FAULT_KINDS)) assert.ok(a.some((f) => f.kind === kind), `${kind} is scheduled`);
  const kills = a.filter((f) => f.kind === 'kill-instance');
  for (let i = 1; i < kills.length; i++) assert.ok(kills[i].at >= kills[i - 1].at + kills[i - 1].duration, 'kills do not overlap');
  for (const f of a) assert.ok(f.at >= 0 && f.at + f.duration <= 60000, `${f.kind} at ${f.at} fits the run`);
  const random = seededRandom(1);
  const draws = [random(), random.int(1, 6), random.pick(['a', 'b'])];
  const again = seededRandom(1);
  assert.deepEqual([again(), again.int(1, 6), again.pick(['a', 'b'])], draws);
});
