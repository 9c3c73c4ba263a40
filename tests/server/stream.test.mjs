// SPDX-License-Identifier: MIT
// The live admin stream (server-sent events): a snapshot, then stock, hold and switch changes as they happen; a cap
// on open streams; auth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startServer, tempDir, ADMIN_TOKEN } from './helpers.mjs';
import { analyticsArgs } from './analytics-fixture.mjs';

/** Opens the stream and returns a reader of parsed events ({event, data}). */
async function openStream(server) {
  const controller = new AbortController();
  const response = await fetch(`${server.base}/v1/admin/stream`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: controller.signal,
  });
  const events = [];
  let buffer = '', waiting = null;
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: JSON.parse(data) });
          waiting?.();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    response,
    events,
    /** The first event after `from` (an index into events) that matches, waiting up to `ms`. */
    async next(match, from = 0, ms = 15000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(events.map((e) => e.event))}`);
        await new Promise((resolve) => { waiting = resolve; setTimeout(resolve, 100); });
      }
    },
    async close() {
      controller.abort();
      await pump;
    },
  };
}

test('a snapshot, then stock, hold and switch events as they change', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: [...analyticsArgs(tmp.dir), '--stream-interval-ms', '50'] });
  try {
    await call(server, 'PUT', '/v1/admin/stock', { admin: true, body: { levels: { skillet: { onHand: 8 }, mug: { onHand: 50 } } } });
    const stream = await openStream(server);
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get('content-type'), /^text\/event-stream/);
    const snapshot = await stream.next((e) => e.event === 'snapshot');
    assert.deepEqual(snapshot.data.holds, { active: 0, units: 0 });
    assert.deepEqual(snapshot.data.stock.find((s) => s.variant === 'skillet'),
      { variant: 'skillet', sku: 'SKL-1', onHand: 8, held: 0, available: 8, lowStockLevel: 10, state: 'low' });
    assert.deepEqual(snapshot.data.guards, [{ promotion: 'flash-skillet', name: 'Flash skillet 69.00', state: 'on',
      variant: 'skillet', sku: 'SKL-1', available: 8, minAvailable: 6 }]);
    const mark = stream.events.length;
    // A hold of 3 skillets: 5 left, the flash guard (6) switches off.
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'skillet', quantity: 3 }] } } });
    assert.equal(hold.status, 201);
    // The counts are sampled (the hold count from SQL, units from the stock mirror updated just after COMMIT), so
    // one sample may catch the hold between the two: wait for the settled counts.
    const holds = await stream.next((e) => e.event === 'holds' && e.data.active === 1 && e.data.units === 3, mark);
    assert.deepEqual(Object.keys(holds.data).sort(), ['active', 'at', 'units']);
    const stock = await stream.next((e) => e.event === 'stock' && e.data.stock.some((s) => s.variant === 'skillet'), mark);
    assert.deepEqual(stock.data.stock.find((s) => s.variant === 'skillet'),
      { variant: 'skillet', sku: 'SKL-1', onHand: 8, held: 3, available: 5, lowStockLevel: 10, state: 'low' });
    assert.ok(!stock.data.stock.some((s) => s.variant === 'mug'), 'only changed variants are sent');
    const guard = await stream.next((e) => e.event === 'switch' && e.data.kind === 'guard', mark);
    assert.equal(guard.data.subject, 'flash-skillet');
    assert.equal(guard.data.state, 'off');
    assert.equal(guard.data.available, 5);
    const live = await stream.next((e) => e.event === 'guards', mark);
    assert.deepEqual(live.data.guards, [{ promotion: 'flash-skillet', name: 'Flash skillet 69.00', state: 'off',
      variant: 'skillet', sku: 'SKL-1', available: 5, minAvailable: 6 }]);
    // Releasing gives the units back: the counts return to zero.
    const back = stream.events.length;
    await call(server, 'DELETE', `/v1/holds/${hold.body.hold.id}`);
    const released = await stream.next((e) => e.event === 'holds' && e.data.active === 0, back);
    assert.equal(released.data.units, 0);
    await stream.close();
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('streams are capped, authenticated, and a closed one frees its slot', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: [...analyticsArgs(tmp.dir), '--max-streams', '2'] });
  try {
    const unauthorized = await fetch(`${server.base}/v1/admin/stream`);
    assert.equal(unauthorized.status, 401);
    const head = await fetch(`${server.base}/v1/admin/stream`, { method: 'HEAD', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(head.status, 200);
    const a = await openStream(server), b = await openStream(server);
    await a.next((e) => e.event === 'snapshot');
    await b.next((e) => e.event === 'snapshot');
    const third = await call(server, 'GET', '/v1/admin/stream', { admin: true });
    assert.equal(third.status, 503);
    assert.equal(third.body.error.code, 'too_many_streams');
    assert.equal(third.headers.get('retry-after'), '5');
    await a.close();
    // The server notices the closed connection and frees the slot.
    let reopened;
    for (let i = 0; i < 50 && !reopened; i++) {
      const attempt = await fetch(`${server.base}/v1/admin/stream`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      if (attempt.status === 200) reopened = attempt;
      else {
        await attempt.text();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(reopened, 'a slot frees once a stream closes');
    await reopened.body.cancel();
    await b.close();
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
