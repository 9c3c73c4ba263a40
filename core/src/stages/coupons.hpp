// SPDX-License-Identifier: MIT
// Pipeline stage "coupons": what each entered code did, told by the outcome of a promotion it unlocks (the applied one
// if any), or "unknown" when it unlocks none.
#pragma once

#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

/** One verdict per entered code, in code order; `promotions` are the stacking verdicts. */
std::vector<CouponVerdict> couponVerdicts(const Cart& cart, const std::vector<RuleVerdict>& promotions);

}  // namespace cartcore
