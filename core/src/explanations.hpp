// SPDX-License-Identifier: MIT
// The explanations, on top of the pipeline: every sentence a quote carries, written from the verdicts' facts once
// pricing is done.
#pragma once

#include "pricing.hpp"

namespace cartcore {

/** Fills quote.priceRules, quote.promotions and quote.coupons from the verdicts, and every sentence of the quote. */
void explain(const CompiledStore& store, PricedCart& priced);

}  // namespace cartcore
