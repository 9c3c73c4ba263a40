// SPDX-License-Identifier: MIT
// The hand-written cartcore.d.ts is checked, not trusted: tests/js/types/usage.ts (real usage, plus an
// expected error for money passed as a number) must type-check against the package as installed.
// Emscripten 3.1.6 has no --emit-tsd to generate the raw module's types, so this is the check we have.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { repoRoot } from "./support/native.mjs";

test("cartcore.d.ts type-checks against real usage (tsc --noEmit)", () => {
  const result = spawnSync(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, "-p", `${repoRoot}tests/js/types`], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
