// SPDX-License-Identifier: MIT
// The public face of the WebAssembly package. It only adapts: JSON text in, JSON text (or its parse) out,
// error JSON turned into CartcoreError, and engine handles given a dispose() with a FinalizationRegistry
// backstop. Pricing, validation and canonical output all happen in the C++ core.

import createCartcore from "../dist/cartcore.mjs";
import { compileWasm } from "./load-wasm.mjs";
import { EXPECTED_WASM_VERSION } from "./version.mjs";

/**
 * An error from Cartcore. `code` is the core's stable snake_case code (docs/FORMAT.md), or one of the
 * facade's own: "engine_disposed", "version_mismatch", "instance_failed". `pointer` is the JSON pointer of
 * the offending field ("" for the whole document or when no field is to blame).
 */
export class CartcoreError extends Error {
  constructor(code, pointer, message) {
    super(message);
    this.name = "CartcoreError";
    this.code = code;
    this.pointer = pointer;
  }
}

// Text crosses the boundary as UTF-8 through Uint8Array views of WASM memory (inputBuffer / responseView in
// bindings.cpp), encoded and decoded by the runtime's native TextEncoder/TextDecoder. A response view is valid
// only until the next call into the module: decode it right after the call. Input views of up to 1 MiB are kept per
// instance and slot and encoded into directly (no JS allocation per call); one is replaced when memory grew since (a
// detached view's length reads 0) or when the text might not fit. A larger text gets a slot of its exact length, and
// bindings.cpp gives that memory back when the slot is next asked for much less.
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const decodeResponse = (view) => utf8Decoder.decode(view);
const inputViews = new WeakMap(); // raw module -> [slot 0 view, slot 1 view]
const kMinInputCapacity = 16 * 1024;
const kLargeInputCapacity = 1 << 20; // kept views stay at most this large; as in bindings.cpp's inputBuffer

/**
 * Writes `text` as UTF-8 into input slot `slot` (0 or 1) of the module and returns its byte length, which the call
 * that reads the slot takes. Lone surrogates become U+FFFD.
 */
function writeInput(raw, slot, text) {
  let views = inputViews.get(raw);
  if (views === undefined) inputViews.set(raw, (views = [null, null]));
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes (a surrogate pair, 2 units, takes 4).
  const mostBytes = text.length * 3;
  if (mostBytes > kLargeInputCapacity) {
    // A large text (a config, a maximal request) gets a slot of its exact length: room for three times its length
    // could cost an edge isolate (128 MB in workerd) tens of megabytes. One encode per call is nothing beside what
    // reading that much text costs.
    const bytes = utf8Encoder.encode(text);
    raw._inputBuffer(slot, bytes.length).set(bytes);
    views[slot] = null; // resized: the next small text asks for a view of its own
    return bytes.length;
  }
  let view = views[slot];
  if (view === null || view.length === 0 || view.length < mostBytes) {
    view = raw._inputBuffer(slot, Math.max(mostBytes, kMinInputCapacity));
    views[slot] = view;
  }
  return utf8Encoder.encodeInto(text, view).written;
}

/** Parses the core's `{"ok":false,"error":{…}}` (or any response) and throws the error it carries. */
function throwIfError(responseText) {
  const response = JSON.parse(responseText);
  if (response.ok === true) return response;
  const { code, pointer, message } = response.error;
  throw new CartcoreError(code, pointer, message);
}

/** Requests and configs travel as JSON text; a plain object is serialized here for convenience. */
function toJsonText(value, what) {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  throw new TypeError(`${what} must be JSON text or a plain object, not ${value === null ? "null" : typeof value}`);
}

/** A store config compiled once inside a loaded instance, reused for any number of quotes. */
export class Engine {
  #instance;
  #handle;
  #configDigest;
  #currency;

  /** @internal Created by CartcoreInstance.compile(). */
  constructor(instance, handle, configDigest, currency) {
    this.#instance = instance;
    this.#handle = handle;
    this.#configDigest = configDigest;
    this.#currency = currency;
  }

  /** "sha256:…" of the canonical config. */
  get configDigest() {
    return this.#configDigest;
  }

  /** The store currency (ISO 4217). */
  get currency() {
    return this.#currency;
  }

  /** True once dispose() ran. */
  get disposed() {
    return this.#handle === 0;
  }

  /** The core's exact response text, `{"ok":true,"quote":…}` or `{"ok":false,"error":…}`. Never throws for bad carts. */
  quoteJson(request) {
    const requestText = toJsonText(request, "request");
    if (this.#handle === 0) {
      throw new CartcoreError("engine_disposed", "", "this Engine was disposed; compile the config again to keep quoting");
    }
    return this.#instance._call((raw) => {
      return decodeResponse(raw._quote(this.#handle, writeInput(raw, 0, requestText)));
    });
  }

  /** The priced quote object; a bad cart throws CartcoreError. */
  quote(request) {
    return throwIfError(this.quoteJson(request)).quote;
  }

  /** Frees the compiled store inside the WASM instance now. Safe to call twice. */
  dispose() {
    if (this.#handle === 0) return;
    const handle = this.#handle;
    this.#handle = 0;
    this.#instance._release(this, handle);
  }
}

if (typeof Symbol.dispose === "symbol") {
  // `using engine = instance.compile(config)` where explicit resource management is available.
  Engine.prototype[Symbol.dispose] = Engine.prototype.dispose;
}

/** One loaded WebAssembly instance. Independent of other instances; compiled engines belong to it. */
export class CartcoreInstance {
  #raw;
  #failure = null;
  // Backstop only: finalizers may run late or never, so dispose() is the real contract. The registry holds
  // the integer handle, not the Engine, so it never keeps an Engine alive. workerd defines no
  // FinalizationRegistry unless the worker opts in (compatibility flag), so there the backstop is absent.
  #finalizers =
    typeof FinalizationRegistry === "function"
      ? new FinalizationRegistry((handle) => {
          if (this.#failure === null) this.#raw._release(handle);
        })
      : { register() {}, unregister() {} };

  /** @internal Created by load(). */
  constructor(raw) {
    this.#raw = raw;
  }

  /**
   * Runs one raw binding call. The bindings never let a C++ exception out, so anything thrown here is a WASM
   * trap (memory corruption, stack exhaustion): the instance is then unusable, and says so on every later call.
   * @internal
   */
  _call(body) {
    if (this.#failure !== null) {
      throw new CartcoreError("instance_failed", "", `this Cartcore instance failed earlier (${this.#failure.message}); load a new one`);
    }
    try {
      return body(this.#raw);
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
      throw new CartcoreError("instance_failed", "", `the WebAssembly instance trapped: ${this.#failure.message}`);
    }
  }

  /** @internal Called by Engine.dispose(). */
  _release(engine, handle) {
    this.#finalizers.unregister(engine);
    if (this.#failure === null) this.#raw._release(handle);
  }

  /** The version the .wasm reports (load() already checked it matches this package). */
  version() {
    return this._call((raw) => raw._version());
  }

  /** The languages the engine writes sentences in, as BCP 47 primary tags: ["en", "de", "fr", "es"]. */
  locales() {
    return this._call((raw) => raw._locales()).split(",");
  }

  /** Validates and compiles a store config; a bad config throws CartcoreError with the field's pointer. */
  compile(config) {
    const text = toJsonText(config, "config");
    const outcome = this._call((raw) => {
      return raw._compile(writeInput(raw, 0, text));
    });
    if (outcome.handle === 0) {
      throwIfError(outcome.errorJson);
      throw new CartcoreError("internal_error", "", "compile failed without an error report");
    }
    const engine = new Engine(
      this,
      outcome.handle,
      this._call((raw) => raw._configDigest(outcome.handle)),
      this._call((raw) => raw._currency(outcome.handle)),
    );
    this.#finalizers.register(engine, outcome.handle, engine);
    return engine;
  }

  /** The core's exact validation response text. Never throws for bad configs. */
  validateConfigJson(config) {
    const text = toJsonText(config, "config");
    return this._call((raw) => {
      return decodeResponse(raw._validateConfigJson(writeInput(raw, 0, text)));
    });
  }

  /** One-shot: compile and quote in one call, returning the core's exact response text. */
  quoteJson(config, request) {
    const configText = toJsonText(config, "config");
    const requestText = toJsonText(request, "request");
    return this._call((raw) => {
      const configLength = writeInput(raw, 0, configText);
      const requestLength = writeInput(raw, 1, requestText);
      return decodeResponse(raw._quoteJsonOnce(configLength, requestLength));
    });
  }

  /** How many compiled engines this instance holds (not yet disposed or finalized). */
  liveEngineCount() {
    return this._call((raw) => raw._liveEngines());
  }
}

/**
 * Loads the WebAssembly module and checks its version.
 * @param {{ module?: WebAssembly.Module, url?: string | URL, bytes?: BufferSource }} [source]
 *   one of: a pre-compiled module (Cloudflare Workers), a URL to fetch (browsers; file: URLs in Node), or the
 *   .wasm bytes; with none, the cartcore.wasm shipped in this package.
 */
export async function load(source = {}) {
  const module = await compileWasm(source, () => new URL("../dist/cartcore.wasm", import.meta.url));
  let rejectLoad;
  const instantiationFailed = new Promise((_, reject) => {
    rejectLoad = reject;
  });
  const raw = await Promise.race([
    createCartcore({
      // The only way the glue gets its exports: it never fetches, reads files or resolves URLs itself.
      instantiateWasm(imports, receiveInstance) {
        WebAssembly.instantiate(module, imports)
          .then((instance) => receiveInstance(instance, module))
          .catch((error) => {
            // A module from another build (or not Cartcore at all) fails to link or to wire its exports.
            rejectLoad(new CartcoreError("instance_failed", "", `could not instantiate cartcore.wasm: ${error?.message ?? error}`));
          });
        return {}; // exports arrive asynchronously through receiveInstance
      },
      onAbort(reason) {
        rejectLoad(new CartcoreError("instance_failed", "", `the WebAssembly instance aborted while loading: ${reason}`));
      },
    }),
    instantiationFailed,
  ]);
  const actual = raw._version();
  if (actual !== EXPECTED_WASM_VERSION) {
    throw new CartcoreError(
      "version_mismatch",
      "",
      `cartcore.wasm reports version ${actual}, but this JavaScript package expects ${EXPECTED_WASM_VERSION}; load the .wasm that shipped with it`,
    );
  }
  return new CartcoreInstance(raw);
}

/** The version of this JavaScript package, which the .wasm must match. */
export const version = EXPECTED_WASM_VERSION;

/** Namespace-style default export: `import Cartcore from "cartcore"; await Cartcore.load()`. */
const Cartcore = { load, version, CartcoreError, CartcoreInstance, Engine };
export default Cartcore;
