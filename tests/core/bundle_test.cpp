// SPDX-License-Identifier: MIT
// Promotion kind bundle through its own evaluate and apply: filling components, repeated applications, shortfalls;
// exact filling where components overlap, against brute force on random small carts.
#include <boost/test/unit_test.hpp>

#include <functional>
#include <random>

#include "money.hpp"
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

BOOST_AUTO_TEST_CASE(overlapping_components_are_filled_exactly) {
  // "A black item + two tees": filling the black component first with its dearest unit (the black tee, 20.00)
  // leaves one tee for two places; the cap (15.00, black) makes the only complete bundle.
  json promo = {{"id", "set"}, {"type", "bundle"}, {"bundlePrice", "40.00"},
                {"components", {{{"selector", {{"attribute", "color"}, {"equals", "black"}}}, {"quantity", 1}},
                                {{"selector", {{"products", {"tee"}}}}, {"quantity", 2}}}}};
  StageFixture f(teeStore(json::array(), json::array({promo})), test::cart({{"tee-black-m", 1}, {"tee-white-m", 1}, {"cap", 1}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(e.applies);
  BOOST_TEST(e.applications == 1);
  BOOST_TEST(e.savings == 1500);  // 55.00 for 40.00
  // With a second cap and two more tees: two bundles (each tee pair with a black item).
  StageFixture g(teeStore(json::array(), json::array({promo})), test::cart({{"tee-black-m", 1}, {"tee-white-m", 3}, {"cap", 2}}));
  Cart two = g.cart();
  e = evaluatePromotion(two, g.promotion("set"), allLines(two));
  BOOST_TEST(e.applications == 2);
  BOOST_TEST(e.why.amount == 2 * 1500 + 4 * 2000);  // every unit: the caps are the black items, the four tees the pairs
}

BOOST_AUTO_TEST_CASE(a_bundle_price_stops_at_the_bundle_that_saves_nothing) {
  // Hoodie + cap for 60.00 saves 10.00; a second set of a tee + cap (35.00) would cost 25.00 more: not made.
  json promo = {{"id", "set"}, {"type", "bundle"}, {"bundlePrice", "60.00"},
                {"components", {{{"selector", {{"everything", true}}}, {"quantity", 1}}, {{"selector", {{"products", {"cap"}}}}, {"quantity", 1}}}}};
  StageFixture f(teeStore(json::array(), json::array({promo})), test::cart({{"hoodie-m", 1}, {"tee-black-m", 1}, {"cap", 2}}));
  Cart c = f.cart();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  BOOST_TEST(e.applications == 1);
  BOOST_TEST(e.savings == 1000);
}

BOOST_AUTO_TEST_CASE(large_quantities_cost_slot_capacities_not_units) {
  // Two overlapping components on 100,000 units of each of three variants: exact, and cheap (work spent is per slot).
  json promo = {{"id", "set"}, {"type", "bundle"}, {"percentOff", "10"},
                {"components", {{{"selector", {{"attribute", "color"}, {"equals", "black"}}}, {"quantity", 2}},
                                {{"selector", {{"products", {"tee"}}}}, {"quantity", 3}}}}};
  StageFixture f(teeStore(json::array(), json::array({promo})),
                 test::cart({{"tee-black-m", 100000}, {"tee-white-m", 100000}, {"cap", 100000}}));
  Cart c = f.cart();
  const int64_t before = c.meter.spent();
  Evaluation e = evaluatePromotion(c, f.promotion("set"), allLines(c));
  // Black: 200,000 units (black tee + cap), tees: 200,000 (black + white tee), 300,000 units in all. A bundle takes
  // 2 black + 3 tees = 5 units, so at most 300,000 / 5 = 60,000 (Hall's condition on both components together),
  // which the caps (120,000 black) and the tees (180,000) allow.
  BOOST_TEST(e.applications == 60000);
  BOOST_TEST(c.meter.spent() - before < 2000);
}

// Brute force: every choice of units (per line) and number of bundles whose units can be dealt out exactly to the
// components, the best saving (ties: fewer bundles), then the most valuable units, against the engine.
BOOST_AUTO_TEST_CASE(matches_brute_force_on_random_small_carts_with_overlapping_components) {
  struct Choice {
    json selector;
    std::function<bool(const std::string&)> accepts;  // by variant id
  };
  const std::vector<Choice> selectors = {
      {{{"products", {"tee"}}}, [](const std::string& v) { return v.rfind("tee", 0) == 0; }},
      {{{"attribute", "color"}, {"equals", "black"}}, [](const std::string& v) { return v.find("white") == std::string::npos; }},
      {{{"attribute", "size"}, {"equals", "M"}}, [](const std::string& v) { return v == "tee-black-m" || v == "tee-white-m" || v == "hoodie-m"; }},
      {{{"everything", true}}, [](const std::string&) { return true; }},
      {{{"variants", {"tee-white-xl", "cap"}}}, [](const std::string& v) { return v == "tee-white-xl" || v == "cap"; }},
      {{{"products", {"hoodie", "cap"}}}, [](const std::string& v) { return v == "hoodie-m" || v == "cap"; }},
  };
  const std::vector<std::pair<std::string, int64_t>> variants = {{"tee-black-m", 2000}, {"tee-black-xl", 2200}, {"tee-white-m", 2000},
                                                                 {"tee-white-xl", 2200}, {"hoodie-m", 5500}, {"cap", 1500}};
  std::mt19937 rng(20261201);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  int applied = 0, incomplete = 0, multiple = 0;
  for (int iteration = 0; iteration < 300; ++iteration) {
    const int componentCount = 1 + pick(3);
    json components = json::array();
    std::vector<int> chosen;
    std::vector<int64_t> quantity;
    for (int c = 0; c < componentCount; ++c) {
      chosen.push_back(pick(static_cast<int>(selectors.size())));
      quantity.push_back(1 + pick(2));
      components.push_back({{"selector", selectors[chosen.back()].selector}, {"quantity", quantity.back()}});
    }
    json promo = {{"id", "set"}, {"type", "bundle"}, {"components", components}};
    const bool byPrice = pick(2) == 0;
    const int64_t price = 1000 * (2 + pick(8));  // 20.00 to 90.00
    if (byPrice) promo["bundlePrice"] = std::to_string(price / 100) + ".00";
    else promo["percentOff"] = std::to_string(5 + pick(30));
    if (pick(4) == 0) promo["maxApplications"] = 1 + pick(2);
    std::vector<std::pair<std::string, int64_t>> lines;
    for (const auto& [variant, unitPrice] : variants) {
      if (pick(2)) lines.push_back({variant, 1 + pick(2)});
    }
    if (lines.empty()) lines.push_back({"cap", 2});
    StageFixture f(teeStore(json::array(), json::array({promo})), test::cart(lines));
    Cart c = f.cart();
    const Promotion& compiled = f.promotion("set");
    Evaluation e = evaluatePromotion(c, compiled, allLines(c));

    // Brute force over units per line (x) and bundles (k).
    auto unitPrice = [&](const std::string& v) {
      return std::find_if(variants.begin(), variants.end(), [&](const auto& p) { return p.first == v; })->second;
    };
    std::function<bool(std::size_t, std::vector<int64_t>&, const std::vector<int64_t>&)> dealt =
        [&](std::size_t l, std::vector<int64_t>& need, const std::vector<int64_t>& x) -> bool {
      if (l == lines.size()) return std::all_of(need.begin(), need.end(), [](int64_t n) { return n == 0; });
      // Deal x[l] units of line l to accepting components, every split.
      std::function<bool(int, int64_t)> split = [&](int comp, int64_t left) -> bool {
        if (comp == componentCount) return left == 0 && dealt(l + 1, need, x);
        if (!selectors[chosen[comp]].accepts(lines[l].first)) return split(comp + 1, left);
        for (int64_t give = 0; give <= std::min(left, need[comp]); ++give) {
          need[comp] -= give;
          const bool ok = split(comp + 1, left - give);
          need[comp] += give;
          if (ok) return true;
        }
        return false;
      };
      return split(0, x[l]);
    };
    int64_t perBundle = 0;
    for (int64_t q : quantity) perBundle += q;
    int64_t totalUnits = 0;
    for (const auto& line : lines) totalUnits += line.second;
    int64_t bestSaving = 0, bestBundles = 0, bestValue = 0;
    bool anyComplete = false;
    int64_t maxBundles = totalUnits / perBundle;
    if (promo.contains("maxApplications")) maxBundles = std::min<int64_t>(maxBundles, promo["maxApplications"]);
    for (int64_t k = 1; k <= maxBundles; ++k) {
      std::vector<int64_t> x(lines.size(), 0);
      std::function<void(std::size_t, int64_t)> choose = [&](std::size_t l, int64_t left) {
        if (l == lines.size()) {
          if (left != 0) return;
          std::vector<int64_t> need;
          for (int64_t q : quantity) need.push_back(q * k);
          if (!dealt(0, need, x)) return;
          anyComplete = true;
          int64_t value = 0;
          for (std::size_t i = 0; i < lines.size(); ++i) value += x[i] * unitPrice(lines[i].first);
          const int64_t saving = byPrice ? value - k * price : cartcore::percentOf(value, compiled.bundlePercentOff);
          if (saving > bestSaving || (saving == bestSaving && k == bestBundles && value > bestValue)) {
            bestSaving = saving;
            bestBundles = k;
            bestValue = value;
          }
          return;
        }
        for (int64_t take = 0; take <= std::min(left, lines[l].second); ++take) {
          x[l] = take;
          choose(l + 1, left - take);
        }
        x[l] = 0;
      };
      choose(0, k * perBundle);
    }
    BOOST_TEST_CONTEXT("iteration " << iteration << " promo " << promo.dump() << " lines " << test::cart(lines)["lines"].dump()) {
      if (bestBundles > 0) {
        BOOST_TEST(e.applies);
        BOOST_TEST(e.applications == bestBundles);
        BOOST_TEST(e.savings == bestSaving);
        BOOST_TEST(e.why.amount == bestValue);
        ++applied;
        if (bestBundles > 1) ++multiple;
      } else if (anyComplete) {
        BOOST_TEST(e.reason.value() == Reason::NoSaving);
      } else {
        BOOST_TEST(e.reason.value() == Reason::BundleIncomplete);
        ++incomplete;
      }
    }
  }
  BOOST_TEST(applied > 60);
  BOOST_TEST(multiple > 20);
  BOOST_TEST(incomplete > 20);
}

BOOST_AUTO_TEST_SUITE_END()
