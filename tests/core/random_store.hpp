// SPDX-License-Identifier: MIT
// Random small stores for the brute-force checks (best deal, conditional stacking): seeded, so every run meets the
// same cases, and built from the tee shop (test_support.hpp) so totals stay easy to read in a failure.
#pragma once

#include <algorithm>
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

  /**
   * Conditional-stacking rules on one promotion, each with some chance: tags, combinesWith, stacksWhen (segment
   * "vip", a minimum, or the code `code` entered) and priorityBySegment. pairRules adds the pairs once all are known.
   */
  void stackingRules(json& p, const std::string& code) {
    static const char* classNames[] = {"product", "order", "shipping"};
    if (pick(2) == 0) p["tags"] = pick(2) ? json{"t1"} : json{"t1", "t2"};
    if (pick(3) == 0) {
      json classes = json::array();
      for (const char* c : classNames) {
        if (pick(2)) classes.push_back(c);
      }
      p["combinesWith"] = classes;
    }
    if (pick(4) == 0) {
      switch (pick(3)) {
        case 0: p["stacksWhen"] = {{"segments", {"vip"}}}; break;
        case 1: p["stacksWhen"] = {{"minSubtotal", std::to_string(30 + pick(90)) + ".00"}}; break;
        default: p["stacksWhen"] = {{"coupons", {code}}}; break;
      }
    }
    if (pick(5) == 0) p["priorityBySegment"] = {{"vip", pick(5)}};
  }

  /**
   * notWith / onlyWith pairs among promotions "p0".."p<n-1>" (by id or by tag "t1"), naming only what exists and
   * never the promotion itself; drops a stacksWhen on `code` when no promotion unlocks with that code.
   */
  void pairRules(json& promotions, const std::string& code) {
    const int count = static_cast<int>(promotions.size());
    bool codeExists = false;
    for (const auto& p : promotions) codeExists = codeExists || (p.contains("coupons") && p["coupons"][0] == code);
    for (int i = 0; i < count; ++i) {
      json& p = promotions[i];
      if (p.contains("stacksWhen") && p["stacksWhen"].contains("coupons") && !codeExists) p.erase("stacksWhen");
      if (count < 2) continue;  // no other promotion to name
      const std::string other = "p" + std::to_string((i + 1 + pick(count - 1)) % count);
      const bool t1Elsewhere = std::any_of(promotions.begin(), promotions.end(), [&](const json& q) { return q["id"] != p["id"] && hasTag(q, "t1"); });
      switch (pick(5)) {
        case 0: p["notWith"] = {{"promotions", {other}}}; break;
        case 1:
          if (t1Elsewhere && !hasTag(p, "t1")) p["notWith"] = {{"tags", {"t1"}}};
          break;
        case 2: p["onlyWith"] = {{"promotions", {other}}}; break;
        case 3:
          if (t1Elsewhere || hasTag(p, "t1")) p["onlyWith"] = {{"tags", {"t1"}}};
          break;
        default: break;
      }
    }
  }

  static bool hasTag(const json& p, const std::string& tag) {
    return p.contains("tags") && std::find(p["tags"].begin(), p["tags"].end(), tag) != p["tags"].end();
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
