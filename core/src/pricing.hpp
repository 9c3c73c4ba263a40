// SPDX-License-Identifier: MIT
#pragma once

#include "store.hpp"

namespace cartcore {

/** Prices a validated request against a compiled store: price rules, then promotions under the stacking policy. */
Quote priceCart(const CompiledStore& store, const QuoteRequest& request);

}  // namespace cartcore
