// SPDX-License-Identifier: MIT
// Nudges, on top of the pipeline: what the cart is missing for offers it nearly qualifies for, taken from the same
// verdicts that priced it, so a nudge is exactly what is missing.
#pragma once

#include "pricing.hpp"

namespace cartcore {

/** Fills priced.nudges (and their explanations) from the promotion verdicts and the shipping options. */
void collectNudges(const CompiledStore& store, PricedCart& priced);

}  // namespace cartcore
