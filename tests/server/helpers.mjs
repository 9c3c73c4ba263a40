// SPDX-License-Identifier: MIT
// Starts the real cartcore-server binary on a fresh database and talks to it over loopback. The backend is SQLite
// (a file in a temporary directory) unless CARTCORE_TEST_BACKEND=postgresql, when each test gets a fresh database
// on a throwaway cluster (support/postgres.mjs; support/with-postgres.mjs shares one cluster across a run).
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, sign as signBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { testCluster } from './support/postgres.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const SERVER_BIN =
  process.env.CARTCORE_SERVER_BIN ?? resolve(here, '../../build/native/server/cartcore-server');
export const ADMIN_TOKEN = 'test-admin-token';
export const BACKEND = process.env.CARTCORE_TEST_BACKEND === 'postgresql' ? 'postgresql' : 'sqlite';

/**
 * A temporary directory and a fresh database for one test, removed by the returned cleanup. `db` is a SQLite file
 * path, or a postgresql:// URL on the PostgreSQL backend; startServer takes either.
 */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'cartcore-server-test-'));
  const db = BACKEND === 'postgresql' ? testCluster().createDatabase() : join(dir, 'store.db');
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Everything a test's database holds, as text: the SQLite files, or a data-only dump of the PostgreSQL database. */
export function databaseText(tmp) {
  if (!tmp.db.startsWith('postgresql://')) {
    return readdirSync(tmp.dir).filter((f) => f.startsWith('store.db')).map((f) => readFileSync(join(tmp.dir, f), 'latin1'))
      .join('');
  }
  return testCluster().dump(/^postgresql:\/\/[^/]*\/([^?]+)/.exec(tmp.db)[1]);
}

/** Turns off the per-client and per-IP hold limits: every test client shares 127.0.0.1. */
export const NO_FAIR_ACCESS_LIMITS = [
  '--max-holds-per-client', '0', '--max-held-units-per-client', '0', '--max-extension-per-client', '0',
  '--hold-rate-per-ip', '0',
];

/**
 * Spawns the server on port 0 and resolves once it prints its listening line. `fileLimit` runs it under
 * `ulimit -n` (RLIMIT_NOFILE), to see what it does when file descriptors run out. The fair-access limits are off
 * unless `fairAccess` (tests of other things run many clients from one address); `args` come last and win.
 */
export async function startServer({ db, args = [], fileLimit, fairAccess = false } = {}) {
  const database = db.startsWith('postgresql://') ? ['--database', db] : ['--db', db];
  const argv = [...database, '--port', '0', '--admin-token', ADMIN_TOKEN, ...(fairAccess ? [] : NO_FAIR_ACCESS_LIMITS),
    ...args];
  const proc = fileLimit
    ? spawn('sh', ['-c', `ulimit -n ${Number(fileLimit)} && exec "$0" "$@"`, SERVER_BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(SERVER_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');  // never leave a half-started server behind (it would join the test's database later)
      reject(new Error(`server did not start within 10 s: ${stderr}`));
    }, 10000);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolveReady(JSON.parse(line));
    });
  });
  const base = `http://127.0.0.1:${ready.port}`;
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  return {
    proc,
    base,
    port: ready.port,
    ready,
    stderr: () => stderr,
    /** Graceful stop (SIGTERM) and wait. */
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
    /** kill -9: no chance to flush or clean up. */
    async crash() {
      proc.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs `body(server, tmp)` against a fresh server on a fresh database, then stops it and removes the files. */
export async function withServer(args, body, options = {}) {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args, ...options });
  try {
    await body(server, tmp);
  } finally {
    await server.stop();
    tmp.cleanup();
  }
}

/**
 * fetch + JSON; never throws on HTTP errors, returns { status, body, headers }. POST and PUT carry
 * `Content-Type: application/json` as the server requires, unless `contentType` says otherwise (null: none).
 */
export async function call(server, method, path, { body, headers = {}, admin = false, raw, contentType = 'application/json' } = {}) {
  const init = { method, headers: { ...headers } };
  if (admin) init.headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) init.body = JSON.stringify(body);
  if ((method === 'POST' || method === 'PUT') && contentType !== null) init.headers['content-type'] = contentType;
  const response = await fetch(server.base + path, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export const cart = (lines, extra = {}) => ({ lines, ...extra });

export async function setStock(server, levels) {
  const r = await call(server, 'PUT', '/v1/admin/stock', { admin: true, body: { levels } });
  if (r.status !== 200) throw new Error(`setStock failed: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function stockOf(server, variant) {
  const r = await call(server, 'GET', `/v1/admin/stock/${variant}`, { admin: true });
  if (r.status !== 200) throw new Error(`stockOf failed: ${JSON.stringify(r.body)}`);
  return r.body.stock;
}

/** Every committed order, following the pagination cursor. */
export async function allOrders(server) {
  const orders = [];
  let after = 0;
  for (;;) {
    const r = await call(server, 'GET', `/v1/admin/orders?after=${after}&limit=1000`, { admin: true });
    if (r.status !== 200) throw new Error(`orders failed: ${JSON.stringify(r.body)}`);
    orders.push(...r.body.orders);
    if (r.body.orders.length < 1000) return orders;
    after = r.body.next;
  }
}

export async function allEvents(server) {
  const events = [];
  let after = 0;
  for (;;) {
    const r = await call(server, 'GET', `/v1/admin/events?after=${after}&limit=1000`, { admin: true });
    events.push(...r.body.events);
    if (r.body.events.length < 1000) return events;
    after = r.body.next;
  }
}

/** Hold a cart then confirm it with the digest the hold's quote showed. */
export async function holdAndCheckout(server, lines, { idempotencyKey, segments } = {}) {
  const cartBody = segments ? cart(lines, { customer: { segments } }) : cart(lines);
  const hold = await call(server, 'POST', '/v1/holds', { body: { cart: cartBody } });
  if (hold.status !== 201) return { hold };
  const headers = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
  const checkout = await call(server, 'POST', '/v1/checkout', {
    headers,
    body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
  });
  return { hold, checkout };
}

export function metricValue(text, name) {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : undefined;
}

/** A secret for --customer-hmac-secret in tests (the server wants at least 32 bytes). */
export const CUSTOMER_SECRET = 'test-customer-secret-0123456789abcdef';

/**
 * A Cartcore-Customer token as a storefront backend would sign it: a compact JWT over `claims`
 * ({customer, segments, exp}), HS256 with `secret` or EdDSA with an Ed25519 `privateKey` (node:crypto KeyObject).
 */
export function signCustomer(claims, { secret = CUSTOMER_SECRET, privateKey, header } = {}) {
  const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const alg = privateKey ? 'EdDSA' : 'HS256';
  const signed = `${b64(header ?? { alg, typ: 'JWT' })}.${b64(claims)}`;
  const signature = privateKey
    ? signBytes(null, Buffer.from(signed), privateKey)
    : createHmac('sha256', secret).update(signed).digest();
  return `${signed}.${signature.toString('base64url')}`;
}

/** Seconds since the epoch, `offset` seconds from now: for `exp`. */
export const epochSeconds = (offset = 0) => Math.floor(Date.now() / 1000) + offset;

/**
 * Like call(), from a chosen loopback source address (127.0.0.2, 127.0.0.3, ...): each address is another client to
 * the per-IP limits. One connection per request.
 */
export function callFrom(server, address, method, path, { body, headers = {}, admin = false } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const allHeaders = { ...headers };
  if (admin) allHeaders.authorization = `Bearer ${ADMIN_TOKEN}`;
  if (method === 'POST' || method === 'PUT') allHeaders['content-type'] = 'application/json';
  if (payload !== undefined) allHeaders['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers: allHeaders, localAddress: address, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode, body: parsed, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** `cartcore-server keys …` on a test's database (tempDir().db); returns the parsed JSON it prints (throws on failure). */
export function keysCommand(db, ...args) {
  const database = db.startsWith('postgresql://') ? ['--database', db] : ['--db', db];
  const run = spawnSync(SERVER_BIN, ['keys', ...args, ...database], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`keys ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** A new API key of this scope ("admin", "edge", "analytics", "checkout") in the database: { id, key, ... }. */
export const createKey = (db, scope, name = `${scope} key`) => keysCommand(db, 'create', '--scope', scope, '--name', name);
