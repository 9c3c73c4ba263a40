// SPDX-License-Identifier: MIT
// Every way to hand the package its .wasm: a compiled WebAssembly.Module (Workers), a URL (browsers; here
// over a real local HTTP server and as a file: URL), raw bytes, and the packaged default.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { load } from "cartcore";
import { repoRoot } from "./support/native.mjs";

const wasmPath = `${repoRoot}wasm/dist/cartcore.wasm`;
const gluePath = `${repoRoot}wasm/dist/cartcore.mjs`;
const wasmBytes = readFileSync(wasmPath);

const CONFIG = {
  schemaVersion: 1,
  store: { currency: "EUR" },
  catalog: { products: [{ id: "mug", name: "Mug", variants: [{ id: "mug-white", price: "9.50" }] }] },
};
const CART = { currency: "EUR", now: "2026-11-27T09:30:00.000Z", lines: [{ variant: "mug-white", quantity: 2 }] };

/** Loads, prices one cart and returns the total, proving the instance really works. */
async function totalWith(source) {
  const instance = await load(source);
  const engine = instance.compile(CONFIG);
  try {
    return engine.quote(CART).totals.total;
  } finally {
    engine.dispose();
  }
}

describe("loading", () => {
  let server;
  let origin;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/cartcore.wasm") {
        response.writeHead(200, { "content-type": "application/wasm" });
        response.end(wasmBytes);
      } else if (request.url === "/plain/cartcore.wasm") {
        // Many static servers send a generic type, which compileStreaming refuses.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(wasmBytes);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  it("from a pre-compiled WebAssembly.Module (the Workers way)", async () => {
    assert.equal(await totalWith({ module: await WebAssembly.compile(wasmBytes) }), "19.00");
  });

  it("from an http URL served as application/wasm (streaming compile)", async () => {
    assert.equal(await totalWith({ url: `${origin}/cartcore.wasm` }), "19.00");
  });

  it("from an http URL served with a generic content type, and as a URL object", async () => {
    assert.equal(await totalWith({ url: new URL(`${origin}/plain/cartcore.wasm`) }), "19.00");
  });

  it("from a file: URL", async () => {
    assert.equal(await totalWith({ url: pathToFileURL(wasmPath) }), "19.00");
    assert.equal(await totalWith({ url: pathToFileURL(wasmPath).href }), "19.00");
  });

  it("from bytes: Buffer, Uint8Array and ArrayBuffer", async () => {
    assert.equal(await totalWith({ bytes: wasmBytes }), "19.00");
    assert.equal(await totalWith({ bytes: new Uint8Array(wasmBytes) }), "19.00");
    const copy = new Uint8Array(wasmBytes).slice().buffer;
    assert.equal(await totalWith({ bytes: copy }), "19.00");
  });

  it("from the packaged default when given nothing", async () => {
    assert.equal(await totalWith(), "19.00");
  });

  it("one compiled Module serves several independent instances", async () => {
    const module = await WebAssembly.compile(wasmBytes);
    const [a, b] = await Promise.all([load({ module }), load({ module })]);
    const engine = a.compile(CONFIG);
    assert.equal(b.liveEngineCount(), 0);
    engine.dispose();
  });

  it("reports bad sources clearly", async () => {
    await assert.rejects(load({ module: wasmBytes }), { name: "TypeError", message: /WebAssembly\.Module/ });
    await assert.rejects(load({ bytes: wasmBytes, url: "http://x/" }), { name: "TypeError", message: /not url and bytes|one of/ });
    await assert.rejects(load({ url: `${origin}/missing.wasm` }), { message: /HTTP 404/ });
    await assert.rejects(load({ bytes: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }), WebAssembly.CompileError);
    const otherModule = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    await assert.rejects(load({ module: otherModule }), { name: "CartcoreError", code: "instance_failed" });
  });
});

describe("artifact constraints", () => {
  // workerd forbids eval/new Function and cannot resolve `new URL(..., import.meta.url)`; the glue must not need them.
  const glue = readFileSync(gluePath, "utf8");
  it("the Emscripten glue uses no import.meta, eval or new Function", () => {
    // assert.ok rather than doesNotMatch: a failure message must not print the whole minified glue.
    assert.ok(!/import\.meta/.test(glue), "the glue mentions import.meta");
    assert.ok(!/\beval\s*\(/.test(glue), "the glue calls eval");
    assert.ok(!/new Function\s*\(/.test(glue), "the glue uses new Function");
  });
  it("ships the .wasm separately (no SINGLE_FILE base64 payload)", () => {
    // With SINGLE_FILE the glue would embed the module as base64, which starts "AGFzbQ" ("\0asm").
    assert.ok(!glue.includes("AGFzbQ"), "the glue embeds a base64 .wasm");
    assert.equal(wasmBytes.subarray(0, 4).toString("latin1"), "\0asm");
  });
});
