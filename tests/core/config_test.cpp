// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace cartcore::test;

namespace {
std::pair<std::string, std::string> configError(const json& store) {
  json response = json::parse(cartcore::validateConfigJson(store.dump()));
  if (response["ok"].get<bool>()) BOOST_FAIL("config was accepted: " + store.dump());
  return {response["error"]["code"], response["error"]["pointer"]};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(valid_store_compiles_with_stable_digest) {
  json store = teeStore();
  json a = json::parse(cartcore::validateConfigJson(store.dump()));
  json b = json::parse(cartcore::validateConfigJson(store.dump(2)));  // whitespace must not change the digest
  BOOST_TEST(a["ok"].get<bool>());
  BOOST_TEST(a["variants"] == 6);
  BOOST_TEST(a["configDigest"] == b["configDigest"]);
  BOOST_TEST(a["configDigest"].get<std::string>().rfind("sha256:", 0) == 0);
}

BOOST_AUTO_TEST_CASE(malformed_and_oversized_documents) {
  json r = json::parse(cartcore::validateConfigJson("{\"schemaVersion\": 1,"));
  BOOST_TEST(r["error"]["code"] == "malformed_json");
  r = json::parse(cartcore::validateConfigJson(""));
  BOOST_TEST(r["error"]["code"] == "malformed_json");
  r = json::parse(cartcore::validateConfigJson("[1,2]"));
  BOOST_TEST(r["error"]["code"] == "invalid_type");
}

BOOST_AUTO_TEST_CASE(unknown_and_missing_fields_name_their_pointer) {
  json store = teeStore();
  store["catalog"]["products"][0]["variants"][1]["prize"] = "1.00";
  BOOST_TEST((configError(store) == std::pair<std::string, std::string>{"unknown_field", "/catalog/products/0/variants/1/prize"}));
  store = teeStore();
  store["catalog"]["products"][2]["variants"][0].erase("price");
  BOOST_TEST((configError(store) == std::pair<std::string, std::string>{"missing_field", "/catalog/products/2/variants/0/price"}));
  store = teeStore();
  store.erase("schemaVersion");
  BOOST_TEST(configError(store).first == "missing_field");
  store = teeStore();
  store["schemaVersion"] = 2;
  BOOST_TEST(configError(store).first == "unsupported_schema_version");
}

BOOST_AUTO_TEST_CASE(currency_and_money_validation) {
  json store = teeStore();
  store["store"]["currency"] = "XYZ";
  BOOST_TEST((configError(store) == std::pair<std::string, std::string>{"unknown_currency", "/store/currency"}));
  store = teeStore();
  store["catalog"]["products"][0]["variants"][0]["price"] = "20.001";
  BOOST_TEST((configError(store) == std::pair<std::string, std::string>{"invalid_value", "/catalog/products/0/variants/0/price"}));
  store = teeStore();
  store["catalog"]["products"][0]["variants"][0]["price"] = 20.0;  // money must be a string, never a float
  BOOST_TEST(configError(store).first == "invalid_type");
  store = teeStore();
  store["catalog"]["products"][0]["variants"][0]["price"] = "-1.00";
  BOOST_TEST(configError(store).first == "invalid_value");
}

BOOST_AUTO_TEST_CASE(duplicate_ids_are_rejected) {
  json store = teeStore();
  store["catalog"]["products"][1]["variants"][0]["id"] = "tee-black-m";
  BOOST_TEST(configError(store).first == "duplicate_id");
  json promo = {{"id", "p"}, {"type", "freeShipping"}};
  store = teeStore(json::array(), {promo, promo});
  BOOST_TEST((configError(store) == std::pair<std::string, std::string>{"duplicate_id", "/promotions/1/id"}));
}

BOOST_AUTO_TEST_CASE(selectors_reject_unknown_references_and_ambiguity) {
  auto withSelector = [](json selector) {
    return teeStore(json::array(), {{{"id", "p"}, {"type", "itemDiscount"}, {"selector", selector}, {"discount", {{"percentOff", "10"}}}}});
  };
  BOOST_TEST((configError(withSelector({{"variants", {"tee-black-m", "nope"}}})) ==
              std::pair<std::string, std::string>{"unknown_reference", "/promotions/0/selector/variants/1"}));
  BOOST_TEST(configError(withSelector({{"categories", {"shoes"}}})).first == "unknown_reference");
  BOOST_TEST(configError(withSelector({{"attribute", "colour"}, {"equals", "black"}})).first == "unknown_reference");
  BOOST_TEST((configError(withSelector({{"attribute", "color"}, {"in", {"black", "blakc"}}})) ==
              std::pair<std::string, std::string>{"unknown_reference", "/promotions/0/selector/in/1"}));
  BOOST_TEST(configError(withSelector({{"products", {"tee"}}, {"categories", {"tees"}}})).first == "invalid_value");
  BOOST_TEST(configError(withSelector(json::object())).first == "invalid_value");
  BOOST_TEST(configError(withSelector({{"all", json::array()}})).first == "invalid_value");
  BOOST_TEST(configError(withSelector({{"attribute", "color"}, {"equals", "black"}, {"in", {"white"}}})).first == "invalid_value");
  // notIn tolerates a value nobody has: excluding nothing is harmless.
  json ok = json::parse(cartcore::validateConfigJson(withSelector({{"attribute", "color"}, {"notIn", {"purple"}}}).dump()));
  BOOST_TEST(ok["ok"].get<bool>());
}

BOOST_AUTO_TEST_CASE(deeply_nested_selectors_are_bounded) {
  json selector = {{"products", {"tee"}}};
  for (int i = 0; i < 40; ++i) selector = {{"not", selector}};
  json store = teeStore(json::array(), {{{"id", "p"}, {"type", "itemDiscount"}, {"selector", selector}, {"discount", {{"percentOff", "10"}}}}});
  BOOST_TEST(configError(store).first == "out_of_range");
}

BOOST_AUTO_TEST_CASE(rule_shapes_are_validated) {
  auto promoError = [](json promo) { return configError(teeStore(json::array(), json::array({promo}))); };
  BOOST_TEST(promoError({{"id", "p"}, {"type", "mystery"}}).first == "invalid_value");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}},
                         {"discount", {{"percentOff", "10"}, {"amountOff", "1.00"}}}})
                 .first == "invalid_value");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "101"}}}})
                 .first == "out_of_range");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "spendThreshold"},
                         {"tiers", {{{"minSubtotal", "50.00"}, {"amountOff", "5.00"}}, {{"minSubtotal", "20.00"}, {"amountOff", "1.00"}}}}})
                 .first == "invalid_value");
  BOOST_TEST((promoError({{"id", "p"}, {"type", "freeShipping"}, {"conditions", {{"window", {{"startsAt", "2026-11-27T10:00:00Z"}, {"endsAt", "2026-11-27T09:00:00Z"}}}}}}) ==
              std::pair<std::string, std::string>{"invalid_value", "/promotions/0/conditions/window/endsAt"}));
  BOOST_TEST(promoError({{"id", "p"}, {"type", "freeShipping"}, {"stacking", "sometimes"}}).first == "invalid_value");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "freeShipping"}, {"coupons", {"  "}}}).first == "invalid_value");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "buyXGetY"}, {"buy", {{"selector", {{"everything", true}}}, {"quantity", 0}}},
                         {"get", {{"selector", {{"everything", true}}}, {"quantity", 1}}}})
                 .first == "out_of_range");
  BOOST_TEST(promoError({{"id", "p"}, {"type", "bundle"}, {"components", {{{"selector", {{"products", {"cap"}}}}}}}}).first == "invalid_value");
  json rule = {{"id", "r"}, {"type", "tiered"}, {"selector", {{"everything", true}}}, {"tiers", {{{"minQuantity", 3}, {"percentOff", "10"}}, {{"minQuantity", 3}, {"percentOff", "20"}}}}};
  BOOST_TEST(configError(teeStore(json::array({rule}))).first == "invalid_value");
}

BOOST_AUTO_TEST_SUITE_END()
