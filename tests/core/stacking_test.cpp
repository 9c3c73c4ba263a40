// SPDX-License-Identifier: MIT
// Priority, exclusive, stop-after, exclusion groups and percentage bases, on hand-computed carts.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
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

BOOST_AUTO_TEST_CASE(stage_exclusive_win_restores_the_cart_and_blocks_what_would_have_applied) {
  json ship = {{"id", "ship"}, {"type", "freeShipping"}};
  json too = percentOff("too-small", "10", 1, {{"conditions", {{"minSubtotal", "100.00"}}}});
  StageFixture f(teeStore(json::array(), {percentOff("site", "10", 5), ship, too, percentOff("vip", "30", 1, {{"stacking", "exclusive"}})}),
                 cart({{"hoodie-m", 1}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPromotions(c);
  BOOST_TEST(c.freeShipping.empty());  // free shipping was in the stack the exclusive replaced
  BOOST_TEST(c.lines[0].total() == 3850);
  BOOST_REQUIRE(c.lines[0].adjustments.size() == 1u);
  BOOST_TEST(c.lines[0].adjustments[0].id == "vip");
  for (const auto& v : verdicts) {
    const std::string& id = f.store.promotions[v.rule].id;
    if (id == "vip") BOOST_TEST(v.applied);
    if (id == "site" || id == "ship") {
      BOOST_TEST(v.reason == Reason::BlockedByExclusive);
      BOOST_TEST(v.by == "vip");
      BOOST_TEST(v.why.amount == 1650);
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
