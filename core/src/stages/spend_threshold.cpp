// SPDX-License-Identifier: MIT
// Promotion kind "spendThreshold": spend tiers on the eligible subtotal; the reached tier's discount is spread over
// the eligible units pro rata to their value.
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateSpendThreshold(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e) {
  const SpendTier* reached = nullptr;
  for (const auto& tier : promo.tiers) {
    if (scope.subtotal >= cart.currency.amount(tier.minSubtotal)) reached = &tier;
  }
  if (!reached) {
    e.reason = Reason::MinSubtotalNotMet;
    e.amountNeeded = cart.currency.amount(promo.tiers.front().minSubtotal) - scope.subtotal;
    e.why = {Message::MinSubtotalNotMet};
    e.why.amount = *e.amountNeeded;
    e.why.items = &promo.eligibleNoun;
    return;
  }
  const PriceChange change = cart.currency.change(reached->change);
  Minor discount = change.kind == PriceChange::Kind::PercentOff ? percentOf(scope.subtotal, change.value) : std::min(change.value, scope.subtotal);
  e.changes = spreadDiscount(cart.lines, discount, allUnits(cart.lines, scope.lines));
  e.applications = 1;
  // A tier from zero is a discount without a minimum: there is no threshold to have reached.
  e.why = {reached->minSubtotal == 0 ? Message::SpendDiscountApplied : Message::SpendTierReached};
  e.why.amount = scope.subtotal;
  e.why.amount2 = cart.currency.amount(reached->minSubtotal);
}

}  // namespace

const PromotionKind kSpendThreshold{evaluateSpendThreshold, applyLineChanges};

}  // namespace cartcore
