// SPDX-License-Identifier: MIT
// The shared state of the pricing pipeline: the cart's lines as priced so far. Each line holds its units as run-length
// groups of equal current price, so buy-X-get-Y and bundles can pick individual units while a 10,000-unit line stays a
// handful of groups. The first stage (buildCart) builds it: the store in the cart's currency, the lines at list price,
// the codes entered.
#pragma once

#include <string>
#include <vector>

#include "explanation.hpp"
#include "store.hpp"

namespace cartcore {

/** `count` units at one current price. */
struct UnitGroup {
  int64_t count = 0;
  Minor price = 0;  // minor units

  bool operator==(const UnitGroup&) const = default;
};

struct LineState {
  const CartLine* line = nullptr;  // in the request
  uint32_t variant = 0;            // index into store.variants
  Minor listUnit = 0;
  Minor baseUnit = 0;              // after price rules: the "original" price promotions may refer to
  std::vector<UnitGroup> groups;   // dearest first, equal prices merged
  std::vector<Adjustment> adjustments;  // in application order

  int64_t quantity() const { return line->quantity; }
  /** What the line costs now, minor units. */
  Minor total() const;
};

/** The cart every stage reads and narrows. Stages take the parts they need; nothing here is output yet. */
struct Cart {
  const CompiledStore& store;  // in the cart's currency
  const QuoteRequest& request;
  std::vector<LineState> lines;      // sorted by line id, so request order never matters
  std::vector<std::string> coupons;  // the codes entered, normalized, sorted, unique
  std::vector<const Promotion*> freeShipping;  // applied free-shipping promotions, in application order

  bool customerHasSegment(const std::vector<std::string>& wanted) const;  // `wanted` sorted
  bool couponEntered(const std::string& code) const;
};

/** The JSON pointer of a line's variant in the request, for errors a line causes. */
std::string linePointer(const Cart& cart, const LineState& line);

/** Codes as entered → normalized, sorted, unique; blanks dropped. */
std::vector<std::string> normalizedCoupons(const std::vector<std::string>& entered);

/**
 * The store as priced in the request's currency; a stale-rates warning (with its explanation) when the store's
 * policy is to warn. Throws MissingRate / StaleRates naming /currency.
 */
const CompiledStore& storeForCurrency(const CompiledStore& base, const QuoteRequest& request, std::vector<QuoteWarning>& warnings,
                                      std::vector<Explanation>& warningsWhy);

/** The first stage: every line at list price, sorted by id; throws AmountOverflow for a line whose total cannot be held. */
Cart buildCart(const CompiledStore& store, const QuoteRequest& request);

}  // namespace cartcore
