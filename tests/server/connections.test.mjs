// SPDX-License-Identifier: MIT
// The connection cap and running out of file descriptors: past the cap, clients wait in the listen backlog and are
// served as soon as a slot frees; out of descriptors, the accept loop backs off instead of spinning a core, and the
// server serves again once descriptors are free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir, startServer, call, metricValue } from './helpers.mjs';

/** An idle TCP connection, open once connected. */
function idleConnection(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** GET on a connection of its own (no pooling); resolves with the status, or 'timeout' after `ms`. */
function getOnNewConnection(port, path, ms) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(ms, () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
}

/** CPU time the process has used, in clock ticks (utime + stime of /proc/PID/stat; 100 per second on Linux). */
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

test('connection cap: past --max-connections a client waits, and is served once a slot frees', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, args: ['--max-connections', '4', '--threads', '1'] });
  const sockets = [];
  try {
    assert.equal(server.ready.maxConnections, 4);
    for (let i = 0; i < 4; i++) sockets.push(await idleConnection(server.port));
    const waiting = getOnNewConnection(server.port, '/healthz', 5000);
    const early = await Promise.race([waiting, sleep(600).then(() => 'still waiting')]);
    assert.equal(early, 'still waiting', 'the fifth connection is not served while four are open');
    sockets.pop().destroy();
    assert.equal(await waiting, 200, 'served once a slot freed');
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
    tmp.cleanup();
  }
});

test('out of file descriptors: the accept loop backs off instead of spinning, then serves again', async () => {
  const tmp = tempDir();
  const server = await startServer({ db: tmp.db, fileLimit: 48, args: ['--max-connections', '1000', '--threads', '1'] });
  const sockets = [];
  try {
    assert.equal((await call(server, 'GET', '/healthz')).status, 200);
    const used = readdirSync(`/proc/${server.proc.pid}/fd`).length;
    // Enough idle connections to use every descriptor left, and a dozen more that cannot be accepted.
    for (let i = 0; i < 48 - used + 12; i++) sockets.push(await idleConnection(server.port));
    await sleep(300);
    assert.ok(readdirSync(`/proc/${server.proc.pid}/fd`).length >= 47, 'the descriptors are exhausted');
    const before = cpuTicks(server.proc.pid);
    await sleep(1000);
    const ticks = cpuTicks(server.proc.pid) - before;
    // A spinning accept loop burns up to 100 ticks a second (38 measured on a loaded 2-core machine); backing off
    // burns 0 or 1. The bound leaves room for noise and still catches a spin.
    assert.ok(ticks < 10, `the server used ${ticks} CPU ticks in one idle second at EMFILE`);
    assert.match(server.stderr(), /cannot accept connections/);

    for (const socket of sockets.splice(0)) socket.destroy();
    await sleep(200);
    // The backlog drains (those clients are gone) and new clients are served within the longest backoff.
    assert.equal(await getOnNewConnection(server.port, '/healthz', 5000), 200);
    const metrics = await call(server, 'GET', '/metrics');
    assert.ok(metricValue(metrics.body, 'cartcore_accept_backoffs_total') > 0);
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
    tmp.cleanup();
  }
});
