// SPDX-License-Identifier: MIT
// The shared state of the pricing pipeline: the cart's lines as priced so far. Each line holds its units as run-length
// groups of equal current price, so buy-X-get-Y and bundles can pick individual units while a 10,000-unit line stays a
// handful of groups. The first stage (buildCart) builds it: the store in the cart's currency, the lines at list price,
// the codes entered.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "explanation.hpp"
#include "store.hpp"
#include "work_meter.hpp"

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

/**
 * The cart's currency: every store amount as the cart pays it. Amounts convert when a stage reads them (a few
 * nanoseconds each) rather than into a copy of the store per currency, which cost memory per rate and catalog.
 * The threshold rule (docs/FORMAT.md): every amount converts at the rate, half away from zero, once; only shelf
 * prices take the currency's price ending, and a variant's price-list entry replaces its conversion.
 */
class CartCurrency {
 public:
  CartCurrency(const CompiledStore& store, const std::string& code);

  /** The ISO 4217 code, owned by the store: explanations may keep a view of it after the cart is gone. */
  const std::string& code() const { return *code_; }
  int exponent() const { return exponent_; }
  /** A cost, an amount off, a threshold, a shipping amount or an amount floor, in this currency. */
  Minor amount(Minor storeAmount) const;
  /** The same price change here: percentages are the same in every currency. */
  PriceChange change(PriceChange change) const;
  /** What one unit of a variant sells for here before any rule. */
  Minor shelfPrice(const VariantInfo& variant) const;

 private:
  const std::string* code_;        // store.currency, or the key of its rate
  int exponent_ = 2;
  int storeExponent_ = 2;
  int64_t rate_ = 0;               // 0: the store's own currency
  std::optional<Minor> ending_;    // the price ending of this currency, if any
};

/** One variant's stock as a run read it: the units, and the range of live stock that reads the same. */
struct StockFact {
  std::optional<int64_t> units;  // nullopt = unknown
  bool live = false;             // read from the request's snapshot (not from a hold's facts): `band` applies
  StockBand band;
};

/** Folds one run's stock facts into another's: the union of variants, the intersection of bands. */
void mergeStockFacts(std::map<std::string, StockFact>& into, const std::map<std::string, StockFact>& from);
/** Folds one variant's fact in, the same way (no map of one entry built for it). */
void mergeStockFact(std::map<std::string, StockFact>& into, const std::string& variant, const StockFact& fact);

/** The cart every stage reads and narrows. Stages take the parts they need; nothing here is output yet. */
struct Cart {
  const CompiledStore& store;  // amounts in the store currency: read them through `currency`
  const QuoteRequest& request;
  CartCurrency currency;
  std::vector<LineState> lines;      // sorted by line id, so request order never matters
  std::vector<std::string> coupons;  // the codes entered, normalized, sorted, unique
  std::vector<const Promotion*> freeShipping;  // applied free-shipping promotions, in application order
  /** What this run has done so far; stages spend from it (mutable: judging a rule on a const cart is still work). */
  mutable WorkMeter meter{kQuoteWorkBudget};

  /**
   * Every stock fact this run read when pricing for a hold (request.forHold), which it keeps as its HeldFacts. Mutable: reading stock is a query of the
   * cart, and the record is a by-product that no stage decides on.
   */
  mutable std::map<std::string, StockFact> stockRead{};

  bool customerHasSegment(const std::vector<std::string>& wanted) const;  // `wanted` sorted
  bool couponEntered(const std::string& code) const;
  /**
   * A variant's available units as this quote sees them (a hold's facts first, else the request's snapshot), read
   * for the comparison `units >= threshold`. The record keeps the range of live stock that compares the same, and
   * pins the exact figure when `exactBelow` and the units fall short (a number the shopper is shown).
   */
  std::optional<int64_t> availableStock(const VariantInfo& variant, int64_t threshold, bool exactBelow) const;
  /**
   * Whether a time window holds: at `now`, or, re-pricing a hold under the store's holds.honorEndedWindows, when
   * it held at the hold's quote and has ended since (a price held before the end is kept until the hold expires).
   */
  bool windowOpen(const TimeWindow& window) const;
};

/** The JSON pointer of a line's variant in the request, for errors a line causes. */
std::string linePointer(const Cart& cart, const LineState& line);
/** "/lines/<request index>/quantity": where an amount that grows with a line's quantity is named when it overflows. */
std::string lineQuantityPointer(const QuoteRequest& request, const CartLine& line);

/** Codes as entered → normalized, sorted, unique; blanks dropped. */
std::vector<std::string> normalizedCoupons(const std::vector<std::string>& entered);

/**
 * Checks the store can price in the request's currency now: a stale-rates warning (with its explanation) when the
 * store's policy is to warn. Throws MissingRate / StaleRates naming /currency.
 */
void checkRates(const CompiledStore& store, const QuoteRequest& request, std::vector<QuoteWarning>& warnings,
                std::vector<Explanation>& warningsWhy);

/** The first stage: every line at list price, sorted by id; throws AmountOverflow for a line whose total cannot be held. */
Cart buildCart(const CompiledStore& store, const QuoteRequest& request);

}  // namespace cartcore
