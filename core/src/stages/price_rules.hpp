// SPDX-License-Identifier: MIT
// Pipeline stage "price rules": tiered/bulk prices, member prices and flash sales set each line's shelf price before
// any promotion. The lowest unit price wins; every rule that touches the cart gets a verdict saying why.
#pragma once

#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

/**
 * Prices every line with its winning rule (lines' baseUnit, groups and adjustments change) and returns one verdict
 * per rule touching the cart, ordered by rule id. Reads the customer's segments and "now" from the request.
 */
std::vector<RuleVerdict> applyPriceRules(Cart& cart);

}  // namespace cartcore
