// SPDX-License-Identifier: MIT
// Malformed or hostile input: always a 4xx with a JSON error code, and nothing stored changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, startServer, call, setStock, allOrders, allEvents } from './helpers.mjs';

async function snapshot(server) {
  const stock = await call(server, 'GET', '/v1/admin/stock', { admin: true });
  const config = await call(server, 'GET', '/v1/admin/config', { admin: true });
  return { stock: stock.body, configVersion: config.body.version, orders: await allOrders(server), events: await allEvents(server) };
}

function assertJsonError(response, status, code, label) {
  assert.equal(response.status, status, `${label}: status (${JSON.stringify(response.body)})`);
  assert.equal(typeof response.body, 'object', `${label}: JSON body`);
  assert.equal(response.body.ok, false, label);
  if (code) assert.equal(response.body.error.code, code, label);
  else assert.match(response.body.error.code, /^[a-z_]+$/, label);
}

test('bad input: each request is refused with a 4xx JSON error and changes nothing', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--max-body-bytes', '65536', '--max-lines', '50'] });
  try {
    await setStock(server, { 'tee-black-m': { onHand: 10 } });
    const validHold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 1 }] } } });
    await call(server, 'DELETE', `/v1/holds/${validHold.body.hold.id}`);  // hold.placed and hold.released, before
    const before = await snapshot(server);
    const huge = JSON.stringify({ lines: [{ variant: 'tee-black-m', quantity: 1 }], pad: 'x'.repeat(2 << 20) });
    const tooManyLines = { lines: Array.from({ length: 51 }, (_, i) => ({ id: `l${i}`, variant: 'tee-black-m', quantity: 1 })) };
    const cases = [
      ['quote: malformed JSON', 'POST', '/v1/quote', { raw: '{"lines": [' }, 400, 'malformed_json'],
      ['quote: not an object', 'POST', '/v1/quote', { raw: '[1,2,3]' }, 400],
      ['quote: unknown variant', 'POST', '/v1/quote', { body: { lines: [{ variant: 'nope', quantity: 1 }] } }, 422, 'unknown_reference'],
      ['quote: negative quantity', 'POST', '/v1/quote', { body: { lines: [{ variant: 'tee-black-m', quantity: -3 }] } }, 400],
      ['quote: huge body', 'POST', '/v1/quote', { raw: huge }, 413, 'payload_too_large'],
      ['quote: too many lines', 'POST', '/v1/quote', { body: tooManyLines }, 400, 'too_many_items'],
      ['hold: malformed JSON', 'POST', '/v1/holds', { raw: '{"cart":' }, 400, 'malformed_json'],
      ['hold: missing cart', 'POST', '/v1/holds', { body: {} }, 400, 'missing_field'],
      ['hold: unknown field', 'POST', '/v1/holds', { body: { cart: { lines: [] }, extra: 1 } }, 400, 'unknown_field'],
      ['hold: unknown variant', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'ghost', quantity: 1 }] } } }, 422, 'unknown_reference'],
      ['hold: negative quantity', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: -1 }] } } }, 400],
      ['hold: zero quantity', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 0 }] } } }, 400],
      ['hold: float quantity', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 1.5 }] } } }, 400],
      ['hold: ttl out of range', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 1 }] }, ttlSeconds: -5 } }, 400, 'out_of_range'],
      ['hold: huge body', 'POST', '/v1/holds', { raw: huge }, 413, 'payload_too_large'],
      ['hold: more than in stock', 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'tee-black-m', quantity: 11 }] } } }, 409, 'insufficient_stock'],
      ['checkout: malformed JSON', 'POST', '/v1/checkout', { raw: 'nope' }, 400, 'malformed_json'],
      ['checkout: missing digest', 'POST', '/v1/checkout', { body: { holdId: 'hold_x' } }, 400, 'missing_field'],
      ['checkout: unknown hold', 'POST', '/v1/checkout', { body: { holdId: 'hold_x', quoteDigest: 'sha256:0' } }, 404, 'hold_not_found'],
      ['checkout: released hold', 'POST', '/v1/checkout', { body: { holdId: validHold.body.hold.id, quoteDigest: validHold.body.hold.quoteDigest } }, 409, 'hold_not_active'],
      ['stock: no token', 'PUT', '/v1/admin/stock/tee-black-m', { body: { onHand: 99 }, noAdmin: true }, 401, 'unauthorized'],
      ['stock: wrong token', 'PUT', '/v1/admin/stock/tee-black-m', { body: { onHand: 99 }, noAdmin: true, headers: { authorization: 'Bearer wrong' } }, 401, 'unauthorized'],
      ['stock: negative level', 'PUT', '/v1/admin/stock/tee-black-m', { body: { onHand: -1 } }, 400, 'out_of_range'],
      ['stock: unknown variant', 'PUT', '/v1/admin/stock/ghost', { body: { onHand: 1 } }, 404, 'unknown_variant'],
      ['stock: unknown field', 'PUT', '/v1/admin/stock/tee-black-m', { body: { onhand: 5 } }, 400, 'unknown_field'],
      ['stock: bulk with one bad entry', 'PUT', '/v1/admin/stock', { body: { levels: { 'tee-black-m': { onHand: 3 }, mug: { onHand: 'x' } } } }, 400],
      ['stock: adjust below zero', 'POST', '/v1/admin/stock/tee-black-m/adjust', { body: { delta: -11 } }, 409, 'stock_would_go_negative'],
      ['stock: malformed JSON', 'PUT', '/v1/admin/stock/tee-black-m', { raw: '{' }, 400, 'malformed_json'],
      ['config: malformed JSON', 'PUT', '/v1/admin/config', { raw: '{"schemaVersion":' }, 422],
      ['config: unknown field', 'PUT', '/v1/admin/config', { body: { schemaVersion: 1, bogus: true } }, 422],
      ['config: no token', 'PUT', '/v1/admin/config', { body: {}, noAdmin: true }, 401, 'unauthorized'],
      ['route: unknown path', 'GET', '/v1/nothing-here', {}, 404, 'not_found'],
      ['route: wrong method', 'GET', '/v1/quote', {}, 405, 'method_not_allowed'],
    ];
    for (const [label, method, path, options, status, code] of cases) {
      const { noAdmin, ...rest } = options;
      const response = await call(server, method, path, { ...rest, admin: path.startsWith('/v1/admin') && !noAdmin });
      assertJsonError(response, status, code, label);
    }
    const after = await snapshot(server);
    assert.deepEqual(after.stock, before.stock, 'stock unchanged');
    assert.equal(after.configVersion, before.configVersion, 'config version unchanged');
    assert.deepEqual(after.orders, before.orders, 'no orders');
    assert.deepEqual(after.events, before.events, 'no events');
    // And the server still serves.
    assert.equal((await call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'mug', quantity: 1 }] } })).status, 200);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});

test('bad input: garbage bytes on the socket get a 400 and the server keeps serving', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db });
  try {
    const { connect } = await import('node:net');
    const reply = await new Promise((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end('\x00\x01GARBAGE \r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('close', () => resolve(data));
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.match(reply, /"code":"malformed_request"/);
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
});
