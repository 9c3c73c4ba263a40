// SPDX-License-Identifier: MIT
// The Embind boundary of the WebAssembly package: JSON text in, JSON text out, plus integer handles for
// compiled engines. Everything here only marshals; pricing lives in core/ behind cartcore/engine.hpp.
//
// Why integer handles instead of an Embind class_: a compiled store is worth keeping across quotes, but an
// Embind object leaks unless JS calls .delete() (CanvasKit, yoga #1908). A plain uint32 handle keeps the
// boundary value-typed, lets the JS facade own dispose()/FinalizationRegistry (the registry can hold the
// number without keeping the wrapper alive), and makes use-after-dispose a checked error, not a dangling
// pointer.
//
// No C++ exception crosses into JS: the core's facade never throws, and each binding below still wraps its
// body in try/catch (built with -fwasm-exceptions), so bad_alloc or a missed throw becomes an
// internal_error JSON and the instance stays usable.

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cartcore/engine.hpp"

namespace {

using cartcore::Engine;
using cartcore::Error;
using cartcore::ErrorCode;

/** What _compile returns: a live handle (>0) and an empty errorJson, or handle 0 and the error JSON. */
struct CompileOutcome {
  uint32_t handle = 0;
  std::string errorJson;
};

/** Compiled engines by handle. Safe without a lock: a WASM instance here is single-threaded. */
class EngineTable {
 public:
  uint32_t add(Engine engine) {
    // Handles are never reused, so a stale handle from a disposed engine can never price against a newer
    // one. 2^32 compiles per instance is far beyond any realistic lifetime.
    const uint32_t handle = next_++;
    engines_.emplace(handle, std::move(engine));
    return handle;
  }
  const Engine* find(uint32_t handle) const {
    const auto it = engines_.find(handle);
    return it == engines_.end() ? nullptr : &it->second;
  }
  bool remove(uint32_t handle) { return engines_.erase(handle) > 0; }
  uint32_t size() const { return static_cast<uint32_t>(engines_.size()); }

 private:
  uint32_t next_ = 1;  // 0 means "no engine"
  std::unordered_map<uint32_t, Engine> engines_;  // looked up by key only, never iterated into output
};

EngineTable& engines() {
  static EngineTable table;
  return table;
}

std::string internalError(const char* what) {
  return cartcore::renderError(Error{ErrorCode::Internal, "", std::string("internal error in the WASM binding: ") + what});
}

std::string version() { return std::string(cartcore::version()); }

/** The catalog's languages, comma-separated ("en,de,fr,es"); the facade splits them. */
std::string locales() {
  std::string joined;
  for (const auto& code : cartcore::supportedLocales()) joined += (joined.empty() ? "" : ",") + code;
  return joined;
}

/**
 * Text crosses the boundary as UTF-8 bytes through memory views, not as Embind std::string values. Embind 3.1.6
 * measures and encodes an incoming JS string in JS loops, and copies a returned std::string into a fresh allocation
 * that JS then scans byte by byte; with TextEncoder/TextDecoder (native code) on views instead, a 10-rule quote
 * spends a fraction of that at the boundary. The facade keeps each input slot's view and encodes straight into it
 * (TextEncoder.encodeInto), then passes the byte length with the call, so a quote is one call into the module and no
 * JS allocation on the way in. A view dies when memory grows (its length reads 0) or when the facade asks for a
 * bigger slot; the facade checks both before each write. Safe because an instance is single-threaded.
 */
std::string& inputSlot(uint32_t slot) {
  static std::string slots[2];  // two, because the one-shot quote takes a config and a request
  return slots[slot == 0 ? 0 : 1];
}

/** The first `byteLength` bytes of input slot `slot`, as the facade wrote them. */
std::string_view input(uint32_t slot, uint32_t byteLength) {
  const std::string& buffer = inputSlot(slot);
  return std::string_view(buffer).substr(0, byteLength);
}

/** A writable view of `capacity` bytes in input slot `slot` (0 or 1), for TextEncoder.encodeInto. */
emscripten::val inputBuffer(uint32_t slot, uint32_t capacity) {
  std::string& buffer = inputSlot(slot);
  // Give back the memory of a one-off huge config instead of holding it for the instance's lifetime.
  if (buffer.capacity() > (1u << 20) && capacity < buffer.capacity() / 4) std::string().swap(buffer);
  buffer.resize(capacity);
  return emscripten::val(emscripten::typed_memory_view(buffer.size(), reinterpret_cast<uint8_t*>(buffer.data())));
}

/** A read-only view of the response, for TextDecoder. */
emscripten::val responseView(std::string response) {
  static std::string buffer;
  buffer = std::move(response);
  return emscripten::val(emscripten::typed_memory_view(buffer.size(), reinterpret_cast<const uint8_t*>(buffer.data())));
}

/** Runs one entry point with the catch-all that keeps any stray exception from reaching JS. */
template <class Body>
std::string guarded(Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return internalError(e.what());
  } catch (...) {
    return internalError("unknown exception");
  }
}

/** Validates the config in input slot 0 (`byteLength` bytes). */
emscripten::val validateConfigJson(uint32_t byteLength) {
  return responseView(guarded([byteLength] { return cartcore::validateConfigJson(input(0, byteLength)); }));
}

/** Compiles the config in input slot 0 (`byteLength` bytes) into a new handle, or returns handle 0 and the error JSON. */
CompileOutcome compile(uint32_t byteLength) {
  CompileOutcome outcome;
  outcome.errorJson = guarded([&outcome, byteLength] {
    auto compiled = Engine::compile(input(0, byteLength));
    if (!compiled.ok()) return cartcore::renderError(compiled.error());
    outcome.handle = engines().add(std::move(compiled).value());
    return std::string();
  });
  return outcome;
}

/** Quotes the request in input slot 0 (`byteLength` bytes) with a compiled engine. */
emscripten::val quote(uint32_t handle, uint32_t byteLength) {
  return responseView(guarded([handle, byteLength] {
    const Engine* engine = engines().find(handle);
    // The JS facade refuses disposed handles before calling; this guards direct callers of the raw module.
    if (engine == nullptr) return internalError("no live engine has this handle (disposed?)");
    return engine->quoteJson(input(0, byteLength));
  }));
}

/** One-shot: compiles the config in slot 0 and quotes the request in slot 1 (their byte lengths given). */
emscripten::val quoteJsonOnce(uint32_t configLength, uint32_t requestLength) {
  return responseView(guarded([configLength, requestLength] {
    return cartcore::quoteJson(input(0, configLength), input(1, requestLength));
  }));
}

std::string configDigest(uint32_t handle) {
  const Engine* engine = engines().find(handle);
  return engine == nullptr ? std::string() : engine->configDigest();
}

std::string currency(uint32_t handle) {
  const Engine* engine = engines().find(handle);
  return engine == nullptr ? std::string() : engine->currency();
}

bool release(uint32_t handle) { return engines().remove(handle); }

uint32_t liveEngines() { return engines().size(); }

}  // namespace

// Raw names are _camelCase; js/cartcore.mjs re-exports clean names (STYLE B.8).
EMSCRIPTEN_BINDINGS(cartcore) {
  emscripten::value_object<CompileOutcome>("CompileOutcome")
      .field("handle", &CompileOutcome::handle)
      .field("errorJson", &CompileOutcome::errorJson);

  emscripten::function("_version", &version);
  emscripten::function("_locales", &locales);
  emscripten::function("_inputBuffer", &inputBuffer);
  emscripten::function("_validateConfigJson", &validateConfigJson);
  emscripten::function("_quoteJsonOnce", &quoteJsonOnce);
  emscripten::function("_compile", &compile);
  emscripten::function("_quote", &quote);
  emscripten::function("_configDigest", &configDigest);
  emscripten::function("_currency", &currency);
  emscripten::function("_release", &release);
  emscripten::function("_liveEngines", &liveEngines);
}
