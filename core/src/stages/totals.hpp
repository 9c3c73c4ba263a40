// SPDX-License-Identifier: MIT
// Pipeline stage "totals": each line as quoted (list price, adjustments, what each unit costs), the item totals, and
// the grand total once shipping and tax are known.
#pragma once

#include "stages/cart.hpp"

namespace cartcore {

/**
 * Fills quote.lines (adjustments move out of the cart), the item totals (list subtotal, savings, total) and the
 * free-shipping promotion (the first one applied).
 */
void totalItems(Cart& cart, Quote& quote);

/** The grand total, when shipping or tax is quoted: items + shipping (+ tax unless prices include it). */
void totalOrder(Quote& quote);

}  // namespace cartcore
