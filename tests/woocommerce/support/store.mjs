// SPDX-License-Identifier: MIT
// A WooCommerce store for the sync tests: the importer's REST fixture, imported with the real CLI.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_STORE = resolve(here, '../../import/fixtures/rest-store');
export const CLI_BIN = process.env.CARTCORE_CLI_BIN ?? resolve(here, '../../../build/native/cli/cartcore');

/** `cartcore import woocommerce --api storeDir --out store.json --stock stock.json` in `dir`. */
export function importStore(dir, storeDir) {
  const configFile = join(dir, 'store.json');
  const stockFile = join(dir, 'stock.json');
  execFileSync(CLI_BIN, ['import', 'woocommerce', '--api', storeDir, '--out', configFile, '--stock', stockFile],
    { stdio: 'pipe' });
  return { configFile, stock: JSON.parse(readFileSync(stockFile, 'utf8')) };
}

export async function waitFor(predicate, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
