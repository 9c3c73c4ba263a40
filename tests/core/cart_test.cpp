// SPDX-License-Identifier: MIT
// The first pipeline stage: the cart's lines at list price, the codes entered, the store in the cart's currency.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"

using namespace cartcore;
using namespace cartcore::test;

BOOST_AUTO_TEST_SUITE(cart)

BOOST_AUTO_TEST_CASE(lines_are_sorted_by_id_at_list_price_whatever_the_request_order) {
  json request = test::cart({{"tee-white-m", 2}, {"cap", 1}, {"hoodie-m", 3}});
  request["lines"][2]["id"] = "a-hoodie";
  StageFixture f(teeStore(), request);
  Cart c = f.cart();
  BOOST_REQUIRE(c.lines.size() == 3u);
  BOOST_TEST(c.lines[0].line->id == "a-hoodie");
  BOOST_TEST(c.lines[1].line->id == "cap");
  BOOST_TEST(c.lines[2].line->id == "tee-white-m");
  const LineState& tee = c.lines[2];
  BOOST_TEST(tee.listUnit == 2000);
  BOOST_TEST(tee.baseUnit == 2000);
  BOOST_TEST(tee.total() == 4000);
  BOOST_TEST(tee.adjustments.empty());
  BOOST_TEST((unitPrices(tee) == Units{{2, 2000}}));
  BOOST_TEST(f.store.variants[tee.variant].id == "tee-white-m");
  BOOST_TEST(linePointer(c, tee) == "/lines/0/variant");  // the request's index, not the sorted one
  BOOST_TEST(linePointer(c, c.lines[0]) == "/lines/2/variant");
}

BOOST_AUTO_TEST_CASE(codes_are_normalized_sorted_and_unique) {
  StageFixture f(teeStore(), test::cart({{"cap", 1}}, {{"coupons", {" save10", "WELCOME", "Save10 ", "  "}}}));
  Cart c = f.cart();
  BOOST_TEST((c.coupons == std::vector<std::string>{"SAVE10", "WELCOME"}));
  BOOST_TEST(c.couponEntered("SAVE10"));
  BOOST_TEST(!c.couponEntered("save10"));  // callers pass normalized codes
  BOOST_TEST(c.freeShipping.empty());
}

BOOST_AUTO_TEST_CASE(segments_match_any_of_a_sorted_list) {
  StageFixture f(teeStore(), test::cart({{"cap", 1}}, {{"customer", {{"segments", {"staff", "vip"}}}}}));
  Cart c = f.cart();
  BOOST_TEST(c.customerHasSegment({"gold", "vip"}));
  BOOST_TEST(!c.customerHasSegment({"gold", "wholesale"}));
  BOOST_TEST(!c.customerHasSegment({}));
}

BOOST_AUTO_TEST_CASE(a_line_whose_total_overflows_is_refused_up_front) {
  json store = teeStore();
  store["catalog"]["products"][2]["variants"][0]["price"] = "1000000000000.00";  // 10^14 minor units
  StageFixture f(store, test::cart({{"cap", 100000}}));               // x 10^5 units passes int64
  // The quantity is the field to lower.
  BOOST_TEST((inputErrorOf([&] { f.cart(); }) == std::pair<std::string, std::string>{"amount_overflow", "/lines/0/quantity"}));
}

BOOST_AUTO_TEST_CASE(stale_rates_warn_with_the_facts_or_refuse) {
  json store = teeStore();
  store["currencies"] = {{"rates", {{"EUR", "0.92"}}}, {"asOf", "2026-11-26T00:00:00.000Z"}, {"maxAgeMinutes", 60}, {"staleRates", "warn"}};
  StageFixture f(store, test::cart({{"cap", 1}}, {{"currency", "EUR"}}));
  std::vector<QuoteWarning> warnings;
  std::vector<Explanation> why;
  checkRates(f.store, f.request, warnings, why);
  BOOST_TEST(f.cart().currency.code() == "EUR");
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST(warnings[0].code == "stale_rates");
  BOOST_TEST(warnings[0].pointer == "/currency");
  BOOST_REQUIRE(why.size() == 1u);
  BOOST_TEST(why[0].message == Message::StaleRates);
  BOOST_TEST(why[0].count == 60);
  BOOST_TEST(why[0].name == "EUR");

  QuoteRequest usd = f.request;
  usd.currency = "USD";  // the store's own currency never goes stale
  warnings.clear();
  checkRates(f.store, usd, warnings, why);
  BOOST_TEST(warnings.empty());

  store["currencies"]["staleRates"] = "refuse";
  StageFixture refusing(store, test::cart({{"cap", 1}}, {{"currency", "EUR"}}));
  BOOST_TEST((inputErrorOf([&] { checkRates(refusing.store, refusing.request, warnings, why); }) ==
              std::pair<std::string, std::string>{"stale_rates", "/currency"}));
}

BOOST_AUTO_TEST_SUITE_END()
