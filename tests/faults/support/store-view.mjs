// SPDX-License-Identifier: MIT
// What the store holds after a run, read through the admin API of one instance, in the shapes the checker takes.
import { ADMIN_TOKEN } from '../../server/helpers.mjs';
import { mapConcurrent } from './fault-run.mjs';

async function get(base, path, admin = true) {
  const response = await fetch(base + path, admin ? { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } } : {});
  const body = await response.json();
  return { status: response.status, body };
}

async function pages(base, path, field) {
  const all = [];
  for (let after = 0; ;) {
    const { status, body } = await get(base, `${path}?after=${after}&limit=1000`);
    if (status !== 200) throw new Error(`${path}: ${status} ${JSON.stringify(body)}`);
    all.push(...body[field]);
    if (body[field].length < 1000) return all;
    after = body.next;
  }
}

/** Every order as {id, holdId, quoteDigest, lines: [{variant, quantity}], json}. */
export async function readOrders(base) {
  return (await pages(base, '/v1/admin/orders', 'orders')).map((order) => ({
    id: order.id, holdId: order.holdId, quoteDigest: order.quoteDigest,
    lines: order.lines.map((l) => ({ variant: l.variant, quantity: l.quantity })), json: order,
  }));
}

/** Every outbox event as the API lists it. */
export const readEvents = (base) => pages(base, '/v1/admin/events', 'events');

/** {variant: {onHand, held, available}}. */
export async function readStock(base) {
  const { status, body } = await get(base, '/v1/admin/stock');
  if (status !== 200) throw new Error(`stock: ${status}`);
  const levels = {};
  for (const level of body.stock) levels[level.variant] = { onHand: level.onHand, held: level.held, available: level.available };
  return levels;
}

/** Map hold id -> {status, expiresAt} for these ids (absent when the store has no such hold). */
export async function readHolds(base, ids) {
  const stored = new Map();
  await mapConcurrent(ids, 16, async (id) => {
    const { status, body } = await get(base, `/v1/holds/${id}`, false);
    if (status === 200) stored.set(id, { status: body.hold.status, expiresAt: Date.parse(body.hold.expiresAt) });
    else if (status !== 404) throw new Error(`hold ${id}: ${status} ${JSON.stringify(body)}`);
  });
  return stored;
}
