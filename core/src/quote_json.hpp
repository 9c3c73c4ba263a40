// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "cartcore/engine.hpp"
#include "explanations.hpp"

namespace cartcore {

/**
 * What the JSON path writes a quote's outcome lists and its codes' sentences from, when explain() left them out of
 * the Quote (OutcomeLists::FromVerdicts): the verdicts, the store their ids and names live in, and the sentences.
 */
struct VerdictOutcomes {
  const CompiledStore& store;
  const PricedCart& priced;  // priced.quote.coupons[i] is priced.coupons[i], every code entered
  const OutcomeSentences& sentences;
};

/** `{"ok":true,"quote":…}` as canonical JSON: sorted keys, no spaces, decimal-string money. */
std::string renderQuoteJson(const Quote& quote);

/** The same for a quote whose outcome lists are still verdicts: the same bytes, each sentence written in place. */
std::string renderQuoteJson(const Quote& quote, const VerdictOutcomes& outcomes);

/** "sha256:…" over the config digest and the priced outcome, excluding explanations and stock display. */
std::string quoteDigest(const Quote& quote);

}  // namespace cartcore
