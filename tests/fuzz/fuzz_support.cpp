// SPDX-License-Identifier: MIT
#include "fuzz_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cartcore::fuzz {
namespace {

void collectStrings(const nlohmann::json& value, const char* wanted, std::set<std::string>& out) {
  // Golden configs nest a few levels, so plain recursion is fine here (trusted test data, not fuzzer input).
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      if (key == wanted && child.is_array()) {
        for (const auto& s : child) {
          if (s.is_string()) out.insert(s.get<std::string>());
        }
      } else {
        collectStrings(child, wanted, out);
      }
    }
  } else if (value.is_array()) {
    for (const auto& child : value) collectStrings(child, wanted, out);
  }
}

std::vector<GoldenStore> loadGoldenStores() {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(CARTCORE_GOLDEN_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<GoldenStore> stores;
  for (const auto& path : paths) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json golden = nlohmann::json::parse(text.str());
    if (!golden["request"].is_object()) continue;  // malformed-text cases
    auto engine = Engine::compile(golden["config"].dump());
    if (!engine) continue;
    auto request = engine.value().parseRequest(golden["request"].dump());
    if (!request || !engine.value().quote(request.value())) continue;
    GoldenStore store;
    store.name = path;
    store.config = golden["config"];
    store.request = request.value();
    std::set<std::string> codes, segments;
    collectStrings(store.config, "coupons", codes);
    collectStrings(store.config, "segments", segments);
    store.couponCodes.assign(codes.begin(), codes.end());
    store.segments.assign(segments.begin(), segments.end());
    store.variants = engine.value().variantIds();
    store.engine.emplace(std::move(engine).value());
    stores.push_back(std::move(store));
  }
  if (stores.empty()) {
    std::fprintf(stderr, "no golden cases under %s\n", CARTCORE_GOLDEN_DIR);
    std::abort();
  }
  return stores;
}

}  // namespace

const std::vector<GoldenStore>& goldenStores() {
  static const std::vector<GoldenStore> stores = loadGoldenStores();
  return stores;
}

}  // namespace cartcore::fuzz
