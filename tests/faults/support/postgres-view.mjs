// SPDX-License-Identifier: MIT
// What a PostgreSQL store holds, read straight from the database (psql over the cluster's socket), in the shapes
// the checker takes. Reading the tables, not the API, also shows the holds no shopper ever heard of.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs one SQL statement that returns one JSON text value, and parses it. */
function queryJson(cluster, database, sql) {
  const run = spawnSync(join(cluster.bin, 'psql'), ['-h', cluster.dir, '-p', String(cluster.port), '-U', 'cartcore',
    '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atqc', sql], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`psql failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/**
 * Stock levels and the units in live (status active) holds, from one snapshot (one statement):
 * { stock: {variant: {onHand, held}}, liveHeld: {variant: units} }.
 */
export function stockSnapshot(cluster, database) {
  return queryJson(cluster, database, `SELECT json_build_object(
    'stock', (SELECT json_object_agg(variant, json_build_object('onHand', on_hand, 'held', held_general + held_tiers))
              FROM stock),
    'liveHeld', (SELECT COALESCE(json_object_agg(variant, units), '{}'::json) FROM (
                   SELECT l.variant, sum(l.quantity)::bigint AS units FROM holds h JOIN hold_lines l ON l.hold_id = h.id
                   WHERE h.status = 'active' GROUP BY l.variant) live))::text`);
}

/** Map hold id -> {status, createdAt, expiresAt, updatedAt} (database clock, epoch ms), for every hold stored. */
export function storedHolds(cluster, database) {
  const rows = queryJson(cluster, database, `SELECT COALESCE(json_agg(json_build_object('id', id, 'status', status,
    'createdAt', created_at, 'expiresAt', expires_at, 'updatedAt', updated_at)), '[]'::json)::text FROM holds`);
  return new Map(rows.map((row) => [row.id, row]));
}

/** Every order as {id, holdId, idempotencyKey, quoteDigest, lines: [{variant, quantity}], json}. */
export function storedOrders(cluster, database) {
  return queryJson(cluster, database, `SELECT COALESCE(json_agg(json_build_object('id', o.id, 'holdId', o.hold_id,
    'idempotencyKey', o.idempotency_key, 'quoteDigest', o.quote_digest, 'json', o.order_json::json,
    'lines', (SELECT json_agg(json_build_object('variant', l.variant, 'quantity', l.quantity))
              FROM order_lines l WHERE l.order_id = o.id)) ORDER BY o.position), '[]'::json)::text FROM orders o`);
}

/** Every outbox event as {id, type, partitionKey, partitionSeq, data}. */
export function storedEvents(cluster, database) {
  return queryJson(cluster, database, `SELECT COALESCE(json_agg(json_build_object('id', seq, 'type', type,
    'partitionKey', partition_key, 'partitionSeq', partition_seq, 'data', payload::json) ORDER BY seq),
    '[]'::json)::text FROM outbox`);
}

/** Deliveries not yet acknowledged, over every endpoint. */
export const pendingDeliveries = (cluster, database) =>
  queryJson(cluster, database, 'SELECT count(*)::text FROM pending_deliveries');
