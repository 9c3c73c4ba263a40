// SPDX-License-Identifier: MIT
// Best deal: the exact best subset of held codes, checked by hand and against brute force on random small stores.
#include <boost/test/unit_test.hpp>

#include "random_store.hpp"

using namespace cartcore::test;

namespace {

json coupon(const char* id, const char* code, json fields) {
  fields["id"] = id;
  fields["coupons"] = {code};
  return fields;
}

json dealStore() {
  json ten = coupon("p-ten", "TEN", {{"type", "itemDiscount"}, {"priority", 10}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}}});
  json save5 = coupon("p-save5", "SAVE5", {{"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", "30.00"}, {"amountOff", "5.00"}}}}});
  json half = coupon("p-half", "HALF", {{"type", "itemDiscount"}, {"stacking", "exclusive"}, {"selector", {{"products", {"cap"}}}},
                                        {"discount", {{"percentOff", "50"}}}});
  json later = coupon("p-later", "LATER", {{"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "90"}}},
                                           {"conditions", {{"window", {{"startsAt", "2027-01-01T00:00:00.000Z"}, {"endsAt", "2027-02-01T00:00:00.000Z"}}}}}});
  json store = teeStore(json::array(), {ten, save5, half, later});
  store["store"]["maxCodesPerOrder"] = 2;
  return store;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(best_deal)

BOOST_AUTO_TEST_CASE(chooses_the_cheapest_subset_within_the_code_limit) {
  json q = quote(dealStore(), cart({{"tee-black-m", 2}, {"cap", 1}}, {{"coupons", {"half", "TEN", "SAVE5", "BOGUS", "LATER"}}, {"bestDeal", true}}));
  // Alone: TEN 49.50, SAVE5 50.00, HALF 47.50 (exclusive). TEN then SAVE5 stack: 55.00 - 5.50 - 5.00 = 44.50.
  BOOST_TEST(q["bestDeal"]["chosen"]["codes"] == json({"SAVE5", "TEN"}));
  BOOST_TEST(q["bestDeal"]["chosen"]["total"] == "44.50");
  BOOST_TEST(q["totals"]["total"] == "44.50");
  // Runners-up, without the choices that only pad a listed one with a code that adds nothing (TEN+HALF = HALF).
  BOOST_TEST(q["bestDeal"]["alternatives"] == json::parse(R"([{"codes":["HALF"],"total":"47.50"},{"codes":["TEN"],"total":"49.50"},
                                                                {"codes":["SAVE5"],"total":"50.00"}])"));
  BOOST_TEST(q["bestDeal"]["ignoredCodes"] == json({"BOGUS", "LATER"}));  // unknown; outside its window
  BOOST_TEST(q["bestDeal"]["subsetsPriced"] == 7);                        // {} + 3 singles + 3 pairs
  for (const auto& c : q["coupons"]) {
    if (c["code"] == "HALF") BOOST_TEST(c["reason"] == "not_in_best_deal");
    if (c["code"] == "BOGUS") BOOST_TEST(c["status"] == "unknown");
    if (c["code"] == "TEN") BOOST_TEST(c["status"] == "applied");
  }
}

BOOST_AUTO_TEST_CASE(no_code_can_be_the_best_deal) {
  json q = quote(dealStore(), cart({{"hoodie-m", 1}}, {{"coupons", {"HALF"}}, {"bestDeal", true}}));
  BOOST_TEST(q["bestDeal"]["chosen"]["codes"].empty());  // HALF selects nothing in this cart
  BOOST_TEST(q["bestDeal"]["ignoredCodes"] == json({"HALF"}));
  BOOST_TEST(q["bestDeal"]["chosen"]["total"] == "55.00");
}

BOOST_AUTO_TEST_CASE(code_limits_are_enforced) {
  auto [code, pointer] = errorOf(dealStore(), cart({{"cap", 1}}, {{"coupons", {"TEN", "SAVE5", "HALF"}}}));
  BOOST_TEST(code == "too_many_items");
  BOOST_TEST(pointer == "/coupons");
  json many = json::array();
  for (int i = 0; i < 17; ++i) many.push_back("C" + std::to_string(i));
  BOOST_TEST(errorOf(dealStore(), cart({{"cap", 1}}, {{"coupons", many}, {"bestDeal", true}})).first == "too_many_items");
  json bad = dealStore();
  bad["store"]["maxCodesPerOrder"] = 0;
  BOOST_TEST((errorOf(bad, cart({{"cap", 1}})) == std::pair<std::string, std::string>{"out_of_range", "/store/maxCodesPerOrder"}));
}

BOOST_AUTO_TEST_CASE(matches_brute_force_on_random_small_stores) {
  RandomStores random(20261127);  // seeded: the same cases on every run
  auto pick = [&](int n) { return random.pick(n); };
  int cases = 0;
  for (int iteration = 0; iteration < 300; ++iteration) {
    const bool stopRules = iteration % 3 == 0;  // stop rules turn the search's pruning off; most stores have none
    auto randomPromotion = [&](const std::string& id) { return random.promotion(id, stopRules); };
    int codeCount = 1 + pick(6);
    json promotions = json::array();
    std::vector<std::string> codes;
    for (int c = 0; c < codeCount; ++c) {
      codes.push_back("C" + std::to_string(c));
      json p = randomPromotion("p" + std::to_string(c));
      p["coupons"] = {codes.back()};
      promotions.push_back(p);
    }
    for (int a = pick(3); a > 0; --a) promotions.push_back(randomPromotion("always" + std::to_string(a)));  // no code needed
    json store = teeStore(json::array(), promotions);
    // Half the stores have shipping (every subset is priced); the rest let the search prune by its bounds.
    if (iteration % 2 == 0) store["shipping"] = {{"methods", {{{"id", "std"}, {"flat", "6.50"}}}}};
    int maxCodes = pick(4);  // 0: no limit
    if (maxCodes > 0) store["store"]["maxCodesPerOrder"] = maxCodes;
    std::vector<std::pair<std::string, int64_t>> lines = random.lines();
    // Brute force: every subset within the limit, priced as a plain quote.
    int64_t best = INT64_MAX;
    for (unsigned mask = 0; mask < (1u << codeCount); ++mask) {
      json subset = json::array();
      for (int c = 0; c < codeCount; ++c) {
        if (mask & (1u << c)) subset.push_back(codes[c]);
      }
      if (maxCodes > 0 && static_cast<int>(subset.size()) > maxCodes) continue;
      best = std::min(best, minor(payable(quote(store, cart(lines, {{"coupons", subset}})))));
    }
    json q = quote(store, cart(lines, {{"coupons", codes}, {"bestDeal", true}}));
    BOOST_TEST_CONTEXT("iteration " << iteration << " store " << store["promotions"].dump()) {
      BOOST_TEST(minor(q["bestDeal"]["chosen"]["total"]) == best);
      BOOST_TEST(minor(payable(q)) == best);  // the quote returned is the chosen one
      BOOST_TEST((maxCodes == 0 || static_cast<int>(q["bestDeal"]["chosen"]["codes"].size()) <= maxCodes));
      for (const auto& alternative : q["bestDeal"]["alternatives"]) BOOST_TEST(minor(alternative["total"]) >= best);
    }
    ++cases;
  }
  BOOST_TEST(cases == 300);
}

BOOST_AUTO_TEST_SUITE_END()
