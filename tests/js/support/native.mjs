// SPDX-License-Identifier: MIT
// Prices many (config, request) pairs with the native CLI in one process: `cartcore quote-batch` reads JSONL
// lines {"config": "<config JSON text>", "request": "<request JSON text>"} and prints, per line, exactly the
// bytes Engine::quoteJson returns plus "\n". Texts travel as JSON strings so both engines see identical input.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The native CLI: $CARTCORE_CLI, else the scripts/build output. */
export const nativeCliPath = process.env.CARTCORE_CLI ?? `${repoRoot}build/native/cli/cartcore`;

export function assertNativeCliBuilt() {
  if (!existsSync(nativeCliPath)) {
    throw new Error(`native CLI not found at ${nativeCliPath}: run scripts/build first (or set CARTCORE_CLI)`);
  }
}

/**
 * @param {{config: string, request: string}[]} cases
 * @returns {Promise<Buffer[]>} the native output bytes of each case, without the trailing newline
 */
export function quoteBatchNative(cases) {
  assertNativeCliBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(nativeCliPath, ["quote-batch"], { stdio: ["pipe", "pipe", "pipe"] });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0) {
        reject(new Error(`cartcore quote-batch exited with ${status}: ${Buffer.concat(stderr).toString()}`));
        return;
      }
      const all = Buffer.concat(stdout);
      const lines = [];
      let start = 0;
      for (let i = all.indexOf(0x0a); i !== -1; i = all.indexOf(0x0a, start)) {
        lines.push(all.subarray(start, i));
        start = i + 1;
      }
      if (start !== all.length) lines.push(all.subarray(start)); // a last line without "\n" is kept, then fails the count check
      if (lines.length !== cases.length) {
        reject(new Error(`cartcore quote-batch printed ${lines.length} lines for ${cases.length} cases`));
        return;
      }
      resolve(lines);
    });
    // Write with back-pressure: 10,000 carts are several megabytes.
    let index = 0;
    const writeMore = () => {
      while (index < cases.length) {
        const { config, request } = cases[index++];
        if (!child.stdin.write(JSON.stringify({ config, request }) + "\n")) {
          child.stdin.once("drain", writeMore);
          return;
        }
      }
      child.stdin.end();
    };
    child.stdin.on("error", reject);
    writeMore();
  });
}
