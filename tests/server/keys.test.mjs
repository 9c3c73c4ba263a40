// SPDX-License-Identifier: MIT
// Scoped API keys managed from the CLI: stored hashed, several active at once, revocable while the server runs;
// each scope reaches exactly its endpoints; the --admin-token keeps working as a bootstrap admin key. A checkout
// key makes a trusted backend (Cartcore-Client-Ip, its own idempotency namespace); anonymous idempotency keys are
// scoped to the hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { withServer, tempDir, startServer, call, setStock, keysCommand, createKey, databaseText, ADMIN_TOKEN } from './helpers.mjs';

const bearer = (key) => ({ authorization: `Bearer ${key}` });

test('keys: each scope reaches its endpoints only; stored hashed; the bootstrap token still works', () =>
  withServer([], async (server, tmp) => {
    const keys = Object.fromEntries(['admin', 'edge', 'analytics', 'checkout'].map((scope) => [scope, createKey(tmp.db, scope)]));
    for (const [scope, created] of Object.entries(keys)) {
      assert.match(created.key, /^cck_[0-9a-f]{16}_[0-9a-f]{64}$/, scope);
      assert.equal(created.scope, scope);
    }
    const matrix = [
      // method, path, body, scopes allowed
      ['GET', '/v1/admin/config', undefined, ['admin', 'edge']],
      ['GET', '/v1/admin/stock', undefined, ['admin', 'edge']],
      ['GET', '/v1/admin/stock/mug', undefined, ['admin', 'edge']],
      ['PUT', '/v1/admin/stock/mug', { onHand: 60 }, ['admin']],
      ['POST', '/v1/admin/stock/mug/adjust', { delta: 0 }, ['admin']],
      ['GET', '/v1/admin/orders', undefined, ['admin', 'analytics']],
      ['GET', '/v1/admin/events', undefined, ['admin', 'analytics']],
    ];
    for (const [method, path, body, allowed] of matrix) {
      for (const [scope, created] of Object.entries(keys)) {
        const response = await call(server, method, path, { body, headers: bearer(created.key) });
        if (allowed.includes(scope)) {
          assert.equal(response.status, 200, `${scope} ${method} ${path}: ${JSON.stringify(response.body)}`);
        } else {
          assert.equal(response.status, 403, `${scope} ${method} ${path}`);
          assert.equal(response.body.error.code, 'insufficient_scope');
          assert.equal(response.body.error.scope, scope);
        }
      }
    }
    assert.equal((await call(server, 'GET', '/v1/admin/config', { admin: true })).status, 200, 'bootstrap admin token');
    for (const wrong of ['', 'nope', keys.edge.key.slice(0, -1) + (keys.edge.key.endsWith('0') ? '1' : '0'),
      keys.edge.key.toUpperCase(), `cck_${'0'.repeat(16)}_${'0'.repeat(64)}`]) {
      const response = await call(server, 'GET', '/v1/admin/stock', { headers: bearer(wrong) });
      assert.equal(response.status, 401, `"${wrong}"`);
      assert.equal(response.body.error.code, 'unauthorized');
    }
    // Only hashes are stored: no key text anywhere in the database.
    const files = databaseText(tmp);
    for (const created of Object.values(keys)) {
      assert.ok(files.includes(created.id), 'the id is stored');
      assert.ok(!files.includes(created.key.slice(21)), 'the secret is not');
    }
    const listed = keysCommand(tmp.db, 'list').keys;
    assert.deepEqual(listed.map((k) => k.scope).sort(), ['admin', 'analytics', 'checkout', 'edge']);
    assert.ok(listed.every((k) => k.key === undefined && k.revokedAt === null));
  }));

test('keys: rotation while the server runs: two keys at once, then the old one revoked', () =>
  withServer([], async (server, tmp) => {
    const old = createKey(tmp.db, 'edge', 'edge 2026-11');
    assert.equal((await call(server, 'GET', '/v1/admin/stock', { headers: bearer(old.key) })).status, 200);
    const fresh = createKey(tmp.db, 'edge', 'edge 2026-12');
    assert.equal((await call(server, 'GET', '/v1/admin/stock', { headers: bearer(fresh.key) })).status, 200);
    assert.equal((await call(server, 'GET', '/v1/admin/stock', { headers: bearer(old.key) })).status, 200);
    assert.deepEqual(keysCommand(tmp.db, 'revoke', old.id), { id: old.id, revoked: true });
    // Lookups are cached for 2 s; after that the old key is refused everywhere and the new one keeps working.
    let status = 200;
    for (let waited = 0; status === 200 && waited < 5000; waited += 250) {
      await sleep(250);
      status = (await call(server, 'GET', '/v1/admin/stock', { headers: bearer(old.key) })).status;
    }
    assert.equal(status, 401, 'the revoked key stops working');
    assert.equal((await call(server, 'GET', '/v1/admin/stock', { headers: bearer(fresh.key) })).status, 200);
    const listed = keysCommand(tmp.db, 'list').keys.find((k) => k.id === old.id);
    assert.match(listed.revokedAt, /Z$/);
    assert.throws(() => keysCommand(tmp.db, 'revoke', old.id), /no active key/);
    assert.throws(() => keysCommand(tmp.db, 'create', '--scope', 'root'), /exited with 2/);
  }));

test("checkout keys: a trusted backend forwards the shopper's address; its idempotency keys are its own", () =>
  withServer(['--max-holds-per-client', '1'], async (server, tmp) => {
    await setStock(server, { mug: { onHand: 60 } });
    const backend = createKey(tmp.db, 'checkout', 'storefront');
    const holdFor = (address, headers = {}) => call(server, 'POST', '/v1/holds', {
      body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } },
      headers: { ...bearer(backend.key), 'cartcore-client-ip': address, ...headers } });
    const first = await holdFor('203.0.113.7');
    const second = await holdFor('203.0.113.8');
    assert.equal(first.status, 201);
    assert.equal(second.status, 201, 'another shopper behind the same backend');
    assert.equal((await holdFor('203.0.113.7')).status, 429, 'the first shopper is at the limit');
    // IPv6 counts by /64, the block one subscriber usually gets: another address in it is the same client.
    assert.equal((await holdFor('2001:db8:0:7::1')).status, 201);
    assert.equal((await holdFor('2001:db8:0:7::beef')).status, 429);
    assert.equal((await holdFor('2001:db8:0:8::1')).status, 201);
    // Without the key the header is ignored: all three are one client, 127.0.0.1.
    const anonymous = (address) => call(server, 'POST', '/v1/holds', {
      body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } }, headers: { 'cartcore-client-ip': address } });
    assert.equal((await anonymous('198.51.100.1')).status, 201);
    assert.equal((await anonymous('198.51.100.2')).status, 429);
    const badIp = await holdFor('not-an-ip');
    assert.equal(badIp.status, 400);

    // The backend's key namespace: one Idempotency-Key for two holds is a mistake it hears about.
    const confirm = (hold, key, headers) => call(server, 'POST', '/v1/checkout', {
      body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest }, headers: { 'idempotency-key': key, ...headers } });
    const paid = await confirm(first, 'order-1', bearer(backend.key));
    assert.equal(paid.status, 200);
    assert.deepEqual((await confirm(first, 'order-1', bearer(backend.key))).body, paid.body, 'a retry replays');
    const reused = await confirm(second, 'order-1', bearer(backend.key));
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
  }));

test('idempotency keys without an API key are scoped to the hold: shoppers cannot collide or replay each other', () =>
  withServer([], async (server) => {
    await setStock(server, { mug: { onHand: 60 } });
    const hold = () => call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } } });
    const [a, b] = [await hold(), await hold()];
    const confirm = (h) => call(server, 'POST', '/v1/checkout', {
      body: { holdId: h.body.hold.id, quoteDigest: h.body.hold.quoteDigest }, headers: { 'idempotency-key': '1' } });
    const paidA = await confirm(a);
    const paidB = await confirm(b);
    assert.equal(paidA.status, 200);
    assert.equal(paidB.status, 200, JSON.stringify(paidB.body));
    assert.notEqual(paidA.body.order.id, paidB.body.order.id);
    assert.deepEqual((await confirm(a)).body, paidA.body);
    // And a bearer on a shop endpoint must be a real key.
    const fake = await call(server, 'POST', '/v1/quote', { body: { lines: [] }, headers: bearer('made-up') });
    assert.equal(fake.status, 401);
    assert.equal((await call(server, 'POST', '/v1/quote', { body: { lines: [{ variant: 'mug', quantity: 1 }] }, headers: bearer(ADMIN_TOKEN) })).status, 200);
  }));
