// SPDX-License-Identifier: MIT
// Promotion kind "bundle": complete sets of components at a bundle price or a percentage off, as many times as
// saves the shopper most (up to maxApplications), filled exactly (bundle_fill.hpp); the saving is spread over the
// bundled units pro rata to their value.
#include <algorithm>

#include "stages/bundle_fill.hpp"
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateBundle(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e) {
  const auto& lines = cart.lines;
  const std::size_t componentCount = promo.components.size();
  // Dearest units first, so the bundles are the ones that save the shopper most.
  std::vector<UnitPick> pool = unitPool(lines, scope.lines, /*cheapestFirst=*/false);
  cart.meter.spend(static_cast<int64_t>(pool.size() * componentCount));
  std::vector<BundleSlot> slots;
  std::vector<std::size_t> slotPick;  // slot -> pool index
  slots.reserve(pool.size());
  slotPick.reserve(pool.size());
  for (std::size_t s = 0; s < pool.size(); ++s) {
    uint64_t accepting = 0;
    for (std::size_t c = 0; c < componentCount; ++c) {
      if (contains(promo.components[c].variants, lines[pool[s].line].variant)) accepting |= uint64_t{1} << c;
    }
    if (accepting == 0) continue;
    slots.push_back({accepting, pool[s].count, pool[s].price});
    slotPick.push_back(s);
  }
  std::vector<int64_t> quantities;
  quantities.reserve(componentCount);
  for (const auto& component : promo.components) quantities.push_back(component.quantity);
  const BundleSaving savingOf = [&](int64_t bundles, Minor value) -> Minor {
    if (!promo.bundlePrice) return percentOf(value, promo.bundlePercentOff);
    return value - mulMoney(cart.currency.amount(*promo.bundlePrice), bundles, "/lines");
  };
  const BundleFilling filling = fillBundles(quantities, slots, promo.maxApplications, savingOf, cart.meter);
  if (filling.bundles == 0) {
    if (filling.missing.empty()) {
      e.reason = Reason::NoSaving;
      e.why = {Message::BundleNoSaving};
      return;
    }
    int64_t missingUnits = 0;
    std::vector<std::size_t> missingComponents;
    for (std::size_t c = 0; c < componentCount; ++c) {
      if (filling.missing[c] == 0) continue;
      missingUnits += filling.missing[c];
      missingComponents.push_back(c);
    }
    e.reason = Reason::BundleIncomplete;
    e.quantityNeeded = missingUnits;
    e.why = {Message::BundleIncomplete};
    e.why.count = missingUnits;
    // Named when every missing unit is of one component's kind.
    const ItemNoun& first = promo.components[missingComponents.front()].noun;
    if (std::all_of(missingComponents.begin(), missingComponents.end(), [&](std::size_t c) { return promo.components[c].noun == first; })) {
      e.why.items = &first;
    }
    return;
  }
  std::vector<UnitPick> picks;
  picks.reserve(slots.size());
  for (std::size_t s = 0; s < slots.size(); ++s) {
    if (filling.used[s] > 0) picks.push_back({pool[slotPick[s]].line, slots[s].price, filling.used[s]});
  }
  e.changes = spreadDiscount(lines, filling.saving, picks);
  e.applications = filling.bundles;
  e.why = {Message::BundleApplied};
  e.why.count = filling.bundles;
  e.why.amount = filling.value;
}

}  // namespace

const PromotionKind kBundle{evaluateBundle, applyLineChanges};

}  // namespace cartcore
