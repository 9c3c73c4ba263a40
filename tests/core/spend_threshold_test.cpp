// SPDX-License-Identifier: MIT
// Promotion kind spendThreshold through its own evaluate and apply: the tier reached and the exact spread.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/promotions.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

json tiers() {
  return teeStore(json::array(), {{{"id", "spend"}, {"type", "spendThreshold"},
                                   {"tiers", {{{"minSubtotal", "50.00"}, {"amountOff", "5.00"}}, {{"minSubtotal", "100.00"}, {"percentOff", "10"}}}}}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spend_threshold)

BOOST_AUTO_TEST_CASE(the_highest_tier_reached_applies_spread_exactly_over_the_items) {
  StageFixture f(tiers(), test::cart({{"tee-black-m", 1}, {"hoodie-m", 1}, {"cap", 2}}));  // 20 + 55 + 30 = 105.00
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("spend"), allLines(c));
  BOOST_TEST(e.applies);
  BOOST_TEST(e.savings == 1050);
  BOOST_TEST(e.why.message == Message::SpendTierReached);
  BOOST_TEST(e.why.amount == 10500);
  BOOST_TEST(e.why.amount2 == 10000);
  Minor spread = 0;
  for (const auto& change : e.changes) spread += change.discount;
  BOOST_TEST(spread == 1050);
  kSpendThreshold.apply(c, f.promotion("spend"), e);
  BOOST_TEST(line(c, "hoodie-m").total() == 4950);  // 55.00 is 11/21 of the spend: 5.50 off
  Minor total = 0;
  for (const auto& l : c.lines) total += l.total();
  BOOST_TEST(total == 9450);
}

BOOST_AUTO_TEST_CASE(below_the_first_tier_says_how_much_is_missing) {
  StageFixture f(tiers(), test::cart({{"tee-black-m", 1}, {"cap", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("spend"), allLines(c));
  BOOST_TEST(!e.applies);
  BOOST_TEST(e.reason.value() == Reason::MinSubtotalNotMet);
  BOOST_TEST(e.amountNeeded.value() == 1500);
  BOOST_TEST(e.why.message == Message::MinSubtotalNotMet);
}

BOOST_AUTO_TEST_CASE(an_amount_off_never_exceeds_the_spend) {
  json store = teeStore(json::array(), {{{"id", "spend"}, {"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", "10.00"}, {"amountOff", "50.00"}}}}}});
  StageFixture f(store, test::cart({{"cap", 1}}));
  Cart c = f.cart();
  BOOST_TEST(evaluatePromotion(c, f.promotion("spend"), allLines(c)).savings == 1500);
}

BOOST_AUTO_TEST_SUITE_END()
