// SPDX-License-Identifier: MIT
// Pipeline stage "shipping": every method that serves the destination, priced for this cart (flat, weight bands,
// subtotal bands), made free by an applied free-shipping promotion or the method's threshold; then the chosen one.
#pragma once

#include "stages/cart.hpp"

namespace cartcore {

/**
 * Prices shipping for a cart whose items cost `itemTotal` (after promotions; bands and thresholds see what the
 * shopper pays for items). Chooses the requested method, else the cheapest (ties: the id sorting first). Throws
 * ShippingUnavailable when the requested method, or every method, cannot serve the cart.
 */
ShippingQuote priceShipping(const Cart& cart, Minor itemTotal);

}  // namespace cartcore
