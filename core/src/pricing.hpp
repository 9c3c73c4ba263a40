// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "explanation.hpp"
#include "stages/cart.hpp"
#include "store.hpp"

namespace cartcore {

/** The pipeline's result: the money outcome and every verdict, before any sentence is written. */
struct PricedCart {
  Quote quote;  // lines, totals, shipping, tax, margin; outcomes, coupons and sentences come from the verdicts below
  std::vector<RuleVerdict> priceRules;    // by rule id
  std::vector<RuleVerdict> promotions;    // in priority order
  std::vector<CouponVerdict> coupons;     // by code
  std::vector<Nudge> nudges;              // when asked for; sentences come from nudgesWhy
  std::vector<Explanation> nudgesWhy;     // one per nudges entry
  std::vector<Explanation> clampsWhy;     // one per quote.margin->clamps entry
  std::vector<Explanation> warningsWhy;   // one per quote.warnings entry
  int64_t work = 0;                       // units the run spent (WorkMeter), for the best-deal search's budget
  /** Every stock fact the pricing read (over every run, for the best deal): what a hold keeps. */
  std::map<std::string, StockFact> stockRead;
};

/** Runs the pricing stages once on a request in the store's currency (`store` is already the currency view). */
PricedCart runPipeline(const CompiledStore& store, const QuoteRequest& request);

/** The shopper pays this: the grand total when shipping or tax is configured, else the item total. */
Minor payable(const Quote& quote);

/**
 * Prices a validated request against a compiled store: the currency, then the pipeline (or the best-deal search
 * over it), then nudges and explanations on top.
 */
Quote priceCart(const CompiledStore& store, const QuoteRequest& request);

/**
 * The same, rendered as the JSON facade's `{"ok":true,"quote":…}`: byte for byte renderQuoteJson(priceCart(…)),
 * with each listed outcome and its sentence written straight from its verdict into the text (no RuleOutcome, no
 * sentence string of its own). Errors throw InputError as priceCart's do.
 */
std::string priceCartJson(const CompiledStore& store, const QuoteRequest& request);

}  // namespace cartcore
