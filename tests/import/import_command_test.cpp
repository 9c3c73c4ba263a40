// SPDX-License-Identifier: MIT
// `cartcore import woocommerce` as a command: arguments, exit codes, and output that is never half-written.
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "import_support.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(import_command)

struct Run {
  int code;
  std::string out, err;
};

Run run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  int code = runImportCommand(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

BOOST_AUTO_TEST_CASE(writes_the_config_and_both_reports) {
  TempDir dir;
  Run r = run({"woocommerce", "--api", fixture("rest-store"), "--out", dir.file("store.json"), "--report", dir.file("report.json")});
  BOOST_TEST(r.code == 0, r.err);
  auto config = nlohmann::json::parse(readAll(dir.file("store.json")));
  BOOST_TEST(nlohmann::json::parse(validateConfigJson(config.dump()))["ok"].get<bool>());
  auto report = nlohmann::json::parse(readAll(dir.file("report.json")));
  BOOST_TEST(report["summary"]["variants"] == 5);
  BOOST_TEST(report["entries"].size() == restStore().report.entries().size());
  BOOST_TEST(r.out.find("Skipped (not in the config)") != std::string::npos, r.out);
  BOOST_TEST(r.out.find("grouped_product") != std::string::npos);
  std::vector<std::string> leftovers;
  for (const auto& entry : fs::directory_iterator(dir.path)) leftovers.push_back(entry.path().filename().string());
  BOOST_TEST(leftovers.size() == 2u);  // no temporary files remain
}

BOOST_AUTO_TEST_CASE(a_failed_import_leaves_the_old_config_untouched) {
  TempDir dir;
  dir.write("store.json", "{\"old\": true}\n");
  dir.write("bad/products.json", "[{\"id\": 1, \"name\": \"cut off\"");
  Run r = run({"woocommerce", "--api", dir.file("bad"), "--out", dir.file("store.json")});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.find("not valid JSON") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("Nothing was written") != std::string::npos);
  BOOST_TEST(readAll(dir.file("store.json")) == "{\"old\": true}\n");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path)) files += entry.is_regular_file();
  BOOST_TEST(files == 1u);
}

BOOST_AUTO_TEST_CASE(a_saved_error_response_is_named) {
  TempDir dir;
  dir.write("api/settings/general.json", R"([{"id":"woocommerce_currency","value":"EUR"}])");
  dir.write("api/products.json", R"({"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}})");
  Run r = run({"woocommerce", "--api", dir.file("api"), "--out", dir.file("store.json")});
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.err.find("woocommerce_rest_cannot_view") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(dir.file("store.json")));
}

BOOST_AUTO_TEST_CASE(usage_errors) {
  BOOST_TEST(run({}).code == 2);
  BOOST_TEST(run({"shopify"}).code == 2);
  BOOST_TEST(run({"woocommerce", "--api", fixture("rest-store")}).code == 2);  // no --out
  BOOST_TEST(run({"woocommerce", "--out", "x.json", "--utc-offset", "1"}).code == 2);
  BOOST_TEST(run({"woocommerce", "--out"}).code == 2);
  Run nothing = run({"woocommerce", "--out", "/nonexistent/x.json"});
  BOOST_TEST(nothing.code == 1);
  BOOST_TEST(nothing.err.find("nothing to import") != std::string::npos, nothing.err);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
