// SPDX-License-Identifier: MIT
// The explanations, on top of the pipeline: the quote's outcome lists and every sentence it carries, written from
// the verdicts' facts once pricing is done, in the request's language and only as far as its explain level asks.
#pragma once

#include "locale.hpp"
#include "pricing.hpp"

namespace cartcore {

/**
 * Fills quote.priceRules, quote.promotions (what `level` lists) and quote.coupons (every code, with a sentence where
 * `level` shows it: the caller drops the rest once the digest is taken), and the sentences of nudges, margin clamps
 * and warnings. Amounts are written in quote.currency, which the totals stage set.
 */
void explain(const CompiledStore& store, PricedCart& priced, Language language, ExplainLevel level);

/** Whether `level` shows an outcome or a code that did or did not apply. */
bool explainShows(ExplainLevel level, bool applied);

}  // namespace cartcore
