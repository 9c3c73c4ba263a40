// SPDX-License-Identifier: MIT
#include "stages/totals.hpp"

#include "input_error.hpp"

namespace cartcore {

void totalItems(Cart& cart, Quote& quote) {
  const CompiledStore& store = cart.store;
  quote.currency = cart.currency.code();
  quote.exponent = cart.currency.exponent();
  quote.configDigest = store.configDigest;
  quote.lines.reserve(cart.lines.size());
  for (auto& line : cart.lines) {
    const VariantInfo& variant = store.variants[line.variant];
    QuotedLine out;
    out.id = line.line->id;
    out.variant = variant.id;
    out.sku = variant.sku;
    out.name = variant.name;
    out.quantity = line.quantity();
    out.listUnitPrice = line.listUnit;
    out.listTotal = mulMoney(line.listUnit, out.quantity);
    out.total = line.total();
    for (const auto& g : line.groups) out.unitPrices.push_back({g.count, g.price});
    out.adjustments = std::move(line.adjustments);
    std::optional<int64_t> available = cart.availableStock(variant, variant.lowStockLevel, /*exactBelow=*/true);
    if (available && *available < variant.lowStockLevel) out.lowStockRemaining = available;
    quote.listSubtotal = addMoney(quote.listSubtotal, out.listTotal);
    for (const auto& a : out.adjustments) {
      Minor& savings = a.source == "priceRule" ? quote.priceRuleSavings : quote.promotionSavings;
      savings = subMoney(savings, a.amount, "/lines");
    }
    quote.total = addMoney(quote.total, out.total);
    quote.lines.push_back(std::move(out));
  }
  CARTCORE_ASSERT(quote.total == quote.listSubtotal - quote.priceRuleSavings - quote.promotionSavings);
  if (!cart.freeShipping.empty()) quote.freeShippingPromotion = cart.freeShipping.front()->id;
}

void totalOrder(Quote& quote) {
  if (!quote.shipping && !quote.taxConfigured) return;
  Minor grand = addMoney(quote.total, quote.shipping ? quote.shipping->chosen.amount : 0);
  quote.grandTotal = quote.taxIncluded ? grand : addMoney(grand, quote.taxTotal);
}

}  // namespace cartcore
