// SPDX-License-Identifier: MIT
// The dashboard's files as the real cartcore-server serves them at /admin/: every embedded file byte for byte
// with its Content-Type, the strict CSP and the other page headers, ETag revalidation (304 without a body, on a
// kept-alive connection), /admin redirecting to /admin/, and no path - dot segments, encoded dots or slashes,
// backslashes, hidden names - reaching anything outside the embedded set.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../js/support/native.mjs';
import { startServer, tempDir } from '../server/helpers.mjs';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
  'app.mjs': 'text/javascript; charset=utf-8',
  'api.mjs': 'text/javascript; charset=utf-8',
  'chart.mjs': 'text/javascript; charset=utf-8',
  'live-stock.mjs': 'text/javascript; charset=utf-8',
  'replay-view.mjs': 'text/javascript; charset=utf-8',
};

let temp;
let server;
before(async () => {
  temp = tempDir();
  server = await startServer({ db: temp.db });
});
after(async () => {
  await server?.stop();
  temp?.cleanup();
});

/** A raw HTTP request: the path is sent exactly as written (fetch would resolve "..", this does not). */
function raw(path, { method = 'GET', headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), socket: req.socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertPageHeaders(headers) {
  assert.equal(headers['content-security-policy'], CSP);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'no-referrer');
  assert.equal(headers['x-frame-options'], 'DENY');
}

test('every dashboard file is served byte for byte with its type, the CSP and revalidation headers', async () => {
  for (const [name, type] of Object.entries(FILES)) {
    const response = await raw(`/admin/${name}`);
    assert.equal(response.status, 200, name);
    assert.equal(response.headers['content-type'], type, name);
    assert.deepEqual(response.body, readFileSync(join(repoRoot, 'dashboard', name)), name);
    assert.equal(response.headers['cache-control'], 'no-cache', name);
    assert.match(response.headers.etag, /^"[0-9a-f]{32}"$/, name);
    assertPageHeaders(response.headers);
  }
  const index = await raw('/admin/');
  assert.deepEqual(index.body, readFileSync(join(repoRoot, 'dashboard/index.html')));
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
});

// A worktree whose node_modules predates uPlot builds a server without charts (CMake warns); CI runs npm ci first.
const uplotInstalled = existsSync(join(repoRoot, 'node_modules/uplot/dist/uPlot.esm.js'));
test('uPlot is served from the build, the exact files npm ci installed', { skip: !uplotInstalled && 'node_modules/uplot is missing: run npm ci' }, async () => {
  const esm = await raw('/admin/vendor/uPlot.esm.js');
  assert.equal(esm.status, 200);
  assert.equal(esm.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.deepEqual(esm.body, readFileSync(join(repoRoot, 'node_modules/uplot/dist/uPlot.esm.js')));
  const css = await raw('/admin/vendor/uPlot.min.css');
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.deepEqual(css.body, readFileSync(join(repoRoot, 'node_modules/uplot/dist/uPlot.min.css')));
});

test('/admin redirects to /admin/, so the page\'s relative URLs resolve', async () => {
  const response = await raw('/admin');
  assert.equal(response.status, 308);
  assert.equal(response.headers.location, '/admin/');
  assertPageHeaders(response.headers);
});

test('a matching If-None-Match gets 304 with no body, and the connection stays usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await raw('/admin/app.mjs', { agent });
    const etag = first.headers.etag;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await raw('/admin/app.mjs', { agent, headers: { 'if-none-match': ifNoneMatch } });
      assert.equal(again.status, 304, ifNoneMatch);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers.etag, etag);
      assert.equal(again.headers['content-length'], undefined, 'a 304 must not claim a zero-length representation');
      assert.equal(again.socket, first.socket, 'the same kept-alive connection');
    }
    const stale = await raw('/admin/app.mjs', { agent, headers: { 'if-none-match': '"0123"' } });
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.body, first.body);
    // Another file's validator does not match this one.
    const other = await raw('/admin/api.mjs', { agent, headers: { 'if-none-match': etag } });
    assert.equal(other.status, 200);
  } finally {
    agent.destroy();
  }
});

test('HEAD has GET\'s headers and no body; other methods are 405 with Allow', async () => {
  const get = await raw('/admin/app.mjs');
  const head = await raw('/admin/app.mjs', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], String(get.body.length));
  for (const method of ['DELETE', 'PUT', 'POST']) {
    const refused = await raw('/admin/app.mjs', { method, headers: { 'content-type': 'application/json' } });
    assert.equal(refused.status, 405, method);
    assert.equal(refused.headers.allow, 'GET, HEAD');
  }
});

test('no path escapes the embedded set: dot segments, encoded dots and slashes, backslashes, hidden names', async () => {
  const secrets = [readFileSync(join(repoRoot, 'server/sample-store.json')), Buffer.from('"ok":true')];
  const attempts = [
    '/admin/../v1/admin/config', '/admin/../../etc/passwd', '/admin/./index.html', '/admin/%2e%2e/server/sample-store.json',
    '/admin/%2E%2E%2Fserver%2Fsample-store.json', '/admin/..%2f..%2fserver%2fsample-store.json', '/admin/vendor/../index.html',
    '/admin/vendor/%2e%2e/app.mjs', '/admin/vendor%2fuPlot.esm.js', '/admin/..\\server\\sample-store.json', '/admin/%5c..%5cindex.html',
    '/admin/.git/config', '/admin/.%2e/CMakeLists.txt', '/admin/index.html/', '/admin/index.html%00.css', '/admin/app.mjs%20',
    '/admin/INDEX.HTML', '/admin/dashboard.cmake', '/admin/server/sample-store.json', '/admin/node_modules/uplot/package.json',
  ];
  for (const path of attempts) {
    const response = await raw(path);
    assert.ok(response.status === 404 || response.status === 400, `${path} -> ${response.status}`);
    for (const secret of secrets) assert.equal(response.body.includes(secret), false, path);
  }
  // A path that fetch() would have normalized into the API is answered by the dashboard route, never the API.
  assert.equal((await raw('/admin/../v1/admin/config', { headers: { authorization: 'Bearer test-admin-token' } })).status, 404);
});

