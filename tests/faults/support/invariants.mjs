// SPDX-License-Identifier: MIT
// The invariant checker: what the shoppers were told (the ledger) against what the store holds afterwards. Pure
// functions over plain data, so each rule can be shown to catch its violation (tests/faults/invariants.test.mjs).
import { checkDeliveries } from './webhook-receiver.mjs';

/**
 * Checks stock against orders and holds. `initial`: {variant: onHand at the start}; `orders`: every order
 * [{id, holdId, lines: [{variant, quantity}]}]; `stock`: {variant: {onHand, held}}; `liveHeld`: {variant: units in
 * holds still active} at the same instant as `stock`. Returns { violations, committed: {variant: units} }.
 * - no unit oversold: committed units <= initial, and onHand, held never negative;
 * - onHand = initial - committed units; held = units of live holds (so available = initial - committed - live).
 */
export function checkStock({ initial, orders, stock, liveHeld }) {
  const violations = [];
  const committed = {};
  for (const variant of Object.keys(initial)) committed[variant] = 0;
  for (const order of orders)
    for (const line of order.lines) committed[line.variant] = (committed[line.variant] ?? 0) + line.quantity;
  for (const [variant, units] of Object.entries(committed)) {
    const start = initial[variant] ?? 0;
    const level = stock[variant];
    if (units > start) violations.push(`oversold: ${variant} committed ${units} units of ${start}`);
    if (!level) {
      violations.push(`stock: ${variant} has no stock level`);
      continue;
    }
    if (level.onHand < 0 || level.held < 0) violations.push(`stock: ${variant} went negative (${JSON.stringify(level)})`);
    if (level.onHand !== start - units)
      violations.push(`stock: ${variant} onHand ${level.onHand} != initial ${start} - committed ${units}`);
    const live = liveHeld[variant] ?? 0;
    if (level.held !== live) violations.push(`stock: ${variant} held ${level.held} != ${live} units in live holds`);
  }
  return { violations, committed };
}

/**
 * Checks checkouts against orders. `checkouts`: the ledger's records [{holdId, key, digest, answer: {status, body,
 * text} | null, attempts}]; `orders` as in checkStock, plus `quoteDigest`, `json` (the stored order as the API
 * renders it) and, where the store reports it, `idempotencyKey`. A record "owns" its hold's order when the order was made with its digest (and key, when known).
 * - every checkout answered 2xx is present exactly once: its order exists, belongs to its hold, is unchanged;
 * - a hold has at most one order, and an order id belongs to one hold;
 * - a checkout whose answer was lost (timed out) and that made an order got that order back when it retried
 *   with its key (a replay), never a refusal or a second order.
 * Returns { violations, answered, replayedAfterLoss, unanswered }.
 */
export function checkCheckouts({ checkouts, orders }) {
  const violations = [];
  const byHold = new Map();
  const ids = new Set();
  for (const order of orders) {
    if (ids.has(order.id)) violations.push(`orders: ${order.id} is listed twice`);
    ids.add(order.id);
    if (byHold.has(order.holdId))
      violations.push(`orders: hold ${order.holdId} became two orders (${byHold.get(order.holdId).id}, ${order.id})`);
    byHold.set(order.holdId, order);
  }
  let answered = 0;
  let replayedAfterLoss = 0;
  let unanswered = 0;
  for (const record of checkouts) {
    const order = byHold.get(record.holdId);
    const owns = order && order.quoteDigest === record.digest &&
      (order.idempotencyKey === undefined || order.idempotencyKey === record.key);
    const lost = record.attempts.some((a) => a.status === 0 || a.status >= 500);
    if (!record.answer) {
      unanswered++;
      violations.push(`checkout ${record.key}: never answered, even after the run`);
      continue;
    }
    if (record.answer.status === 200) {
      answered++;
      const shown = record.answer.body?.order;
      if (!order) violations.push(`checkout ${record.key}: answered 200 (order ${shown?.id}) but hold ${record.holdId} has no order`);
      else if (shown?.id !== order.id)
        violations.push(`checkout ${record.key}: answered order ${shown?.id} but hold ${record.holdId} is order ${order.id}`);
      else if (order.json && JSON.stringify(shown) !== JSON.stringify(order.json))
        violations.push(`checkout ${record.key}: the stored order differs from the one the client was shown`);
      else if (lost) replayedAfterLoss++;
    } else if (owns) {
      violations.push(`checkout ${record.key}: made order ${order.id} but its final answer was ${record.answer.status} ` +
        `${record.answer.body?.error?.code ?? ''} instead of a replay`);
    }
  }
  return { violations, answered, replayedAfterLoss, unanswered };
}

/**
 * Checks each hold the shoppers were given against its final record. `holds`: the ledger's holds; `stored`: Map id
 * -> {status, expiresAt, updatedAt?} after every hold's TTL has passed, or undefined if the store has no such hold;
 * `orders` as above; `mayBeLost(hold)`: whether an acknowledged hold may be missing (a hold acknowledged just
 * before the database crashed, when holds commit without waiting for the disk). Rules:
 * - a hold ends exactly one way: committed (then it has the order) or released or expired, never active;
 * - a hold a client released (200) is released; an abandoned hold expired (nobody else may end it);
 * - a server answered 404 for a hold (`notFound`) only if the store really has no such hold;
 * - an expired hold expired no earlier than its deadline (on the database's clock);
 * - the deadline the client was shown is the stored one.
 * Returns { violations, expired, released, committed, lost }.
 */
export function checkHolds({ holds, stored, orders, mayBeLost = () => false, releasedOk = new Set(), notFound = new Set() }) {
  const violations = [];
  const ordered = new Set(orders.map((o) => o.holdId));
  const counts = { expired: 0, released: 0, committed: 0, lost: 0 };
  for (const hold of holds) {
    const record = stored.get(hold.id);
    if (record && notFound.has(hold.id)) violations.push(`hold ${hold.id}: answered 404 hold_not_found, but it is stored`);
    if (!record) {
      if (mayBeLost(hold)) counts.lost++;
      else violations.push(`hold ${hold.id}: acknowledged, then missing from the store`);
      continue;
    }
    if (record.status === 'active') violations.push(`hold ${hold.id}: still active after its deadline`);
    if ((record.status === 'committed') !== ordered.has(hold.id))
      violations.push(`hold ${hold.id}: status ${record.status} but ${ordered.has(hold.id) ? 'has' : 'has no'} order`);
    if (record.status in counts) counts[record.status]++;
    if (releasedOk.has(hold.id) && record.status !== 'released')
      violations.push(`hold ${hold.id}: released (200) but ended ${record.status}`);
    if (hold.plan === 'abandon' && record.status !== 'expired')
      violations.push(`hold ${hold.id}: abandoned, but ended ${record.status} instead of expiring`);
    if (record.expiresAt !== undefined && record.expiresAt !== hold.expiresAt)
      violations.push(`hold ${hold.id}: shown expiring at ${hold.expiresAt}, stored ${record.expiresAt}`);
    if (record.status === 'expired' && record.updatedAt !== undefined && record.updatedAt < record.expiresAt)
      violations.push(`hold ${hold.id}: expired at ${record.updatedAt}, before its deadline ${record.expiresAt}`);
  }
  return { violations, ...counts };
}

/**
 * Checks the outbox and the receiver: every event delivered in order per partition (checkDeliveries), each order
 * has exactly one order.committed event, each variant's stock.changed events chain (each previousOnHand is the
 * last onHand) from the first one to the final onHand, and each hold's variant has one hold.placed and then at most
 * one hold.released or hold.expired (none when the hold became an order). `events`: every outbox event [{id, type, partitionKey,
 * partitionSeq?, data}]; `attempts`: the receiver's; `stock`: {variant: {onHand}}.
 */
export function checkEvents({ events, attempts, orders, stock }) {
  const delivery = checkDeliveries(events, attempts);
  const violations = [...delivery.violations];
  const committedEvents = new Map();
  for (const event of events) {
    if (event.type !== 'order.committed') continue;
    committedEvents.set(event.data.id, (committedEvents.get(event.data.id) ?? 0) + 1);
  }
  for (const order of orders) {
    const n = committedEvents.get(order.id) ?? 0;
    if (n !== 1) violations.push(`events: order ${order.id} has ${n} order.committed events`);
  }
  if (committedEvents.size !== orders.length)
    violations.push(`events: ${committedEvents.size} order.committed events for ${orders.length} orders`);
  const last = new Map();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (event.type !== 'stock.changed') continue;
    const { variant, onHand, previousOnHand } = event.data;
    if (last.has(variant) && last.get(variant) !== previousOnHand)
      violations.push(`events: ${variant} event ${event.id} says previousOnHand ${previousOnHand}, the last was ${last.get(variant)}`);
    last.set(variant, onHand);
  }
  for (const [variant, onHand] of last)
    if (stock[variant] && stock[variant].onHand !== onHand)
      violations.push(`events: ${variant}'s last stock.changed says ${onHand}, the store ${stock[variant].onHand}`);
  // Each hold's variant: one hold.placed, then at most one of hold.released / hold.expired (none once ordered).
  const holdEvents = new Map();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    if (!event.type.startsWith('hold.')) continue;
    const key = `${event.data.holdId} ${event.data.variant}`;
    holdEvents.set(key, [...(holdEvents.get(key) ?? []), event.type]);
  }
  const ordered = new Set(orders.map((o) => o.holdId));
  for (const [key, types] of holdEvents) {
    const [placed, ...ends] = types;
    if (placed !== 'hold.placed' || ends.length > 1 || ends.includes('hold.placed') ||
        (ends.length > 0 && ordered.has(key.split(' ')[0])))
      violations.push(`events: hold ${key} has ${types.join(', ')}`);
  }
  return { violations, duplicates: delivery.duplicates, failedAttempts: delivery.failedAttempts,
    acknowledged: delivery.acknowledged };
}
