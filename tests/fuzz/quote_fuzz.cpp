// SPDX-License-Identifier: MIT
// Fuzz target: any bytes as a quote request against one fixed store that uses every feature (currencies, tax,
// shipping, margin floors, coupons, bundles, stock guards). Never crashes; the same request gives the same bytes.
#include <cartcore/engine.hpp>

#include <fstream>
#include <sstream>
#include <string_view>

#include "fuzz_support.hpp"

namespace {

const cartcore::Engine& richEngine() {
  static const cartcore::Engine engine = [] {
    std::ifstream in(CARTCORE_SOURCE_DIR "/examples/checkout/store.json");
    std::stringstream text;
    text << in.rdbuf();
    auto compiled = cartcore::Engine::compile(text.str());
    FUZZ_CHECK(compiled.ok(), "examples/checkout/store.json compiles");
    return std::move(compiled).value();
  }();
  return engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const cartcore::Engine& engine = richEngine();
  std::string_view request(reinterpret_cast<const char*>(data), size);
  std::string first = engine.quoteJson(request);
  FUZZ_CHECK(first == engine.quoteJson(request), "quoting is deterministic");
  auto response = nlohmann::json::parse(first, nullptr, false);
  FUZZ_CHECK(response.is_object() && response.contains("ok"), "the response is a JSON envelope");
  // The typed API must agree with the JSON facade: same error, or the same quote bytes.
  auto parsed = engine.parseRequest(request);
  if (!parsed.ok()) {
    FUZZ_CHECK(response["ok"] == false && response["error"]["code"] == std::string(cartcore::errorCodeName(parsed.error().code)),
               "a request the typed parser refuses is refused with the same code");
    return 0;
  }
  auto quoted = engine.quote(parsed.value());
  FUZZ_CHECK(quoted.ok() == (response["ok"] == true), "the typed API accepts exactly what the JSON facade accepts");
  if (quoted.ok()) FUZZ_CHECK(cartcore::renderQuote(quoted.value()) == first, "typed and JSON quotes are the same bytes");
  return 0;
}
