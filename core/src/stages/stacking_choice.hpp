// SPDX-License-Identifier: MIT
// Pipeline stage "conditional stacking": when the store's stacking rules (discount classes and combinesWith,
// notWith / onlyWith, stacksWhen) make live promotions conflict, every combination the rules allow is priced by the
// rest of the pipeline, and so is every exclusive promotion that applies, alone; the alternative the shopper pays
// least for is kept. docs/FORMAT.md "Stacking, precisely" and "Conditional stacking" state the rules and the cost
// bound.
#pragma once

#include <functional>

#include "pricing.hpp"
#include "stages/cart.hpp"
#include "stages/stacking.hpp"

namespace cartcore {

/** The pipeline from the promotions on (stacking, margins, totals, shipping, tax, coupons), for one plan. */
using PriceFromPromotions = std::function<PricedCart(Cart cart, const StackingPlan* plan)>;

/**
 * Prices `cart` (price rules done) with the best alternative: a combination the stacking rules allow, or an
 * exclusive promotion that applies alone. The lowest payable total (grand total with shipping and tax) wins; ties go
 * to a combination over an exclusive promotion, then to the combination holding the promotion first in application
 * order where they differ, or to the exclusive promotion first in application order. Without a conflict among live
 * promotions and without an exclusive promotion in the store this is one run of `rest` without a plan.
 * Combinations are the maximal sets of mutually combinable promotions among those that can apply, so each one left
 * out conflicts with one that is in. Exclusive promotions are priced after the priority-order combination, in
 * application order. Bounded by kMaxStackingConflicts, kMaxStackingCombinations and the work budget (then
 * Quote::stacking->exhaustive is false).
 */
PricedCart priceBestCombination(const Cart& cart, const PriceFromPromotions& rest);

/** True when promotions `a` and `b` (store indexes) may stack by their classes, notWith and onlyWith alone. */
bool combinable(const CompiledStore& store, uint32_t a, uint32_t b);

}  // namespace cartcore
