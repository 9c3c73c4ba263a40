// SPDX-License-Identifier: MIT
// What the Node server benchmarks share (bench/scale-bench.mjs, bench/history-bench.mjs): throwaway cartcore-servers
// on port 0 (killed when the process exits), wrk runs with their latency percentiles, /metrics values and a
// process's CPU time.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));
export const TOKEN = 'bench-token';
// wrk's connections all come from 127.0.0.1, one "client" to the fair-access limits: benchmarks turn them off.
export const NO_LIMITS = ['--max-holds-per-client', '0', '--max-held-units-per-client', '0', '--hold-rate-per-ip', '0',
  '--max-extension-per-client', '0'];

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Starts cartcore-server on `database` (a PostgreSQL URL or a SQLite file) on port 0 with the admin token and
 * without fair-access limits, plus `args`; resolves once it listens.
 */
export async function startBenchServer(serverBin, database, args = []) {
  const dbArgs = database.startsWith('postgresql://') ? ['--database', database] : ['--db', database];
  const proc = spawn(serverBin, [...dbArgs, '--port', '0', '--admin-token', TOKEN, ...NO_LIMITS, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const ready = await new Promise((resolveReady, reject) => {
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: proc.stdout }).once('line', (line) => resolveReady(JSON.parse(line)));
  });
  const exited = new Promise((r) => proc.once('exit', r));
  const server = {
    base: `http://127.0.0.1:${ready.port}`,
    threads: ready.threads,
    cpuTicks: () => ticksOf(proc.pid),
    /** An admin request with a JSON body; throws unless it answers 2xx. */
    async admin(method, path, body) {
      const response = await fetch(server.base + path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
      return answer;
    },
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      children.delete(proc);
    },
    kill: () => proc.kill('SIGKILL'),
  };
  return server;
}

/** A value of the server's /metrics (0 when absent). */
export async function metric(server, name) {
  const text = await (await fetch(server.base + '/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** Milliseconds from wrk's latency text ("1.23ms", "850.00us", "1.02s"). */
export function millis(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

/** What wrk sends: hold + checkout (the default), or quotes. */
export const HOLD_CHECKOUT = { script: 'scale-hold-checkout.lua', path: '/v1/holds' };
export const QUOTES = { script: 'scale-quote.lua', path: '/v1/quote' };

/** One wrk thread with `conns` connections for `seconds` s: requests, p50 and p99 in ms, and failed responses. */
export function runWrk(server, conns, seconds, env, workload = HOLD_CHECKOUT) {
  return new Promise((resolveRun) => {
    const proc = spawn('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '-s',
      join(here, 'server', workload.script), server.base + workload.path],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let out = '';
    let errors = 0;
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (errors += String(d).split('\n').filter((l) => l.includes('failed')).length));
    proc.on('exit', () => {
      children.delete(proc);
      const grab = (re) => (re.exec(out) ?? [])[1];
      resolveRun({
        requests: Number(grab(/(\d+) requests in/)),
        p50: millis(grab(/\n\s+50%\s+(\S+)/)),
        p99: millis(grab(/\n\s+99%\s+(\S+)/)),
        errors,
      });
    });
  });
}

/** CPU ticks (user + system; 100 a second) of a process, or 0 once it is gone. */
export function ticksOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13)
      .reduce((a, b) => a + Number(b), 0);
  } catch {
    return 0;
  }
}
