// SPDX-License-Identifier: MIT
// The same artifact in a real browser: headless Chromium loads the package's ES modules and cartcore.wasm from
// a local HTTP server (by url, and by the facade's default import.meta.url resolution), prices a cart and
// maps an error. Uses Debian's chromium (`apt-get install chromium`); skipped, loudly, where it is absent.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { test } from "node:test";
import { version } from "cartcore";
import { repoRoot } from "./support/native.mjs";

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

const page = `<!doctype html><meta charset="utf-8"><title>pending</title><pre id="out"></pre>
<script type="module">
import Cartcore from "/js/cartcore.mjs";
const out = [];
try {
  const byUrl = await Cartcore.load({ url: "/dist/cartcore.wasm" });
  const engine = byUrl.compile({ schemaVersion: 1, store: { currency: "EUR" },
    catalog: { products: [{ id: "mug", name: "Tasse ☕", variants: [{ id: "mug-1", price: "9.50" }] }] } });
  const quote = engine.quote({ currency: "EUR", now: "2026-11-27T09:30:00.000Z", lines: [{ variant: "mug-1", quantity: 2 }] });
  out.push(byUrl.version(), quote.totals.total, quote.lines[0].name);
  try { engine.quote("{"); } catch (error) { out.push(error.name + ":" + error.code); }
  engine.dispose();
  out.push(String(byUrl.liveEngineCount()));
  const byDefault = await Cartcore.load();
  out.push(byDefault.version());
} catch (error) {
  out.push("FAIL " + error);
}
document.getElementById("out").textContent = out.join("|");
</script>`;

test("Chromium loads the package from a URL and prices a cart", { skip: !existsSync(chromium) && `no ${chromium}` }, async () => {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(page);
      return;
    }
    const path = new URL(request.url, "http://x").pathname;
    if (!/^\/(js|dist)\/[\w.-]+$/.test(path)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(`${repoRoot}wasm${path}`);
      response.writeHead(200, { "content-type": path.endsWith(".wasm") ? "application/wasm" : "text/javascript" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/`;
    const args = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--virtual-time-budget=15000", "--dump-dom", url,
    ];
    // execFile (async), not execFileSync: this process must keep serving Chromium's requests meanwhile.
    const dom = await new Promise((resolve, reject) =>
      execFile(chromium, args, { timeout: 60_000, maxBuffer: 1 << 24 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const result = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1];
    assert.equal(result, `${version}|19.00|Tasse ☕|CartcoreError:malformed_json|0|${version}`);
  } finally {
    server.close();
  }
});
