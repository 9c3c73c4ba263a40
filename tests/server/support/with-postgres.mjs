// SPDX-License-Identifier: MIT
// Runs a command with one throwaway PostgreSQL cluster for all of it, and the server tests pointed at it:
//   node tests/server/support/with-postgres.mjs node --test --test-concurrency=1 tests/server/
// The command sees CARTCORE_TEST_BACKEND=postgresql and CARTCORE_TEST_PG={"dir","port"}; every test then gets its
// own database on the shared cluster (helpers.mjs tempDir). The cluster is stopped and removed afterwards.
import { spawn } from 'node:child_process';
import { startPostgresSync } from './postgres.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-postgres.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const cluster = startPostgresSync();
const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, CARTCORE_TEST_BACKEND: 'postgresql',
    CARTCORE_TEST_PG: JSON.stringify({ dir: cluster.dir, port: cluster.port }) },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  cluster.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
