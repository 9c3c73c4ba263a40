// SPDX-License-Identifier: MIT
// Turns whatever the caller has (a compiled module, a URL, raw bytes, or nothing) into a WebAssembly.Module.
// The Emscripten glue never locates or fetches the .wasm itself: that is what makes one artifact load in
// Node, workerd (which only accepts pre-compiled modules) and browsers. See docs/TOOLCHAIN-NOTES.md.

/** @param {string | URL} url */
async function compileFromUrl(url) {
  const href = url instanceof URL ? url.href : String(url);
  if (href.startsWith("file:")) {
    // Node's fetch() does not read file: URLs. Imported lazily so browsers and workerd never resolve node:fs.
    const { readFile } = await import("node:fs/promises");
    return WebAssembly.compile(await readFile(new URL(href)));
  }
  const response = await fetch(href);
  if (!response.ok) {
    throw new Error(`could not fetch ${href}: HTTP ${response.status}`);
  }
  const contentType = response.headers.get("content-type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && contentType.startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(response);
  }
  // compileStreaming insists on the application/wasm MIME type; plain static servers often send another.
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * @param {{ module?: WebAssembly.Module, url?: string | URL, bytes?: BufferSource }} source
 * @param {() => URL} defaultUrl resolves the packaged cartcore.wasm; only called when no source is given
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileWasm(source, defaultUrl) {
  const given = ["module", "url", "bytes"].filter((key) => source[key] !== undefined);
  if (given.length > 1) {
    throw new TypeError(`Cartcore.load: pass one of module, url or bytes, not ${given.join(" and ")}`);
  }
  if (source.module !== undefined) {
    if (!(source.module instanceof WebAssembly.Module)) {
      throw new TypeError("Cartcore.load: module must be a WebAssembly.Module");
    }
    return source.module;
  }
  if (source.bytes !== undefined) {
    return WebAssembly.compile(source.bytes);
  }
  if (source.url !== undefined) {
    return compileFromUrl(source.url);
  }
  // Evaluated only here, never at import time: workerd has no usable import.meta.url to resolve against.
  return compileFromUrl(defaultUrl());
}
