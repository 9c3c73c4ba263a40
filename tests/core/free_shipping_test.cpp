// SPDX-License-Identifier: MIT
// Promotion kind freeShipping through its own evaluate and apply: no price changes, the cart remembers it.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/promotions.hpp"

using namespace cartcore;
using namespace cartcore::test;

BOOST_AUTO_TEST_SUITE(free_shipping)

BOOST_AUTO_TEST_CASE(applies_without_changing_a_price_and_is_remembered_for_shipping) {
  json store = teeStore(json::array(), {{{"id", "ship"}, {"type", "freeShipping"}, {"conditions", {{"minSubtotal", "30.00"}}}}});
  StageFixture f(store, test::cart({{"tee-black-m", 2}}));
  Cart c = f.cart();
  const Promotion& promo = f.promotion("ship");
  Evaluation e = evaluatePromotion(c, promo, allLines(c));
  BOOST_TEST(e.applies);
  BOOST_TEST(e.freeShipping);
  BOOST_TEST(e.savings == 0);
  BOOST_TEST(e.changes.empty());
  BOOST_TEST(e.why.message == Message::FreeShippingApplied);
  kFreeShipping.apply(c, promo, e);
  BOOST_REQUIRE(c.freeShipping.size() == 1u);
  BOOST_TEST(c.freeShipping[0] == &promo);
  BOOST_TEST(c.lines[0].adjustments.empty());
  BOOST_TEST(c.lines[0].total() == 4000);
}

BOOST_AUTO_TEST_CASE(its_minimum_is_measured_like_any_other_kind) {
  json store = teeStore(json::array(), {{{"id", "ship"}, {"type", "freeShipping"}, {"conditions", {{"minSubtotal", "30.00"}}}}});
  StageFixture f(store, test::cart({{"cap", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("ship"), allLines(c));
  BOOST_TEST(!e.applies);
  BOOST_TEST(!e.freeShipping);
  BOOST_TEST(e.amountNeeded.value() == 1500);
}

BOOST_AUTO_TEST_SUITE_END()
