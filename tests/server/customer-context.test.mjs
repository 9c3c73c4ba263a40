// SPDX-License-Identifier: MIT
// Signed customer context: segments (member prices, tier reserves) count only from a Cartcore-Customer token that
// verifies (HS256 or EdDSA) and has not expired; a cart's own customer.segments are ignored unless the server
// trusts its callers (--customer-segments trusted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withServer, tempDir, startServer, call, setStock, stockOf, signCustomer, epochSeconds, CUSTOMER_SECRET } from './helpers.mjs';

const tee = (quantity) => ({ lines: [{ variant: 'tee-white-m', quantity }], customer: { segments: ['vip'] } });

test('signed context: a cart claiming "vip" gets no member price or reserve; a valid token does', () =>
  withServer(['--customer-hmac-secret', CUSTOMER_SECRET], async (server) => {
    await setStock(server, { 'tee-white-m': { onHand: 10, reserved: { vip: 4 } } });
    const claimed = await call(server, 'POST', '/v1/quote', { body: tee(1) });
    assert.equal(claimed.status, 200);
    assert.equal(claimed.body.quote.totals.total, '18.00', 'no VIP price from an unsigned claim');
    const refusedHold = await call(server, 'POST', '/v1/holds', { body: { cart: tee(7) } });
    assert.equal(refusedHold.status, 409, 'the VIP reserve is not for an unsigned claim');
    assert.deepEqual(refusedHold.body.error.shortages, [{ variant: 'tee-white-m', requested: 7, available: 6 }]);

    const token = signCustomer({ customer: 'c-42', segments: ['vip'], exp: epochSeconds(600) });
    const headers = { 'cartcore-customer': token };
    const signed = await call(server, 'POST', '/v1/quote', { body: { lines: tee(1).lines }, headers });
    assert.equal(signed.body.quote.totals.total, '15.84', 'the signed VIP gets the member price');
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: tee(7).lines } }, headers });
    assert.equal(hold.status, 201, JSON.stringify(hold.body));
    assert.deepEqual(hold.body.hold.lines.map((l) => [l.pool, l.quantity]), [['general', 3], ['vip', 4]]);
    assert.equal(hold.body.quote.totals.total, '110.88');

    // Checkout honours the segments only with the token: without it the price is the public one, and says so.
    const confirm = { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest };
    const anonymous = await call(server, 'POST', '/v1/checkout', { body: confirm });
    assert.equal(anonymous.status, 409);
    assert.equal(anonymous.body.error.code, 'price_changed');
    assert.equal(anonymous.body.error.currentQuote.totals.total, '113.40');
    const order = await call(server, 'POST', '/v1/checkout', { body: confirm, headers });
    assert.equal(order.status, 200, JSON.stringify(order.body));
    assert.equal(order.body.order.total, '110.88');
    const level = await stockOf(server, 'tee-white-m');
    assert.equal(level.onHand, 3);
    assert.deepEqual(level.reserved, {});
  }));

test('signed context: expired, tampered, unsigned and wrongly signed tokens are refused with 401', () =>
  withServer(['--customer-hmac-secret', CUSTOMER_SECRET], async (server) => {
    const quote = (token) => call(server, 'POST', '/v1/quote', { body: tee(1), headers: { 'cartcore-customer': token } });
    const good = signCustomer({ customer: 'c-1', segments: ['vip'], exp: epochSeconds(60) });
    assert.equal((await quote(good)).status, 200);
    const [header, payload, signature] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ customer: 'c-1', segments: ['vip', 'staff'], exp: epochSeconds(60) })).toString('base64url');
    const cases = [
      ['expired', signCustomer({ customer: 'c-1', segments: ['vip'], exp: epochSeconds(-1) }), 'customer_context_expired'],
      ['payload swapped', `${header}.${forged}.${signature}`, 'customer_context_invalid'],
      ['other secret', signCustomer({ customer: 'c-1', exp: epochSeconds(60) }, { secret: 'another-secret-another-secret-0000' }), 'customer_context_invalid'],
      ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`, 'customer_context_invalid'],
      ['EdDSA without a key', signCustomer({ customer: 'c-1', exp: epochSeconds(60) }, { header: { alg: 'EdDSA' } }), 'customer_context_invalid'],
      ['not a JWT', 'hello', 'customer_context_invalid'],
      ['no exp', signCustomer({ customer: 'c-1', segments: ['vip'] }), 'customer_context_invalid'],
      ['unknown claim', signCustomer({ customer: 'c-1', exp: epochSeconds(60), role: 'admin' }), 'customer_context_invalid'],
      ['repeated claim', signCustomer(`{"customer":"c-1","exp":${epochSeconds(60)},"customer":"c-2"}`), 'customer_context_invalid'],
      ['deep header', `${Buffer.from('['.repeat(1000) + ']'.repeat(1000)).toString('base64url')}.${payload}.${signature}`, 'customer_context_invalid'],
    ];
    for (const [label, token, code] of cases) {
      const response = await quote(token);
      assert.equal(response.status, 401, `${label}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.code, code, label);
    }
    const hold = await call(server, 'POST', '/v1/holds', { body: { cart: tee(1) }, headers: { 'cartcore-customer': cases[0][1] } });
    assert.equal(hold.status, 401, 'holds refuse an expired context too');
  }));

test('signed context: EdDSA tokens verify with the public key; an HS256 token cannot borrow it', async () => {
    const tmp = tempDir();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyFile = join(tmp.dir, 'customer-key.pem');
    writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const server = await startServer({ db: tmp.db, args: ['--customer-ed25519-key', keyFile] });
    try {
      const token = signCustomer({ customer: 'c-7', segments: ['vip'], exp: epochSeconds(600) }, { privateKey });
      const signed = await call(server, 'POST', '/v1/quote', { body: tee(1), headers: { 'cartcore-customer': token } });
      assert.equal(signed.status, 200, JSON.stringify(signed.body));
      assert.equal(signed.body.quote.totals.total, '15.84');
      // The classic confusion: an HS256 token "signed" with the public key's text as the secret.
      const pem = publicKey.export({ type: 'spki', format: 'pem' });
      const confused = signCustomer({ customer: 'c-7', segments: ['vip'], exp: epochSeconds(600) }, { secret: pem });
      const refused = await call(server, 'POST', '/v1/quote', { body: tee(1), headers: { 'cartcore-customer': confused } });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'customer_context_invalid');
      const other = generateKeyPairSync('ed25519').privateKey;
      const wrongKey = signCustomer({ customer: 'c-7', exp: epochSeconds(600) }, { privateKey: other });
      assert.equal((await call(server, 'POST', '/v1/quote', { body: tee(1), headers: { 'cartcore-customer': wrongKey } })).status, 401);
    } finally {
      await server.stop();
      tmp.cleanup();
    }
  });

test('trusted segments: --customer-segments trusted keeps taking the cart at its word', () =>
  withServer(['--customer-segments', 'trusted'], async (server) => {
    const quote = await call(server, 'POST', '/v1/quote', { body: tee(1) });
    assert.equal(quote.body.quote.totals.total, '15.84');
  }));
