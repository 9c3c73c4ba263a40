// SPDX-License-Identifier: MIT
// Throughput of the outbox's integrations (issue 14), written to bench/RESULTS.md:
// - stock to WooCommerce: N imported products' levels pushed over HTTPS to the fake WooCommerce of
//   tests/woocommerce (in this process, so its own CPU is counted on the same machine), levels confirmed per second;
// - RabbitMQ: events written while the broker is down, then drained into a real rabbitmq-server (persistent, with
//   publisher confirms) once it is back: events confirmed per second.
// Usage: node bench/sync-bench.mjs [--products 2000] [--rounds 5]   (needs build/native: server, cli, amqp client)
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, startServer, setStock, metricValue } from '../tests/server/helpers.mjs';
import { makeTestCa, loadRestExport, startFakeWooCommerce } from '../tests/woocommerce/support/fake-woocommerce.mjs';
import { FIXTURE_STORE, importStore, waitFor } from '../tests/woocommerce/support/store.mjs';
import { startBroker } from '../tests/amqp/support/rabbitmq.mjs';
import { option, replaceResultsSection } from './results-section.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PRODUCTS = Number(option('products', 2000));
const ROUNDS = Number(option('rounds', 5));
const CLIENT = resolve(here, '../build/native/server/amqp-test-client');

function storeWithProducts(dir, count) {
  cpSync(FIXTURE_STORE, dir, { recursive: true });
  const products = JSON.parse(readFileSync(join(dir, 'products.json'), 'utf8'));
  const tote = products.find((p) => p.id === 200);
  for (let i = 0; i < count; i++)
    products.push({ ...tote, id: 10000 + i, name: `Pin ${i}`, slug: `pin-${i}`, sku: `PIN-${i}`, meta_data: [], stock_quantity: 5 });
  writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
}

const metric = async (server, name) => metricValue(await (await fetch(server.base + '/metrics')).text(), name);

async function stockPush() {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  storeWithProducts(storeDir, PRODUCTS);
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const tls = makeTestCa(tmp.dir);
  const woo = await startFakeWooCommerce({ tls, objects: loadRestExport(storeDir), consumerKey: 'ck', consumerSecret: 'cs' });
  const server = await startServer({ db: tmp.db, args: ['--config', configFile, '--no-seed', '--woocommerce-webhook', woo.url,
    '--woocommerce-auth', 'ck:cs', '--ca-file', tls.caFile] });
  const pins = Object.keys(stock.levels).filter((v) => v.startsWith('PIN-'));
  await setStock(server, stock.levels);
  await waitFor(async () => (await metric(server, 'cartcore_outbox_pending')) === 0, 'the first levels', 120000);
  const requestsBefore = woo.requests.length;
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) {
    await setStock(server, Object.fromEntries(pins.map((v, i) => [v, { onHand: 100 + round * 3 + (i % 7) }])));
  }
  const expected = 100 + ROUNDS * 3;
  await waitFor(() => pins.every((v, i) => woo.objects.get(stock.levels[v].wooProductId).stock_quantity === expected + (i % 7)),
    'the last levels in WooCommerce', 300000);
  const seconds = (performance.now() - started) / 1000;
  const requests = woo.requests.slice(requestsBefore);
  const items = requests.reduce((n, r) => n + r.items.length, 0);
  await server.stop();
  await woo.close();
  tmp.cleanup();
  return { levels: pins.length * ROUNDS, seconds, requests: requests.length, items };
}

async function brokerDrain() {
  const tmp = tempDir();
  const storeDir = join(tmp.dir, 'woo');
  storeWithProducts(storeDir, PRODUCTS);
  const { configFile, stock } = importStore(tmp.dir, storeDir);
  const declare = (url) => spawnSync(CLIENT, ['declare', url, 'cartcore.events', 'erp', '#'], { timeout: 20000 }).status === 0;
  const bootStarted = performance.now();
  const broker = await startBroker(join(tmp.dir, 'rabbit'), declare);
  const bootSeconds = (performance.now() - bootStarted) / 1000;
  const server = await startServer({ db: tmp.db, args: ['--config', configFile, '--no-seed', '--amqp', broker.url,
    '--webhook-retry-ms', '20', '--webhook-retry-max-ms', '50'] });
  await broker.kill();
  const pins = Object.keys(stock.levels).filter((v) => v.startsWith('PIN-'));
  for (let round = 1; round <= ROUNDS; round++) {
    await setStock(server, Object.fromEntries(pins.map((v, i) => [v, { onHand: 100 + round * 3 + (i % 7) }])));
  }
  const pending = await metric(server, 'cartcore_outbox_pending');
  const restartStarted = performance.now();
  await broker.restart();
  const restartSeconds = (performance.now() - restartStarted) / 1000;
  const started = performance.now();
  await waitFor(async () => (await metric(server, 'cartcore_outbox_pending')) === 0, 'the drained outbox', 300000);
  const seconds = (performance.now() - started) / 1000;
  await server.stop();
  await broker.stop();
  tmp.cleanup();
  return { events: pending, seconds, bootSeconds, restartSeconds };
}

const push = await stockPush();
const drain = await brokerDrain();
const command = `node bench/sync-bench.mjs --products ${PRODUCTS} --rounds ${ROUNDS}`;
const body = [
  `Command: \`${command}\` on ${cpus().length} × ${cpus()[0].model}, load average ${loadavg()[0].toFixed(1)} at the end`,
  '(a shared machine: other builds and tests ran meanwhile, so these are floors, not ceilings).',
  '',
  '| what | count | seconds | per second |',
  '| --- | --- | --- | --- |',
  `| stock levels written (${ROUNDS} bulk PUTs of ${PRODUCTS} products) until the last is in the fake WooCommerce over HTTPS | ${push.levels} | ${push.seconds.toFixed(2)} | ${Math.round(push.levels / push.seconds)} |`,
  `| of which items sent and confirmed one by one (only the newest level per SKU in a round; ${push.requests} batch requests, ${(push.items / push.requests).toFixed(1)} items each) | ${push.items} | ${push.seconds.toFixed(2)} | ${Math.round(push.items / push.seconds)} |`,
  `| events published to RabbitMQ, persistent, confirmed (written while it was down, drained after its restart) | ${drain.events} | ${drain.seconds.toFixed(2)} | ${Math.round(drain.events / drain.seconds)} |`,
  '',
  `The WooCommerce figure includes the server's own writes (the PUTs) and the fake's CPU on the same 2 cores.`,
  `rabbitmq-server first boot ${drain.bootSeconds.toFixed(0)} s, restart ${drain.restartSeconds.toFixed(0)} s (not in the rate).`,
].join('\n');
console.log(body);
replaceResultsSection(resolve(here, 'RESULTS.md'), 'sync', 'Integrations: stock to WooCommerce, events to RabbitMQ (issue 14)', body,
  'bench/sync-bench.mjs');
