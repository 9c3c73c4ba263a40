// SPDX-License-Identifier: MIT
// Pipeline stage "stacking policy": promotions apply in priority order (higher first), each on the cart as the previous
// ones left it; in an exclusion group only the member that saves most applies; a stopAfter promotion blocks everything
// below it. An exclusive promotion never applies in a stacked run: it is an alternative of its own, priced alone by
// the whole pipeline (stacking_choice.hpp), and applies only when the shopper pays less with it.
#pragma once

#include <optional>
#include <span>
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

/** What the choice among combinations (stacking_choice.hpp) decided before the promotions apply. */
struct StackingPlan {
  std::vector<LeftOutPromotion> leftOut;  // sorted by promotion index: who sits this combination out
  /** The exclusive promotion this run applies alone; unset: no exclusive promotion applies (a stacked run). */
  std::optional<uint32_t> exclusive;
  /** With `exclusive`: the lines it can touch (RelevantPromotions of the same cart). */
  std::span<const std::size_t> exclusiveLines;
  /** With `exclusive`: the verdicts of the priority-order stacked run, which say who would have applied. */
  const std::vector<RuleVerdict>* stackedVerdicts = nullptr;
};


/** A promotion's priority for this customer: the highest priorityBySegment entry among their segments, else priority. */
int64_t effectivePriority(const Promotion& promo, const QuoteRequest& request);

/**
 * Applies the cart's promotions under the stacking policy (lines and Cart::freeShipping change) and returns one
 * verdict per promotion the quote lists: every relevant one, except those needing a code the shopper has not
 * entered. Verdicts are in application order: effective priority (higher first), then id. With a plan, the
 * promotions it leaves out do not apply and carry its reasons. Without a plan's `exclusive`, an exclusive promotion
 * that applies alone is reported lost_to_better_combination (the choice fills in the sentence's amounts); with it,
 * that promotion alone applies and every other one that would have applied is blocked_by_exclusive.
 */
std::vector<RuleVerdict> applyPromotions(Cart& cart, const StackingPlan* plan = nullptr);

/** The promotions that pass their code and static conditions (window, segment, currency, stock), in application order. */
std::vector<uint32_t> livePromotions(const Cart& cart, const std::vector<uint32_t>& candidates);

}  // namespace cartcore
