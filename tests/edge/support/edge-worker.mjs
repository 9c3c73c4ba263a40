// SPDX-License-Identifier: MIT
// Runs edge/src/worker.mjs in real workerd through Miniflare. workerd resolves a bare import such as
// "cartcore" relative to the importing module's name (no node_modules lookup), so this helper does what a
// bundler (wrangler's esbuild) does at deploy time: it follows the worker's imports, resolves bare ones through
// the installed package's "exports" map (its public entry points only), and names each module so the
// specifiers written in the sources resolve to it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const workerEntry = join(repoRoot, "edge/src/worker.mjs");
const wranglerToml = readFileSync(join(repoRoot, "edge/wrangler.toml"), "utf8");
/** The compatibility date the merchant deploys with, so the tests run the same runtime semantics. */
export const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(wranglerToml)[1];

const importPattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']/g;

/** Resolves a bare specifier ("cartcore", "cartcore/cartcore.wasm") through the package's exports map. */
function resolvePackageExport(specifier) {
  const [scopeOrName, ...rest] = specifier.split("/");
  const packageName = scopeOrName;
  const subpath = rest.length ? `./${rest.join("/")}` : ".";
  const require = createRequire(workerEntry);
  const packageJsonPath = require.resolve(`${packageName}/package.json`);
  const { exports } = JSON.parse(readFileSync(packageJsonPath, "utf8"));
  const target = exports[subpath];
  const file = typeof target === "string" ? target : target?.default;
  if (!file) throw new Error(`${specifier} is not a public entry point of ${packageName}`);
  return resolve(dirname(packageJsonPath), file);
}

/** Every module the worker needs, named as workerd will look them up. */
export function workerModules() {
  const modules = new Map(); // name -> { type, path, contents }
  const visit = (name, file) => {
    if (modules.has(name)) {
      if (modules.get(name).file !== file) throw new Error(`two modules would share the name ${name}`);
      return;
    }
    if (file.endsWith(".wasm")) {
      modules.set(name, { file, type: "CompiledWasm", contents: readFileSync(file) });
      return;
    }
    const source = readFileSync(file, "utf8");
    modules.set(name, { file, type: "ESModule", contents: source });
    for (const match of source.matchAll(importPattern)) {
      const specifier = match[1] ?? match[2];
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      const target = relative ? resolve(dirname(file), specifier) : resolvePackageExport(specifier);
      visit(posix.join(posix.dirname(name), specifier), target);
    }
  };
  visit("edge/src/worker.mjs", workerEntry);
  return [...modules.entries()].map(([name, { type, contents }]) => ({ type, path: `/bundle/${name}`, contents }));
}

/**
 * Starts the worker in workerd with these vars (strings, as wrangler [vars] and secrets arrive).
 * @param {Record<string, string>} bindings
 */
export async function startEdge(bindings) {
  const mf = new Miniflare({
    modules: workerModules(),
    modulesRoot: "/bundle",
    compatibilityDate,
    bindings,
  });
  await mf.ready;
  return {
    mf,
    /** dispatchFetch, returning { status, text, headers }. */
    async fetch(path, init = {}) {
      const response = await mf.dispatchFetch(`http://edge.test${path}`, init);
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
    postQuote(cart, headers = {}) {
      const body = typeof cart === "string" ? cart : JSON.stringify(cart);
      return this.fetch("/quote", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
    },
    dispose: () => mf.dispose(),
  };
}
