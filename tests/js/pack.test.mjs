// SPDX-License-Identifier: MIT
// npm-pack smoke test: the package as published (npm pack of wasm/), installed into an empty folder, prices a
// cart through its public entry points only: the default loader and the "cartcore/cartcore.wasm" subpath.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "./support/native.mjs";

const scratch = mkdtempSync(join(tmpdir(), "cartcore-pack-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

// stderr is piped (npm warns about unrelated user config); on failure execFileSync puts it in the thrown error.
const npm = (args, cwd) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });

test("npm pack → install in an empty folder → price a cart", () => {
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", scratch], `${repoRoot}wasm`));
  const files = packed.files.map((f) => f.path).sort();
  for (const required of ["package.json", "cartcore.d.ts", "js/cartcore.mjs", "js/load-wasm.mjs", "js/version.mjs", "dist/cartcore.mjs", "dist/cartcore.wasm"]) {
    assert.ok(files.includes(required), `${required} missing from the tarball: ${files.join(", ")}`);
  }
  for (const file of files) {
    assert.doesNotMatch(file, /\.(cpp|hpp|txt|cmake)$|^cmake\//, `build input ${file} leaked into the tarball`);
  }

  const app = join(scratch, "app");
  npm(["init", "-y"], scratch); // a package.json for the scratch root, so npm does not walk up into the repo
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "pack-smoke", private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", join(scratch, packed.filename)], app);
  writeFileSync(
    join(app, "price.mjs"),
    `import Cartcore, { load } from "cartcore";
import { readFile } from "node:fs/promises";
const config = { schemaVersion: 1, store: { currency: "JPY" },
  catalog: { products: [{ id: "tea", name: "抹茶", variants: [{ id: "tea-50g", price: "1500" }] }] },
  promotions: [{ id: "two", name: "10% off", type: "itemDiscount", selector: { everything: true }, discount: { percentOff: "10" } }] };
const cart = { currency: "JPY", now: "2026-11-27T09:30:00.000Z", lines: [{ variant: "tea-50g", quantity: 3 }] };
const viaDefault = (await Cartcore.load()).compile(config).quote(cart);
const bytes = await readFile(new URL(import.meta.resolve("cartcore/cartcore.wasm")));
const viaSubpath = (await load({ module: await WebAssembly.compile(bytes) })).compile(config).quote(cart);
console.log(JSON.stringify({ version: Cartcore.version, a: viaDefault.totals.total, b: viaSubpath.totals.total, name: viaDefault.lines[0].name }));
`,
  );
  const output = JSON.parse(execFileSync(process.execPath, ["price.mjs"], { cwd: app, encoding: "utf8" }));
  assert.deepEqual(output, { version: packed.version, a: "4050", b: "4050", name: "抹茶" });
});
