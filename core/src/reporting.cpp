// SPDX-License-Identifier: MIT
// What reporting (the server's analytics, replay) may read from a compiled store: costs, categories, guards.
#include <algorithm>

#include "cartcore/engine.hpp"
#include "input_error.hpp"
#include "stages/cart.hpp"
#include "store.hpp"
#include "timestamp.hpp"

namespace cartcore {

Result<std::vector<CatalogVariant>> Engine::catalogVariants(std::string_view currency) const {
  try {
    // Costs convert through the quote's own CartCurrency, so a EUR order's cost is exactly what its margins use.
    const CartCurrency priced(*store_, std::string(currency));
    std::vector<CatalogVariant> variants;
    variants.reserve(store_->variants.size());
    for (const auto& v : store_->variants) {
      std::optional<Minor> cost;
      if (v.cost) cost = priced.amount(*v.cost);
      variants.push_back({v.id, v.productId, v.sku, v.categories, cost});
    }
    return variants;
  } catch (const InputError& e) {
    return e.error;
  } catch (const std::exception& e) {
    return Error{ErrorCode::Internal, "", std::string("internal error: ") + e.what()};
  }
}

std::vector<PromotionSummary> Engine::promotionSummaries() const {
  std::vector<PromotionSummary> summaries;
  summaries.reserve(store_->promotions.size());
  for (const auto& promotion : store_->promotions) {
    PromotionSummary summary{promotion.id, promotion.name, false, {}, 0};
    if (const auto& guard = promotion.conditions.stockGuard) {
      summary.stockGuarded = true;
      summary.guardMinAvailable = guard->minAvailable;
      for (uint32_t index : guard->variants) summary.guardVariants.push_back(store_->variants[index].id);
      std::sort(summary.guardVariants.begin(), summary.guardVariants.end());
    }
    summaries.push_back(std::move(summary));
  }
  std::sort(summaries.begin(), summaries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return summaries;
}

std::optional<EpochMillis> parseUtcTimestamp(std::string_view text) {
  try {
    return parseTimestamp(text, "");
  } catch (const InputError&) {
    return std::nullopt;
  }
}

}  // namespace cartcore
