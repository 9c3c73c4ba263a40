// SPDX-License-Identifier: MIT
// Priority, exclusive, stop-after, exclusion groups and percentage bases, on hand-computed carts.
#include <boost/test/unit_test.hpp>

#include <string>

#include "stage_support.hpp"
#include "stages/promotions.hpp"
#include "stages/stacking.hpp"

using namespace cartcore::test;
using cartcore::Cart;
using cartcore::Reason;
using cartcore::RuleVerdict;

namespace {
json percentOff(const std::string& id, const std::string& percent, int priority, json extra = json::object()) {
  json promo = {{"id", id}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", percent}}},
                {"priority", priority}};
  for (auto& [k, v] : extra.items()) promo[k] = v;
  return promo;
}

json withShipping(json store, const std::string& flat) {
  store["shipping"] = {{"methods", {{{"id", "std"}, {"name", "Standard"}, {"flat", flat}}}}};
  return store;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(stacking)

BOOST_AUTO_TEST_CASE(stackable_percentages_compound_in_priority_order) {
  json q = quote(teeStore(json::array(), {percentOff("a", "10", 2), percentOff("b", "20", 1)}), cart({{"hoodie-m", 1}}));
  // 55.00 -> 49.50 -> 39.60
  BOOST_TEST(q["totals"]["total"] == "39.60");
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "a");
  BOOST_TEST(q["promotions"]["applied"][0]["amount"] == "5.50");
  BOOST_TEST(q["promotions"]["applied"][1]["amount"] == "9.90");
}

BOOST_AUTO_TEST_CASE(original_percent_base_does_not_compound_and_never_goes_negative) {
  json q = quote(teeStore(json::array(), {percentOff("a", "10", 2), percentOff("b", "20", 1, {{"percentBase", "original"}})}),
                 cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "38.50");  // 55 - 5.50 - 11.00
  q = quote(teeStore(json::array(), {percentOff("a", "60", 2), percentOff("b", "60", 1, {{"percentBase", "original"}})}),
            cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "0.00");  // the second 60% is capped at what is left
  BOOST_TEST(q["promotions"]["applied"][1]["amount"] == "22.00");
}

BOOST_AUTO_TEST_CASE(exclusive_applies_alone_and_blocks_the_rest) {
  json q = quote(teeStore(json::array(), {percentOff("site", "10", 5), percentOff("vip", "25", 1, {{"stacking", "exclusive"}})}),
                 cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "41.25");
  BOOST_TEST(promotionOutcome(q, "site")["reason"] == "blocked_by_exclusive");
  BOOST_TEST(promotionOutcome(q, "site")["by"] == "vip");
  // An exclusive whose conditions fail does not block anything.
  json gated = percentOff("vip", "25", 1, {{"stacking", "exclusive"}, {"conditions", {{"segments", {"vip"}}}}});
  q = quote(teeStore(json::array(), {percentOff("site", "10", 5), gated}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "49.50");
  BOOST_TEST(promotionOutcome(q, "vip")["reason"] == "segment_not_eligible");
}

BOOST_AUTO_TEST_CASE(two_exclusives_the_bigger_saving_wins) {
  json q = quote(teeStore(json::array(), {percentOff("x1", "10", 9, {{"stacking", "exclusive"}}), percentOff("x2", "50", 1, {{"stacking", "exclusive"}})}),
                 cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "7.50");
  BOOST_TEST(promotionOutcome(q, "x1")["reason"] == "blocked_by_exclusive");
  BOOST_TEST(promotionOutcome(q, "x1")["by"] == "x2");
}

BOOST_AUTO_TEST_CASE(exclusive_that_saves_less_than_the_combination_is_not_applied) {
  // On 55.00, 10% then 10% saves 5.50 + 4.95 = 10.45, more than a 15% exclusive alone (8.25).
  json q = quote(teeStore(json::array(), {percentOff("a", "10", 5), percentOff("b", "10", 4), percentOff("x", "15", 9, {{"stacking", "exclusive"}})}),
                 cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "44.55");
  BOOST_TEST(promotionOutcome(q, "x")["reason"] == "lost_to_better_combination");
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "applied");
  // A tie keeps the combination.
  q = quote(teeStore(json::array(), {percentOff("a", "10", 5), percentOff("x", "10", 9, {{"stacking", "exclusive"}})}), cart({{"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "applied");
  BOOST_TEST(promotionOutcome(q, "x")["reason"] == "lost_to_better_combination");
}

BOOST_AUTO_TEST_CASE(exclusive_win_also_drops_free_shipping_from_the_stack) {
  json ship = {{"id", "ship"}, {"type", "freeShipping"}};
  json q = quote(teeStore(json::array(), {percentOff("a", "5", 5), ship, percentOff("x", "30", 9, {{"stacking", "exclusive"}})}),
                 cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "10.50");
  BOOST_TEST(q["freeShipping"].is_null());
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "blocked_by_exclusive");
}

BOOST_AUTO_TEST_CASE(stop_after_blocks_lower_priorities_only) {
  json q = quote(teeStore(json::array(), {percentOff("high", "10", 9), percentOff("stop", "10", 5, {{"stacking", "stopAfter"}}), percentOff("low", "10", 1)}),
                 cart({{"cap", 1}}));
  // 15.00 -> 13.50 -> 12.15; "low" is blocked.
  BOOST_TEST(q["totals"]["total"] == "12.15");
  BOOST_TEST(promotionOutcome(q, "low")["reason"] == "blocked_by_stop_rule");
  BOOST_TEST(promotionOutcome(q, "low")["by"] == "stop");
  BOOST_TEST(promotionOutcome(q, "high")["reason"] == "applied");
}

BOOST_AUTO_TEST_CASE(exclusion_group_picks_the_biggest_saving) {
  json small = percentOff("small", "10", 9, {{"exclusionGroup", "welcome"}});
  json big = {{"id", "big"}, {"type", "spendThreshold"}, {"priority", 1}, {"exclusionGroup", "welcome"},
              {"tiers", {{{"minSubtotal", "10.00"}, {"amountOff", "8.00"}}}}};
  json q = quote(teeStore(json::array(), {small, big}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "47.00");
  BOOST_TEST(promotionOutcome(q, "small")["reason"] == "lost_to_better_in_group");
  BOOST_TEST(promotionOutcome(q, "small")["by"] == "big");
  // On a cheaper cart the percentage is worth more than the fixed amount... until the amount is bigger.
  q = quote(teeStore(json::array(), {small, big}), cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "7.00");  // 8.00 off beats 1.50 off
  small["discount"]["percentOff"] = "60";
  q = quote(teeStore(json::array(), {small, big}), cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "6.00");
  BOOST_TEST(promotionOutcome(q, "big")["reason"] == "lost_to_better_in_group");
}

BOOST_AUTO_TEST_CASE(a_group_member_that_cannot_apply_does_not_move_the_group) {
  // "first": 10 % off everything from 100.00, the group's first live member, cannot apply to a 20.00 tee; "tee5"
  // (5.00 off the tee) is the group's only member that applies. With "half" (50 % off) between them in priority
  // order, the tee pays 20.00 - 50 % - 5.00 = 5.00 without "first" in the store, and must pay the same with it.
  json first = percentOff("first", "10", 9, {{"exclusionGroup", "g"}, {"conditions", {{"minSubtotal", "100.00"}}}});
  json half = percentOff("half", "50", 5);
  json tee5 = {{"id", "tee5"}, {"type", "itemDiscount"}, {"priority", 1}, {"exclusionGroup", "g"}, {"selector", {{"products", {"tee"}}}},
               {"discount", {{"amountOff", "5.00"}}}};
  BOOST_TEST(quote(teeStore(json::array(), {half, tee5}), cart({{"tee-black-m", 1}}))["totals"]["total"] == "5.00");
  json q = quote(teeStore(json::array(), {first, half, tee5}), cart({{"tee-black-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "5.00");
}

BOOST_AUTO_TEST_CASE(group_tie_goes_to_priority) {
  json a = percentOff("a", "10", 1, {{"exclusionGroup", "g"}});
  json b = percentOff("b", "10", 2, {{"exclusionGroup", "g"}});
  json q = quote(teeStore(json::array(), {a, b}), cart({{"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "b")["reason"] == "applied");
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "lost_to_better_in_group");
}

BOOST_AUTO_TEST_CASE(threshold_is_measured_after_higher_priorities) {
  json first = percentOff("first", "20", 9);
  json ship = {{"id", "ship"}, {"type", "freeShipping"}, {"conditions", {{"minSubtotal", "50.00"}}}};
  json q = quote(teeStore(json::array(), {first, ship}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "min_subtotal_not_met");
  BOOST_TEST(promotionOutcome(q, "ship")["amountNeeded"] == "6.00");  // 55.00 - 11.00 = 44.00
  BOOST_TEST(q["freeShipping"].is_null());
  q = quote(teeStore(json::array(), json::array({ship})), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["freeShipping"]["promotion"] == "ship");
}

BOOST_AUTO_TEST_CASE(bogo_then_percent_stacks_on_discounted_units) {
  json bogo = {{"id", "bogo"}, {"type", "buyXGetY"}, {"priority", 9}, {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}},
               {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
  json q = quote(teeStore(json::array(), {bogo, percentOff("site", "10", 1)}), cart({{"tee-black-m", 2}}));
  // One tee free, then 10% off the remaining 20.00.
  BOOST_TEST(q["totals"]["total"] == "18.00");
}

// "Never dearer" by what the shopper pays: an exclusive promotion is an alternative priced alone by the whole
// pipeline (shipping, tax, margins), compared by the grand total.

BOOST_AUTO_TEST_CASE(an_exclusive_code_never_displaces_free_shipping_worth_more) {
  // The reported break: 15% off a 20.00 tee saves 3.00 but brings back 10.00 shipping (27.00 against 20.00).
  json ship = {{"id", "ship"}, {"type", "freeShipping"}, {"priority", 1}};
  json code = percentOff("save15", "15", 5, {{"stacking", "exclusive"}, {"coupons", {"SAVE15"}}});
  json store = withShipping(teeStore(json::array(), {ship, code}), "10.00");
  json q = quote(store, cart({{"tee-black-m", 1}}, {{"coupons", {"SAVE15"}}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "20.00");
  BOOST_TEST(q["freeShipping"]["promotion"] == "ship");
  BOOST_TEST(promotionOutcome(q, "save15")["reason"] == "lost_to_better_combination");
  BOOST_TEST(promotionOutcome(q, "save15")["message"] == "Not applied: it cannot be combined, and you pay less without it (20.00 USD against 27.00 USD).");
  BOOST_TEST(q["coupons"][0]["status"] == "not_applied");
  BOOST_TEST(q["stacking"] == json({{"combinations", 2}}));
  // Without the code the shopper pays the same: entering it never makes the cart dearer.
  BOOST_TEST(quote(store, cart({{"tee-black-m", 1}}))["totals"]["grandTotal"] == "20.00");
  // On a hoodie (8.25 off, still less than shipping) the same; on three hoodies (24.75 off) the code wins.
  q = quote(store, cart({{"hoodie-m", 1}}, {{"coupons", {"SAVE15"}}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "55.00");
  q = quote(store, cart({{"hoodie-m", 3}}, {{"coupons", {"SAVE15"}}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "150.25");
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "blocked_by_exclusive");
  BOOST_TEST(promotionOutcome(q, "ship")["by"] == "save15");
}

BOOST_AUTO_TEST_CASE(an_exclusive_free_shipping_applies_when_the_shopper_pays_least_with_it) {
  json ship = {{"id", "ship"}, {"type", "freeShipping"}, {"priority", 1}, {"stacking", "exclusive"}};
  json store = withShipping(teeStore(json::array(), {percentOff("sale", "5", 5), ship}), "6.50");
  // 55.00 with free shipping against 52.25 + 6.50 = 58.75 with the sale.
  json q = quote(store, cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "55.00");
  BOOST_TEST(q["freeShipping"]["promotion"] == "ship");
  BOOST_TEST(promotionOutcome(q, "sale")["reason"] == "blocked_by_exclusive");
  // Alone in the store it applies too (it used to compare a saving of 0 with 0 and never apply).
  q = quote(withShipping(teeStore(json::array(), json::array({ship})), "6.50"), cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "15.00");
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "applied");
  // On three hoodies the sale saves 8.25 > 6.50: the sale wins and free shipping says so.
  q = quote(store, cart({{"hoodie-m", 3}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "163.25");  // 156.75 + 6.50
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "lost_to_better_combination");
  // Where shipping costs nothing anyway, it changes nothing: a tie keeps the (empty) combination.
  q = quote(withShipping(teeStore(json::array(), json::array({ship})), "0.00"), cart({{"cap", 1}}));
  BOOST_TEST(promotionOutcome(q, "ship")["reason"] == "lost_to_better_combination");
  BOOST_TEST(promotionOutcome(q, "ship")["message"] == "Not applied: it cannot be combined, and it would not lower your price (15.00 USD).");
}

BOOST_AUTO_TEST_CASE(ties_keep_the_combination_then_the_first_exclusive_in_application_order) {
  json a = percentOff("a", "10", 2, {{"stacking", "exclusive"}});
  json b = {{"id", "b"}, {"type", "itemDiscount"}, {"priority", 3}, {"stacking", "exclusive"}, {"selector", {{"everything", true}}},
            {"discount", {{"amountOff", "5.50"}}}};
  json site = {{"id", "site"}, {"type", "itemDiscount"}, {"priority", 1}, {"selector", {{"everything", true}}}, {"discount", {{"amountOff", "5.50"}}}};
  json q = quote(teeStore(json::array(), {a, b, site}), cart({{"hoodie-m", 1}}));  // 49.50 every way
  BOOST_TEST(promotionOutcome(q, "site")["reason"] == "applied");
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "lost_to_better_combination");
  BOOST_TEST(promotionOutcome(q, "b")["reason"] == "lost_to_better_combination");
  q = quote(teeStore(json::array(), {a, b}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "b")["reason"] == "applied");  // priority 3 comes first
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "blocked_by_exclusive");
  BOOST_TEST(promotionOutcome(q, "a")["by"] == "b");
  BOOST_TEST(promotionOutcome(q, "a")["message"] == "Not applied: \"b\" also applies only on its own, costs you the same (49.50 USD) and comes first.");
  b["priority"] = 1;  // now a comes first
  q = quote(teeStore(json::array(), {a, b}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "a")["reason"] == "applied");
  BOOST_TEST(promotionOutcome(q, "b")["by"] == "a");
}

BOOST_AUTO_TEST_CASE(exclusive_against_the_stack_after_margin_floors_and_tax) {
  // The tee (cost 8.00) has a 40% floor (at least 13.34): half off tees (10.00) is clamped to 6.66. Half off the cap
  // (7.50, exclusive, no floor) saves less than the stack did before the clamp but more after it, so with 19% tax on
  // top the shopper pays less with the exclusive.
  json capOff = {{"id", "x"}, {"type", "itemDiscount"}, {"priority", 1}, {"stacking", "exclusive"}, {"selector", {{"products", {"cap"}}}},
                 {"discount", {{"percentOff", "50"}}}};
  json halfTees = {{"id", "half"}, {"type", "itemDiscount"}, {"priority", 5}, {"selector", {{"products", {"tee"}}}},
                   {"discount", {{"percentOff", "50"}}}};
  auto storeWith = [](json promotions) {
    json store = teeStore(json::array(), std::move(promotions));
    store["marginFloors"] = {{"floors", {{{"id", "tees"}, {"categories", {"tees"}}, {"minMarginPercent", "40"}}}}};
    store["tax"] = {{"pricesIncludeTax", false},
                    {"rates", {{{"id", "vat"}, {"name", "VAT"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "19"}}}}};
    return store;
  };
  const json request = cart({{"tee-black-m", 1}, {"cap", 1}}, {{"destination", {{"country", "DE"}}}});
  const json stackOnly = quote(storeWith(json::array({halfTees})), request);
  BOOST_TEST(stackOnly["totals"]["total"] == "28.34");  // 13.34 + 15.00 after the clamp
  const json exclusiveOnly = quote(storeWith(json::array({capOff})), request);
  BOOST_TEST(exclusiveOnly["totals"]["total"] == "27.50");  // 20.00 + 7.50
  json q = quote(storeWith({halfTees, capOff}), request);
  BOOST_TEST(promotionOutcome(q, "x")["reason"] == "applied");
  BOOST_TEST(q["totals"]["grandTotal"] == exclusiveOnly["totals"]["grandTotal"]);
  BOOST_TEST(promotionOutcome(q, "half")["reason"] == "blocked_by_exclusive");
  BOOST_TEST(promotionOutcome(q, "half")["message"] ==
             "Not combined: \"x\" applies on its own, and you pay less with it (" + exclusiveOnly["totals"]["grandTotal"].get<std::string>() +
                 " USD against " + stackOnly["totals"]["grandTotal"].get<std::string>() + " USD).");
  // 40% off the cap (6.00: 29.00 before tax) loses to the clamped stack.
  capOff["discount"]["percentOff"] = "40";
  q = quote(storeWith({halfTees, capOff}), request);
  BOOST_TEST(q["totals"]["grandTotal"] == stackOnly["totals"]["grandTotal"]);
  BOOST_TEST(promotionOutcome(q, "x")["reason"] == "lost_to_better_combination");
}

BOOST_AUTO_TEST_CASE(many_exclusives_stop_at_the_bound_and_say_so) {
  // 1,100 exclusive promotions, each a cent more off than the last: more alternatives than one quote prices.
  json promotions = json::array();
  for (int i = 0; i < 1100; ++i) {
    const std::string cents = std::to_string(100 + (i + 1) % 100).substr(1);
    const std::string amount = std::to_string((i + 1) / 100) + "." + cents;
    const std::string number = std::to_string(i);
    const std::string id = "x" + std::string(4 - number.size(), '0') + number;
    promotions.push_back({{"id", id}, {"type", "itemDiscount"}, {"stacking", "exclusive"}, {"selector", {{"everything", true}}},
                          {"discount", {{"amountOff", amount}}}});
  }
  json q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["stacking"]["exhaustive"] == false);
  const int64_t priced = q["stacking"]["combinations"];
  BOOST_TEST(priced > 100);
  BOOST_TEST(priced <= 1024);
  // Priced in application order (equal priorities: by id), the cheapest priced is the last one priced.
  BOOST_TEST(q["promotions"]["applied"].size() == 1u);
  const std::string last = std::to_string(priced - 2);  // the combination, then x0000 … x(priced - 2)
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "x" + std::string(4 - last.size(), '0') + last);
  int notCompared = 0;
  for (const auto& o : q["promotions"]["notApplied"]) {
    if (o["message"] == "Not applied: it applies only on its own, and comparing it too would take this quote past its work limit.") ++notCompared;
  }
  BOOST_TEST(notCompared == 1100 - (priced - 1));
}

// The stage alone: applyPromotions over a built cart.

BOOST_AUTO_TEST_CASE(stage_lists_verdicts_in_priority_order_and_hides_codes_not_entered) {
  json coded = percentOff("coded", "50", 9, {{"coupons", {"HALF"}}});
  StageFixture f(teeStore(json::array(), {percentOff("a", "10", 2), percentOff("b", "20", 5), coded}), cart({{"hoodie-m", 1}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPromotions(c);
  BOOST_REQUIRE(verdicts.size() == 2u);  // "coded" needs a code nobody entered: not even listed
  BOOST_TEST(f.store.promotions[verdicts[0].rule].id == "b");
  BOOST_TEST(verdicts[0].amount == 1100);
  BOOST_TEST(f.store.promotions[verdicts[1].rule].id == "a");
  BOOST_TEST(verdicts[1].amount == 440);  // 10 % of 44.00, after b
  BOOST_TEST(c.lines[0].total() == 3960);
  BOOST_TEST(c.lines[0].adjustments.size() == 2u);
}

BOOST_AUTO_TEST_CASE(stage_stacked_run_never_applies_an_exclusive_and_the_alone_run_blocks_what_would_have_applied) {
  json ship = {{"id", "ship"}, {"type", "freeShipping"}};
  json too = percentOff("too-small", "10", 1, {{"conditions", {{"minSubtotal", "100.00"}}}});
  StageFixture f(teeStore(json::array(), {percentOff("site", "10", 5), ship, too, percentOff("vip", "30", 1, {{"stacking", "exclusive"}})}),
                 cart({{"hoodie-m", 1}}));
  Cart stacked = f.cart();
  const std::vector<RuleVerdict> stackedVerdicts = applyPromotions(stacked);
  BOOST_TEST(stacked.lines[0].total() == 4950);  // site only: the exclusive waits for the choice
  BOOST_TEST(!stacked.freeShipping.empty());
  for (const auto& v : stackedVerdicts) {
    if (f.store.promotions[v.rule].id == "vip") BOOST_TEST((v.reason == Reason::LostToBetterCombination && !v.applied));
  }

  Cart alone = f.cart();
  const cartcore::RelevantPromotions relevant(alone);
  uint32_t vip = 0;
  while (f.store.promotions[vip].id != "vip") ++vip;
  cartcore::StackingPlan plan;
  plan.exclusive = vip;
  plan.exclusiveLines = relevant.linesAt(relevant.position(vip));
  plan.stackedVerdicts = &stackedVerdicts;
  std::vector<RuleVerdict> verdicts = applyPromotions(alone, &plan);
  BOOST_TEST(alone.freeShipping.empty());  // free shipping was in the stack the exclusive replaces
  BOOST_TEST(alone.lines[0].total() == 3850);
  BOOST_REQUIRE(alone.lines[0].adjustments.size() == 1u);
  BOOST_TEST(alone.lines[0].adjustments[0].id == "vip");
  BOOST_REQUIRE(verdicts.size() == stackedVerdicts.size());
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    const RuleVerdict& v = verdicts[i];
    BOOST_TEST(v.rule == stackedVerdicts[i].rule);  // the same promotions, in the same order
    const std::string& id = f.store.promotions[v.rule].id;
    if (id == "vip") BOOST_TEST((v.applied && v.amount == 1650));
    if (id == "site" || id == "ship") {
      BOOST_TEST(v.reason == Reason::BlockedByExclusive);
      BOOST_TEST(v.by == "vip");
    }
    if (id == "too-small") BOOST_TEST(v.reason == Reason::MinSubtotalNotMet);  // its own reason still holds
  }
}

BOOST_AUTO_TEST_CASE(stage_group_losers_name_the_winner_and_both_savings) {
  StageFixture f(teeStore(json::array(), {percentOff("a", "10", 1, {{"exclusionGroup", "g"}}), percentOff("b", "25", 1, {{"exclusionGroup", "g"}})}),
                 cart({{"cap", 2}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPromotions(c);
  BOOST_REQUIRE(verdicts.size() == 2u);
  const RuleVerdict& a = f.store.promotions[verdicts[0].rule].id == "a" ? verdicts[0] : verdicts[1];
  BOOST_TEST(!a.applied);
  BOOST_TEST(a.amount == 0);
  BOOST_TEST(a.reason == Reason::LostToBetterInGroup);
  BOOST_TEST(a.by == "b");
  BOOST_TEST(a.why.name == "g");
  BOOST_TEST(a.why.amount == 750);
  BOOST_TEST(a.why.amount2 == 300);
  BOOST_TEST(c.lines[0].total() == 2250);
}

BOOST_AUTO_TEST_SUITE_END()
