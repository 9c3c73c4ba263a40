// SPDX-License-Identifier: MIT
// Checked arithmetic: the five places issue 10 found signed 64-bit overflow with every input inside its documented
// limit. Each case builds amounts near the int64 edge from valid fields (prices up to 10^15 minor units, quantities
// up to 100,000) and must end in amount_overflow at a pointer, or in a correct quote, never in a wrapped number.
// The sanitizer lane (scripts/test-sanitized) runs these under UBSan, which would abort on the old arithmetic.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace cartcore::test;

namespace {

// 10^14 minor units × 90,000 units = 9 × 10^18 per line: each line fits int64 (about 9.22 × 10^18), two do not.
constexpr const char* kHugePrice = "1000000000000.00";
constexpr int64_t kHugeQuantity = 90000;

/** The tee store with black M and white M at kHugePrice. */
json hugeStore(json priceRules = json::array(), json promotions = json::array()) {
  json store = teeStore(std::move(priceRules), std::move(promotions));
  store["catalog"]["products"][0]["variants"][0]["price"] = kHugePrice;
  store["catalog"]["products"][0]["variants"][2]["price"] = kHugePrice;
  return store;
}

json hugeCart(json extra = json::object()) {
  return cart({{"tee-black-m", kHugeQuantity}, {"tee-white-m", kHugeQuantity}}, std::move(extra));
}

json allOff(const std::string& id, const std::string& variant) {
  return {{"id", id}, {"type", "itemDiscount"}, {"selector", {{"variants", {variant}}}}, {"discount", {{"percentOff", "100"}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(overflow)

BOOST_AUTO_TEST_CASE(stacked_savings_past_int64_are_amount_overflow) {
  // Two stackable promotions, each taking 9 × 10^18 off its own line: the stack's savings cannot be held.
  json store = hugeStore(json::array(), {allOff("black-free", "tee-black-m"), allOff("white-free", "tee-white-m")});
  BOOST_TEST((errorOf(store, hugeCart()) == std::pair<std::string, std::string>{"amount_overflow", "/lines"}));
  // One of them alone is a valid quote at the edge of the range.
  json one = hugeStore(json::array(), json::array({allOff("black-free", "tee-black-m")}));
  json q = quote(one, cart({{"tee-black-m", kHugeQuantity}}));
  BOOST_TEST(q["totals"]["total"] == "0.00");
  BOOST_TEST(q["totals"]["promotionSavings"] == "90000000000000000.00");
}

BOOST_AUTO_TEST_CASE(a_price_rule_tally_past_int64_is_amount_overflow) {
  // One member price making both huge lines free: its tally of savings over the lines cannot be held.
  json rule = {{"id", "staff"}, {"type", "memberPrice"}, {"selector", {{"products", {"tee"}}}}, {"segments", {"staff"}}, {"percentOff", "100"}};
  json request = hugeCart({{"customer", {{"segments", {"staff"}}}}});
  BOOST_TEST((errorOf(hugeStore(json::array({rule})), request) == std::pair<std::string, std::string>{"amount_overflow", "/lines"}));
}

BOOST_AUTO_TEST_CASE(a_line_taxed_past_int64_is_amount_overflow_at_that_line) {
  // Two 100 % rates on one 9 × 10^18 line: each rate's tax fits, the line's summed tax does not.
  json store = hugeStore();
  store["tax"] = {{"rates",
                   {{{"id", "a"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "100"}},
                    {{"id", "b"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "100"}}}}};
  json request = cart({{"tee-black-m", kHugeQuantity}}, {{"destination", {{"country", "DE"}}}});
  BOOST_TEST((errorOf(store, request) == std::pair<std::string, std::string>{"amount_overflow", "/lines/0/quantity"}));
  // Summing many rates stays exact: 100 rates of 1 % make 100 % of a small line.
  json many = teeStore();
  for (int i = 0; i < 100; ++i) {
    many["tax"]["rates"].push_back({{"id", "r" + std::to_string(i)}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "1"}});
  }
  json q = quote(many, cart({{"cap", 1}}, {{"destination", {{"country", "DE"}}}}));
  BOOST_TEST(q["tax"]["total"] == "15.00");
}

BOOST_AUTO_TEST_CASE(best_deal_bounds_past_int64_saturate_and_the_choice_is_right) {
  // Code ONE unlocks two promotions that each make the 9 × 10^18 line free: its savings bound (each promotion
  // judged alone) is 1.8 × 10^19, and ONE's bound plus TWO's was the branch-and-bound reach. Both sums used to
  // overflow; the bounds now clamp at the int64 edge (still "at least the saving"), and no priced subset overflows.
  json one = allOff("one-a", "tee-black-m"), oneAgain = allOff("one-b", "tee-black-m"), two = allOff("two", "tee-black-m");
  one["coupons"] = oneAgain["coupons"] = {"ONE"};
  two["coupons"] = {"TWO"};
  two["discount"] = {{"percentOff", "99"}};
  json q = quote(hugeStore(json::array(), {one, oneAgain, two}),
                 cart({{"tee-black-m", kHugeQuantity}}, {{"coupons", {"ONE", "TWO"}}, {"bestDeal", true}}));
  BOOST_TEST(q["bestDeal"]["chosen"]["codes"] == json::array({"ONE"}));
  BOOST_TEST(q["totals"]["total"] == "0.00");
}

BOOST_AUTO_TEST_CASE(a_typed_request_with_now_outside_the_timestamp_range_is_refused_before_any_arithmetic) {
  // now − asOf (rate age) once overflowed for a hand-built request; the typed API now checks `now` as the JSON
  // reader would.
  json store = teeStore();
  store["currencies"] = {{"rates", {{"EUR", "0.92"}}}, {"asOf", "2026-11-26T00:00:00.000Z"}, {"maxAgeMinutes", 60}, {"staleRates", "warn"}};
  auto engine = cartcore::Engine::compile(store.dump());
  BOOST_REQUIRE(engine);
  auto request = engine.value().parseRequest(cart({{"cap", 1}}, {{"currency", "EUR"}}).dump());
  BOOST_REQUIRE(request);
  cartcore::QuoteRequest typed = request.value();
  for (int64_t now : {INT64_MIN, INT64_MAX, int64_t{-62'167'219'200'001}}) {
    typed.now = now;
    auto quoted = engine.value().quote(typed);
    BOOST_REQUIRE(!quoted);
    BOOST_TEST(cartcore::errorCodeName(quoted.error().code) == "out_of_range");
    BOOST_TEST(quoted.error().pointer == "/now");
  }
  typed.now = request.value().now;
  BOOST_TEST(bool(engine.value().quote(typed)));
}

BOOST_AUTO_TEST_SUITE_END()
