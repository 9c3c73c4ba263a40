// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace cartcore::test;
using Expected = std::pair<std::string, std::string>;

BOOST_AUTO_TEST_SUITE(request)

BOOST_AUTO_TEST_CASE(quantities_must_be_sane_integers) {
  json store = teeStore();
  BOOST_TEST((errorOf(store, cart({{"cap", 0}})) == Expected{"out_of_range", "/lines/0/quantity"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}, {"hoodie-m", -2}})) == Expected{"out_of_range", "/lines/1/quantity"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 100001}})) == Expected{"out_of_range", "/lines/0/quantity"}));
  json r = cart({{"cap", 1}});
  r["lines"][0]["quantity"] = 1.5;
  BOOST_TEST((errorOf(store, r) == Expected{"invalid_type", "/lines/0/quantity"}));
  r["lines"][0]["quantity"] = "2";
  BOOST_TEST((errorOf(store, r) == Expected{"invalid_type", "/lines/0/quantity"}));
  r["lines"][0]["quantity"] = 18446744073709551615ULL;
  BOOST_TEST((errorOf(store, r) == Expected{"out_of_range", "/lines/0/quantity"}));
}

BOOST_AUTO_TEST_CASE(references_currency_and_fields) {
  json store = teeStore();
  BOOST_TEST((errorOf(store, cart({{"sock", 1}})) == Expected{"unknown_reference", "/lines/0/variant"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"currency", "EUR"}})) == Expected{"currency_mismatch", "/currency"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"currency", "ABC"}})) == Expected{"unknown_currency", "/currency"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"coupon", "X"}})) == Expected{"unknown_field", "/coupon"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"now", "yesterday"}})) == Expected{"invalid_value", "/now"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"stock", {{"nope", 3}}}})) == Expected{"unknown_reference", "/stock/nope"}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}}, {{"stock", {{"cap", -1}}}})) == Expected{"out_of_range", "/stock/cap"}));
  json r = cart({{"cap", 1}});
  r.erase("now");
  BOOST_TEST((errorOf(store, r) == Expected{"missing_field", "/now"}));
  r = cart({{"cap", 1}});
  r["lines"][0]["colour"] = "red";
  BOOST_TEST((errorOf(store, r) == Expected{"unknown_field", "/lines/0/colour"}));
}

BOOST_AUTO_TEST_CASE(duplicate_lines_and_limits) {
  json store = teeStore();
  BOOST_TEST((errorOf(store, cart({{"cap", 1}, {"cap", 2}})) == Expected{"duplicate_id", "/lines/1/variant"}));
  json r = cart({{"cap", 1}, {"cap", 2}});
  r["lines"][0]["id"] = "gift-cap";  // the same variant twice is fine with distinct line ids
  BOOST_TEST(quote(store, r)["totals"]["total"] == "45.00");
  std::vector<std::pair<std::string, int64_t>> many(501, {"cap", 1});
  json big = cart({});
  for (int i = 0; i < 501; ++i) big["lines"].push_back({{"id", "l" + std::to_string(i)}, {"variant", "cap"}, {"quantity", 1}});
  BOOST_TEST((errorOf(store, big) == Expected{"too_many_items", "/lines"}));
  json coupons = cart({{"cap", 1}}, {{"coupons", json::array()}});
  for (int i = 0; i < 21; ++i) coupons["coupons"].push_back("C" + std::to_string(i));
  BOOST_TEST((errorOf(store, coupons) == Expected{"too_many_items", "/coupons"}));
}

BOOST_AUTO_TEST_CASE(oversized_and_malformed_payloads) {
  cartcore::Result<cartcore::Engine> engine = cartcore::Engine::compile(teeStore().dump());
  BOOST_REQUIRE(engine.ok());
  std::string huge = "{\"pad\":\"" + std::string(cartcore::kMaxRequestBytes, 'x') + "\"}";
  BOOST_TEST(json::parse(engine.value().quoteJson(huge))["error"]["code"] == "payload_too_large");
  for (const char* bad : {"", "{", "null", "[]", "{\"lines\": }", "\xff\xfe"}) {
    json response = json::parse(engine.value().quoteJson(bad));
    BOOST_TEST(!response["ok"].get<bool>());
    std::string code = response["error"]["code"];
    BOOST_TEST((code == "malformed_json" || code == "invalid_type"));
  }
}

BOOST_AUTO_TEST_CASE(repeated_keys_are_rejected_with_their_pointer) {
  auto engine = cartcore::Engine::compile(teeStore().dump());
  BOOST_REQUIRE(engine.ok());
  auto errorFor = [&](const std::string& text) {
    json r = json::parse(engine.value().quoteJson(text));
    return Expected{r["error"]["code"], r["error"]["pointer"]};
  };
  const std::string head = R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[)";
  BOOST_TEST((errorFor(head + R"({"variant":"cap","quantity":1},{"variant":"hoodie-m","quantity":1,"quantity":100}]})") ==
              Expected{"duplicate_id", "/lines/1/quantity"}));
  BOOST_TEST((errorFor(head + R"({"variant":"cap","quantity":1}],"currency":"USD"})") == Expected{"duplicate_id", "/currency"}));
  BOOST_TEST((errorFor(head + R"({"variant":"cap","quantity":1}],"stock":{"a/b~c":1,"a/b~c":2}})") ==
              Expected{"duplicate_id", "/stock/a~1b~0c"}));
  // The same key in sibling objects is fine.
  json ok = json::parse(engine.value().quoteJson(head + R"({"variant":"cap","quantity":1},{"variant":"hoodie-m","quantity":2}]})"));
  BOOST_TEST(ok["ok"].get<bool>());
  json config = json::parse(cartcore::validateConfigJson(R"({"schemaVersion":1,"schemaVersion":1})"));
  BOOST_TEST(config["error"]["code"] == "duplicate_id");
  BOOST_TEST(config["error"]["pointer"] == "/schemaVersion");
}

BOOST_AUTO_TEST_CASE(integers_too_large_for_json_numbers_say_so) {
  json response = json::parse(cartcore::quoteJson(teeStore().dump(), R"({"currency":"USD","now":"2026-11-27T09:30:00Z","lines":[{"variant":"cap","quantity":99999999999999999999999}]})"));
  BOOST_TEST(response["error"]["pointer"] == "/lines/0/quantity");
  BOOST_TEST(response["error"]["message"].get<std::string>().find("out-of-range") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(line_totals_that_overflow_are_errors) {
  json store = teeStore();
  store["catalog"]["products"][2]["variants"][0]["price"] = "9999999999999.99";
  BOOST_TEST(errorOf(store, cart({{"cap", 100000}})).first == "amount_overflow");
}

BOOST_AUTO_TEST_SUITE_END()
