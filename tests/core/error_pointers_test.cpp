// SPDX-License-Identifier: MIT
// Every error names its field: each error code, triggered through the public JSON facade, carries the JSON pointer
// of the field that caused it. The walk covers every ErrorCode value, so a new code without a case fails here.
#include <cartcore/engine.hpp>

#include <set>

#include "test_support.hpp"

namespace cartcore::test {
namespace {

struct ErrorCase {
  std::string what;
  json config;
  std::string request;  // text, so malformed and oversized documents can be written
  std::string code;
  std::string pointer;
};

std::string text(const json& request) { return request.dump(); }

json with(json store, const std::string& path, json value) {
  store[json::json_pointer(path)] = std::move(value);
  return store;
}

/** A store with a rate, tax, shipping and a margin floor, for the checkout codes. */
json checkoutStore() {
  json store = teeStore();
  store["currencies"] = {{"rates", {{"EUR", "0.92"}}}, {"asOf", "2026-11-20T00:00:00.000Z"}, {"maxAgeMinutes", 60}};
  store["tax"] = {{"rates", {{{"id", "de-vat"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "19"}}}}};
  store["shipping"] = {{"methods", {{{"id", "de-only"}, {"flat", "4.99"}, {"countries", {"DE"}}}}}};
  store["marginFloors"] = {{"floors", {{{"id", "base"}, {"minMarginPercent", "10"}}}}};
  return store;
}

std::vector<ErrorCase> cases() {
  const json store = teeStore();
  const json tees = cart({{"tee-black-m", 1}});
  json bigPrices = teeStore();
  bigPrices["catalog"]["products"][0]["variants"][0]["price"] = "1000000000000.00";  // 10^14 minor units, within parse limits
  json jpyStore = teeStore();
  jpyStore["store"]["currency"] = "JPY";
  for (auto& product : jpyStore["catalog"]["products"])
    for (auto& variant : product["variants"]) {
      variant["price"] = "1000000000000000";
      variant.erase("cost");
    }
  jpyStore["currencies"] = {{"rates", {{"KWD", "100000"}}}, {"asOf", "2026-11-20T00:00:00.000Z"}};
  json nested = json::array();
  for (int i = 0; i < 70; ++i) nested = json::array({nested});
  // The root is level 1 and "coupons" level 2: the first container past level 64 sits 63 arrays further in.
  std::string tooDeep = "/coupons";
  for (int i = 0; i < 63; ++i) tooDeep += "/0";
  json many = tees;
  many["coupons"] = json::array();
  for (int i = 0; i < 21; ++i) many["coupons"].push_back("C" + std::to_string(i));

  return {
      {"not JSON", store, R"({"lines": [)", "malformed_json", ""},
      {"larger than 1 MiB", store, std::string(kMaxRequestBytes + 1, ' '), "payload_too_large", ""},
      {"schema version 2", store, text(cart({{"tee-black-m", 1}}, {{"schemaVersion", 2}})), "unsupported_schema_version", "/schemaVersion"},
      {"a typo in a line", store, R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[{"variant":"tee-black-m","quantity":1,"qty":2}]})",
       "unknown_field", "/lines/0/qty"},
      {"no quantity", store, R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[{"variant":"tee-black-m"}]})", "missing_field",
       "/lines/0/quantity"},
      {"quantity as text", store, R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[{"variant":"tee-black-m","quantity":"2"}]})",
       "invalid_type", "/lines/0/quantity"},
      {"a bad time", store, text(cart({{"tee-black-m", 1}}, {{"now", "yesterday"}})), "invalid_value", "/now"},
      {"JSON too deep", store, text(cart({{"tee-black-m", 1}}, {{"coupons", nested}})), "invalid_value", tooDeep},
      {"quantity 0", store, text(cart({{"tee-black-m", 0}})), "out_of_range", "/lines/0/quantity"},
      {"currency XXY", store, text(cart({{"tee-black-m", 1}}, {{"currency", "XXY"}})), "unknown_currency", "/currency"},
      {"EUR at a USD-only store", store, text(cart({{"tee-black-m", 1}}, {{"currency", "EUR"}})), "currency_mismatch", "/currency"},
      {"the same line twice", store, R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[{"variant":"cap","quantity":1},{"variant":"cap","quantity":2}]})",
       "duplicate_id", "/lines/1/variant"},
      {"an unknown variant", store, text(cart({{"tee-purple-m", 1}})), "unknown_reference", "/lines/0/variant"},
      {"21 codes", store, text(many), "too_many_items", "/coupons"},
      // The line's own total cannot be held: its quantity is the field to lower.
      {"quantity times price", bigPrices, text(cart({{"tee-white-m", 1}, {"tee-black-m", 100000}})), "amount_overflow", "/lines/1/quantity"},
      // Each line fits, their sum does not: the line that weighs most is named.
      {"the order's sum", bigPrices,
       text(cart({{"tee-black-m", 90000}, {"tee-white-m", 1}}, {{"lines", {{{"id", "a"}, {"variant", "tee-black-m"}, {"quantity", 90000}},
                                                                              {{"id", "b"}, {"variant", "tee-black-m"}, {"quantity", 40000}}}}})),
       "amount_overflow", "/lines/0/quantity"},
      // A config price too large for a configured rate: the price in the config ("cap", the first variant converted).
      {"a price at a rate", jpyStore, text(cart({{"cap", 1}}, {{"currency", "JPY"}})), "amount_overflow", "/catalog/products/2/variants/0/price"},
      {"EUR without a rate", with(store, "/currencies", {{"rates", {{"GBP", "0.8"}}}, {"asOf", "2026-11-27T00:00:00.000Z"}}),
       text(cart({{"tee-black-m", 1}}, {{"currency", "EUR"}})), "missing_rate", "/currency"},
      {"stale EUR rates", checkoutStore(), text(cart({{"tee-black-m", 1}}, {{"currency", "EUR"}, {"destination", {{"country", "DE"}}}})),
       "stale_rates", "/currency"},
      {"no tax rate in FR", with(checkoutStore(), "/shipping/methods/0/countries", {"DE", "FR"}),
       text(cart({{"tee-black-m", 1}}, {{"destination", {{"country", "FR"}}}})), "missing_tax_rate", "/lines/0/variant"},
      {"no cost under a floor", checkoutStore(), text(cart({{"cap", 1}, {"tee-black-m", 1}}, {{"destination", {{"country", "DE"}}}})),
       "missing_cost", "/lines/0/variant"},
      {"no method to FR", with(checkoutStore(), "/tax/rates/0/country", "FR"),
       text(cart({{"tee-black-m", 1}}, {{"destination", {{"country", "FR"}}}})), "shipping_unavailable", "/destination/country"},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_pointers)

BOOST_AUTO_TEST_CASE(every_error_code_names_its_field) {
  std::set<std::string> covered;
  for (const auto& c : cases()) {
    BOOST_TEST_CONTEXT(c.what) {
      json response = json::parse(cartcore::quoteJson(c.config.dump(), c.request));
      BOOST_REQUIRE(response["ok"] == false);
      BOOST_TEST(response["error"]["code"].get<std::string>() == c.code);
      BOOST_TEST(response["error"]["pointer"].get<std::string>() == c.pointer);
      BOOST_TEST(!response["error"]["message"].get<std::string>().empty());
      covered.insert(c.code);
    }
  }
  // Every code the core can return has a case; the whole-document codes name the document (""), every other a field.
  const std::set<std::string> wholeDocument = {"malformed_json", "payload_too_large"};
  for (int code = 0; code <= static_cast<int>(ErrorCode::ShippingUnavailable); ++code) {
    std::string name(errorCodeName(static_cast<ErrorCode>(code)));
    if (name == "internal_error") continue;  // a Cartcore bug, never the caller's input: no field to name
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(covered.count(name) == 1u); }
  }
  for (const auto& c : cases()) {
    if (!wholeDocument.count(c.code)) BOOST_TEST(!c.pointer.empty(), c.what << " names a field");
  }
}

BOOST_AUTO_TEST_CASE(config_errors_name_their_field) {
  json badPrice = teeStore();
  badPrice["catalog"]["products"][1]["variants"][0]["price"] = "55.001";
  json response = json::parse(cartcore::validateConfigJson(badPrice.dump()));
  BOOST_TEST(response["error"]["code"] == "invalid_value");
  BOOST_TEST(response["error"]["pointer"] == "/catalog/products/1/variants/0/price");
  json badRule = teeStore(json::array(), {{{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"products", {"nope"}}}}, {"discount", {{"percentOff", "10"}}}}});
  response = json::parse(cartcore::validateConfigJson(badRule.dump()));
  BOOST_TEST(response["error"]["code"] == "unknown_reference");
  BOOST_TEST(response["error"]["pointer"] == "/promotions/0/selector/products/0");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::test
