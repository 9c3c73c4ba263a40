// SPDX-License-Identifier: MIT
// The facts of one priced order that merchant analytics and replay read: what each line and promotion earned and
// gave away, margins, clamps and coupons. Computed from the engine's Quote alone, so the server (at checkout) and
// replay (for every re-quote) agree on every figure by construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cartcore/engine.hpp"

namespace cartcore::analytics {

/** One line of the order; amounts in minor units of the order's currency. */
struct LineFacts {
  std::string line;
  std::string variant;
  int64_t units = 0;
  int64_t listAmount = 0;         // list unit price x units
  int64_t priceRuleDiscount = 0;  // saving from price rules (positive)
  int64_t promotionDiscount = 0;  // saving from promotions (positive)
  int64_t revenue = 0;            // what the line earns after every discount, net of tax
  std::optional<int64_t> cost;    // unit cost x units, when the variant has a cost
};

/**
 * One promotion that applied, or that lost to another (reason and `by` set). Line figures cover the lines it put
 * an adjustment on; `discount` is the engine's amount for it.
 */
struct PromotionFacts {
  std::string promotion;
  bool applied = false;
  std::string reason;  // the engine's reason code ("applied", "lost_to_better_in_group", ...)
  std::string by;      // not applied: the rule it lost to
  int64_t discount = 0;
  int64_t units = 0;
  int64_t listAmount = 0;
  int64_t revenue = 0;
  int64_t costedRevenue = 0;  // revenue of the lines with a known cost
  int64_t cost = 0;
  int64_t unitsWithoutCost = 0;
  int64_t clamps = 0;  // margin clamps charged to it
};

/** A discount reduced by margin protection. `floor` is "orderCap" for the order-level discount cap. */
struct ClampFacts {
  std::string line;  // empty for the order cap
  std::string variant;
  std::string floor;      // empty when the store hides floor ids from quotes
  std::string promotion;  // the last-applied promotion on the line: it gives back first
  std::vector<std::string> categories;
  int64_t discountBefore = 0;
  int64_t discountAfter = 0;
};

struct CouponFacts {
  std::string code;  // normalized
  bool applied = false;
  std::string promotion;
  std::string reason;
};

struct OrderFacts {
  std::string currency;
  int exponent = 2;
  int64_t units = 0;
  int64_t listAmount = 0;
  int64_t subtotal = 0;       // after price rules, before promotions
  int64_t discount = 0;       // promotion savings on items
  int64_t revenue = 0;        // net of tax, after every discount
  int64_t costedRevenue = 0;  // revenue of the lines with a known cost
  int64_t cost = 0;
  int64_t unitsWithoutCost = 0;
  std::vector<std::string> combination;  // ids of the promotions that applied, sorted
  std::vector<LineFacts> lines;
  std::vector<PromotionFacts> promotions;  // applied ones and those that lost to another, sorted by id
  std::vector<ClampFacts> clamps;
  std::vector<CouponFacts> coupons;

  int64_t margin() const { return costedRevenue - cost; }
  bool hasCost() const { return costedRevenue != 0 || cost != 0; }
};

/**
 * The facts of a priced order. `catalog` is `Engine::catalogVariants(quote.currency)` of the engine that priced
 * it (sorted by id), for costs and categories. Cost products that would overflow int64 count as unknown.
 */
OrderFacts orderFacts(const Quote& quote, const std::vector<CatalogVariant>& catalog);

/** The combination as one text key, a JSON array of the sorted ids (`[]` for none): exact whatever an id holds. */
std::string combinationKey(const std::vector<std::string>& promotions);

/**
 * numerator / denominator as a percentage with two decimals ("41.25"), computed in 128-bit integers and rounded
 * half away from zero; nothing when the denominator is 0.
 */
std::optional<std::string> formatPercent(int64_t numerator, int64_t denominator);

}  // namespace cartcore::analytics
