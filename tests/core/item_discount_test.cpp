// SPDX-License-Identifier: MIT
// Promotion kind itemDiscount through its own evaluate and apply, with the minimums every kind shares.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/promotions.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

json discount(json change, json extra = json::object()) {
  json promo = {{"id", "d"}, {"type", "itemDiscount"}, {"selector", {{"products", {"tee"}}}}, {"discount", std::move(change)}};
  for (auto& [k, v] : extra.items()) promo[k] = v;
  return teeStore(json::array(), json::array({promo}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(item_discount)

BOOST_AUTO_TEST_CASE(evaluate_prices_every_eligible_unit_without_touching_the_cart) {
  StageFixture f(discount({{"percentOff", "12.5"}}), test::cart({{"tee-black-m", 3}, {"cap", 1}}));
  Cart c = f.cart();
  BOOST_REQUIRE(c.lines[1].line->id == "tee-black-m");  // lines by id: cap, tee-black-m
  const std::vector<std::size_t> tees{1};
  Evaluation e = evaluatePromotion(c, f.promotion("d"), tees);
  BOOST_TEST(e.applies);
  BOOST_TEST(e.reason.value() == Reason::Applied);
  BOOST_TEST(e.savings == 750);  // 3 x 2.50
  BOOST_TEST(e.why.message == Message::ItemDiscountApplied);
  BOOST_TEST(e.why.count == 3);
  BOOST_REQUIRE(e.changes.size() == 1u);
  BOOST_TEST((e.changes[0].groups == std::vector<UnitGroup>{{3, 1750}}));
  BOOST_TEST(line(c, "tee-black-m").total() == 6000);  // evaluating never changes the cart
}

BOOST_AUTO_TEST_CASE(apply_takes_the_new_prices_and_records_the_adjustment) {
  StageFixture f(discount({{"amountOff", "25.00"}}), test::cart({{"tee-black-m", 2}}));
  Cart c = f.cart();
  const Promotion& promo = f.promotion("d");
  Evaluation e = evaluatePromotion(c, promo, allLines(c));
  BOOST_TEST(e.savings == 4000);  // never below zero
  kItemDiscount.apply(c, promo, e);
  BOOST_TEST(c.lines[0].total() == 0);
  BOOST_REQUIRE(c.lines[0].adjustments.size() == 1u);
  BOOST_TEST(c.lines[0].adjustments[0].source == "promotion");
  BOOST_TEST(c.lines[0].adjustments[0].id == "d");
  BOOST_TEST(c.lines[0].adjustments[0].amount == -4000);
  BOOST_TEST(&promotionKind(Promotion::Type::ItemDiscount) == &kItemDiscount);
}

BOOST_AUTO_TEST_CASE(a_fixed_price_above_the_current_one_saves_nothing) {
  StageFixture f(discount({{"fixedPrice", "30.00"}}), test::cart({{"tee-black-m", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("d"), allLines(c));
  BOOST_TEST(!e.applies);
  BOOST_TEST(e.reason.value() == Reason::NoSaving);
  BOOST_TEST(e.why.message == Message::NoSaving);
}

BOOST_AUTO_TEST_CASE(original_percent_base_is_measured_from_the_price_after_price_rules) {
  StageFixture f(discount({{"percentOff", "60"}}, {{"percentBase", "original"}}), test::cart({{"tee-black-m", 1}}));
  Cart c = f.cart();
  c.lines[0].groups = {{1, 500}};  // an earlier promotion left 5.00 of 20.00
  Evaluation e = evaluatePromotion(c, f.promotion("d"), allLines(c));
  BOOST_TEST(e.savings == 500);  // 60 % of 20.00 is 12.00, capped at what is left
}

BOOST_AUTO_TEST_CASE(shared_minimums_come_first) {
  StageFixture f(discount({{"percentOff", "10"}}, {{"conditions", {{"minQuantity", 3}, {"minSubtotal", "100.00"}}}}),
                 test::cart({{"tee-black-m", 2}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("d"), allLines(c));
  BOOST_TEST(e.reason.value() == Reason::MinQuantityNotMet);
  BOOST_TEST(e.quantityNeeded.value() == 1);
  BOOST_TEST(e.why.count == 1);

  StageFixture g(discount({{"percentOff", "10"}}, {{"conditions", {{"minSubtotal", "100.00"}}}}), test::cart({{"tee-black-m", 2}}));
  Cart d = g.cart();
  e = evaluatePromotion(d, g.promotion("d"), allLines(d));
  BOOST_TEST(e.reason.value() == Reason::MinSubtotalNotMet);
  BOOST_TEST(e.amountNeeded.value() == 6000);
  BOOST_TEST(e.why.amount == 6000);

  e = evaluatePromotion(d, g.promotion("d"), {});
  BOOST_TEST(e.reason.value() == Reason::NoEligibleItems);
  BOOST_TEST(!e.applies);
}

BOOST_AUTO_TEST_SUITE_END()
