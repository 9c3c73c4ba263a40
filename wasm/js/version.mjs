// SPDX-License-Identifier: MIT
// The core version this facade was written against. wasm/CMakeLists.txt refuses to build when it differs from
// project(VERSION) or package.json, and load() refuses a .wasm that reports another version.
export const EXPECTED_WASM_VERSION = "0.1.0";
