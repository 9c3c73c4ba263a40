// SPDX-License-Identifier: MIT
#include "nudges.hpp"

#include <algorithm>

namespace cartcore {

void collectNudges(const CompiledStore& store, PricedCart& priced) {
  // Only reasons the shopper can fix by adding to the cart.
  for (const auto& verdict : priced.promotions) {
    if (verdict.applied || (!verdict.amountNeeded && !verdict.quantityNeeded)) continue;
    const Promotion& promo = store.promotions[verdict.rule];
    Nudge n;
    n.kind = "promotion";
    n.id = promo.id;
    n.reason = reasonCode(verdict.reason);
    n.amountNeeded = verdict.amountNeeded;
    n.quantityNeeded = verdict.quantityNeeded;
    Explanation why;
    if (verdict.amountNeeded) {
      why.items = verdict.why.items;
      const bool named = why.items && why.items->kind != ItemNoun::Kind::Generic;
      why.message = named ? Message::NudgeSpendMoreNamed : Message::NudgeSpendMore;
      why.amount = *verdict.amountNeeded;
      why.name = promo.name;
    } else {
      bool getsFree = promo.type == Promotion::Type::BuyXGetY && promo.discount.kind == PriceChange::Kind::PercentOff &&
                      promo.discount.value == kWhole;
      // What to add, as the verdict's own sentence names it (the product, variant, attribute value or category).
      why.items = verdict.why.items;
      const bool named = why.items && why.items->kind != ItemNoun::Kind::Generic;
      why.message = getsFree ? (named ? Message::NudgeAddNamedForFree : Message::NudgeAddForFree)
                             : (named ? Message::NudgeAddNamedMore : Message::NudgeAddMore);
      why.count = *verdict.quantityNeeded;
      why.count2 = promo.getQuantity;
      why.name = promo.name;
    }
    priced.nudges.push_back(std::move(n));
    priced.nudgesWhy.push_back(why);
  }
  if (priced.quote.shipping) {
    for (const auto& o : priced.quote.shipping->options) {
      if (!o.amountToFree) continue;
      priced.nudges.push_back({"shipping", o.id, "free_shipping_threshold", o.amountToFree, std::nullopt, ""});
      auto method = std::lower_bound(store.shippingMethods.begin(), store.shippingMethods.end(), o.id,
                                     [](const ShippingMethod& m, const std::string& id) { return m.id < id; });
      Explanation why{Message::NudgeFreeShipping};
      why.amount = *o.amountToFree;
      why.name = method->name;  // the store's, which outlives the quote being assembled
      priced.nudgesWhy.push_back(why);
    }
  }
}

}  // namespace cartcore
