// SPDX-License-Identifier: MIT
// A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temporary directory, reachable on a Unix socket in
// that directory (and, on request, on a loopback TCP port), removed again by stop(). PostgreSQL refuses to run as
// root, so as root the cluster runs as the `postgres` user (created by Debian's postgresql package) via runuser.
//
//   const pg = startPostgresSync();                 // or: await startPostgres({ tcp: true }) for a TCP port too
//   const url = pg.createDatabase();                // postgresql://cartcore@/t_1?host=/tmp/...&port=5432
//   ... start servers with --database url ...
//   pg.kill9(); pg.start();                        // fault injection: SIGKILL the postmaster, then recover
//   pg.stop();
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUPERUSER = 'cartcore';

/** The directory holding initdb, pg_ctl and psql: $CARTCORE_PG_BIN, else Debian's newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir() {
  if (process.env.CARTCORE_PG_BIN) return process.env.CARTCORE_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => b - a);
    if (versions.length) return join(root, versions[0], 'bin');
  }
  throw new Error('PostgreSQL not found: run scripts/setup (Debian package postgresql) or set CARTCORE_PG_BIN');
}

/** uid/gid to run the cluster as: ourselves, or `postgres` when we are root. */
function clusterUser() {
  if (process.getuid() !== 0) return null;
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  if (entry.status !== 0) throw new Error('running as root needs the postgres user (apt-get install postgresql)');
  const [, , uid, gid] = entry.stdout.trim().split(':');
  return { name: 'postgres', uid: Number(uid), gid: Number(gid) };
}

function run(user, command, args, { allowFailure = false } = {}) {
  const [file, argv] = user ? ['runuser', ['-u', user.name, '--', command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0 && !allowFailure)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result;
}

/** A free loopback TCP port (bound and released: another process could take it in between, which is unlikely). */
export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Creates and starts a cluster. Options: `tcpPort` (also listen on 127.0.0.1:tcpPort), `fsync` (default true: a
 * benchmark or a fault test must pay for real flushes), `settings` ({name: value} passed as -c name=value).
 */
export function startPostgresSync({ tcpPort = 0, fsync = true, settings = {} } = {}) {
  const bin = postgresBinDir();
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'cartcore-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const socketPort = tcpPort || 5432;  // the socket file lives in our private directory, so any number is free
  run(user, join(bin, 'initdb'), ['-D', data, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-sync',
    '--no-instructions']);
  const options = {
    listen_addresses: tcpPort ? "'127.0.0.1'" : "''",
    port: socketPort,
    unix_socket_directories: `'${dir}'`,
    fsync: fsync ? 'on' : 'off',
    max_connections: 300,
    ...settings,
  };
  const optionText = Object.entries(options).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  let databases = 0;
  const cluster = {
    dir,
    port: socketPort,
    tcpPort: tcpPort || null,
    bin,
    /** (Re)starts the postmaster, waiting until it accepts connections (after a kill9, this runs crash recovery). */
    start() {
      run(user, join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', optionText, '-w', '-t', '60',
        'start']);
    },
    /** SIGKILL the postmaster and every backend at once, as a crashed database machine would stop. */
    kill9() {
      const pidFile = join(data, 'postmaster.pid');
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const victim of [pid, ...children.map(Number)]) {
        try {
          process.kill(victim, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // A restart must not find the old shared memory still attached: wait until every process is gone.
      const alive = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
      for (let i = 0; i < 200 && [pid, ...children.map(Number)].some(alive); i++) spawnSync('sleep', ['0.02']);
    },
    /** Runs SQL as the superuser (psql over the socket); returns stdout. */
    psql(sql, database = 'postgres') {
      return run(null, join(bin, 'psql'), ['-h', dir, '-p', String(socketPort), '-U', SUPERUSER, '-d', database,
        '-v', 'ON_ERROR_STOP=1', '-Atqc', sql]).stdout;
    },
    /** A data-only dump of a database, as text. */
    dump(database) {
      return run(null, join(bin, 'pg_dump'), ['-h', dir, '-p', String(socketPort), '-U', SUPERUSER, '--data-only',
        database]).stdout;
    },
    /** A fresh database; returns its URL (Unix socket). */
    createDatabase(name = `t_${process.pid}_${++databases}`) {
      cluster.psql(`CREATE DATABASE "${name}"`);
      return cluster.url(name);
    },
    url(database) {
      return `postgresql://${SUPERUSER}@/${database}?host=${encodeURIComponent(dir)}&port=${socketPort}`;
    },
    /** The same database over TCP (only with tcpPort), e.g. to route a server through a fault-injecting proxy. */
    tcpUrl(database, port = tcpPort) {
      if (!tcpPort) throw new Error('start the cluster with a tcpPort for TCP URLs');
      return `postgresql://${SUPERUSER}@127.0.0.1:${port}/${database}`;
    },
    stop() {
      if (cluster.stopped) return;
      cluster.stopped = true;
      run(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { allowFailure: true });
      rmSync(dir, { recursive: true, force: true });
    },
    stopped: false,
  };
  cluster.start();
  process.once('exit', () => cluster.stop());  // never leave a postmaster behind, even when a test throws
  return cluster;
}

/** startPostgresSync with a free TCP port when `tcp` is set. */
export async function startPostgres({ tcp = false, ...options } = {}) {
  return startPostgresSync({ ...options, tcpPort: tcp ? await freePort() : 0 });
}

/**
 * The cluster described by $CARTCORE_TEST_PG (set by with-postgres.mjs for a whole test run), or a new one for
 * this process.
 */
let shared;
export function testCluster() {
  if (shared) return shared;
  const described = process.env.CARTCORE_TEST_PG;
  if (described) {
    const { dir, port } = JSON.parse(described);
    const bin = postgresBinDir();
    let databases = 0;
    shared = {
      dir,
      port,
      psql: (sql, database = 'postgres') =>
        run(null, join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', SUPERUSER, '-d', database, '-v',
          'ON_ERROR_STOP=1', '-Atqc', sql]).stdout,
      url: (database) => `postgresql://${SUPERUSER}@/${database}?host=${encodeURIComponent(dir)}&port=${port}`,
      dump: (database) =>
        run(null, join(bin, 'pg_dump'), ['-h', dir, '-p', String(port), '-U', SUPERUSER, '--data-only', database]).stdout,
      createDatabase(name = `t_${process.pid}_${++databases}`) {
        shared.psql(`CREATE DATABASE "${name}"`);
        return shared.url(name);
      },
    };
  } else {
    shared = startPostgresSync();
  }
  return shared;
}
