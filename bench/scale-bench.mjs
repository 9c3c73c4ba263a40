// SPDX-License-Identifier: MIT
// Multi-instance benchmark (issue 11): hold + checkout through 1..3 cartcore-server instances on one PostgreSQL
// database, beside one instance on SQLite, on one hot SKU and on spread SKUs, with durable checkouts. Also: holds/s
// on the hot SKU, how stale another instance's quotes are, latency before and after a large order history, and
// quotes/s through the same instances (the "quotes" part, in its own block of bench/RESULTS.md).
//
//   node bench/scale-bench.mjs [--duration 10] [--connections 32] [--history 300000] [--no-write]
//                              [--only throughput,holds,staleness,history,profile,quotes]
//                              [--server-args "--opt value"]
//
// Starts its own PostgreSQL cluster (initdb + pg_ctl in a temporary directory, fsync on: real flushes) and its own
// servers on port 0; load comes from wrk (one wrk per instance, the connections split evenly). Prints Markdown and,
// unless --no-write, replaces the "Scale" block of bench/RESULTS.md (and the "scale-quotes" block, when quotes ran).
// Env: CARTCORE_SERVER_BIN.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgresSync } from '../tests/server/support/postgres.mjs';
import { option, replaceResultsSection } from './results-section.mjs';
import { HOLD_CHECKOUT, QUOTES, TOKEN, metric, runWrk, startBenchServer, ticksOf } from './server-harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serverBin = process.env.CARTCORE_SERVER_BIN ?? resolve(here, '../build/native/server/cartcore-server');
const duration = Number(option('duration', '10'));
const connections = Number(option('connections', '32'));
const historyOrders = Number(option('history', '300000'));
const write = !process.argv.includes('--no-write');
const serverArgs = option('server-args', '').split(' ').filter(Boolean);  // added to every instance's options
const only = option('only', '');  // a comma-separated subset of: throughput, holds, staleness, history, profile, quotes
const SPREAD = 200;  // variants in the spread workload

if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (scripts/setup installs it)');
const work = mkdtempSync(join(tmpdir(), 'cartcore-scale-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** A store of SPREAD one-variant products at 10.00 and a probe variant whose quotes always show what is left. */
function benchConfig() {
  const variants = Array.from({ length: SPREAD }, (_, i) => ({ id: `bench-${i}`, sku: `BENCH-${i}`, price: '10.00' }));
  variants.push({ id: 'probe', sku: 'PROBE', price: '10.00', lowStockLevel: 1000000 });
  return {
    schemaVersion: 1,
    store: { name: 'Scale bench', currency: 'USD' },
    catalog: { products: [{ id: 'bench', name: 'Bench item', variants }] },
    priceRules: [],
    promotions: [],
  };
}
const configFile = join(work, 'bench-config.json');
writeFileSync(configFile, JSON.stringify(benchConfig()));

function startServer(database, args = []) {
  return startBenchServer(serverBin, database, ['--config', configFile, '--no-seed', ...serverArgs, ...args]);
}

async function request(server, method, path, body) {
  const response = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function stockAll(server, onHand) {
  const levels = { probe: { onHand: 900000 } };
  for (let i = 0; i < SPREAD; i++) levels[`bench-${i}`] = { onHand };
  const r = await request(server, 'PUT', '/v1/admin/stock', { levels });
  if (r.status !== 200) throw new Error(`stock: ${JSON.stringify(r.body)}`);
}

/** CPU ticks of the PostgreSQL cluster: the postmaster and every backend and helper it runs. */
function databaseTicks() {
  const postmaster = readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0];
  const children = spawnSync('pgrep', ['-P', postmaster], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return [postmaster, ...children].reduce((n, pid) => n + ticksOf(pid), 0);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fixed = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '?');

/**
 * One measured run: `servers` under wrk for `duration` s after a 2 s warm-up. Latency is per wrk (one per
 * instance): p50 is their median, p99 their maximum.
 */
async function measure(servers, env, workload = HOLD_CHECKOUT) {
  const perServer = Math.max(1, Math.floor(connections / servers.length));
  await Promise.all(servers.map((s) => runWrk(s, perServer, 2, env, workload)));
  const before = await Promise.all(servers.map(async (s) => [await metric(s, 'cartcore_orders_committed_total'),
    await metric(s, 'cartcore_holds_created_total'), s.cpuTicks()]));
  const databaseBefore = servers.postgres ? databaseTicks() : 0;
  const runs = await Promise.all(servers.map((s) => runWrk(s, perServer, duration, env, workload)));
  const after = await Promise.all(servers.map(async (s) => [await metric(s, 'cartcore_orders_committed_total'),
    await metric(s, 'cartcore_holds_created_total'), s.cpuTicks()]));
  const databaseAfter = servers.postgres ? databaseTicks() : 0;
  const delta = (k) => after.reduce((n, a, i) => n + a[k] - before[i][k], 0);
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  return {
    ordersPerSecond: delta(0) / duration,
    holdsPerSecond: delta(1) / duration,
    requestsPerSecond: requests / duration,
    p50: median(runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    serverCpuMicrosPerRequest: requests ? (delta(2) * 1e6) / 100 / requests : NaN,
    databaseCpuMicrosPerRequest: requests && servers.postgres ? ((databaseAfter - databaseBefore) * 1e6) / 100 / requests
      : NaN,
  };
}

async function withServers(backend, count, args, body, onCluster = cluster) {
  const database = backend === 'sqlite' ? join(work, `bench-${Date.now()}.db`) : onCluster.createDatabase();
  const servers = [];
  servers.postgres = backend !== 'sqlite';
  for (let i = 0; i < count; i++) servers.push(await startServer(database, args));
  try {
    await stockAll(servers[0], 1000000000);
    return await body(servers, database);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const cluster = startPostgresSync({ fsync: true, settings: { shared_buffers: "'256MB'" } });
const sections = [];
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const quotesLoad = load();
const header = `Machine: ${cpus().length} × ${cpus()[0].model}, shared with the load generator and other work (load average at start: ${load()}); PostgreSQL ${cluster.bin.split('/').at(-2)} with fsync on, in a throwaway cluster on the local disk; ${new Date().toISOString().slice(0, 16)}Z.
Command: \`node bench/scale-bench.mjs --duration ${duration} --connections ${connections}${historyOrders !== 300000 ? ` --history ${historyOrders}` : ''}\` (wrk per instance, ${connections} connections split evenly; p50 is the median of the instances' p50s, p99 their maximum).`;
const wanted = (part) => !only || only.split(',').includes(part);

if (wanted('throughput')) {
  const rows = [];
  const scenarios = [['sqlite', 1], ['postgresql', 1], ['postgresql', 2], ['postgresql', 3]];
  for (const [backend, count] of scenarios)
    for (const [label, variants] of [['one hot SKU', 1], [`${SPREAD} SKUs`, SPREAD]]) {
      const r = await withServers(backend, count, [], (servers) => measure(servers, { BENCH_VARIANTS: String(variants) }));
      rows.push(`| ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${count} | ${label} | ${fixed(r.ordersPerSecond, 0)} | ${fixed(r.p50)} ms | ${fixed(r.p99)} ms | ${r.errors} | ${fixed(r.serverCpuMicrosPerRequest, 0)} µs | ${backend === 'sqlite' ? '–' : `${fixed(r.databaseCpuMicrosPerRequest, 0)} µs`} |`);
      console.error(rows.at(-1));
    }
  sections.push(`### Hold + checkout, durable checkouts

Each order is one \`POST /v1/holds\` (1 unit) and one \`POST /v1/checkout\` with an Idempotency-Key, answered only once
the order is on disk (SQLite \`--synchronous normal\`: WAL, survives kill -9; PostgreSQL: flushed before the answer).

| backend | instances | workload | orders/s | p50 | p99 | errors | server CPU per request | PostgreSQL CPU per request |
| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`);
}

if (wanted('holds')) {
  const rows = [];
  for (const [label, count, args, variants] of [
    ['one hot SKU, holds committed asynchronously (default)', 1, [], 1],
    [`${SPREAD} SKUs, holds committed asynchronously (default)`, 1, [], SPREAD],
    ['one hot SKU, holds committed asynchronously (default)', 3, [], 1],
    ['one hot SKU, every hold flushed (`--synchronous full`)', 1, ['--synchronous', 'full'], 1],
    ['one hot SKU, every hold flushed (`--synchronous full`)', 3, ['--synchronous', 'full'], 1],
  ]) {
    const r = await withServers('postgresql', count, args,
      (servers) => measure(servers, { BENCH_VARIANTS: String(variants), BENCH_HOLDS_ONLY: '1' }));
    rows.push(`| ${label} | ${count} | ${fixed(r.holdsPerSecond, 0)} | ${fixed(r.p50)} ms | ${fixed(r.p99)} ms | ${r.errors} | ${fixed(r.serverCpuMicrosPerRequest, 0)} µs | ${fixed(r.databaseCpuMicrosPerRequest, 0)} µs |`);
    console.error(rows.at(-1));
  }
  sections.push(`### Holds (PostgreSQL)

Only \`POST /v1/holds\` of 1 unit (no checkout), ${connections} connections.

| holds | instances | holds/s | p50 | p99 | errors | server CPU per hold | PostgreSQL CPU per hold |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`);
}

if (wanted('staleness')) {
  // A hold on one instance, then quotes on another until they show the unit gone: how long a quote can lag.
  const lags = await withServers('postgresql', 2, [], async ([a, b]) => {
    const remaining = async () => (await request(b, 'POST', '/v1/quote', { lines: [{ variant: 'probe', quantity: 1 }] }))
      .body.quote.lines[0].lowStock?.remaining;
    const samples = [];
    for (let i = 0; i < 200; i++) {
      const before = await remaining();
      const hold = await request(a, 'POST', '/v1/holds', { cart: { lines: [{ variant: 'probe', quantity: 1 }] } });
      if (hold.status !== 201) throw new Error(`hold: ${JSON.stringify(hold.body)}`);
      const answered = performance.now();
      while ((await remaining()) !== before - 1) {
        if (performance.now() - answered > 10000) throw new Error('the other instance never saw the hold');
      }
      samples.push(performance.now() - answered);
    }
    return samples.sort((x, y) => x - y);
  });
  const at = (q) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))];
  sections.push(`### How stale another instance's quotes are (PostgreSQL, 2 instances)

200 times: a hold on instance A; then quotes on instance B, back to back, until B's quote shows the unit gone. Time
from A's answer to the first B quote that shows it (includes one quote round trip): p50 ${fixed(at(0.5))} ms, p99
${fixed(at(0.99))} ms, max ${fixed(lags.at(-1))} ms. The bound without notifications (a lost listener connection) is
the 5 s full refresh.`);
  console.error(sections.at(-1));
}

if (wanted('history')) {
  const result = await withServers('postgresql', 1, [], async ([server], database) => {
    const env = { BENCH_VARIANTS: String(SPREAD) };
    const fresh = await measure([server], env);
    const name = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(database)[1];
    const started = performance.now();
    // Synthetic history: committed holds with their orders, order lines, idempotency records and events.
    cluster.psql(`
      INSERT INTO holds (id, status, cart_json, quote_json, quote_digest, created_at, expires_at, updated_at, order_id)
        SELECT 'hist_h' || g, 'committed', '{}', '{}', 'sha256:0', 1, 2, 3, 'hist_o' || g FROM generate_series(1, ${historyOrders}) g;
      INSERT INTO hold_lines (hold_id, variant, pool, quantity)
        SELECT 'hist_h' || g, 'bench-' || (g % ${SPREAD}), '', 1 FROM generate_series(1, ${historyOrders}) g;
      INSERT INTO orders (id, hold_id, idempotency_key, currency, total_minor, quote_digest, quote_json, order_json, created_at)
        SELECT 'hist_o' || g, 'hist_h' || g, 'hist_k' || g, 'USD', 1000, 'sha256:0', '{}', '{}', 1 FROM generate_series(1, ${historyOrders}) g;
      INSERT INTO order_lines (order_id, line_id, variant, sku, quantity, total_minor)
        SELECT 'hist_o' || g, 'l1', 'bench-' || (g % ${SPREAD}), 'BENCH', 1, 1000 FROM generate_series(1, ${historyOrders}) g;
      INSERT INTO idempotency_keys (key, request_hash, status, response_body, created_at)
        SELECT 'hist_k' || g, 'x', 200, '{}', cartcore_now_ms(0) FROM generate_series(1, ${historyOrders}) g;
      INSERT INTO outbox (type, partition_key, partition_seq, payload, created_at)
        SELECT 'order.committed', 'history', g, '{}', 1 FROM generate_series(1, ${historyOrders}) g;`, name);
    cluster.psql('VACUUM ANALYZE', name);
    // Flush what the load dirtied now: otherwise the checkpoint it sets off runs during the measured run, and that
    // run measures the load's write-back instead of the history (p50 1.25-1.28x at 1M without this, 0.74x with).
    cluster.psql('CHECKPOINT', name);
    const loadedSeconds = (performance.now() - started) / 1000;
    const grown = await measure([server], env);
    return { fresh, grown, loadedSeconds };
  });
  const row = (label, r) => `| ${label} | ${fixed(r.ordersPerSecond, 0)} | ${fixed(r.p50)} ms | ${fixed(r.p99)} ms |`;
  sections.push(`### Latency as history grows (PostgreSQL, 1 instance, ${SPREAD} SKUs)

The same run before and after ${historyOrders.toLocaleString('en')} committed orders (with their holds, lines,
idempotency records and events) were added to the database (${fixed(result.loadedSeconds, 0)} s to load).

| history | orders/s | p50 | p99 |
| --- | ---: | ---: | ---: |
${row('fresh database', result.fresh)}
${row(`+${historyOrders.toLocaleString('en')} orders`, result.grown)}`);
  console.error(sections.at(-1));
}

if (wanted('profile')) {
  // Where PostgreSQL's time goes in hold + checkout on the hot SKU: pg_stat_statements (track = all, so the
  // statements inside the server-side functions are counted too) on a cluster of its own.
  const profiled = startPostgresSync({ fsync: true, settings: { shared_buffers: "'256MB'",
    shared_preload_libraries: "'pg_stat_statements'", 'pg_stat_statements.track': 'all' } });
  const top = await withServers('postgresql', 1, [], async (servers, database) => {
    const name = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(database)[1];
    profiled.psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', name);
    profiled.psql('SELECT pg_stat_statements_reset()', name);
    const r = await measure(servers, { BENCH_VARIANTS: '1' });
    const statements = (toplevel, limit) => profiled.psql(`SELECT calls, round(total_exec_time::numeric, 0),
        round(mean_exec_time::numeric * 1000, 0), regexp_replace(left(query, 100), '\\s+', ' ', 'g')
      FROM pg_stat_statements WHERE toplevel = ${toplevel} ORDER BY total_exec_time DESC LIMIT ${limit}`, name);
    return { r, rows: statements(true, 10), nested: statements(false, 10) };
  }, profiled);
  profiled.stop();
  const table = (text) => text.trim().split('\n').map((line) => {
    const [calls, total, mean, query] = line.split('|');
    return `| ${Number(calls).toLocaleString('en')} | ${Number(total).toLocaleString('en')} | ${mean} µs | \`${query.replaceAll('|', '\\|').replaceAll('`', "'")}\` |`;
  }).join('\n');
  sections.push(`### Where PostgreSQL's time goes (1 instance, one hot SKU, hold + checkout)

pg_stat_statements (top-level statements, as the server sends them) over one ${duration} s run
(${fixed(top.r.ordersPerSecond, 0)} orders/s here, the profiler on):

| calls | total ms | mean | statement the server sends |
| ---: | ---: | ---: | --- |
${table(top.rows)}

| calls | total ms | mean | statement inside the functions |
| ---: | ---: | ---: | --- |
${table(top.nested)}`);
  console.error(sections.at(-1));
}

let quotesReport = '';
if (wanted('quotes')) {
  // Quotes through the same line-up in one run, so the ratios compare like with like: a quote prices the cart
  // against the instance's own stock cache (no database round trip), so instances should add quote capacity
  // wherever they get cores of their own.
  // SQLite's default is one I/O thread per CPU, PostgreSQL's 4 per CPU (a request thread waits for the database);
  // SQLite with PostgreSQL's count too, so the thread count is not mistaken for the backend.
  const results = [];
  for (const [backend, count, args] of [['sqlite', 1, []], ['sqlite', 1, ['--threads', '8']], ['postgresql', 1, []],
    ['postgresql', 2, []], ['postgresql', 3, []]]) {
    const r = await withServers(backend, count, args, async (servers) => ({
      threads: servers[0].threads, ...(await measure(servers, { BENCH_VARIANTS: String(SPREAD) }, QUOTES)) }));
    results.push({ backend, count, r });
    console.error(`quotes: ${backend} x${count} (${r.threads} threads): ${fixed(r.requestsPerSecond, 0)}/s`);
  }
  const base = results[0].r.requestsPerSecond;
  const rows = results.map(({ backend, count, r }) => `| ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${count} | ` +
    `${r.threads} | ${fixed(r.requestsPerSecond, 0)} | ${fixed(r.requestsPerSecond / base, 2)} | ${fixed(r.p50)} ms | ${fixed(r.p99)} ms | ` +
    `${r.errors} | ${fixed(r.serverCpuMicrosPerRequest, 0)} µs | ${backend === 'sqlite' ? '–' : `${fixed(r.databaseCpuMicrosPerRequest, 0)} µs`} |`);
  quotesReport = `Machine: ${cpus().length} × ${cpus()[0].model}, shared with wrk and other work (load average when the run started: ${quotesLoad});
PostgreSQL ${cluster.bin.split('/').at(-2)}, fsync on; ${new Date().toISOString().slice(0, 16)}Z.
Command: \`node bench/scale-bench.mjs --only quotes --duration ${duration} --connections ${connections}\` (one run; wrk per
instance, ${connections} connections split evenly; p50 the median of the instances' p50s, p99 their maximum).
\`POST /v1/quote\` of 1-3 lines drawn from ${SPREAD} SKUs, priced with live stock from the instance's cache.

| backend | instances | threads each | quotes/s | vs SQLite (first row) | p50 | p99 | errors | server CPU per quote | PostgreSQL CPU per quote |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}`;
  console.error(quotesReport);
}

cluster.stop();
const report = `${header}\n\n${sections.join('\n\n')}`;
if (sections.length) console.log(report);
if (quotesReport) console.log(quotesReport);
if (write && sections.length)
  replaceResultsSection(join(here, 'RESULTS.md'), 'scale', 'Scale: many instances on PostgreSQL (issue 11)', report,
    'bench/scale-bench.mjs');
if (write && quotesReport)
  replaceResultsSection(join(here, 'RESULTS.md'), 'scale-quotes', 'Scale: quotes through many instances (issue 11)',
    quotesReport, 'bench/scale-bench.mjs --only quotes');
process.exit(0);
