// SPDX-License-Identifier: MIT
// kill -9 of a throwaway PostgreSQL cluster (tests/server/support/postgres.mjs) and its restart, without blocking
// the event loop: the test's proxies, receiver and shoppers keep running while the database is down and while it
// recovers, as they would on other machines.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL the postmaster and every backend at once; returns their pids. */
export function killPostgres(cluster) {
  const data = join(cluster.dir, 'data');
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // Stopped first, so it forks no backend between listing its children and the kill (a survivor would keep the
  // shared memory attached and the restart would refuse to start).
  process.kill(postmaster, 'SIGSTOP');
  const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout.split('\n')
    .filter(Boolean).map(Number);
  const pids = [postmaster, ...children];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids;
}

/**
 * Starts the cluster again with the options it last ran with (PostgreSQL records them in postmaster.opts) once
 * every killed process is gone, and resolves when it accepts connections (after crash recovery).
 */
export async function restartPostgres(cluster, pids) {
  for (let i = 0; pids.some(alive); i++) {
    if (i > 500) throw new Error(`PostgreSQL processes ${pids.filter(alive)} survived SIGKILL`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const data = join(cluster.dir, 'data');
  // `/usr/lib/postgresql/15/bin/postgres "-D" "/tmp/…/data" "-c" "port=…" …`: every argument after the binary.
  const recorded = [...readFileSync(join(data, 'postmaster.opts'), 'utf8').matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  const options = [];
  for (let i = 0; i < recorded.length; i++) {
    if (recorded[i] === '-D') i++;
    else options.push(recorded[i]);
  }
  const pgCtl = join(cluster.bin, 'pg_ctl');
  const args = ['-D', data, '-l', join(cluster.dir, 'server.log'), '-o', options.map((o) => `'${o}'`).join(' '), '-w',
    '-t', '60', 'start'];
  // PostgreSQL refuses to run as root: the cluster belongs to `postgres` then (see postgres.mjs).
  const [file, argv] = process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', pgCtl, ...args]] : [pgCtl, args];
  await new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`pg_ctl start exited ${code}: ${stderr}\n` +
        readFileSync(join(cluster.dir, 'server.log'), 'utf8').slice(-3000)));
    });
  });
}
