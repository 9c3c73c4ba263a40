// SPDX-License-Identifier: MIT
// One strict reader on every endpoint: deep nesting, repeated keys, out-of-range integers, fields the server owns,
// paths that do not decode, content types that dodge CORS preflights, HEAD. Each gets a clear 4xx (or the right
// answer), nothing changes, and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { withServer, tempDir, startServer, call, setStock, stockOf, metricValue, ADMIN_TOKEN } from './helpers.mjs';

function assertError(response, status, code, label) {
  assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.ok, false, label);
  assert.equal(response.body.error.code, code, label);
}

/** Raw bytes on one connection; resolves with everything the server sent until it closed or went quiet. */
function rawExchange(server, bytes, quietMs = 300) {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    let timer;
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    socket.on('end', done);
    socket.on('error', reject);
    socket.write(bytes);
    timer = setTimeout(done, 3000);
  });
}

const deep = (depth) => '['.repeat(depth) + ']'.repeat(depth);

test('deep nesting: an 80,000-deep body is refused on every endpoint and the server lives', () =>
  withServer([], async (server) => {
    const bomb = deep(80000); // 160 KB, inside the 1 MiB body limit
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } } });
    assert.equal(hold.status, 201);
    const cases = [
      ['POST', '/v1/quote', `{"lines":[],"coupons":${bomb}}`],
      ['POST', '/v1/quote', `{"now":${bomb},"lines":[]}`],
      ['POST', '/v1/quote', `{"stock":${bomb},"lines":[]}`],
      ['POST', '/v1/quote', `{"\\u0063oupons":${bomb},"lines":[]}`],
      ['POST', '/v1/holds', `{"cart":{"lines":[{"variant":"mug","quantity":1}],"x":${bomb}}}`],
      ['POST', '/v1/holds', `{"cart":{"lines":[]},"ttlSeconds":${bomb}}`],
      ['POST', '/v1/checkout', `{"holdId":${bomb},"quoteDigest":"x"}`],
      ['POST', `/v1/holds/${hold.body.hold.id}/extend`, `{"ttlSeconds":${bomb}}`],
      ['PUT', '/v1/admin/stock/mug', `{"reserved":${bomb}}`],
      ['PUT', '/v1/admin/stock', `{"levels":${bomb}}`],
      ['POST', '/v1/admin/stock/mug/adjust', `{"delta":${bomb}}`],
      ['PUT', '/v1/admin/config', `{"schemaVersion":1,"catalog":${bomb}}`],
      ['POST', `/v1/holds/${hold.body.hold.id}/release`, `{"why":${bomb}}`],
    ];
    for (const [method, path, raw] of cases) {
      const response = await call(server, method, path, { raw, admin: path.startsWith('/v1/admin') });
      assert.ok([400, 422].includes(response.status), `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      assert.equal(response.body.ok, false);
      assert.equal(response.body.error.code, 'invalid_value', `${method} ${path}`);
    }
    // 64 levels are fine where any value is allowed to nest (the depth counts the root object).
    const atLimit = await call(server, 'POST', '/v1/quote', { raw: `{"lines":[{"variant":"mug","quantity":1}],"stock":${deep(63)}}` });
    assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body));
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
    assert.equal((await stockOf(server, 'mug')).held, 1, 'the hold made before is intact');
  }));

test('repeated keys are errors on every endpoint, never "last one wins"', () =>
  withServer([], async (server) => {
    await setStock(server, { mug: { onHand: 60 } });
    const cases = [
      ['POST', '/v1/quote', '{"lines":[{"variant":"mug","quantity":1,"quantity":50}]}', '/lines/0/quantity'],
      ['POST', '/v1/holds', '{"cart":{"lines":[{"variant":"mug","quantity":1,"quantity":50}]}}', '/cart/lines/0/quantity'],
      ['POST', '/v1/holds', '{"cart":{"lines":[]},"cart":{"lines":[{"variant":"mug","quantity":50}]}}', '/cart'],
      ['POST', '/v1/checkout', '{"holdId":"a","quoteDigest":"b","holdId":"c"}', '/holdId'],
      ['PUT', '/v1/admin/stock/mug', '{"onHand":1,"onHand":2}', '/onHand'],
      ['POST', '/v1/admin/stock/mug/adjust', '{"delta":1,"delta":-60}', '/delta'],
    ];
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } } });
    cases.push(['POST', `/v1/holds/${hold.body.hold.id}/release`, '{"a":1,"a":2}', '/a']);
    for (const [method, path, raw, pointer] of cases) {
      const response = await call(server, method, path, { raw, admin: path.startsWith('/v1/admin') });
      assertError(response, 400, 'duplicate_id', `${method} ${path}`);
      assert.equal(response.body.error.pointer, pointer, `${method} ${path}`);
    }
    const mug = await stockOf(server, 'mug');
    assert.deepEqual([mug.onHand, mug.held], [60, 1], 'nothing held or changed but the one valid hold');
    const unknown = await call(server, 'POST', `/v1/holds/${hold.body.hold.id}/release`, { body: { reason: 'x' } });
    assertError(unknown, 400, 'unknown_field', 'release takes no fields');
    assert.equal((await call(server, 'POST', `/v1/holds/${hold.body.hold.id}/release`, { raw: '' })).status, 200);
  }));

test('stock delta: 2^64 - 1 and INT64_MIN are out of range, not -1 or undefined behaviour', () =>
  withServer([], async (server) => {
    await setStock(server, { mug: { onHand: 10 } });
    const adjust = (raw) => call(server, 'POST', '/v1/admin/stock/mug/adjust', { admin: true, raw });
    for (const delta of ['18446744073709551615', '-9223372036854775808', '9223372036854775807', '1000000000001']) {
      const response = await adjust(`{"delta":${delta}}`);
      assertError(response, 400, 'out_of_range', `delta ${delta}`);
      assert.equal(response.body.error.pointer, '/delta');
    }
    assertError(await adjust('{"delta":1e30}'), 400, 'invalid_type', 'delta 1e30');
    assertError(await adjust('{"delta":99999999999999999999999}'), 400, 'invalid_type', 'delta beyond uint64');
    assertError(await adjust('{"delta":-11}'), 409, 'stock_would_go_negative', 'below zero');
    assert.equal((await stockOf(server, 'mug')).onHand, 10);
    const restock = await adjust('{"delta":5,"reason":"restock"}');
    assert.equal(restock.status, 200);
    assert.equal(restock.body.stock.onHand, 15);
  }));

test('fields the server owns: now, stock and escaped keys are ignored, a coupon called "currency" is just a coupon', () =>
  withServer([], async (server) => {
    await setStock(server, { 'tee-black-l': { onHand: 4 } });
    const plain = await call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'tee-black-l', quantity: 1 }] } });
    assert.equal(plain.status, 200);
    assert.deepEqual(plain.body.quote.lines[0].lowStock, { remaining: 4 });
    const claims = [
      '{"now":"2000-01-01T00:00:00.000Z","stock":{"tee-black-l":999},"lines":[{"variant":"tee-black-l","quantity":1}]}',
      '{"n\\u006fw":"2000-01-01T00:00:00.000Z","\\u0073tock":{"tee-black-l":999},"lines":[{"variant":"tee-black-l","quantity":1}]}',
      '  {  "lines" : [ {"variant":"tee-black-l","quantity":1} ] , "stock" : { "tee-black-l" : 999 }  }  ',
    ];
    for (const raw of claims) {
      const quote = await call(server, 'POST', '/v1/quote', { raw });
      assert.equal(quote.status, 200, `${raw}: ${JSON.stringify(quote.body)}`);
      assert.equal(quote.body.quote.digest, plain.body.quote.digest, raw);
    }
    // Removing the fields it owns never makes a malformed body acceptable.
    assertError(await call(server, 'POST', '/v1/quote', { raw: '{"now": nonsense, "lines": []}' }), 400, 'malformed_json', 'garbage in now');

    // The text "currency" anywhere but as the top-level key does not stop the server naming the store currency.
    for (const raw of [
      '{"lines":[{"variant":"tee-black-l","quantity":1}],"coupons":["currency"]}',
      '{"lines":[{"variant":"tee-black-l","quantity":1,"id":"\\"currency\\""}]}',
    ]) {
      const quote = await call(server, 'POST', '/v1/quote', { raw });
      assert.equal(quote.status, 200, `${raw}: ${JSON.stringify(quote.body)}`);
      assert.equal(quote.body.quote.currency, 'USD');
    }
    const hold = await call(server, 'POST', '/v1/holds', {
      raw: '{"cart":{"coupons":["currency"],"now":"2000-01-01T00:00:00.000Z","lines":[{"variant":"tee-black-l","quantity":1}]}}',
    });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    const checkout = await call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
    });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
  }));

test('content type: state-changing requests without application/json are refused (415) before anything happens', () =>
  withServer([], async (server) => {
    await setStock(server, { mug: { onHand: 60 } });
    const cart = JSON.stringify({ cart: { lines: [{ variant: 'mug', quantity: 5 }] } });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null, 'application/jsonx']) {
      assertError(await call(server, 'POST', '/v1/holds', { raw: cart, contentType }), 415, 'unsupported_media_type', `holds ${contentType}`);
    }
    assertError(await call(server, 'POST', '/v1/quote', { raw: '{"lines":[]}', contentType: 'text/plain' }), 415, 'unsupported_media_type', 'quote');
    assertError(await call(server, 'POST', '/v1/checkout', { raw: '{}', contentType: 'text/plain;charset=utf-8' }), 415, 'unsupported_media_type', 'checkout');
    assertError(await call(server, 'PUT', '/v1/admin/stock/mug', { admin: true, raw: '{"onHand":1}', contentType: 'text/plain' }), 415, 'unsupported_media_type', 'admin');
    assert.equal((await stockOf(server, 'mug')).held, 0, 'nothing was held');
    for (const contentType of ['application/json', 'Application/JSON; charset=utf-8', ' application/json ;charset=UTF-8']) {
      const response = await call(server, 'POST', '/v1/quote', { raw: '{"lines":[{"variant":"mug","quantity":1}]}', contentType });
      assert.equal(response.status, 200, contentType);
    }
  }));

test('paths: bad percent-escapes and non-UTF-8 are 400 malformed_path, without a resync', () =>
  withServer([], async (server) => {
    for (const path of ['/v1/admin/stock/%FF', '/v1/admin/stock/%', '/v1/admin/stock/%G0', '/v1/admin/stock/mu%6', '/v1/holds/%C3%28', '/v1/admin/stock/%ED%A0%80']) {
      const response = await call(server, 'GET', path, { admin: true });
      assertError(response, 400, 'malformed_path', path);
    }
    assertError(await call(server, 'GET', '/v1/admin/stock/caf%C3%A9', { admin: true }), 404, 'unknown_variant', 'valid UTF-8');
    assert.equal((await call(server, 'GET', '/v1/admin/stock/m%75g', { admin: true })).body.stock.variant, 'mug');
    const metrics = await call(server, 'GET', '/metrics');
    assert.equal(metricValue(metrics.body, 'cartcore_inventory_resyncs_total'), 0);
  }));

test('HEAD: the headers of GET, Content-Length included, and no body', () =>
  withServer([], async (server) => {
    const get = await call(server, 'GET', '/healthz');
    const length = Buffer.byteLength(JSON.stringify(get.body));
    // Pipelined HEAD then GET on one connection: a body after the HEAD headers would be read as the next response.
    const raw = await rawExchange(server,
      'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [headHeaders, afterHead] = raw.split('\r\n\r\n', 2);
    assert.match(headHeaders, /^HTTP\/1\.1 200/);
    assert.match(headHeaders, new RegExp(`\\r\\nContent-Length: ${length}(\\r\\n|$)`, "i"));
    assert.ok(afterHead.startsWith('HTTP/1.1 200'), `the GET answer follows the HEAD headers at once: ${JSON.stringify(afterHead.slice(0, 40))}`);
    const admin = await rawExchange(server,
      `HEAD /v1/admin/stock/mug HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`);
    assert.match(admin, /^HTTP\/1\.1 200/);
    assert.ok(admin.endsWith('\r\n\r\n'), 'no body after the headers');
  }));
