// SPDX-License-Identifier: MIT
// The best-deal search, on top of the pipeline: which subset of the held codes gives the lowest total.
#pragma once

#include "pricing.hpp"

namespace cartcore {

/**
 * Prices the cart with the best subset of the request's codes, and says which subsets were priced and which codes
 * were left out (coupons "not_in_best_deal"). Throws TooManyItems at /coupons past kMaxBestDealCodes.
 */
PricedCart bestDealCart(const CompiledStore& store, const QuoteRequest& request);

}  // namespace cartcore
