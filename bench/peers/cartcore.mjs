// SPDX-License-Identifier: MIT
// Cartcore in the peer benchmark, both ways it ships: the WASM package in this Node process (through its public
// facade, Engine.quoteJson: request text in, quote text out), and the native engine in a child process
// (cartcore_peer_driver, bench/peers/native-driver.cpp) that times Engine::quoteJson in-process on command.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { toCartcoreConfig, toCartcoreRequest } from "./workload.mjs";

/** Loads the WASM package from a Cartcore checkout (its wasm/ folder, built by scripts/build-wasm). */
export async function loadCartcoreWasm(sourceRoot) {
  const { default: Cartcore } = await import(pathToFileURL(`${sourceRoot}/wasm/js/cartcore.mjs`).href);
  return Cartcore.load();
}

/**
 * Writes one workload's Cartcore form for the native driver into `outDir`: the store config, the carts as request
 * JSON lines, and the same carts asking for `"explain": "applied"` (issue 12: only what changed the price is
 * explained). Returns the texts and the paths.
 */
export function writeCartcoreInputs(outDir, name, workload) {
  const configJson = JSON.stringify(toCartcoreConfig(workload));
  const requests = workload.carts.map((cart) => JSON.stringify(toCartcoreRequest(cart)));
  const paths = {
    storePath: `${outDir}/${name}-store.json`,
    cartsPath: `${outDir}/${name}-carts.jsonl`,
    appliedPath: `${outDir}/${name}-carts-applied.jsonl`,
  };
  writeFileSync(paths.storePath, configJson);
  writeFileSync(paths.cartsPath, `${requests.join("\n")}\n`);
  writeFileSync(paths.appliedPath, `${requests.map((r) => JSON.stringify({ ...JSON.parse(r), explain: "applied" })).join("\n")}\n`);
  return { configJson, requests, ...paths };
}

/** A compiled WASM engine over one workload's config, with the carts pre-serialised as request JSON. */
export function createWasmEngine(instance, configJson) {
  const engine = instance.compile(configJson);
  return {
    name: "Cartcore WASM",
    quoteJson: (requestJson) => engine.quoteJson(requestJson),
    dispose: () => engine.dispose(),
  };
}

/**
 * The native driver as a long-lived child: "quotes" returns every cart's quote JSON, "sample MS" the mean µs per
 * quote over at least MS milliseconds of back-to-back quotes (JSON in and out), "sample-typed MS" the same for
 * the typed API.
 */
export function startNativeDriver(driverPath, storePath, cartsPath) {
  const child = spawn(driverPath, [storePath, cartsPath], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  const buffered = [];
  lines.on("line", (line) => (waiting.length ? waiting.shift()(line) : buffered.push(line)));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const nextLine = () =>
    buffered.length
      ? Promise.resolve(buffered.shift())
      : new Promise((resolve, reject) => {
          waiting.push(resolve);
          exited.then((code) => reject(new Error(`cartcore_peer_driver exited (${code})`)));
        });
  return {
    async quotes() {
      child.stdin.write("quotes\n");
      const out = [];
      for (let line = await nextLine(); line !== "end"; line = await nextLine()) out.push(line);
      return out;
    },
    /** `{ usPerQuote, quotes }` of Engine::quoteJson over at least minMs. */
    async measure(minMs) {
      child.stdin.write(`sample ${minMs}\n`);
      return JSON.parse(await nextLine());
    },
    async sample(minMs) {
      return (await this.measure(minMs)).usPerQuote;
    },
    /** Engine::quote on requests parsed once: pricing, explanations and digest, no JSON in or out. */
    async sampleTyped(minMs) {
      child.stdin.write(`sample-typed ${minMs}\n`);
      return JSON.parse(await nextLine()).usPerQuote;
    },
    async stop() {
      child.stdin.end("quit\n");
      await exited;
    },
  };
}
