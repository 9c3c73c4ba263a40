// SPDX-License-Identifier: MIT
// What the storage seam keeps and answers for merchant analytics: facts recorded with each order, stock switches,
// and the aggregate rows the analytics endpoints read. Plain values only; amounts in minor units.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cartcore/order_facts.hpp"

namespace cartcore::server {

/** Written with the order, in the checkout's transaction. */
struct OrderAnalytics {
  bool recorded = true;  // false: the server was told not to record facts (--analytics-facts off)
  int64_t configVersion = 0;
  std::string stockJson = "{}";     // {"variant": units available} as the checkout quote saw them (what replay needs)
  std::string segmentsJson = "[]";  // the customer segments it was priced for (verified ones, not the cart's claim)
  analytics::OrderFacts facts;
};

/**
 * A switch seen by a quote or hold: a stock-guarded promotion turning on or off (kind "guard", subject the
 * promotion) or a variant's availability crossing its low-stock level or zero (kind "stock", subject the variant,
 * state "ok", "low" or "out").
 */
struct StockSwitch {
  int64_t at = 0;
  std::string kind;
  std::string subject;
  std::string state;
  std::string variant;  // the variant whose availability decided it
  int64_t available = 0;
  int64_t threshold = 0;  // minAvailable or the low-stock level
  int64_t configVersion = 0;
};

/** A period and the filters every analytics question shares. `from` inclusive, `to` exclusive (epoch ms). */
struct AnalyticsQuery {
  int64_t from = 0;
  int64_t to = 0;
  std::optional<int64_t> configVersion;
  std::string currency;
  int limit = 50;
};

/** Sums over orders (a period, or one day of it). */
struct OrderTotals {
  int64_t orders = 0;
  int64_t units = 0;
  int64_t listAmount = 0;
  int64_t subtotal = 0;
  int64_t discount = 0;
  int64_t revenue = 0;
  int64_t costedRevenue = 0;
  int64_t cost = 0;
  int64_t unitsWithoutCost = 0;
};

struct PromotionTotals {
  std::string promotion;
  int64_t orders = 0;
  int64_t units = 0;
  int64_t listAmount = 0;
  int64_t discount = 0;
  int64_t revenue = 0;
  int64_t costedRevenue = 0;
  int64_t cost = 0;
  int64_t unitsWithoutCost = 0;
  int64_t clamps = 0;
};

/** Orders in which `promotion` did not apply because of `lostTo` (`reason` the engine's code). */
struct LostTo {
  std::string promotion;
  std::string lostTo;
  std::string reason;
  int64_t orders = 0;
};

struct PromotionReport {
  int64_t orders = 0;
  std::vector<PromotionTotals> promotions;  // by discount descending, then id; at most query.limit
  std::vector<LostTo> lostTo;               // for those promotions, by orders descending
};

struct CombinationTotals {
  std::string key;  // analytics::combinationKey: a JSON array of ids
  int64_t orders = 0;
  int64_t subtotal = 0;
  int64_t discount = 0;
};

struct CombinationReport {
  int64_t orders = 0;
  std::vector<CombinationTotals> combinations;  // by orders descending, then discount, then key
};

struct ClampTotals {
  std::string dimension;  // "total", "floor", "promotion", "category"
  std::string key;
  int64_t clamps = 0;
  int64_t discountBefore = 0;
  int64_t discountAfter = 0;
};

struct MarginReportRows {
  OrderTotals totals;
  std::vector<std::pair<int64_t, OrderTotals>> daily;  // (UTC day start, sums) for days with orders, ascending
  int64_t ordersWithCost = 0;
  int64_t ordersBelowTarget = 0;
  std::vector<ClampTotals> clamps;  // total first, then by dimension and clamps descending
};

/** How holds ended in a period. */
struct HoldFates {
  int64_t converted = 0;
  int64_t expired = 0;
  int64_t released = 0;
};

struct SkuSwitches {
  std::string variant;
  int64_t lowSwitches = 0;
  int64_t outSwitches = 0;
  int64_t guardSwitches = 0;
  std::string lastState;
  int64_t lastAt = 0;
};

struct StockReport {
  HoldFates holds;
  int64_t activeHolds = 0;
  std::vector<StockSwitch> switches;  // oldest first: the newest query.limit of the period
  bool truncated = false;
  std::vector<SkuSwitches> skus;  // by variant
};

/** One order of an export page: what replay needs to price it again as it was priced. */
struct ExportedOrder {
  std::string id;
  int64_t createdAt = 0;
  int64_t configVersion = 0;
  std::string currency;
  std::string quoteDigest;
  int64_t totalMinor = 0;
  std::string cartJson;
  std::string stockJson;
  std::string segmentsJson;
};

/** Where an export page stops: the next page starts after (createdAt, orderId). */
struct ExportCursor {
  int64_t createdAt = 0;
  std::string orderId;
};

}  // namespace cartcore::server
