// SPDX-License-Identifier: MIT
// The WooCommerce sync state kept in the database (both backends): our own stock push coming back as a webhook is
// recognised by the quantity we sent that object, while a merchant's stock edit made in WooCommerce becomes one
// stock adjustment (a repeated delivery applies nothing more); and the per-SKU "not older than delivered" check
// survives a restart, so a level WooCommerce already confirmed is never pushed again over a newer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, startServer, call, setStock, allEvents, metricValue } from '../server/helpers.mjs';
import { testCluster } from '../server/support/postgres.mjs';
import { makeTestCa, loadRestExport, startFakeWooCommerce, wooSignature } from './support/fake-woocommerce.mjs';
import { FIXTURE_STORE, importStore, waitFor } from './support/store.mjs';

const SECRET = 'wc-webhook-secret-0123456789';
const TOTE = 200;  // a simple product counting its own stock

let deliveries = 0;
async function deliver(server, object, deliveryId = `sync-${++deliveries}`) {
  const body = JSON.stringify(object);
  const r = await fetch(server.base + '/v1/integrations/woocommerce/webhook', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'product.updated',
      'x-wc-webhook-resource': 'product', 'x-wc-webhook-event': 'updated', 'x-wc-webhook-delivery-id': deliveryId,
      'x-wc-webhook-signature': wooSignature(body, SECRET) },
    body,
  });
  assert.equal(r.status, 202);
}

const metric = async (server, name) => metricValue(await (await fetch(server.base + '/metrics')).text(), name);

/** The fixture store imported, a fake WooCommerce that fires signed product.updated for each save, a server. */
async function setUp() {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  cpSync(FIXTURE_STORE, storeDir, { recursive: true });
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const tls = makeTestCa(tmp.dir);
  const ctx = { tmp, stock, server: null, echoes: [] };
  ctx.woo = await startFakeWooCommerce({
    tls, objects: loadRestExport(storeDir), consumerKey: 'ck', consumerSecret: 'cs',
    webhook: (object) => { if (ctx.server) ctx.echoes.push(deliver(ctx.server, { ...object })); },
  });
  ctx.args = ['--config', configFile, '--no-seed', '--woocommerce-webhook-secret', SECRET, '--woocommerce-store',
    storeDir, '--woocommerce-webhook', ctx.woo.url, '--woocommerce-auth', 'ck:cs', '--ca-file', tls.caFile,
    '--webhook-retry-ms', '10', '--webhook-retry-max-ms', '100'];
  ctx.server = await startServer({ db: tmp.db, args: ctx.args });
  ctx.tote = Object.entries(stock.levels).find(([, l]) => l.wooProductId === TOTE && l.wooVariationId == null)[0];
  ctx.onHand = async () => (await call(ctx.server, 'GET', `/v1/admin/stock/${ctx.tote}`, { admin: true })).body.stock.onHand;
  ctx.settled = () => waitFor(async () => (await metric(ctx.server, 'cartcore_outbox_pending')) === 0 &&
    (await Promise.all(ctx.echoes)).length >= 0, 'the outbox to drain');
  ctx.close = async () => {
    await ctx.server?.stop();
    await ctx.woo.close();
    tmp.cleanup();
  };
  return ctx;
}

test('sync state: our echo is ignored, a merchant\'s stock edit in WooCommerce is applied once', async () => {
  const ctx = await setUp();
  const { server, woo } = ctx;
  try {
    await setStock(server, ctx.stock.levels);
    await waitFor(() => woo.objects.get(TOTE).stock_quantity === 40, 'the tote\'s level in WooCommerce');
    await waitFor(async () => (await metric(server, 'cartcore_woocommerce_webhook_echoes_total')) >= 2, 'the echoes');
    assert.equal(await ctx.onHand(), 40, 'our own push coming back changes nothing');

    // The merchant counts the shelf and types 33 in WooCommerce: WooCommerce saves it and fires product.updated.
    const edited = { ...woo.objects.get(TOTE), stock_quantity: 33, date_modified_gmt: new Date().toISOString().slice(0, 19) };
    Object.assign(woo.objects.get(TOTE), edited);
    await deliver(server, edited, 'edit-1');
    await waitFor(async () => (await ctx.onHand()) === 33, 'the edit applied as an adjustment');
    assert.equal(await metric(server, 'cartcore_woocommerce_stock_edits_applied_total'), 1);
    const adjustment = (await allEvents(server)).filter((e) => e.type === 'stock.changed' && e.partitionKey === ctx.tote).at(-1);
    assert.deepEqual([adjustment.data.previousOnHand, adjustment.data.onHand, adjustment.data.reason],
      [40, 33, 'woocommerce stock edit']);
    // WooCommerce repeats the delivery (a new delivery id, the same object): applied once.
    await deliver(server, edited, 'edit-1-again');
    await waitFor(() => /"deliveryId":"edit-1-again"/.test(server.stderr()), 'the repeat processed');
    assert.equal(await ctx.onHand(), 33);

    // Cartcore sells 3 (an admin correction here), pushes 30, and its echo is ignored; the merchant then adds 5 in
    // WooCommerce (35): that is +5 on Cartcore's 30, not a reset to the number typed.
    assert.equal((await call(server, 'POST', `/v1/admin/stock/${ctx.tote}/adjust`, { admin: true, body: { delta: -3 } })).status, 200);
    await waitFor(() => woo.objects.get(TOTE).stock_quantity === 30, 'the push of 30');
    await ctx.settled();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await ctx.onHand(), 30, 'the echo of 30 changes nothing');
    const restocked = { ...woo.objects.get(TOTE), stock_quantity: 35, date_modified_gmt: new Date().toISOString().slice(0, 19) };
    Object.assign(woo.objects.get(TOTE), restocked);
    await deliver(server, restocked, 'edit-2');
    await waitFor(async () => (await ctx.onHand()) === 35, 'the second edit');
    await ctx.settled();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await ctx.onHand(), 35);
    assert.equal(await metric(server, 'cartcore_woocommerce_stock_edits_applied_total'), 2);
    assert.match(server.stderr(), /"deliveryId":"edit-1","event":"woocommerce_webhook","outcome":"stock_edit","stock":"stock_edit_applied"/);
    assert.match(server.stderr(), /"outcome":"echo","stock":"echo"/, 'an echo told by the quantity we sent');
  } finally {
    await ctx.close();
  }
});

/** Runs SQL on the test's database: psql for PostgreSQL, the sqlite3 shell for SQLite. */
function sql(db, text) {
  if (db.startsWith('postgresql://')) return testCluster().psql(text, /^postgresql:\/\/[^/]*\/([^?]+)/.exec(db)[1]);
  return execFileSync('sqlite3', [db, text], { encoding: 'utf8' });
}

test('sync state: a level WooCommerce confirmed is never pushed again after a restart', async () => {
  const ctx = await setUp();
  const { woo, tmp } = ctx;
  try {
    await setStock(ctx.server, ctx.stock.levels);
    await waitFor(() => woo.objects.get(TOTE).stock_quantity === 40, 'the tote\'s level in WooCommerce');
    await ctx.settled();
    const pushed = (await allEvents(ctx.server)).filter((e) => e.type === 'stock.changed' && e.partitionKey === ctx.tote).at(-1);
    await ctx.server.stop();
    ctx.server = null;
    // A crash after WooCommerce confirmed the level but before the outbox recorded it leaves its delivery pending;
    // meanwhile a sale in WooCommerce took the tote to 38.
    const endpoint = `woocommerce ${woo.url}`.replaceAll("'", "''");
    if (tmp.db.startsWith('postgresql://')) {
      sql(tmp.db, `INSERT INTO pending_deliveries (endpoint, seq, partition_key, partition_seq, bucket, created_at) ` +
        `VALUES ('${endpoint}', ${pushed.id}, '${ctx.tote}', ${pushed.partitionSeq}, cartcore_bucket('${ctx.tote}'), 0)`);
    } else {
      sql(tmp.db, `INSERT INTO webhook_deliveries (endpoint, seq, partition_key, next_attempt_at) ` +
        `VALUES ('${endpoint}', ${pushed.id}, '${ctx.tote}', 0)`);
    }
    woo.objects.get(TOTE).stock_quantity = 38;
    const requestsBefore = woo.requests.length;
    ctx.server = await startServer({ db: tmp.db, args: ctx.args });
    await waitFor(async () => (await metric(ctx.server, 'cartcore_outbox_pending')) === 0, 'the stale delivery settled');
    assert.equal(await metric(ctx.server, 'cartcore_woocommerce_stock_stale_dropped_total'), 1, 'dropped as already delivered');
    assert.equal(woo.requests.length, requestsBefore, 'nothing sent');
    assert.equal(woo.objects.get(TOTE).stock_quantity, 38, 'WooCommerce never moved back to 40');
  } finally {
    await ctx.close();
  }
});
