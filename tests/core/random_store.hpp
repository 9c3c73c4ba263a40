// SPDX-License-Identifier: MIT
// Random small stores for the brute-force checks (best deal, conditional stacking): seeded, so every run meets the
// same cases, and built from the tee shop (test_support.hpp) so totals stay easy to read in a failure.
#pragma once

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace cartcore::test {

/** What the shopper pays: the grand total when shipping or tax is configured, else the item total. */
inline std::string payable(const json& q) { return q["totals"].contains("grandTotal") ? q["totals"]["grandTotal"] : q["totals"]["total"]; }

/** Minor units of a 2-decimal string, for comparing totals. */
inline int64_t minor(const std::string& s) { return std::stoll(s.substr(0, s.find('.'))) * 100 + std::stoll(s.substr(s.find('.') + 1)); }

class RandomStores {
 public:
  explicit RandomStores(uint32_t seed) : rng_(seed) {}

  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

  /** A promotion of any kind on the tee shop, with a random priority, stacking, exclusion group and minimum. */
  json promotion(const std::string& id, bool stopRules) {
    static const json selectors[] = {{{"everything", true}}, {{"products", {"tee"}}}, {{"categories", {"outerwear"}}},
                                     {{"attribute", "color"}, {"equals", "black"}}};
    static const char* stackings[] = {"stackable", "stackable", "exclusive", "stopAfter"};
    json p = {{"id", id}, {"priority", pick(3)}, {"stacking", stackings[pick(stopRules ? 4 : 3)]}};
    if (pick(4) == 0) p["exclusionGroup"] = "g";
    switch (pick(5)) {
      case 0: p.update({{"type", "itemDiscount"}, {"selector", selectors[pick(4)]}, {"discount", {{"percentOff", std::to_string(5 + pick(40))}}}}); break;
      case 1: p.update({{"type", "itemDiscount"}, {"selector", selectors[pick(4)]}, {"discount", {{"amountOff", std::to_string(1 + pick(9)) + ".00"}}}}); break;
      case 2: p.update({{"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", std::to_string(20 + pick(80)) + ".00"}, {"amountOff", std::to_string(3 + pick(12)) + ".00"}}}}}); break;
      case 3: p.update({{"type", "buyXGetY"}, {"buy", {{"selector", selectors[pick(2)]}, {"quantity", 1 + pick(2)}}}, {"get", {{"selector", selectors[pick(2)]}, {"quantity", 1}}}}); break;
      default: p.update({{"type", "freeShipping"}}); break;
    }
    if (pick(5) == 0) p["conditions"] = {{"minSubtotal", std::to_string(10 + pick(60)) + ".00"}};
    return p;
  }

  /** Some of the tee shop's variants, 1 to 3 units each; never empty. */
  std::vector<std::pair<std::string, int64_t>> lines() {
    static const char* variants[] = {"tee-black-m", "tee-black-xl", "tee-white-m", "hoodie-m", "cap"};
    std::vector<std::pair<std::string, int64_t>> out;
    for (const char* v : variants) {
      if (pick(2)) out.push_back({v, 1 + pick(3)});
    }
    if (out.empty()) out.push_back({"cap", 1});
    return out;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace cartcore::test
