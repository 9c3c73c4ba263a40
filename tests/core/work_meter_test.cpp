// SPDX-License-Identifier: MIT
// The work meter: what the costlier steps are charged (a stock-guard variant checked, an adjustment written), and
// that the budget refuses the step that would pass it, at /lines, before the step's work is done.
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "stage_support.hpp"
#include "stages/conditions.hpp"
#include "stages/promotions.hpp"
#include "work_meter.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

const std::vector<std::string> kGuarded = {"cap", "hoodie-m", "tee-black-m"};

json guardedStore() {
  json promo = {{"id", "g"},
                {"type", "itemDiscount"},
                {"selector", {{"everything", true}}},
                {"conditions", {{"stockGuard", {{"selector", {{"variants", kGuarded}}}, {"minAvailable", 2}}}}},
                {"discount", {{"percentOff", "10"}}}};
  return teeStore(json::array(), json::array({promo}));
}

json stockOf(int64_t cap, int64_t hoodie, int64_t tee) {
  return {{"stock", {{"cap", cap}, {"hoodie-m", hoodie}, {"tee-black-m", tee}}}};
}

/** The error code and pointer an InputError carries, or "" when `step` does not throw. */
template <class Step>
std::string refusal(Step&& step) {
  try {
    step();
  } catch (const InputError& e) {
    return std::string(errorCodeName(e.error.code)) + " at " + e.error.pointer;
  }
  return "";
}

/** Ids that sort in index order: "v00042". */
std::string variantId(int i) {
  char id[16];
  std::snprintf(id, sizeof id, "v%05d", i);
  return id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(work_meter)

BOOST_AUTO_TEST_CASE(the_meter_refuses_the_spend_that_passes_the_budget_not_the_one_that_reaches_it) {
  WorkMeter meter(100);
  meter.spend(60);
  meter.spend(40);
  BOOST_TEST(meter.spent() == 100);
  BOOST_TEST(refusal([&] { meter.spend(1); }) == "too_complex at /lines");
}

BOOST_AUTO_TEST_CASE(a_stock_guard_costs_kStockCheckUnits_per_variant_it_checks) {
  StageFixture passing(guardedStore(), cart({{"cap", 1}}, stockOf(5, 5, 5)));
  Cart c = passing.cart();
  RuleVerdict verdict;
  const int64_t before = c.meter.spent();
  BOOST_TEST(staticConditionsHold(c, passing.promotion("g"), verdict));
  BOOST_TEST(c.meter.spent() - before == 1 + 3 * kStockCheckUnits);

  // The check stops at the first variant short of stock (ids in order: cap, hoodie-m, tee-black-m), and so does the bill.
  StageFixture failing(guardedStore(), cart({{"cap", 1}}, stockOf(5, 1, 5)));
  Cart d = failing.cart();
  const int64_t dBefore = d.meter.spent();
  BOOST_TEST(!staticConditionsHold(d, failing.promotion("g"), verdict));
  BOOST_TEST(verdict.reason == Reason::StockBelowThreshold);
  BOOST_TEST(d.meter.spent() - dBefore == 1 + 2 * kStockCheckUnits);
}

BOOST_AUTO_TEST_CASE(a_stock_guard_that_would_pass_the_budget_is_refused_before_it_is_checked) {
  StageFixture f(guardedStore(), cart({{"cap", 1}}, stockOf(5, 5, 5)));
  const int64_t guardCost = 1 + 3 * kStockCheckUnits;
  RuleVerdict verdict;
  Cart fits = f.cart();
  fits.meter.spend(kQuoteWorkBudget - fits.meter.spent() - guardCost);  // just enough left
  BOOST_TEST(refusal([&] { BOOST_TEST(staticConditionsHold(fits, f.promotion("g"), verdict)); }) == "");
  BOOST_TEST(fits.meter.spent() == kQuoteWorkBudget);
  Cart over = f.cart();
  over.meter.spend(kQuoteWorkBudget - over.meter.spent() - guardCost + 1);  // one unit short
  BOOST_TEST(refusal([&] { staticConditionsHold(over, f.promotion("g"), verdict); }) == "too_complex at /lines");
  BOOST_TEST(over.stockRead.size() < kGuarded.size());  // not every variant was read: the check stopped on the way
}

BOOST_AUTO_TEST_CASE(an_adjustment_costs_kAdjustmentUnits_and_is_paid_for_before_it_is_written) {
  json promo = {{"id", "d"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"amountOff", "1.00"}}}};
  StageFixture f(teeStore(json::array(), json::array({promo})), cart({{"cap", 1}, {"hoodie-m", 2}, {"tee-black-m", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("d"), allLines(c));
  BOOST_REQUIRE(e.applies);
  BOOST_REQUIRE(e.changes.size() == 3u);
  const int64_t cost = 3 + 3 * kAdjustmentUnits;
  const int64_t before = c.meter.spent();
  applyLineChanges(c, f.promotion("d"), e);
  BOOST_TEST(c.meter.spent() - before == cost);
  BOOST_TEST(c.lines[0].adjustments.size() == 1u);

  Cart over = f.cart();
  over.meter.spend(kQuoteWorkBudget - over.meter.spent() - cost + 1);
  BOOST_TEST(refusal([&] { applyLineChanges(over, f.promotion("d"), e); }) == "too_complex at /lines");
  for (const LineState& line : over.lines) BOOST_TEST(line.adjustments.empty());  // nothing written half-way
}

// End to end: stock guards on 10,000 variants each (a selector list at its limit), checked against a 10,000-entry
// snapshot. Six cost 6 x 10,000 x kStockCheckUnits = 480,000 units and fit the 500,000 of one quote; a seventh does
// not, and the quote says so rather than spending the time.
BOOST_AUTO_TEST_CASE(a_quote_whose_stock_guards_need_more_than_the_budget_is_too_complex_and_one_just_under_is_priced) {
  static_assert(6 * 10'000 * kStockCheckUnits < kQuoteWorkBudget && 7 * 10'000 * kStockCheckUnits > kQuoteWorkBudget);
  json products = json::array();
  json everyVariant = json::array();
  json stock = json::object();
  for (int i = 0; i < 10'000; ++i) {
    products.push_back({{"id", "p" + std::to_string(i)}, {"variants", {{{"id", variantId(i)}, {"price", "10.00"}}}}});
    everyVariant.push_back(variantId(i));
    stock[variantId(i)] = 3;
  }
  auto storeWithGuards = [&](int guards) {
    json promotions = json::array();
    for (int g = 0; g < guards; ++g) {
      promotions.push_back({{"id", "g" + std::to_string(g)},
                            {"type", "itemDiscount"},
                            {"selector", {{"variants", {variantId(0)}}}},
                            {"conditions", {{"stockGuard", {{"selector", {{"variants", everyVariant}}}, {"minAvailable", 1}}}}},
                            {"discount", {{"amountOff", "0.10"}}}});
    }
    return json{{"schemaVersion", 1},
                {"store", {{"name", "Guarded"}, {"currency", "USD"}}},
                {"catalog", {{"products", products}}},
                {"priceRules", json::array()},
                {"promotions", promotions}};
  };
  const json request = cart({{variantId(0), 1}}, {{"stock", stock}});
  const json priced = quote(storeWithGuards(6), request);
  BOOST_TEST(priced["totals"]["total"] == "9.40");  // every guard held: six 0.10 discounts
  BOOST_TEST((errorOf(storeWithGuards(7), request) == std::pair<std::string, std::string>{"too_complex", "/lines"}));
}

BOOST_AUTO_TEST_SUITE_END()
