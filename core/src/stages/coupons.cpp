// SPDX-License-Identifier: MIT
#include "stages/coupons.hpp"

#include "input_error.hpp"

namespace cartcore {

std::vector<CouponVerdict> couponVerdicts(const Cart& cart, const std::vector<RuleVerdict>& promotions) {
  const CompiledStore& store = cart.store;
  std::vector<CouponVerdict> out;
  out.reserve(cart.coupons.size());
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
    for (uint32_t p : it->second) {
      for (std::size_t v = 0; v < promotions.size(); ++v) {
        if (promotions[v].rule != p) continue;
        if (!first) first = v;
        if (promotions[v].applied && !applied) applied = v;
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
