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
  const std::size_t componentCount = promo.components.size();
  // Dearest units first, so each bundle is the one that saves the shopper most.
  std::vector<UnitPick> pool = unitPool(lines, scope.lines, /*cheapestFirst=*/false);
  cart.meter.spend(static_cast<int64_t>(pool.size() * componentCount));
  // Each component's eligible slots, in pool order, and how many units they hold.
  std::vector<std::vector<std::size_t>> slotsOf(componentCount);
  std::vector<int64_t> available(componentCount, 0);
  for (std::size_t c = 0; c < componentCount; ++c) {
    for (std::size_t s = 0; s < pool.size(); ++s) {
      if (!contains(promo.components[c].variants, lines[pool[s].line].variant)) continue;
      slotsOf[c].push_back(s);
      available[c] += pool[s].count;
    }
  }
  // Fill the most constrained components first, so a broad component does not take a narrow one's units.
  std::vector<std::size_t> order(componentCount);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return available[a] < available[b]; });

  // Bundles are filled one at a time, each component taking the first units it can, as a shopper would. One
  // application's picks then repeat unchanged for as long as every slot they use has room for them again, so
  // those repeats are made at once: a pattern changes only when some slot runs out, so there are at most about
  // two patterns per slot, where 500 lines of 100,000 units used to mean ten million passes over the pool.
  std::vector<int64_t> used(pool.size(), 0);     // units placed in bundles so far
  std::vector<int64_t> pending(pool.size(), 0);  // units the application being tried takes from each slot
  std::vector<std::size_t> firstWithRoom(componentCount, 0);  // per component: its slots before this are full
  std::vector<std::size_t> touched;
  Minor bundleValue = 0;  // current price of every unit placed in a bundle
  Minor discount = 0;
  int64_t applications = 0;
  int64_t missingUnits = 0;
  std::vector<std::size_t> missingComponents;  // of the first application
  bool stoppedForNoSaving = false;
  while (promo.maxApplications == 0 || applications < promo.maxApplications) {
    Minor value = 0;
    bool complete = true;
    int64_t steps = 0;
    touched.clear();
    for (std::size_t c : order) {
      int64_t need = promo.components[c].quantity;
      const auto& slots = slotsOf[c];
      while (firstWithRoom[c] < slots.size() && used[slots[firstWithRoom[c]]] == pool[slots[firstWithRoom[c]]].count) ++firstWithRoom[c];
      for (std::size_t k = firstWithRoom[c]; k < slots.size() && need > 0; ++k, ++steps) {
        const std::size_t s = slots[k];
        int64_t take = std::min(need, pool[s].count - used[s] - pending[s]);
        if (take <= 0) continue;
        if (pending[s] == 0) touched.push_back(s);
        pending[s] += take;
        need -= take;
        value = addMoney(value, mulMoney(pool[s].price, take, "/lines"), "/lines");
      }
      if (need > 0) {
        complete = false;
        if (applications == 0) {
          missingUnits += need;
          missingComponents.push_back(c);
        }
      }
    }
    cart.meter.spend(static_cast<int64_t>(componentCount) + steps);
    Minor saving = 0;
    if (complete) saving = promo.bundlePrice ? value - cart.currency.amount(*promo.bundlePrice) : percentOf(value, promo.bundlePercentOff);
    if (!complete || saving <= 0) {
      stoppedForNoSaving = complete && applications == 0;
      break;
    }
    int64_t repeats = promo.maxApplications == 0 ? INT64_MAX : promo.maxApplications - applications;
    for (std::size_t s : touched) repeats = std::min(repeats, (pool[s].count - used[s]) / pending[s]);
    for (std::size_t s : touched) {
      used[s] += repeats * pending[s];
      pending[s] = 0;
    }
    bundleValue = addMoney(bundleValue, mulMoney(value, repeats, "/lines"), "/lines");
    discount = addMoney(discount, mulMoney(saving, repeats, "/lines"), "/lines");
    applications += repeats;
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
      // Named when every missing unit is of one component's kind.
      const ItemNoun& first = promo.components[missingComponents.front()].noun;
      if (std::all_of(missingComponents.begin(), missingComponents.end(),
                      [&](std::size_t c) { return promo.components[c].noun == first; })) {
        e.why.items = &first;
      }
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
