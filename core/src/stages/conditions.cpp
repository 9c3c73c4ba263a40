// SPDX-License-Identifier: MIT
#include "stages/conditions.hpp"

#include <algorithm>

namespace cartcore {

Explanation windowExplanation(const TimeWindow& window, EpochMillis now) {
  Explanation why{now < window.start ? Message::OfferStarts : Message::OfferEnded};
  why.time = now < window.start ? window.start : window.end;
  return why;
}

bool staticConditionsHold(const Cart& cart, const Promotion& promo, RuleVerdict& verdict) {
  cart.meter.spend(1);
  const Conditions& c = promo.conditions;
  const QuoteRequest& request = cart.request;
  if (c.window && !cart.windowOpen(*c.window)) {
    verdict.reason = Reason::OutsideWindow;
    verdict.why = windowExplanation(*c.window, request.now);
    return false;
  }
  if (!c.segments.empty() && !cart.customerHasSegment(c.segments)) {
    verdict.reason = Reason::SegmentNotEligible;
    verdict.why = {Message::OfferForSegments};
    verdict.why.segments = &c.segments;
    return false;
  }
  if (!c.currencies.empty() && std::find(c.currencies.begin(), c.currencies.end(), request.currency) == c.currencies.end()) {
    verdict.reason = Reason::CurrencyNotEligible;
    verdict.why = {Message::CurrencyNotEligible};
    verdict.why.name = cart.currency.code();  // owned by the store, which outlives the request of a best-deal probe
    return false;
  }
  if (c.stockGuard) {
    for (uint32_t v : c.stockGuard->variants) {
      cart.meter.spend(kStockCheckUnits);
      const VariantInfo& variant = cart.store.variants[v];
      std::optional<int64_t> available = cart.availableStock(variant, c.stockGuard->minAvailable, /*exactBelow=*/false);
      if (!available) {
        verdict.reason = Reason::StockUnknown;
        verdict.why = {Message::StockUnknown};
        verdict.why.variant = &variant;
        return false;
      }
      if (*available < c.stockGuard->minAvailable) {
        verdict.reason = Reason::StockBelowThreshold;
        verdict.why = {Message::StockBelowThreshold};
        verdict.why.variant = &variant;
        verdict.why.count = *available;
        verdict.why.count2 = c.stockGuard->minAvailable;
        return false;
      }
    }
  }
  return true;
}

}  // namespace cartcore
