// SPDX-License-Identifier: MIT
#include "stages/coupons.hpp"

#include <algorithm>

#include "input_error.hpp"

namespace cartcore {

std::vector<CouponVerdict> couponVerdicts(const Cart& cart, const std::vector<RuleVerdict>& promotions) {
  const CompiledStore& store = cart.store;
  std::vector<CouponVerdict> out;
  out.reserve(cart.coupons.size());
  // Each promotion's verdict position, by promotion index: a code's promotions are found in O(log n) each, where
  // scanning every verdict per promotion made this codes × promotions × verdicts.
  std::vector<std::pair<uint32_t, std::size_t>> verdictOf;
  verdictOf.reserve(promotions.size());
  for (std::size_t v = 0; v < promotions.size(); ++v) verdictOf.emplace_back(promotions[v].rule, v);
  std::sort(verdictOf.begin(), verdictOf.end());
  for (const auto& code : cart.coupons) {
    CouponVerdict c;
    c.code = code;
    auto it = store.promotionsByCoupon.find(code);
    if (it == store.promotionsByCoupon.end()) {
      c.status = "unknown";
      c.reason = Reason::UnknownCoupon;
      out.push_back(std::move(c));
      continue;
    }
    std::optional<std::size_t> first, applied;
    cart.meter.spend(static_cast<int64_t>(it->second.size()));
    for (uint32_t p : it->second) {
      auto at = std::lower_bound(verdictOf.begin(), verdictOf.end(), std::pair<uint32_t, std::size_t>{p, 0});
      for (; at != verdictOf.end() && at->first == p; ++at) {
        const std::size_t v = at->second;
        if (!first || v < *first) first = v;
        if (promotions[v].applied && (!applied || v < *applied)) applied = v;
      }
    }
    std::optional<std::size_t> shown = applied ? applied : first;
    CARTCORE_ASSERT(shown.has_value());
    c.status = applied ? "applied" : "not_applied";
    c.promotion = shown;
    c.reason = promotions[*shown].reason;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace cartcore
