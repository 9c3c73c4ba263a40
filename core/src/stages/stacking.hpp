// SPDX-License-Identifier: MIT
// Pipeline stage "stacking policy": promotions apply in priority order (higher first), each on the cart as the previous
// ones left it; in an exclusion group only the member that saves most applies; a stopAfter promotion blocks everything
// below it; an exclusive promotion applies alone, and only if it saves more than the combination.
#pragma once

#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

/**
 * Applies the cart's promotions under the stacking policy (lines and Cart::freeShipping change) and returns one
 * verdict per promotion the quote lists: every relevant one, except those needing a code the shopper has not
 * entered. Verdicts are in priority order.
 */
std::vector<RuleVerdict> applyPromotions(Cart& cart);

}  // namespace cartcore
