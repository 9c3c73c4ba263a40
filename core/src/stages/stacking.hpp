// SPDX-License-Identifier: MIT
// Pipeline stage "stacking policy": promotions apply in priority order (higher first), each on the cart as the previous
// ones left it; in an exclusion group only the member that saves most applies; a stopAfter promotion blocks everything
// below it; an exclusive promotion applies alone, and only if it saves more than the combination.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

/** A promotion the combination chosen under conditional stacking leaves out (stacking_choice.hpp), and why. */
struct LeftOutPromotion {
  uint32_t promotion = 0;
  Reason reason = Reason::NotCombinableWith;  // or StackingConditionNotMet: its own stacksWhen fails
  /** The promotions of the combination it cannot combine with, in application order; `by` names the first that
      applied (else the first). Never empty: a combination leaves a promotion out only for one of them. */
  std::vector<uint32_t> blockers;
  Explanation why;                    // the sentence's facts; its `name` becomes the blocker's name
  std::optional<Minor> amountNeeded;  // stacksWhen.minSubtotal: what the items still need
  std::string_view missing;           // the stacksWhen field that fails: "segments", "minSubtotal" or "coupons"
};

/** What conditional stacking decided before the promotions apply: who sits this combination out. */
struct StackingPlan {
  std::vector<LeftOutPromotion> leftOut;  // sorted by promotion index
};

/** A promotion's priority for this customer: the highest priorityBySegment entry among their segments, else priority. */
int64_t effectivePriority(const Promotion& promo, const QuoteRequest& request);

/**
 * Applies the cart's promotions under the stacking policy (lines and Cart::freeShipping change) and returns one
 * verdict per promotion the quote lists: every relevant one, except those needing a code the shopper has not
 * entered. Verdicts are in application order: effective priority (higher first), then id. With a plan, the
 * promotions it leaves out do not apply and carry its reasons.
 */
std::vector<RuleVerdict> applyPromotions(Cart& cart, const StackingPlan* plan = nullptr);

/** The promotions that pass their code and static conditions (window, segment, currency, stock), in application order. */
std::vector<uint32_t> livePromotions(const Cart& cart, const std::vector<uint32_t>& candidates);

}  // namespace cartcore
