// SPDX-License-Identifier: MIT
// Promotion kind "itemDiscount": a percentage, an amount or a fixed price off every eligible unit.
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateItemDiscount(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e) {
  e.changes = discountPicks(cart.lines, allUnits(cart.lines, scope.lines), cart.currency.change(promo.discount), promo.percentBase);
  e.applications = 1;
  if (e.changes.empty()) return;
  e.why = {Message::ItemDiscountApplied};
  e.why.count = scope.quantity;
}

}  // namespace

const PromotionKind kItemDiscount{evaluateItemDiscount, applyLineChanges};

}  // namespace cartcore
