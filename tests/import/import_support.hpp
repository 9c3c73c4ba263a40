// SPDX-License-Identifier: MIT
// Shared helpers for the importer's suites: fixture paths, temporary directories, and quoting a cart on a config.
#pragma once

#include <cartcore/engine.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "woo_import.hpp"

namespace cartcore::import::test {

using nlohmann::json;
namespace fs = std::filesystem;

inline std::string fixture(const std::string& relative) { return std::string(CARTCORE_IMPORT_FIXTURES) + "/" + relative; }

/** A fresh directory under the system temp dir, removed when the object goes. */
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("cartcore-import-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
  void write(const std::string& name, const std::string& bytes) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
};

inline std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/** The REST fixture store, imported once. */
inline const WooImportResult& restStore() {
  static const WooImportResult result = [] {
    WooImportInputs inputs;
    inputs.apiDirectory = fixture("rest-store");
    return importWooCommerce(inputs);
  }();
  return result;
}

/** The quote response for `request` on `config`; fails the test when the engine refuses it. */
inline json quote(const nlohmann::ordered_json& config, const json& request) {
  json response = json::parse(quoteJson(config.dump(), request.dump()));
  BOOST_TEST_REQUIRE(response["ok"].get<bool>(), response.dump());
  return response["quote"];
}

/** The entry of a JSON array whose `key` equals `value`, or null. */
template <typename J>
J findBy(const J& array, const std::string& key, const std::string& value) {
  for (const auto& item : array) {
    if (item.contains(key) && item[key] == value) return item;
  }
  return J();
}

}  // namespace cartcore::import::test
