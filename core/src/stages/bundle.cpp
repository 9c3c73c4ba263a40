// SPDX-License-Identifier: MIT
// Promotion kind "bundle": complete sets of components at a bundle price or a percentage off, as many times as the
// cart fills them (up to maxApplications); the saving is spread over the bundled units pro rata to their value.
#include <algorithm>
#include <numeric>

#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateBundle(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e) {
  const auto& lines = cart.lines;
  // Dearest units first, so each bundle is the one that saves the shopper most.
  std::vector<UnitPick> pool = unitPool(lines, scope.lines, /*cheapestFirst=*/false);
  std::vector<int64_t> used(pool.size(), 0);
  // Fill the most constrained components first, so a broad component does not take a narrow one's units.
  std::vector<std::size_t> order(promo.components.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<int64_t> available(promo.components.size(), 0);
  for (std::size_t c = 0; c < promo.components.size(); ++c) {
    for (const auto& slot : pool) {
      if (contains(promo.components[c].variants, lines[slot.line].variant)) available[c] += slot.count;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return available[a] < available[b]; });

  Minor bundleValue = 0;  // current price of every unit placed in a bundle
  Minor discount = 0;
  int64_t applications = 0;
  int64_t missingUnits = 0;
  bool stoppedForNoSaving = false;
  while (promo.maxApplications == 0 || applications < promo.maxApplications) {
    std::vector<int64_t> tentative = used;
    Minor value = 0;
    bool complete = true;
    for (std::size_t c : order) {
      int64_t need = promo.components[c].quantity;
      for (std::size_t s = 0; s < pool.size() && need > 0; ++s) {
        if (!contains(promo.components[c].variants, lines[pool[s].line].variant)) continue;
        int64_t take = std::min(need, pool[s].count - tentative[s]);
        if (take <= 0) continue;
        tentative[s] += take;
        need -= take;
        value = addMoney(value, mulMoney(pool[s].price, take));
      }
      if (need > 0) {
        complete = false;
        if (applications == 0) missingUnits += need;
      }
    }
    if (!complete) break;
    Minor saving = promo.bundlePrice ? value - *promo.bundlePrice : percentOf(value, promo.bundlePercentOff);
    if (saving <= 0) {
      stoppedForNoSaving = applications == 0;
      break;
    }
    used = std::move(tentative);
    bundleValue = addMoney(bundleValue, value);
    discount = addMoney(discount, saving);
    ++applications;
  }
  if (applications == 0) {
    if (stoppedForNoSaving) {
      e.reason = Reason::NoSaving;
      e.why = {Message::BundleNoSaving};
    } else {
      e.reason = Reason::BundleIncomplete;
      e.quantityNeeded = missingUnits;
      e.why = {Message::BundleIncomplete};
      e.why.count = missingUnits;
    }
    return;
  }
  std::vector<UnitPick> picks;
  for (std::size_t s = 0; s < pool.size(); ++s) {
    if (used[s] > 0) picks.push_back({pool[s].line, pool[s].price, used[s]});
  }
  e.changes = spreadDiscount(lines, discount, picks);
  e.applications = applications;
  e.why = {Message::BundleApplied};
  e.why.count = applications;
  e.why.amount = bundleValue;
}

}  // namespace

const PromotionKind kBundle{evaluateBundle, applyLineChanges};

}  // namespace cartcore
