// SPDX-License-Identifier: MIT
// A recording webhook receiver: it keeps every delivery attempt with the answer it gave, and can be made flaky on
// demand (a seeded share of 503s, or an outage during which every request fails). checkDeliveries() then compares
// what was acknowledged with the outbox: every event, in order per partition (SKU), no gap in its sequence.
import { createServer } from 'node:http';

/**
 * Starts the receiver on a loopback port. `random` (a () => [0, 1) function, seeded by the caller) drives the
 * `failRate` share of 503 answers. Returns { url, attempts, setFailRate, outage, close }.
 */
export async function startReceiver({ failRate = 0, random = Math.random } = {}) {
  const state = { failRate, down: false };
  const attempts = [];  // { id, type, partitionKey, partitionSeq, data, status, at }
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let event;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        attempts.push({ malformed: true, status: 400, at: Date.now() });
        res.writeHead(400).end();
        return;
      }
      const fail = state.down || random() < state.failRate;
      const status = fail ? 503 : 200;
      attempts.push({ id: event.id, type: event.type, partitionKey: event.partitionKey,
        partitionSeq: event.partitionSeq, data: event.data, status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/cartcore`,
    attempts,
    /** Fails this share of requests from now on (seeded by `random`). */
    setFailRate(rate) {
      state.failRate = rate;
    },
    /** While `down`, every request is answered 503. */
    outage(down) {
      state.down = down;
    },
    /** Events acknowledged with 200 so far, distinct by id. */
    acknowledgedIds() {
      return new Set(attempts.filter((a) => a.status === 200).map((a) => a.id));
    },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(r);
    }),
  };
}

/**
 * Compares the receiver's attempts with the outbox `events` ([{id, partitionKey, partitionSeq?}], every event the
 * database holds). The sequence of an event within its partition is its `partitionSeq` when the server sends one,
 * else its rank among the partition's outbox events by id. Returns { violations, duplicates, failedAttempts }:
 * - every outbox event was acknowledged at least once, and nothing unknown was acknowledged;
 * - per partition, the first acknowledgements come in sequence order 1, 2, 3, ... with no gap (a later event is
 *   never acknowledged before an earlier one);
 * - an event is never even attempted before every earlier event of its partition was acknowledged;
 * - the sequence the server sent (partitionSeq) matches the outbox's.
 * Redeliveries of an already acknowledged event (at least once) are counted as `duplicates`, not violations.
 */
export function checkDeliveries(events, attempts) {
  const violations = [];
  const sequenceOf = new Map();  // event id -> { partitionKey, seq }
  const byPartition = new Map();
  for (const event of [...events].sort((a, b) => a.id - b.id)) {
    const list = byPartition.get(event.partitionKey) ?? [];
    list.push(event);
    byPartition.set(event.partitionKey, list);
  }
  for (const [partitionKey, list] of byPartition) {
    list.forEach((event, index) => {
      const seq = event.partitionSeq ?? index + 1;
      if (seq !== index + 1)
        violations.push(`outbox: partition ${partitionKey} event ${event.id} has sequence ${seq}, expected ${index + 1}`);
      sequenceOf.set(event.id, { partitionKey, seq: index + 1 });
    });
  }

  const acknowledgedUpTo = new Map();  // partition -> highest sequence acknowledged in order
  const acknowledged = new Set();
  let duplicates = 0;
  let failedAttempts = 0;
  for (const attempt of attempts) {
    if (attempt.malformed) {
      violations.push('receiver: a delivery was not valid JSON');
      continue;
    }
    const known = sequenceOf.get(attempt.id);
    if (!known) {
      violations.push(`receiver: event ${attempt.id} (${attempt.partitionKey}) is not in the outbox`);
      continue;
    }
    if (attempt.partitionSeq !== undefined && attempt.partitionSeq !== known.seq)
      violations.push(`receiver: event ${attempt.id} arrived as sequence ${attempt.partitionSeq} of ` +
        `${known.partitionKey}, the outbox says ${known.seq}`);
    const upTo = acknowledgedUpTo.get(known.partitionKey) ?? 0;
    if (known.seq > upTo + 1)
      violations.push(`receiver: ${known.partitionKey} event ${known.seq} was sent while ${upTo + 1} was not yet ` +
        'acknowledged (out of order)');
    if (attempt.status !== 200) {
      failedAttempts++;
      continue;
    }
    if (acknowledged.has(attempt.id)) {
      duplicates++;
      continue;
    }
    acknowledged.add(attempt.id);
    if (known.seq === upTo + 1) acknowledgedUpTo.set(known.partitionKey, known.seq);
  }
  for (const [partitionKey, list] of byPartition) {
    const upTo = acknowledgedUpTo.get(partitionKey) ?? 0;
    if (upTo < list.length)
      violations.push(`receiver: ${partitionKey} acknowledged in order only up to ${upTo} of ${list.length} events`);
  }
  return { violations, duplicates, failedAttempts, acknowledged: acknowledged.size };
}
