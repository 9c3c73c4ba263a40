// SPDX-License-Identifier: MIT
// The conditions a promotion checks before looking at prices: time window, customer segment, currency and stock guard.
// They do not depend on the cart's contents, so stacking checks them once per quote.
#pragma once

#include "stages/cart.hpp"

namespace cartcore {

/** Why a time window does not hold at `now`: it has not started, or it has ended. */
Explanation windowExplanation(const TimeWindow& window, EpochMillis now);

/** True when the promotion's static conditions hold; otherwise fills `verdict`'s reason and explanation. */
bool staticConditionsHold(const Cart& cart, const Promotion& promo, RuleVerdict& verdict);

}  // namespace cartcore
