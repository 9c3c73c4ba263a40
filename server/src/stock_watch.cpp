// SPDX-License-Identifier: MIT
#include "stock_watch.hpp"

namespace cartcore::server {

std::vector<StockSwitch> StockWatch::observe(int64_t configVersion,
                                             const std::vector<cartcore::PromotionSummary>& promotions,
                                             const VariantFactsMap& facts,
                                             const std::map<std::string, int64_t>& available,
                                             const std::vector<std::string>& variants, int64_t now) {
  auto unitsOf = [&](const std::string& variant) -> std::optional<int64_t> {
    auto it = available.find(variant);
    return it == available.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
  std::vector<StockSwitch> switches;
  std::lock_guard lock(mutex_);
  if (configVersion != version_) {
    version_ = configVersion;
    guards_.clear();
    stock_.clear();
  }
  // Guards: O(guarded variants) per observation; a guard is on while every variant it watches shows enough units
  // (unknown stock counts as too few, as in the engine). The variant with the fewest units decides.
  for (const auto& promotion : promotions) {
    if (!promotion.stockGuarded) continue;
    std::string decider;
    int64_t fewest = 0;
    bool known = true;
    for (const auto& variant : promotion.guardVariants) {
      auto units = unitsOf(variant);
      if (!units) {
        known = false;
        break;
      }
      if (decider.empty() || *units < fewest) {
        decider = variant;
        fewest = *units;
      }
    }
    if (!known) continue;  // this observation did not see every guarded variant: it cannot tell
    std::string state = !decider.empty() && fewest < promotion.guardMinAvailable ? "off" : "on";
    auto& last = guards_[promotion.id];
    if (last == state) continue;
    last = state;
    switches.push_back(
        {now, "guard", promotion.id, state, decider, fewest, promotion.guardMinAvailable, configVersion});
  }
  for (const auto& variant : variants) {
    auto units = unitsOf(variant);
    if (!units) continue;
    // Plain values rather than an optional: GCC 12 reports a false -Wmaybe-uninitialized on the optional here.
    auto known = facts.find(variant);
    const bool hasLevel = known != facts.end() && known->second.lowStockLevel.has_value();
    const int64_t lowLevel = hasLevel ? *known->second.lowStockLevel : 0;
    std::string state = *units <= 0 ? "out" : (hasLevel && *units < lowLevel ? "low" : "ok");
    auto& last = stock_[variant];
    if (last == state) continue;
    last = state;
    switches.push_back({now, "stock", variant, state, variant, *units, lowLevel, configVersion});
  }
  return switches;
}

void StockWatch::forget(const std::vector<StockSwitch>& switches) {
  std::lock_guard lock(mutex_);
  for (const auto& sw : switches) (sw.kind == "guard" ? guards_ : stock_).erase(sw.subject);
}

}  // namespace cartcore::server
