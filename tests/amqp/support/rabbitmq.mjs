// SPDX-License-Identifier: MIT
// A throwaway RabbitMQ node (Debian's rabbitmq-server) for one test file: its own node name, data and log
// directories under a temporary directory, loopback ports picked free (AMQP, distribution, and its own epmd), no
// plugins. It can be killed (SIGKILL, like a crash) and started again on the same data, and is removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RABBITMQ_SERVER = process.env.RABBITMQ_SERVER_BIN ?? '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** A loopback TCP port free at the moment of asking. */
export async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts a node in `dir` and resolves once `ready(url)` succeeds (e.g. a declare that can connect). */
export async function startBroker(dir, ready) {
  const [amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  mkdirSync(join(dir, 'log'), { recursive: true });
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.1 = 127.0.0.1:${amqpPort}\n`);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    HOME: dir,  // the Erlang cookie
    RABBITMQ_NODENAME: `cartcore-test-${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),  // not the machine's /etc/rabbitmq one
  };
  writeFileSync(env.RABBITMQ_CONF_ENV_FILE, '');
  const url = `amqp://guest:guest@127.0.0.1:${amqpPort}`;  // no path: the default vhost "/"
  let proc = null;
  let output = '';

  async function start() {
    output = '';
    // Its own process group, so a kill takes the Erlang VM and its helpers down together.
    proc = spawn(RABBITMQ_SERVER, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d) => (output += d));
    proc.stderr.on('data', (d) => (output += d));
    const exited = new Promise((r) => proc.once('exit', r));
    const deadline = Date.now() + 180000;  // first boot under load took ~90 s here; a restart ~20 s
    for (;;) {
      if (await ready(url)) return;
      if (proc.exitCode !== null || Date.now() > deadline) {
        throw new Error(`rabbitmq-server did not start:\n${output.slice(-3000)}`);
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 250))]);
    }
  }

  function kill() {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    return proc ? new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r))) : Promise.resolve();
  }

  await start();
  return {
    url,
    amqpPort,
    output: () => output,
    /** SIGKILL the whole node (a crash: no clean shutdown, no flush beyond what it already confirmed). */
    kill,
    /** Start again on the same data directory and port. */
    restart: start,
    async stop() {
      await kill();
      // The node's own epmd (ERL_EPMD_PORT). It refuses to die while it still lists the killed node, which it
      // notices only a moment later: try until it goes (names must be empty) or 10 s pass.
      for (let i = 0; i < 100; i++) {
        const names = spawnSync('epmd', ['-names'], { env, encoding: 'utf8' });
        if (names.status !== 0) return;  // no epmd on that port any more
        spawnSync('epmd', ['-kill'], { env, stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
