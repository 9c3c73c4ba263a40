// SPDX-License-Identifier: MIT
// The README's "From a WooCommerce store", steps 5 and 6: their ```sh commands run as written, in one shell, with
// the variables they name pointing at a fake WooCommerce over HTTPS (support/fake-woocommerce.mjs; its test CA is
// the "system" store through SSL_CERT_FILE) and a throwaway RabbitMQ (support/rabbitmq.mjs). Then: the stock file's
// levels reached WooCommerce, a signed product webhook made a new config version, and the events reached a queue.
// (tests/import/readme-commands runs the section's earlier commands.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND, SERVER_BIN, tempDir } from '../server/helpers.mjs';
import { makeTestCa, loadRestExport, startFakeWooCommerce, wooSignature } from '../woocommerce/support/fake-woocommerce.mjs';
import { CLI_BIN, FIXTURE_STORE, waitFor } from '../woocommerce/support/store.mjs';
import { freePort, startBroker } from './support/rabbitmq.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../..');
const CLIENT = process.env.CARTCORE_AMQP_TEST_CLIENT ?? resolve(ROOT, 'build/native/server/amqp-test-client');

/** The ```sh commands of the README section from step 5 on, with backslash-continued lines joined. */
function sessionCommands() {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('## From a WooCommerce store'));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const section = lines.slice(start, end);
  const fromStep5 = section.slice(section.findIndex((l) => l.startsWith('5. ')));
  const commands = [];
  let inBlock = false;
  for (const line of fromStep5) {
    if (line.startsWith('```')) { inBlock = line.startsWith('```sh'); continue; }
    if (inBlock && line.trim()) commands.push(line);
  }
  return commands.join('\n').replace(/\\\n\s*/g, '').split('\n');
}

const skip = BACKEND === 'postgresql' && 'the README session runs on SQLite (ctest server_amqp)';

test('README "From a WooCommerce store": steps 5 and 6 run as written', { skip }, async () => {
  const commands = sessionCommands();
  assert.ok(commands.length >= 5 && commands.some((c) => c.includes('cartcore-server')), commands.join('\n'));
  const tmp = tempDir();
  const work = join(tmp.dir, 'work');
  mkdirSync(join(work, 'build/native/cli'), { recursive: true });
  mkdirSync(join(work, 'build/native/server'), { recursive: true });
  symlinkSync(join(ROOT, 'tests'), join(work, 'tests'));
  symlinkSync(resolve(CLI_BIN), join(work, 'build/native/cli/cartcore'));
  symlinkSync(resolve(SERVER_BIN), join(work, 'build/native/server/cartcore-server'));

  const broker = await startBroker(join(tmp.dir, 'rabbit'),
    (url) => spawnSync(CLIENT, ['declare', url, 'cartcore.events', 'erp', '#'], { timeout: 20000 }).status === 0);
  const tls = makeTestCa(tmp.dir);
  const woo = await startFakeWooCommerce({ tls, objects: loadRestExport(FIXTURE_STORE), consumerKey: 'ck_readme',
    consumerSecret: 'cs_readme' });
  const env = { ...process.env, PORT: String(await freePort()), ADMIN_TOKEN: 'readme-admin-token', WOO_URL: woo.url,
    WOO_KEY: 'ck_readme', WOO_SECRET: 'cs_readme', WC_WEBHOOK_SECRET: 'readme-webhook-secret-0123456789',
    AMQP_URL: broker.url, SSL_CERT_FILE: tls.caFile };
  const base = `http://127.0.0.1:${env.PORT}`;
  let serverPid = null;
  try {
    // One shell, as a reader would paste them; the server is the session's background job.
    const script = ['set -euo pipefail', ...commands, 'echo "server pid $!"'].join('\n');
    const shell = spawn('bash', ['-c', script], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    shell.stdout.on('data', (d) => (out += d));
    shell.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => shell.on('exit', r));
    serverPid = Number(/server pid (\d+)/.exec(out)?.[1]) || null;
    assert.equal(code, 0, `the README commands failed:\n${out}\n${err}\n${(() => {
      try { return readFileSync(join(work, 'server.log'), 'utf8'); } catch { return ''; }
    })()}`);
    assert.match(out, /cartcore_amqp_published_total \d+\n/, 'step 6 printed the broker confirms');

    // The stock file reached WooCommerce, each level on its object with manage_stock on.
    const stock = JSON.parse(readFileSync(join(work, 'stock.json'), 'utf8'));
    const tote = Object.values(stock.levels).find((l) => l.wooProductId === 200 && l.wooVariationId == null);
    await waitFor(() => woo.objects.get(200).manage_stock === true && woo.objects.get(200).stock_quantity === tote.onHand,
      'the stock file pushed to WooCommerce');

    // A signed product webhook, as WooCommerce sends it to the URL the README names, makes a new config version.
    const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const version = async () => (await (await fetch(`${base}/v1/admin/config`, { headers: admin })).json()).version;
    const before = await version();
    const products = JSON.parse(readFileSync(join(work, 'woo-export/products.json'), 'utf8'));
    const body = JSON.stringify({ ...products.find((p) => p.id === 200), price: '18.00', regular_price: '18.00',
      date_modified_gmt: new Date().toISOString().slice(0, 19) });
    const delivered = await fetch(`${base}/v1/integrations/woocommerce/webhook`, { method: 'POST', body, headers: {
      'content-type': 'application/json', 'x-wc-webhook-topic': 'product.updated', 'x-wc-webhook-resource': 'product',
      'x-wc-webhook-event': 'updated', 'x-wc-webhook-delivery-id': 'readme-1',
      'x-wc-webhook-signature': wooSignature(body, env.WC_WEBHOOK_SECRET) } });
    assert.equal(delivered.status, 202);
    await waitFor(async () => (await version()) === before + 1, 'the imported config version');

    // Step 6: the events are on the exchange; the consumer's queue has the stock levels and the activation.
    const keys = [];
    await waitFor(() => {
      const drained = spawnSync(CLIENT, ['drain', broker.url, 'erp'], { encoding: 'utf8', timeout: 20000 });
      assert.equal(drained.status, 0, drained.stderr);
      keys.push(...drained.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).routingKey));
      return keys.filter((k) => k === 'config.activated').length >= 2 && keys.some((k) => k.startsWith('stock.changed.'));
    }, 'the activations and stock levels on the queue');
  } finally {
    if (serverPid) {
      try { process.kill(serverPid, 'SIGTERM'); } catch { /* already gone */ }
      await waitFor(() => { try { process.kill(serverPid, 0); return false; } catch { return true; } }, 'the server to stop', 10000)
        .catch(() => process.kill(serverPid, 'SIGKILL'));
    }
    await woo.close();
    await broker.stop();
    tmp.cleanup();
  }
});
