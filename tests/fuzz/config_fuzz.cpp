// SPDX-License-Identifier: MIT
// Fuzz target: any bytes as a store config. Compiling never crashes; an accepted config quotes one unit of its first
// variant without crashing, and the same text always gives the same bytes.
#include <cartcore/engine.hpp>

#include <string_view>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view config(reinterpret_cast<const char*>(data), size);
  std::string validated = cartcore::validateConfigJson(config);
  FUZZ_CHECK(validated == cartcore::validateConfigJson(config), "validation is deterministic");
  auto engine = cartcore::Engine::compile(config);
  if (!engine) return 0;
  std::vector<std::string> variants = engine.value().variantIds();
  if (variants.empty()) return 0;
  nlohmann::json request = {{"currency", engine.value().currency()},
                            {"now", "2026-11-27T09:30:00.000Z"},
                            {"destination", {{"country", "DE"}}},
                            {"lines", {{{"variant", variants.front()}, {"quantity", 1}}}}};
  std::string first = engine.value().quoteJson(request.dump());
  FUZZ_CHECK(first == engine.value().quoteJson(request.dump()), "quoting is deterministic");
  FUZZ_CHECK(nlohmann::json::accept(first), "the response is JSON");
  return 0;
}
