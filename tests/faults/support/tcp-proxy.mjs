// SPDX-License-Identifier: MIT
// A loopback TCP proxy for fault injection, with no root network tools: a server instance reaches PostgreSQL (or a
// client reaches a server) through it, and the test switches what the wire does:
//   pass       forward both ways
//   cut        reset every open connection and every new one (the peer sees ECONNRESET at once)
//   partition  forward nothing and answer nothing, connections stay open (packets dropped, as on a broken link);
//              pass() delivers what was held back, as TCP's retransmissions would once the link heals
//   slow(ms)   forward each chunk `ms` later, in order, both ways (a congested or distant link)
//
//   const proxy = await startProxy({ port: pgPort });   // listens on 127.0.0.1:proxy.port
//   proxy.cut(); ...; proxy.pass(); await proxy.close();
import { connect, createServer } from 'node:net';

/** Queued bytes per direction past which the proxy stops reading from the sender (backpressure). */
const HIGH_WATER_BYTES = 1 << 20;

/** Moves bytes one way with an optional delay, holding them while the link is partitioned. */
class Direction {
  constructor(proxy, from, to) {
    this.proxy = proxy;
    this.from = from;
    this.to = to;
    this.queue = [];  // { chunk, due } in arrival order
    this.queued = 0;
    this.ended = false;  // the sender finished; end the receiver once the queue is empty
    this.timer = null;
    from.on('data', (chunk) => {
      this.queue.push({ chunk, due: Date.now() + proxy.latencyMs });
      this.queued += chunk.length;
      if (this.queued > HIGH_WATER_BYTES) from.pause();
      this.flush();
    });
    from.on('end', () => {
      this.ended = true;
      this.flush();
    });
  }

  flush() {
    if (this.timer || this.proxy.mode === 'partition' || !this.to) return;
    const now = Date.now();
    while (this.queue.length && this.queue[0].due <= now) {
      const { chunk } = this.queue.shift();
      this.queued -= chunk.length;
      this.proxy.stats.bytes += chunk.length;
      this.to.write(chunk);
    }
    if (this.queue.length) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.queue[0].due - now);
      return;
    }
    if (this.queued <= HIGH_WATER_BYTES) this.from.resume();
    if (this.ended) this.to.end();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }
}

/**
 * Starts a proxy on 127.0.0.1 (port 0: the OS picks) forwarding to `host`:`port`. Returns the control object; see
 * the file comment for the modes. `stats` counts connections accepted, connections reset by cut(), bytes forwarded.
 */
export async function startProxy({ port, host = '127.0.0.1' }) {
  const links = new Set();  // { client, upstream, directions }
  const proxy = {
    mode: 'pass',
    latencyMs: 0,
    stats: { connections: 0, resets: 0, bytes: 0 },
    port: 0,
  };

  function openUpstream(link) {
    link.upstream = connect({ host, port });
    link.upstream.setNoDelay(true);
    link.upstream.on('error', () => drop(link));
    link.upstream.on('close', () => closed(link));
    link.toUpstream.to = link.upstream;
    link.toClient = new Direction(proxy, link.upstream, link.client);
    link.toUpstream.flush();
  }

  // A socket closed cleanly: what it sent before its FIN still drains to the other side (Direction ends it then);
  // the link goes once both sides are closed.
  function closed(link) {
    if (link.client.destroyed && (!link.upstream || link.upstream.destroyed)) drop(link);
  }

  function drop(link, reset = false) {
    if (!links.delete(link)) return;
    link.toUpstream.stop();
    link.toClient?.stop();
    for (const socket of [link.client, link.upstream]) {
      if (!socket || socket.destroyed) continue;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
  }

  const server = createServer((client) => {
    proxy.stats.connections++;
    if (proxy.mode === 'cut') {
      proxy.stats.resets++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const link = { client, upstream: null, toClient: null };
    link.toUpstream = new Direction(proxy, client, null);
    links.add(link);
    client.on('error', () => drop(link));
    client.on('close', () => closed(link));
    // Partitioned: the connection "reaches" us but nothing gets through until the link heals.
    if (proxy.mode === 'partition') link.pending = true;
    else openUpstream(link);
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  proxy.port = server.address().port;

  const resumeAll = () => {
    for (const link of links) {
      if (link.pending) {
        link.pending = false;
        openUpstream(link);
      } else {
        link.toUpstream.flush();
        link.toClient?.flush();
      }
    }
  };

  Object.assign(proxy, {
    /** Forward normally (and deliver whatever a partition held back). */
    pass() {
      proxy.mode = 'pass';
      proxy.latencyMs = 0;
      resumeAll();
    },
    /** Reset every open connection and refuse new ones, until pass(). */
    cut() {
      proxy.mode = 'cut';
      for (const link of [...links]) {
        proxy.stats.resets++;
        drop(link, true);
      }
    },
    /** Hold every byte in both directions (connections stay open, new ones hang), until pass(). */
    partition() {
      proxy.mode = 'partition';
    },
    /** Forward with `ms` of added latency per direction, until pass(). */
    slow(ms) {
      proxy.mode = 'slow';
      proxy.latencyMs = ms;
      resumeAll();
    },
    /** How many connections are open right now. */
    openConnections: () => links.size,
    async close() {
      for (const link of [...links]) drop(link);
      await new Promise((r) => server.close(r));
    },
  });
  return proxy;
}
