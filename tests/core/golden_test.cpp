// SPDX-License-Identifier: MIT
// Runs every tests/golden/<feature>/<case>.json through the engine: the output must equal "expected" byte for byte
// (after canonical dumping), and every hand-written "checks" entry (JSON pointer -> value) must hold.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.hpp"

using namespace cartcore::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> goldenCases() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::recursive_directory_iterator(CARTCORE_GOLDEN_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") cases.push_back(entry.path().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

json readJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(corpus_is_large_enough) { BOOST_TEST(goldenCases().size() >= 60u); }

BOOST_DATA_TEST_CASE(case_matches, boost::unit_test::data::make(goldenCases()), path) {
  json golden = readJson(path);
  std::string config = golden["config"].dump();
  std::string request = golden["request"].is_string() ? golden["request"].get<std::string>() : golden["request"].dump();
  std::string actual = cartcore::quoteJson(config, request);
  BOOST_TEST(actual == golden["expected"].dump(), "output drifted from " << path << "; run scripts/update-goldens");
  json output = json::parse(actual);
  BOOST_REQUIRE_MESSAGE(golden.contains("checks"), path << " has no hand-written checks");
  for (const auto& [pointer, want] : golden["checks"].items()) {
    json::json_pointer ptr(pointer);
    BOOST_TEST_CONTEXT(path << " " << pointer) {
      BOOST_REQUIRE_MESSAGE(output.contains(ptr), "missing " << pointer);
      BOOST_TEST(output[ptr] == want, output[ptr].dump() << " != " << want.dump());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
