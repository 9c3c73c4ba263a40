// SPDX-License-Identifier: MIT
// The tests load the package by its public name, as users do (root package.json depends on "file:wasm").
import Cartcore from "cartcore";

let shared;

/** One instance shared by the tests of a file: a compiled engine is meant to be reused. */
export function sharedInstance() {
  shared ??= Cartcore.load();
  return shared;
}

/** Quotes each case in WASM, compiling each distinct config once. Returns the raw response strings. */
export async function quoteBatchWasm(cases) {
  const instance = await sharedInstance();
  const outputs = [];
  let lastConfig;
  let engine;
  for (const { config, request } of cases) {
    if (config !== lastConfig) {
      engine?.dispose();
      engine = undefined;
      lastConfig = config;
      try {
        engine = instance.compile(config);
      } catch (error) {
        if (error.name !== "CartcoreError") throw error;
      }
    }
    // A config that does not compile: the one-shot facade returns the core's error JSON, as the CLI prints it.
    outputs.push(engine ? engine.quoteJson(request) : instance.quoteJson(config, request));
  }
  engine?.dispose();
  return outputs;
}
