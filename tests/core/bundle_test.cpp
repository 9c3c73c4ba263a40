// SPDX-License-Identifier: MIT
// Promotion kind bundle through its own evaluate and apply: filling components, repeated applications, shortfalls.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/promotions.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

/** A tee and a cap for 30.00 (or a percentage off). */
json teeAndCap(json price, json extra = json::object()) {
  json promo = {{"id", "set"}, {"type", "bundle"},
                {"components", {{{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}, {{"selector", {{"products", {"cap"}}}}, {"quantity", 1}}}}};
  for (auto& [k, v] : price.items()) promo[k] = v;
  for (auto& [k, v] : extra.items()) promo[k] = v;
  return teeStore(json::array(), json::array({promo}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bundle)

BOOST_AUTO_TEST_CASE(fills_as_many_bundles_as_the_cart_holds_with_the_dearest_units) {
  StageFixture f(teeAndCap({{"bundlePrice", "30.00"}}), test::cart({{"tee-black-m", 1}, {"tee-black-xl", 1}, {"cap", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(e.applies);
  BOOST_TEST(e.applications == 1);  // one cap
  BOOST_TEST(e.savings == 700);     // the 22.00 tee + 15.00 cap for 30.00
  BOOST_TEST(e.why.message == Message::BundleApplied);
  BOOST_TEST(e.why.amount == 3700);
  kBundle.apply(c, f.promotion("set"), e);
  BOOST_TEST(line(c, "tee-black-m").total() == 2000);  // not in the bundle
  BOOST_TEST(line(c, "tee-black-xl").total() + line(c, "cap").total() == 3000);
}

BOOST_AUTO_TEST_CASE(repeats_up_to_the_limit) {
  StageFixture f(teeAndCap({{"percentOff", "10"}}, {{"maxApplications", 2}}), test::cart({{"tee-black-m", 3}, {"cap", 3}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(e.applications == 2);
  BOOST_TEST(e.savings == 700);  // 10 % of 2 x 35.00
}

BOOST_AUTO_TEST_CASE(an_incomplete_bundle_says_how_many_units_are_missing) {
  StageFixture f(teeAndCap({{"bundlePrice", "30.00"}}), test::cart({{"tee-black-m", 2}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(!e.applies);
  BOOST_TEST(e.reason.value() == Reason::BundleIncomplete);
  BOOST_TEST(e.quantityNeeded.value() == 1);
  BOOST_TEST(e.why.count == 1);
}

BOOST_AUTO_TEST_CASE(a_bundle_price_above_the_items_is_not_applied) {
  StageFixture f(teeAndCap({{"bundlePrice", "40.00"}}), test::cart({{"tee-black-m", 1}, {"cap", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(e.reason.value() == Reason::NoSaving);
  BOOST_TEST(e.why.message == Message::BundleNoSaving);
  BOOST_TEST(e.changes.empty());
}

BOOST_AUTO_TEST_SUITE_END()
