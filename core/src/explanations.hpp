// SPDX-License-Identifier: MIT
// The explanations, on top of the pipeline: the quote's outcome lists and every sentence it carries, written from
// the verdicts' facts once pricing is done, in the request's language and only as far as its explain level asks.
#pragma once

#include <string>

#include "locale.hpp"
#include "pricing.hpp"

namespace cartcore {

/**
 * Where a quote's outcome lists go: into the Quote's own vectors (the typed API), or nowhere, because the JSON
 * writer writes each listed outcome and each code's sentence straight from its verdict (quote_json.hpp), so the JSON
 * path builds no RuleOutcome and no sentence string of its own.
 */
enum class OutcomeLists : uint8_t { InQuote, FromVerdicts };

/**
 * Fills quote.coupons (every code; with InQuote also its sentence where `level` shows it: the caller drops the rest
 * once the digest is taken), with InQuote also quote.priceRules and quote.promotions (what `level` lists), and the
 * sentences of nudges, margin clamps and warnings. Amounts are written in quote.currency, which the totals stage set.
 */
void explain(const CompiledStore& store, PricedCart& priced, Language language, ExplainLevel level,
             OutcomeLists lists = OutcomeLists::InQuote);

/** Whether `level` shows an outcome or a code that did or did not apply. */
bool explainShows(ExplainLevel level, bool applied);

/** The sentences of one quote's outcomes, appended to the caller's buffer: in its language, in its currency. */
class OutcomeSentences {
 public:
  OutcomeSentences(const CompiledStore& store, Language language, const Quote& quote)
      : store_(store), format_(language, quote.currency, quote.exponent) {}

  /** A price rule's sentence. */
  void priceRule(std::string& out, const RuleVerdict& verdict) const;
  /**
   * A promotion's sentence, with the saving stated when it applied (restated, naming the limit, when margin
   * protection limited it), then any sentence that follows it (what a clamped buy-x-get-y's units cost).
   */
  void promotion(std::string& out, const RuleVerdict& verdict) const;
  /** An entered code's sentence: its promotion's (`promotions` are the quote's promotion verdicts), or why none. */
  void coupon(std::string& out, const CouponVerdict& code, const std::vector<RuleVerdict>& promotions) const;
  /** Any other sentence (nudges, clamps, warnings). */
  void other(std::string& out, const Explanation& why) const;

 private:
  /** Which limit a restated saving names: the order cap is named to everyone, margin floors only internally. */
  Message limitedSaving(const RuleVerdict& verdict) const;

  const CompiledStore& store_;
  LocaleFormat format_;
};

}  // namespace cartcore
