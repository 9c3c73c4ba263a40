// SPDX-License-Identifier: MIT
// Write latency as history grows, and the outbox dispatcher against the commit rate (issue 10), on SQLite.
//
//   node bench/history-bench.mjs [--orders 1000000] [--duration 10] [--connections 32] [--rounds 3]
//                                [--history-db FILE] [--keep-db FILE] [--no-write]
//
// 1. `cartcore-history --delivered-to` writes a store with --orders past orders (each priced by the engine, with its
//    hold, lines, analytics facts, checkout idempotency record and order.committed event, delivered to a webhook:
//    its delivery row written and deleted as the dispatcher does), all inside the 30-day retention, so the purge has
//    nothing to do during the run. --keep-db keeps a copy (and FILE.json, how it was made); --history-db reuses one
//    (the copy the run uses gains the run's orders; the history must still be inside the retention).
// 2. Two servers, one on a fresh store and one on that history, each delivering to a local webhook receiver (this
//    process, answering 204 at once), take hold + checkout from wrk in turn: fresh, history, fresh, history, ...
//    (--rounds of each, --duration s each after a warm-up). The ratio history ÷ fresh of the medians is the answer.
// 3. During every run the outbox is sampled twice a second: events written (deliveries + backlog growth), events
//    delivered, backlog. Then the dispatcher's headroom: the receiver refuses (503) for --duration s under load, so a
//    backlog builds, then accepts again for 2 × --duration s, load still on; the drain rate is what it delivers then.
//
// Prints Markdown and, unless --no-write, replaces the "history" block of bench/RESULTS.md. Env: CARTCORE_BUILD_DIR.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option, replaceResultsSection } from './results-section.mjs';
import { metric, runWrk, startBenchServer } from './server-harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const build = process.env.CARTCORE_BUILD_DIR ?? resolve(here, '../build/native');
const serverBin = join(build, 'server/cartcore-server');
const historyBin = join(build, 'bench/cartcore-history');
const orders = Number(option('orders', '1000000'));
const duration = Number(option('duration', '10'));
const connections = Number(option('connections', '32'));
const rounds = Number(option('rounds', '3'));
const historyDb = option('history-db', '');
const keepDb = option('keep-db', '');
const write = !process.argv.includes('--no-write');
const SPREAD = 200;  // variants; each cart holds one unit of one of them
const HISTORY_DAYS = 28;  // inside the default 30-day retention

if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (scripts/setup installs it)');
const work = mkdtempSync(join(tmpdir(), 'cartcore-history-bench-'));
const servers = [];
process.on('exit', () => {
  for (const server of servers) server.kill();
  rmSync(work, { recursive: true, force: true });
});

const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify({
  schemaVersion: 1,
  store: { name: 'History bench', currency: 'USD' },
  catalog: { products: [{ id: 'bench', name: 'Bench item',
    variants: Array.from({ length: SPREAD }, (_, i) => ({ id: `bench-${i}`, sku: `BENCH-${i}`, price: '10.00' })) }] },
  priceRules: [],
  promotions: [],
}));

// The webhook receiver: counts events, answers 204 at once (or 503 while `refusing`).
const receiver = { received: 0, refusing: false };
const http = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (receiver.refusing) {
      res.writeHead(503).end();
      return;
    }
    receiver.received++;
    res.writeHead(204).end();
  });
});
http.keepAliveTimeout = 60000;
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const webhookUrl = `http://127.0.0.1:${http.address().port}/events`;

// The history store.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = load();
const historyFile = join(work, 'history.db');
let generated = { seconds: NaN };
if (historyDb) {
  copyFileSync(historyDb, historyFile);
  if (existsSync(`${historyDb}.json`)) generated = JSON.parse(readFileSync(`${historyDb}.json`, 'utf8'));
} else {
  const end = new Date().toISOString();
  console.error(`generating ${orders} orders over ${HISTORY_DAYS} days...`);
  const run = spawnSync(historyBin, ['--db', historyFile, '--config', configFile, '--orders', String(orders), '--days',
    String(HISTORY_DAYS), '--end', end, '--delivered-to', 'cartcore http://127.0.0.1:9/gone'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`cartcore-history failed (${run.status})`);
  generated = JSON.parse(run.stdout.trim().split('\n').at(-1));
  spawnSync('sqlite3', [historyFile, 'PRAGMA wal_checkpoint(TRUNCATE)']);
  if (keepDb) {
    copyFileSync(historyFile, keepDb);
    writeFileSync(`${keepDb}.json`, JSON.stringify(generated));
  }
}
const historyMegabytes = statSync(historyFile).size / 1e6;
const count = (table) => Number(spawnSync('sqlite3', [historyFile, `SELECT COUNT(*) FROM ${table}`], { encoding: 'utf8' })
  .stdout.trim());
const historyRows = { orders: count('orders'), outbox: count('outbox'), idempotency: count('idempotency_keys') };
console.error(`history: ${JSON.stringify(historyRows)}, ${historyMegabytes.toFixed(0)} MB`);

const options = ['--config', configFile, '--no-seed', '--threads', '2', '--webhook', webhookUrl,
  '--webhook-retry-ms', '50', '--webhook-retry-max-ms', '200'];
const fresh = await startBenchServer(serverBin, join(work, 'fresh.db'), options);
const grown = await startBenchServer(serverBin, historyFile, options);
servers.push(fresh, grown);
const levels = Object.fromEntries(Array.from({ length: SPREAD }, (_, i) => [`bench-${i}`, { onHand: 1000000000 }]));
for (const server of servers) await server.admin('PUT', '/v1/admin/stock', { levels });
const env = { BENCH_VARIANTS: String(SPREAD) };

/** The outbox of a server now: events delivered so far and the backlog. */
async function outbox(server) {
  return { delivered: await metric(server, 'cartcore_webhook_deliveries_total'),
    pending: await metric(server, 'cartcore_outbox_pending'), at: performance.now() };
}

/** wrk for `seconds` while the outbox is sampled every 500 ms. */
async function measure(server, seconds) {
  const before = { orders: await metric(server, 'cartcore_orders_committed_total'), ticks: server.cpuTicks(),
    ...(await outbox(server)) };
  const samples = [];
  let running = true;
  const sampler = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, 500));
      const sample = await outbox(server);
      samples.push(sample);
    }
  })();
  const run = await runWrk(server, connections, seconds, env);
  running = false;
  await sampler;
  const after = { orders: await metric(server, 'cartcore_orders_committed_total'), ticks: server.cpuTicks(),
    ...(await outbox(server)) };
  const delivered = after.delivered - before.delivered;
  return {
    ordersPerSecond: (after.orders - before.orders) / seconds,
    p50: run.p50,
    p99: run.p99,
    errors: run.errors,
    cpuMicrosPerRequest: run.requests ? ((after.ticks - before.ticks) * 1e6) / 100 / run.requests : NaN,
    eventsWrittenPerSecond: (delivered + after.pending - before.pending) / seconds,
    deliveredPerSecond: delivered / seconds,
    pendingMax: Math.max(before.pending, ...samples.map((s) => s.pending)),
    pendingEnd: after.pending,
    samples: samples.map((s) => ({ second: (s.at - before.at) / 1000, pending: s.pending, delivered: s.delivered - before.delivered })),
  };
}

for (const server of servers) await runWrk(server, connections, 2, env);  // warm-up: caches, WAL, allocator
const results = { fresh: [], grown: [] };
for (let round = 0; round < rounds; round++) {
  const pair = [['fresh', fresh], ['grown', grown]];
  for (const [name, server] of round % 2 ? pair.reverse() : pair) {  // each goes first in turn
    const r = await measure(server, duration);
    results[name].push(r);
    console.error(`round ${round + 1} ${name}: ${r.ordersPerSecond.toFixed(0)} orders/s, p50 ${r.p50} ms, p99 ${r.p99} ms, `
      + `${r.cpuMicrosPerRequest.toFixed(0)} µs/request; events ${r.eventsWrittenPerSecond.toFixed(0)}/s written, `
      + `${r.deliveredPerSecond.toFixed(0)}/s delivered, backlog max ${r.pendingMax}`);
  }
}

// The dispatcher's headroom, on the history store: a backlog built while the receiver refuses, then drained under load.
receiver.refusing = true;
const refused = await measure(grown, duration);
receiver.refusing = false;
const draining = await measure(grown, 2 * duration);
const drainedAt = draining.samples.find((s) => s.pending <= refused.pendingEnd * 0.05 + 100);
const loadAtEnd = load();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '?');
const summary = (runs) => Object.fromEntries(['ordersPerSecond', 'p50', 'p99', 'cpuMicrosPerRequest',
  'eventsWrittenPerSecond', 'deliveredPerSecond', 'pendingMax', 'errors'].map((k) => [k, median(runs.map((r) => r[k]))]));
const f = summary(results.fresh);
const g = summary(results.grown);
const ratio = (k) => g[k] / f[k];
const withinTarget = ratio('p50') <= 1.2 && ratio('cpuMicrosPerRequest') <= 1.2;
const history = `${historyRows.orders.toLocaleString('en')} orders, ${historyRows.outbox.toLocaleString('en')} delivered events`;

const report = `Machine: ${cpus().length} × ${cpus()[0].model}, shared with wrk, the receiver and other work (load average at start:
${loadAtStart}; at end: ${loadAtEnd}); ${new Date().toISOString().slice(0, 16)}Z; SQLite (WAL, \`--synchronous normal\`),
server \`--threads 2\`, one webhook endpoint (a local receiver answering 204).
Command: \`node bench/history-bench.mjs${orders !== 1000000 ? ` --orders ${orders}` : ''}${historyDb ? ` --history-db ${historyDb}` : ''} --duration ${duration} --connections ${connections} --rounds ${rounds}\`.
History: \`cartcore-history --orders ${generated.orders ?? orders} --days ${HISTORY_DAYS} --delivered-to …\` in ${fixed(generated.seconds, 0)} s${historyDb ? ' (an earlier run, --history-db)' : ''}:
${history} and ${historyRows.idempotency.toLocaleString('en')} idempotency records, ${fixed(historyMegabytes, 0)} MB; the deliveries
were written and deleted as the dispatcher does, so the table the dispatcher reads holds only the backlog.

### Write latency: fresh store against ${history}

Hold + checkout (one unit of one of ${SPREAD} SKUs, Idempotency-Key on every checkout), wrk \`-t1 -c${connections}\`,
${duration} s per run after a warm-up, the two stores in turn (each first in every other round), ${rounds} runs each;
medians of the runs. Server CPU includes the server's WAL checkpointer and webhook dispatcher threads.

| store | orders/s | p50 | p99 | server CPU per request | errors |
| --- | ---: | ---: | ---: | ---: | ---: |
| fresh | ${fixed(f.ordersPerSecond, 0)} | ${fixed(f.p50, 2)} ms | ${fixed(f.p99, 2)} ms | ${fixed(f.cpuMicrosPerRequest, 0)} µs | ${f.errors} |
| ${history} | ${fixed(g.ordersPerSecond, 0)} | ${fixed(g.p50, 2)} ms | ${fixed(g.p99, 2)} ms | ${fixed(g.cpuMicrosPerRequest, 0)} µs | ${g.errors} |
| **history ÷ fresh** | ${fixed(ratio('ordersPerSecond'), 2)} | **${fixed(ratio('p50'), 2)}** | ${fixed(ratio('p99'), 2)} | **${fixed(ratio('cpuMicrosPerRequest'), 2)}** | |

Target (issue 10): p50 and CPU per request within 20 % of the fresh store: ${withinTarget ? '**met**' : '**not met**'}.
Every run: ${results.fresh.map((r) => `${fixed(r.p50, 2)}`).join(' / ')} ms p50 fresh, ${results.grown.map((r) => `${fixed(r.p50, 2)}`).join(' / ')} ms with history.

### Outbox: commit rate against delivery rate

| run | orders/s committed | events/s written | events/s delivered | backlog, most | backlog at end |
| --- | ---: | ---: | ---: | ---: | ---: |
| fresh store (median of ${rounds}) | ${fixed(f.ordersPerSecond, 0)} | ${fixed(f.eventsWrittenPerSecond, 0)} | ${fixed(f.deliveredPerSecond, 0)} | ${f.pendingMax} | – |
| history store (median of ${rounds}) | ${fixed(g.ordersPerSecond, 0)} | ${fixed(g.eventsWrittenPerSecond, 0)} | ${fixed(g.deliveredPerSecond, 0)} | ${g.pendingMax} | – |
| history store, receiver refusing (503) | ${fixed(refused.ordersPerSecond, 0)} | ${fixed(refused.eventsWrittenPerSecond, 0)} | ${fixed(refused.deliveredPerSecond, 0)} | ${refused.pendingMax} | ${refused.pendingEnd} |
| then receiver back, load on (${2 * duration} s) | ${fixed(draining.ordersPerSecond, 0)} | ${fixed(draining.eventsWrittenPerSecond, 0)} | ${fixed(draining.deliveredPerSecond, 0)} | ${draining.pendingMax} | ${draining.pendingEnd} |

Backlog while draining (pending deliveries, sampled every 0.5 s): ${draining.samples.filter((_, i) => i % 2 === 1).map((s) => `${fixed(s.second, 0)} s: ${s.pending}`).join(', ')}.
${drainedAt ? `The ${refused.pendingEnd.toLocaleString('en')}-event backlog was gone ${fixed(drainedAt.second, 1)} s after the receiver came back, while
${fixed(draining.ordersPerSecond, 0)} orders/s kept committing: the dispatcher delivered ${fixed(drainedAt.delivered / drainedAt.second, 0)} events/s then, against
${fixed(draining.eventsWrittenPerSecond, 0)} events/s written.` : `The backlog of ${refused.pendingEnd} events was not drained within ${2 * duration} s.`}`;

console.log(report);
if (write) replaceResultsSection(join(here, 'RESULTS.md'), 'history', 'Write latency as history grows, and the outbox (issue 10)', report, 'bench/history-bench.mjs');
http.close();
process.exit(0);
