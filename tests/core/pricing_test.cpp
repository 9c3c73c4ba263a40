// SPDX-License-Identifier: MIT
// Each promotion type on hand-computed carts.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace cartcore::test;

namespace {
json everything() { return {{"everything", true}}; }
json blackTees() { return {{"all", {{{"categories", {"tees"}}}, {{"attribute", "color"}, {"equals", "black"}}}}}; }
json whiteTees() { return {{"all", {{{"categories", {"tees"}}}, {{"attribute", "color"}, {"equals", "white"}}}}}; }
}  // namespace

BOOST_AUTO_TEST_SUITE(pricing)

BOOST_AUTO_TEST_CASE(plain_cart_is_list_price) {
  json q = quote(teeStore(), cart({{"tee-black-m", 2}, {"cap", 1}}));
  BOOST_TEST(q["totals"]["listSubtotal"] == "55.00");
  BOOST_TEST(q["totals"]["total"] == "55.00");
  BOOST_TEST(q["promotions"]["applied"].empty());
}

BOOST_AUTO_TEST_CASE(tiered_line_and_mix_and_match) {
  json line = {{"id", "bulk"}, {"type", "tiered"}, {"selector", {{"categories", {"tees"}}}},
               {"tiers", {{{"minQuantity", 3}, {"percentOff", "10"}}, {{"minQuantity", 5}, {"unitPrice", "15.00"}}}}};
  json q = quote(teeStore(json::array({line})), cart({{"tee-black-m", 3}, {"tee-white-m", 2}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "54.00");  // 3 x 18.00
  BOOST_TEST(lineTotal(q, "tee-white-m") == "40.00");  // 2 units: no tier on its own line
  line["scope"] = "mixAndMatch";
  q = quote(teeStore(json::array({line})), cart({{"tee-black-m", 3}, {"tee-white-m", 2}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "45.00");  // 5 tees together reach the 15.00 tier
  BOOST_TEST(lineTotal(q, "tee-white-m") == "30.00");
  q = quote(teeStore(json::array({line})), cart({{"tee-black-m", 1}}));
  BOOST_TEST(q["priceRules"]["notApplied"][0]["reason"] == "tier_not_reached");
  BOOST_TEST(q["priceRules"]["notApplied"][0]["quantityNeeded"] == 2);
}

BOOST_AUTO_TEST_CASE(lowest_price_rule_wins_and_the_other_says_why) {
  json vip = {{"id", "vip"}, {"type", "memberPrice"}, {"selector", {{"products", {"tee"}}}}, {"segments", {"vip"}}, {"percentOff", "20"}};
  json flash = {{"id", "flash"}, {"type", "flashSale"}, {"selector", {{"variants", {"tee-black-m"}}}}, {"unitPrice", "17.00"},
                {"startsAt", "2026-11-27T09:00:00.000Z"}, {"endsAt", "2026-11-27T10:00:00.000Z"}};
  json q = quote(teeStore({vip, flash}), cart({{"tee-black-m", 1}}, {{"customer", {{"segments", {"vip"}}}}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "16.00");
  BOOST_TEST(q["priceRules"]["notApplied"][0]["id"] == "flash");
  BOOST_TEST(q["priceRules"]["notApplied"][0]["reason"] == "better_price_rule_applied");
  BOOST_TEST(q["priceRules"]["notApplied"][0]["by"] == "vip");
  q = quote(teeStore({vip, flash}), cart({{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "17.00");
  BOOST_TEST(findById(q["priceRules"]["notApplied"], "vip")->at("reason") == "segment_not_eligible");
}

BOOST_AUTO_TEST_CASE(flash_sale_window_is_half_open_at_millisecond_precision) {
  json flash = {{"id", "flash"}, {"type", "flashSale"}, {"selector", {{"products", {"cap"}}}}, {"unitPrice", "9.99"},
                {"startsAt", "2026-11-27T09:00:00.000Z"}, {"endsAt", "2026-11-27T10:00:00.000Z"}};
  auto at = [&](const char* now) { return lineTotal(quote(teeStore(json::array({flash})), cart({{"cap", 1}}, {{"now", now}})), "cap"); };
  BOOST_TEST(at("2026-11-27T08:59:59.999Z") == "15.00");
  BOOST_TEST(at("2026-11-27T09:00:00.000Z") == "9.99");
  BOOST_TEST(at("2026-11-27T09:59:59.999Z") == "9.99");
  BOOST_TEST(at("2026-11-27T10:00:00.000Z") == "15.00");
}

BOOST_AUTO_TEST_CASE(item_discount_kinds) {
  auto with = [](json discount) {
    return teeStore(json::array(), {{{"id", "d"}, {"type", "itemDiscount"}, {"selector", {{"products", {"tee"}}}}, {"discount", discount}}});
  };
  BOOST_TEST(lineTotal(quote(with({{"percentOff", "12.5"}}), cart({{"tee-black-m", 3}})), "tee-black-m") == "52.50");
  BOOST_TEST(lineTotal(quote(with({{"amountOff", "25.00"}}), cart({{"tee-black-m", 2}})), "tee-black-m") == "0.00");  // never below zero
  BOOST_TEST(lineTotal(quote(with({{"fixedPrice", "12.00"}}), cart({{"tee-black-m", 2}})), "tee-black-m") == "24.00");
  json q = quote(with({{"fixedPrice", "30.00"}}), cart({{"tee-black-m", 1}}));  // a fixed price above list saves nothing
  BOOST_TEST(promotionOutcome(q, "d")["reason"] == "no_saving");
  q = quote(with({{"percentOff", "100"}}), cart({{"tee-black-m", 1}, {"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "15.00");
}

BOOST_AUTO_TEST_CASE(percent_rounding_splits_over_units_exactly) {
  json store = teeStore(json::array(), {{{"id", "third"}, {"type", "itemDiscount"}, {"selector", {{"products", {"cap"}}}},
                                          {"discount", {{"percentOff", "33.3333"}}}}});
  json q = quote(store, cart({{"cap", 3}}));
  // 45.00 x 33.3333% = 14.999985 -> 15.00 off, 5.00 per unit exactly.
  BOOST_TEST(lineTotal(q, "cap") == "30.00");
  store["catalog"]["products"][2]["variants"][0]["price"] = "0.10";
  q = quote(store, cart({{"cap", 7}}));
  // 0.70 x 33.3333% = 0.2333 -> 0.23 off, split 0.04 x 2 units + 0.03 x 5 units.
  BOOST_TEST(lineTotal(q, "cap") == "0.47");
  const json& units = findById(q["lines"], "cap")->at("unitPrices");
  BOOST_TEST(units.size() == 2u);
  BOOST_TEST(units[0]["quantity"] == 5);
  BOOST_TEST(units[0]["unitPrice"] == "0.07");
  BOOST_TEST(units[1]["quantity"] == 2);
  BOOST_TEST(units[1]["unitPrice"] == "0.06");
}

BOOST_AUTO_TEST_CASE(buy_x_get_y_discounts_cheapest_non_qualifying_units) {
  json bogo = {{"id", "bogo"}, {"type", "buyXGetY"}, {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}},
               {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
  json q = quote(teeStore(json::array(), json::array({bogo})), cart({{"tee-black-m", 1}, {"tee-black-xl", 1}, {"tee-white-xl", 1}}));
  // Three tees, one application: the 20.00 tee is free; both 22.00 tees pay.
  BOOST_TEST(q["totals"]["total"] == "44.00");
  BOOST_TEST(lineTotal(q, "tee-black-m") == "0.00");
  q = quote(teeStore(json::array(), json::array({bogo})), cart({{"tee-black-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "bogo")["reason"] == "buy_quantity_not_met");
  BOOST_TEST(promotionOutcome(q, "bogo")["quantityNeeded"] == 1);
  bogo["discountedUnits"] = "mostExpensive";
  q = quote(teeStore(json::array(), json::array({bogo})), cart({{"tee-black-m", 1}, {"tee-black-xl", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-xl") == "0.00");
}

BOOST_AUTO_TEST_CASE(buy_x_get_y_across_different_sets_and_repeat_limit) {
  json promo = {{"id", "bw"}, {"type", "buyXGetY"}, {"buy", {{"selector", blackTees()}, {"quantity", 1}}},
                {"get", {{"selector", whiteTees()}, {"quantity", 1}, {"discount", {{"percentOff", "50"}}}}}, {"maxApplications", 2}};
  // Y dearer than X is fine: buy a black M (20.00), the white XL (22.00) is half price.
  json q = quote(teeStore(json::array(), json::array({promo})), cart({{"tee-black-m", 1}, {"tee-white-xl", 1}}));
  BOOST_TEST(lineTotal(q, "tee-white-xl") == "11.00");
  // Three black + three white, limited to two applications: two cheapest white units are discounted.
  q = quote(teeStore(json::array(), json::array({promo})), cart({{"tee-black-m", 3}, {"tee-white-m", 2}, {"tee-white-xl", 1}}));
  BOOST_TEST(lineTotal(q, "tee-white-m") == "20.00");
  BOOST_TEST(lineTotal(q, "tee-white-xl") == "22.00");
  BOOST_TEST(promotionOutcome(q, "bw")["amount"] == "20.00");
  // Black only: the get item is missing.
  q = quote(teeStore(json::array(), json::array({promo})), cart({{"tee-black-m", 2}}));
  BOOST_TEST(promotionOutcome(q, "bw")["reason"] == "buy_quantity_not_met");
}

BOOST_AUTO_TEST_CASE(bundle_price_and_percent) {
  json bundle = {{"id", "kit"}, {"type", "bundle"}, {"bundlePrice", "60.00"},
                 {"components", {{{"selector", {{"products", {"hoodie"}}}}, {"quantity", 1}}, {{"selector", {{"products", {"cap"}}}}, {"quantity", 1}}}}};
  json q = quote(teeStore(json::array(), json::array({bundle})), cart({{"hoodie-m", 2}, {"cap", 1}}));
  // One bundle (one cap): 70.00 -> 60.00; the 10.00 saving is split 55:15.
  BOOST_TEST(q["totals"]["total"] == "115.00");
  BOOST_TEST(lineTotal(q, "cap") == "12.86");
  BOOST_TEST(lineTotal(q, "hoodie-m") == "102.14");
  q = quote(teeStore(json::array(), json::array({bundle})), cart({{"hoodie-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "kit")["reason"] == "bundle_incomplete");
  BOOST_TEST(promotionOutcome(q, "kit")["quantityNeeded"] == 1);
  bundle["bundlePrice"] = "80.00";  // dearer than the items: never raises a price
  q = quote(teeStore(json::array(), json::array({bundle})), cart({{"hoodie-m", 1}, {"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "kit")["reason"] == "no_saving");
  BOOST_TEST(q["totals"]["total"] == "70.00");
}

BOOST_AUTO_TEST_CASE(spend_threshold_tiers_and_amount_needed) {
  json spend = {{"id", "spend"}, {"type", "spendThreshold"},
                {"tiers", {{{"minSubtotal", "50.00"}, {"amountOff", "5.00"}}, {{"minSubtotal", "100.00"}, {"percentOff", "15"}}}}};
  json q = quote(teeStore(json::array(), json::array({spend})), cart({{"tee-black-m", 1}, {"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "spend")["reason"] == "min_subtotal_not_met");
  BOOST_TEST(promotionOutcome(q, "spend")["amountNeeded"] == "15.00");
  q = quote(teeStore(json::array(), json::array({spend})), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "50.00");
  q = quote(teeStore(json::array(), json::array({spend})), cart({{"hoodie-m", 2}}));
  BOOST_TEST(q["totals"]["total"] == "93.50");
}

BOOST_AUTO_TEST_CASE(conditions_and_stock_guard) {
  json promo = {{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"products", {"cap"}}}}, {"discount", {{"percentOff", "10"}}},
                {"conditions", {{"stockGuard", {{"selector", {{"variants", {"cap"}}}}, {"minAvailable", 10}}}}}};
  json store = teeStore(json::array(), json::array({promo}));
  BOOST_TEST(promotionOutcome(quote(store, cart({{"cap", 1}})), "p")["reason"] == "stock_unknown");
  BOOST_TEST(promotionOutcome(quote(store, cart({{"cap", 1}}, {{"stock", {{"cap", 9}}}})), "p")["reason"] == "stock_below_threshold");
  BOOST_TEST(promotionOutcome(quote(store, cart({{"cap", 1}}, {{"stock", {{"cap", 10}}}})), "p")["reason"] == "applied");
  promo["conditions"] = {{"minQuantity", 3}};
  json q = quote(teeStore(json::array(), json::array({promo})), cart({{"cap", 2}}));
  BOOST_TEST(promotionOutcome(q, "p")["reason"] == "min_quantity_not_met");
  BOOST_TEST(promotionOutcome(q, "p")["quantityNeeded"] == 1);
  promo["conditions"] = {{"currencies", {"EUR"}}};
  BOOST_TEST(promotionOutcome(quote(teeStore(json::array(), json::array({promo})), cart({{"cap", 1}})), "p")["reason"] == "currency_not_eligible");
}

BOOST_AUTO_TEST_CASE(coupons_are_case_insensitive_and_unknown_codes_reported) {
  json promo = {{"id", "save"}, {"type", "itemDiscount"}, {"selector", everything()}, {"discount", {{"percentOff", "10"}}}, {"coupons", {"Save10"}}};
  json q = quote(teeStore(json::array(), json::array({promo})), cart({{"cap", 1}}, {{"coupons", {" save10 ", "BOGUS"}}}));
  BOOST_TEST(q["totals"]["total"] == "13.50");
  BOOST_TEST(q["coupons"][0]["code"] == "BOGUS");
  BOOST_TEST(q["coupons"][0]["status"] == "unknown");
  BOOST_TEST(q["coupons"][1]["code"] == "SAVE10");
  BOOST_TEST(q["coupons"][1]["status"] == "applied");
  // Without the code the promotion is not even listed: secret codes are never advertised.
  q = quote(teeStore(json::array(), json::array({promo})), cart({{"cap", 1}}));
  BOOST_TEST(q["promotions"]["notApplied"].empty());
  BOOST_TEST(q["totals"]["total"] == "15.00");
}

BOOST_AUTO_TEST_CASE(low_stock_is_reported_honestly) {
  json q = quote(teeStore(), cart({{"cap", 1}, {"hoodie-m", 1}}, {{"stock", {{"cap", 3}, {"hoodie-m", 5}}}}));
  BOOST_TEST(findById(q["lines"], "cap")->at("lowStock")["remaining"] == 3);
  BOOST_TEST(!findById(q["lines"], "hoodie-m")->contains("lowStock"));  // level 5 is not below 5
}

BOOST_AUTO_TEST_SUITE_END()
