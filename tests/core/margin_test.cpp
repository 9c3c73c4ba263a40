// SPDX-License-Identifier: MIT
// Margin protection: the most specific floor, time-limited overrides, graceful clamps, the order cap and reporting.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/margin.hpp"
#include "stages/stacking.hpp"

using namespace cartcore::test;

namespace {

using Error = std::pair<std::string, std::string>;

json percentOff(const char* id, const char* percent, json selector = {{"everything", true}}, int priority = 0) {
  return {{"id", id}, {"type", "itemDiscount"}, {"priority", priority}, {"selector", selector}, {"discount", {{"percentOff", percent}}}};
}

/** The tee shop with costs (tee-black-m 8.00, tee-black-xl 10.00, cap 9.00; hoodie unknown) and the given floors. */
json flooredStore(json floors, json promotions, json extra = json::object()) {
  json store = teeStore(json::array(), std::move(promotions));
  store["catalog"]["products"][0]["variants"][1]["cost"] = "10.00";
  store["catalog"]["products"][2]["variants"][0]["cost"] = "9.00";
  store["marginFloors"] = {{"floors", std::move(floors)}};
  for (auto& [k, v] : extra.items()) store["marginFloors"][k] = v;
  return store;
}

json floor(const char* id, json fields) {
  fields["id"] = id;
  return fields;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(margin)

BOOST_AUTO_TEST_CASE(percent_floor_clamps_the_discount_to_exactly_the_floor) {
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}));
  // 40% margin on cost 8.00 needs a net price of 8.00 / 0.6 = 13.333.. -> 13.34; 50% off would be 10.00.
  json q = quote(store, cart({{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "13.34");
  BOOST_TEST(q["margin"]["clamps"][0]["floor"] == "base");
  BOOST_TEST(q["margin"]["clamps"][0]["discountBefore"] == "10.00");
  BOOST_TEST(q["margin"]["clamps"][0]["discountAfter"] == "6.66");
  BOOST_TEST(promotionOutcome(q, "half")["amount"] == "6.66");
  // Three units: 24.00 / 0.6 = 40.00 exactly, spread 13.34 + 2 x 13.33.
  q = quote(store, cart({{"tee-black-m", 3}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "40.00");
  BOOST_TEST(findById(q["lines"], "tee-black-m")->at("unitPrices").size() == 2u);
  BOOST_TEST(q["totals"]["promotionSavings"] == "20.00");
  // A discount that stays above the floor is untouched: 25% off 20.00 is 15.00 >= 13.34.
  q = quote(flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("quarter", "25")})), cart({{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "15.00");
  BOOST_TEST(q["margin"]["clamps"].empty());
}

BOOST_AUTO_TEST_CASE(most_specific_floor_wins) {
  json floors = {floor("base", {{"minMarginPercent", "40"}}),
                 floor("tees", {{"categories", {"tees"}}, {"minMarginPercent", "20"}}),
                 floor("black-m", {{"variants", {"tee-black-m"}}, {"minMarginAmount", "5.00"}}),
                 floor("wholesale", {{"segments", {"wholesale"}}, {"minMarginPercent", "10"}})};
  json store = flooredStore(floors, json::array({percentOff("ninety", "90")}));
  json q = quote(store, cart({{"tee-black-m", 1}, {"tee-black-xl", 1}, {"cap", 1}}, {{"customer", {{"segments", {"wholesale"}}}}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "13.00");   // variant floor: 8.00 + 5.00
  BOOST_TEST(lineTotal(q, "tee-black-xl") == "12.50");  // category floor: 10.00 / 0.8
  BOOST_TEST(lineTotal(q, "cap") == "10.00");           // segment floor beats the store-wide one: 9.00 / 0.9
  q = quote(store, cart({{"cap", 1}}));                  // not wholesale: the store-wide floor, 9.00 / 0.6
  BOOST_TEST(lineTotal(q, "cap") == "15.00");
  BOOST_TEST(q["margin"]["clamps"][0]["discountAfter"] == "0.00");
}

BOOST_AUTO_TEST_CASE(time_limited_override_relaxes_the_floor) {
  json launch = floor("tees", {{"categories", {"tees"}}, {"minMarginPercent", "40"},
                               {"overrides", {{{"startsAt", "2026-11-27T00:00:00.000Z"}, {"endsAt", "2026-11-28T00:00:00.000Z"}, {"minMarginPercent", "10"}}}}});
  json store = flooredStore(json::array({launch}), json::array({percentOff("half", "50")}));
  BOOST_TEST(lineTotal(quote(store, cart({{"tee-black-m", 1}})), "tee-black-m") == "10.00");  // 8.00 / 0.9 = 8.89 <= 10.00
  BOOST_TEST(lineTotal(quote(store, cart({{"tee-black-m", 1}}, {{"now", "2026-11-28T00:00:00.000Z"}})), "tee-black-m") == "13.34");
}

BOOST_AUTO_TEST_CASE(last_applied_promotion_gives_back_first) {
  json amount = {{"id", "five"}, {"type", "itemDiscount"}, {"selector", {{"products", {"tee"}}}}, {"discount", {{"amountOff", "5.00"}}}};
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), {percentOff("quarter", "25", {{"products", {"tee"}}}, 10), amount});
  json q = quote(store, cart({{"tee-black-m", 1}}));
  // 20.00 -> 15.00 (quarter) -> 10.00 (five); the floor 13.34 takes 3.34 back from "five".
  BOOST_TEST(lineTotal(q, "tee-black-m") == "13.34");
  BOOST_TEST(promotionOutcome(q, "quarter")["amount"] == "5.00");
  BOOST_TEST(promotionOutcome(q, "five")["amount"] == "1.66");
}

BOOST_AUTO_TEST_CASE(order_cap_limits_total_discount) {
  json store = teeStore(json::array(), json::array({percentOff("half", "50")}));
  store["marginFloors"] = {{"maxOrderDiscountPercent", "20"}};
  json q = quote(store, cart({{"tee-black-m", 2}, {"cap", 1}}));
  // 27.50 off 55.00 exceeds 20% (11.00); 16.50 goes back pro rata to the lines' discounts: cap 4.50, tees 12.00.
  BOOST_TEST(q["totals"]["promotionSavings"] == "11.00");
  BOOST_TEST(lineTotal(q, "cap") == "12.00");
  BOOST_TEST(lineTotal(q, "tee-black-m") == "32.00");
  BOOST_TEST(q["margin"]["orderCap"]["discountBefore"] == "27.50");
  BOOST_TEST(q["margin"]["orderCap"]["discountAfter"] == "11.00");
  BOOST_TEST(q["margin"]["orderCap"]["percent"] == "20");
  BOOST_TEST(quote(store, cart({{"cap", 1}}, {{"now", "2026-11-27T09:30:00.000Z"}}))["totals"]["total"] == "12.00");
}

BOOST_AUTO_TEST_CASE(a_promotion_whose_whole_saving_is_clamped_did_not_apply) {
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}));
  // The cap costs 9.00: 40 % margin needs 15.00, its list price, so all of the 7.50 goes back.
  json q = quote(store, cart({{"cap", 1}}));
  json half = promotionOutcome(q, "half");
  BOOST_TEST(findById(q["promotions"]["applied"], "half") == nullptr);
  BOOST_TEST(half["reason"] == "clamped_by_margin_floor");
  BOOST_TEST(half["by"] == "base");
  BOOST_TEST(half.contains("amount") == false);  // not applied: no saving to state
  BOOST_TEST(half["message"] == "Not applied: its saving of 7.50 USD would take the price below the \"base\" margin floor.");
  BOOST_TEST(q["lines"][0]["adjustments"].empty());
  // A code that unlocks it says the same, as not applied.
  store["promotions"][0]["coupons"] = {"HALF"};
  q = quote(store, cart({{"cap", 1}}, {{"coupons", {"half"}}}));
  BOOST_TEST(q["coupons"][0]["status"] == "not_applied");
  BOOST_TEST(q["coupons"][0]["reason"] == "clamped_by_margin_floor");
  // Shoppers are not told the floor.
  store["promotions"][0].erase("coupons");
  store["marginFloors"]["visibility"] = "shopper";
  half = promotionOutcome(quote(store, cart({{"cap", 1}})), "half");
  BOOST_TEST(half["reason"] == "clamped_by_margin_floor");
  BOOST_TEST(half.contains("by") == false);
  BOOST_TEST(half["message"] == "Not applied: its saving of 7.50 USD would take the price below the lowest this store allows.");
}

BOOST_AUTO_TEST_CASE(a_clamped_buy_x_get_y_says_what_each_unit_costs_and_why) {
  json bogo = {{"id", "bogo"}, {"type", "buyXGetY"}, {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}},
               {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
  // 40 % on cost 8.00: two tees must bring 26.67, so the free tee is not free: 13.34 + 13.33.
  json q = quote(flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({bogo})), cart({{"tee-black-m", 2}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "26.67");
  BOOST_TEST(promotionOutcome(q, "bogo")["message"] ==
             "Buy 1, get 1: applied 1 time. You save 13.33 USD (limited from 20.00 USD by margin protection). "
             "Each Tee costs 13.33 USD to 13.34 USD to keep the \"base\" margin floor.");
  // A floor at the list price: three full-price units, and the offer says so rather than "applied, 0.00".
  q = quote(flooredStore(json::array({floor("hero", {{"variants", {"tee-black-m"}}, {"minMarginAmount", "12.00"}})}), json::array({bogo})),
            cart({{"tee-black-m", 3}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "60.00");
  json outcome = promotionOutcome(q, "bogo");
  BOOST_TEST(outcome["reason"] == "clamped_by_margin_floor");
  BOOST_TEST(outcome["message"] ==
             "Not applied: its saving of 20.00 USD would take the price below the \"hero\" margin floor. "
             "Each Tee costs 20.00 USD to keep the \"hero\" margin floor.");
}

BOOST_AUTO_TEST_CASE(the_order_cap_has_its_own_reason_and_words) {
  json store = teeStore(json::array(), json::array({percentOff("half", "50")}));
  store["marginFloors"] = {{"maxOrderDiscountPercent", "20"}};
  json q = quote(store, cart({{"tee-black-m", 2}, {"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "half")["message"] ==
             "Applied to 3 items. You save 11.00 USD (limited from 27.50 USD: an order's discounts are capped at 20% of its items).");
  // Under shopper visibility the cap is still named: it is the store's rule, not a cost.
  store["marginFloors"]["visibility"] = "shopper";
  BOOST_TEST(promotionOutcome(quote(store, cart({{"tee-black-m", 2}, {"cap", 1}})), "half")["message"] ==
             "Applied to 3 items. You save 11.00 USD (limited from 27.50 USD: an order's discounts are capped at 20% of its items).");
  // 20 % first uses the whole cap: the later 10 % gives all of its saving back.
  store = teeStore(json::array(), json::array({percentOff("fifth", "20", {{"everything", true}}, 10), percentOff("tenth", "10")}));
  store["marginFloors"] = {{"maxOrderDiscountPercent", "20"}};
  q = quote(store, cart({{"tee-black-m", 1}, {"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "28.00");
  BOOST_TEST(promotionOutcome(q, "fifth")["amount"] == "7.00");
  json tenth = promotionOutcome(q, "tenth");
  BOOST_TEST(tenth["reason"] == "clamped_by_order_cap");
  BOOST_TEST(tenth.contains("by") == false);
  BOOST_TEST(tenth["message"] ==
             "Not applied: an order's discounts are capped at 20% of its items, and the offers before this one reach the cap "
             "(it would have saved 2.80 USD).");
}

BOOST_AUTO_TEST_CASE(margins_are_reported_per_line_and_order) {
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "10"}})}), json::array());
  store["marginFloors"]["missingCost"] = "skip";
  json q = quote(store, cart({{"tee-black-m", 1}, {"cap", 1}, {"hoodie-m", 1}}));
  BOOST_TEST(q["margin"]["lines"][0]["line"] == "cap");
  BOOST_TEST(q["margin"]["lines"][1]["line"] == "tee-black-m");
  BOOST_TEST(q["margin"]["lines"][1]["margin"] == "12.00");
  BOOST_TEST(q["margin"]["lines"][1]["percent"] == "60");
  BOOST_TEST(q["margin"]["order"]["revenue"] == "35.00");  // the hoodie has no cost, so it is left out
  BOOST_TEST(q["margin"]["order"]["margin"] == "18.00");
  BOOST_TEST(q["margin"]["order"]["percent"] == "51.4286");  // 18 / 35
  BOOST_TEST(q["margin"]["linesWithoutCost"][0] == "hoodie-m");
}

BOOST_AUTO_TEST_CASE(shopper_visibility_hides_floors_and_figures) {
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}), {{"visibility", "shopper"}});
  json q = quote(store, cart({{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "13.34");
  BOOST_TEST(q["margin"].size() == 1u);  // clamps only
  BOOST_TEST(q["margin"]["clamps"][0].contains("floor") == false);
  BOOST_TEST(q["margin"]["clamps"][0]["message"] == "Discounts on Tee are limited to 6.66 USD (from 10.00 USD) on this item.");
}

BOOST_AUTO_TEST_CASE(missing_cost_is_an_error_or_a_warning) {
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}));
  BOOST_TEST((errorOf(store, cart({{"cap", 1}, {"hoodie-m", 1}})) == Error{"missing_cost", "/lines/1/variant"}));
  store["marginFloors"]["missingCost"] = "skip";
  json q = quote(store, cart({{"cap", 1}, {"hoodie-m", 1}}));
  BOOST_TEST(lineTotal(q, "hoodie-m") == "27.50");  // no floor without a cost
  BOOST_TEST(q["warnings"][0]["code"] == "missing_cost");
  BOOST_TEST(q["warnings"][0]["line"] == "hoodie-m");  // a line id, not a request index: order must not matter
  BOOST_TEST(q["warnings"][0].contains("pointer") == false);
}

BOOST_AUTO_TEST_CASE(floors_hold_in_other_currencies_and_with_tax_inside_prices) {
  json store = flooredStore(json::array({floor("black-m", {{"variants", {"tee-black-m"}}, {"minMarginAmount", "5.00"}})}), json::array({percentOff("ninety", "90")}));
  store["currencies"] = {{"rates", {{"EUR", "0.92"}}}, {"asOf", "2026-11-27T00:00:00.000Z"}};
  json request = cart({{"tee-black-m", 1}});
  request["currency"] = "EUR";
  BOOST_TEST(lineTotal(quote(store, request), "tee-black-m") == "11.96");  // cost 7.36 + 4.60 EUR
  json taxed = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}));
  taxed["tax"] = {{"pricesIncludeTax", true}, {"rates", {{{"id", "vat"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "19"}}}}};
  json q = quote(taxed, cart({{"tee-black-m", 1}}, {{"country", "DE"}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "15.88");  // net 13.34 x 1.19 = 15.8746, rounded up
  BOOST_TEST(q["margin"]["lines"][0]["revenue"] == "13.34");  // 15.88 - 2.54 tax
}

BOOST_AUTO_TEST_CASE(bad_floor_config_names_the_field) {
  auto error = [](json floors, json extra = json::object()) { return errorOf(flooredStore(floors, json::array(), extra), cart({{"cap", 1}})); };
  BOOST_TEST((error(json::array({floor("f", {{"minMarginPercent", "100"}})})) == Error{"out_of_range", "/marginFloors/floors/0/minMarginPercent"}));
  BOOST_TEST((error(json::array({floor("f", {{"minMarginPercent", "10"}, {"minMarginAmount", "1.00"}})})) == Error{"invalid_value", "/marginFloors/floors/0"}));
  BOOST_TEST((error(json::array({floor("f", {{"categories", {"shoes"}}, {"minMarginPercent", "10"}})})) == Error{"unknown_reference", "/marginFloors/floors/0/categories/0"}));
  BOOST_TEST((error(json::array({floor("f", {{"variants", {"nope"}}, {"minMarginPercent", "10"}})})) == Error{"unknown_reference", "/marginFloors/floors/0/variants/0"}));
  BOOST_TEST((error(json::array({floor("f", {{"minMarginPercent", "10"}})}), {{"missingCost", "maybe"}}) == Error{"invalid_value", "/marginFloors/missingCost"}));
  BOOST_TEST((error({floor("f", {{"minMarginPercent", "10"}}), floor("f", {{"minMarginPercent", "20"}})}) == Error{"duplicate_id", "/marginFloors/floors/1/id"}));
  BOOST_TEST((error(json::array()) == Error{"invalid_value", "/marginFloors"}));
}

// The stage alone: protectMargins over a cart the stacking stage priced.

BOOST_AUTO_TEST_CASE(stage_gives_back_discount_and_restates_the_verdict) {
  using namespace cartcore;
  StageFixture f(flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")})), cart({{"tee-black-m", 1}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> promotions = applyPromotions(c);
  BOOST_TEST(c.lines[0].total() == 1000);
  MarginProtection m = protectMargins(c, promotions);
  BOOST_TEST(c.lines[0].total() == 1334);
  BOOST_REQUIRE(c.lines[0].adjustments.size() == 1u);
  BOOST_TEST(c.lines[0].adjustments[0].amount == -666);
  BOOST_TEST(promotions[0].amount == 666);
  BOOST_TEST(promotions[0].limitedFrom.value() == 1000);
  BOOST_REQUIRE(m.report.clamps.size() == 1u);
  BOOST_REQUIRE(m.clampsWhy.size() == 1u);  // one explanation per clamp
  BOOST_TEST(m.clampsWhy[0].message == Message::MarginClamp);
  BOOST_TEST(m.clampsWhy[0].name == "base");  // internal visibility names the floor
  BOOST_TEST(m.clampsWhy[0].amount == 666);
  BOOST_TEST(m.clampsWhy[0].amount2 == 1000);
  BOOST_TEST(m.warnings.empty());
}

BOOST_AUTO_TEST_CASE(stage_skipped_floor_warns_with_one_explanation_per_warning) {
  using namespace cartcore;
  json store = flooredStore(json::array({floor("base", {{"minMarginPercent", "40"}})}), json::array({percentOff("half", "50")}), {{"missingCost", "skip"}});
  StageFixture f(store, cart({{"hoodie-m", 1}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> promotions = applyPromotions(c);
  MarginProtection m = protectMargins(c, promotions);
  BOOST_REQUIRE(m.warnings.size() == 1u);
  BOOST_REQUIRE(m.warningsWhy.size() == 1u);
  BOOST_TEST(m.warnings[0].line == "hoodie-m");
  BOOST_TEST(m.warningsWhy[0].message == Message::MissingCost);
  BOOST_TEST(m.warningsWhy[0].variant->id == "hoodie-m");
  BOOST_TEST(!promotions[0].limitedFrom.has_value());
  BOOST_TEST(c.lines[0].total() == 2750);
}

BOOST_AUTO_TEST_SUITE_END()
