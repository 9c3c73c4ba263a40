// SPDX-License-Identifier: MIT
// Promotion kind buyXGetY through its own evaluate and apply: how many times it applies, which units it discounts.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/promotions.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

json bogo(json buy, int64_t x, json get, int64_t y, json extra = json::object()) {
  json promo = {{"id", "b"}, {"type", "buyXGetY"}, {"buy", {{"selector", std::move(buy)}, {"quantity", x}}},
                {"get", {{"selector", std::move(get)}, {"quantity", y}}}};
  for (auto& [k, v] : extra.items()) promo[k] = v;
  return teeStore(json::array(), json::array({promo}));
}

json tees() { return {{"products", {"tee"}}}; }
json caps() { return {{"products", {"cap"}}}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(buy_x_get_y)

BOOST_AUTO_TEST_CASE(the_cheapest_units_go_free_and_qualifying_units_are_never_discounted) {
  StageFixture f(bogo(tees(), 2, tees(), 1), test::cart({{"tee-black-m", 2}, {"tee-black-xl", 4}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("b"), allLines(c));
  BOOST_TEST(e.applies);
  BOOST_TEST(e.applications == 2);  // 6 units = 2 x (2 + 1)
  BOOST_TEST(e.savings == 4000);    // both 20.00 tees free
  BOOST_TEST(e.why.message == Message::BuyXGetYApplied);
  BOOST_TEST((std::array{e.why.count, e.why.count2, e.why.count3} == std::array<int64_t, 3>{2, 1, 2}));
  kBuyXGetY.apply(c, f.promotion("b"), e);
  BOOST_TEST((unitPrices(line(c, "tee-black-m")) == Units{{2, 0}}));
  BOOST_TEST((unitPrices(line(c, "tee-black-xl")) == Units{{4, 2200}}));
}

BOOST_AUTO_TEST_CASE(most_expensive_choice_and_an_application_limit) {
  StageFixture f(bogo(tees(), 1, tees(), 1, {{"discountedUnits", "mostExpensive"}, {"maxApplications", 1}}),
                 test::cart({{"tee-black-m", 2}, {"tee-black-xl", 2}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("b"), allLines(c));
  BOOST_TEST(e.applications == 1);
  BOOST_TEST(e.savings == 2200);
}

BOOST_AUTO_TEST_CASE(get_only_units_are_preferred_so_shared_ones_still_qualify) {
  // Buy a tee, get a tee or a cap, all at 20.00: the cap (get only) is discounted, though the tee's line sorts first.
  json store = bogo(tees(), 1, {{"any", {tees(), caps()}}}, 1);
  store["catalog"]["products"][2]["variants"][0]["price"] = "20.00";
  json request = test::cart({{"tee-black-m", 2}, {"cap", 1}});
  request["lines"][1]["id"] = "z-cap";
  StageFixture f(store, request);
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("b"), allLines(c));
  BOOST_TEST(e.applications == 1);
  BOOST_REQUIRE(e.changes.size() == 1u);
  BOOST_TEST(c.lines[e.changes[0].line].line->id == "z-cap");
}

BOOST_AUTO_TEST_CASE(says_whether_qualifying_or_discounted_units_are_missing) {
  StageFixture f(bogo(tees(), 2, caps(), 1), test::cart({{"tee-black-m", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("b"), allLines(c));
  BOOST_TEST(e.reason.value() == Reason::BuyQuantityNotMet);
  BOOST_TEST(e.quantityNeeded.value() == 2);  // one more tee and a cap
  BOOST_TEST(e.why.message == Message::BuyQuantityNotMet);

  StageFixture g(bogo(tees(), 2, caps(), 1), test::cart({{"tee-black-m", 2}}));
  Cart d = g.cart();
  e = evaluatePromotion(d, g.promotion("b"), allLines(d));
  BOOST_TEST(e.quantityNeeded.value() == 1);
  // Only the discounted cap is missing, and the sentence names it.
  BOOST_TEST(e.why.message == Message::GetQuantityNotMetNamed);
  BOOST_TEST(e.why.count == 1);
  BOOST_REQUIRE(e.why.items != nullptr);
  BOOST_TEST((e.why.items->kind == ItemNoun::Kind::Product));
  BOOST_TEST(d.lines[0].total() == 4000);
}

BOOST_AUTO_TEST_SUITE_END()
