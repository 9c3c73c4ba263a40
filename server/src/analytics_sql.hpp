// SPDX-License-Identifier: MIT
// The analytics statements both storage backends share: rolling facts up by day and every analytics question.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analytics_records.hpp"

namespace cartcore::server {

/** One UTC day in epoch milliseconds: rollups are kept per day. */
inline constexpr int64_t kDayMillis = 24LL * 60 * 60 * 1000;

/** One row of an answer; NULL reads as 0 or "". */
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t int64(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual bool isNull(int column) const = 0;
};

/**
 * A connection as the analytics statements use it: one statement at a time, parameters by position (?1, ?2, ...).
 * The statements are written once for SQLite and PostgreSQL 15 alike (aliased subqueries, qualified upsert
 * columns, no dialect functions); the PostgreSQL session rewrites ?N to a typed $N.
 */
class SqlSession {
 public:
  using Value = std::variant<int64_t, std::string>;
  virtual ~SqlSession() = default;
  virtual void query(const std::string& sql, const std::vector<Value>& params,
                     const std::function<void(const SqlRow&)>& onRow) = 0;
  void execute(const std::string& sql, const std::vector<Value>& params) {
    query(sql, params, [](const SqlRow&) {});
  }
};

/**
 * Layout (both backends): raw fact tables keyed by (created_at, order_id, ...), so a period is a clustered range.
 * Whole UTC days before the watermark `rolled_until` are also summed into daily rollup tables; a question reads
 * the rollups for the rolled days inside its period and the raw rows for the rest, so it costs O(days + raw rows
 * at the edges) instead of O(orders in the period). Questions never depend on whether a day was rolled.
 */
namespace analytics_sql {

int64_t rolledUntil(SqlSession& session);
/**
 * One step of rolling up, inside the caller's transaction (which must exclude commits that could land behind the
 * watermark meanwhile): rolls the first day with facts at or after `watermark` when it ended before `cutoff` and
 * returns true; otherwise moves the watermark over the empty days before it and returns false. `watermark` is
 * updated either way.
 */
bool rollUpNextDay(SqlSession& session, int64_t cutoff, int64_t& watermark);
/** Adds one order that landed behind the watermark to the rollups (its day was already summed). */
void rollUpLateOrder(SqlSession& session, int64_t createdAt, const std::string& orderId);
/** Adds one hold fate that landed behind the watermark to the rollups. */
void rollUpLateHoldFate(SqlSession& session, int64_t at, const std::string& holdId);

int64_t countOrders(SqlSession& session, const AnalyticsQuery& query);
PromotionReport promotionReport(SqlSession& session, const AnalyticsQuery& query);
CombinationReport combinationReport(SqlSession& session, const AnalyticsQuery& query);
MarginReportRows marginReport(SqlSession& session, const AnalyticsQuery& query, int64_t targetPercent);
StockReport stockReport(SqlSession& session, const AnalyticsQuery& query);
std::vector<ExportedOrder> exportOrders(SqlSession& session, const AnalyticsQuery& query, const ExportCursor& after,
                                        int limit);

}  // namespace analytics_sql

/** The order's lines as one JSON array, kept with the order's facts (read by no question: the record of what each
 *  line earned): [{"line","variant","units","listAmount","priceRuleDiscount","promotionDiscount","revenue","cost"}],
 *  amounts in minor units, cost null when unknown. One column rather than a table: one B-tree less per checkout. */
std::string orderLinesJson(const analytics::OrderFacts& facts);
/** The coupons entered, as one JSON array [{"code","applied","promotion","reason"}] (one column, as the lines). */
std::string orderCouponsJson(const analytics::OrderFacts& facts);

/** One column of an order's facts: its name in the analytics tables and its value (std::monostate: NULL). */
using FactValue = std::variant<std::monostate, int64_t, std::string>;
struct FactColumn {
  const char* name;
  FactValue value;
};
using FactRow = std::vector<FactColumn>;

/**
 * An order's facts as both backends store them, named after the columns: the analytics_orders row (from
 * config_version on), one analytics_promotions row per promotion and one analytics_clamps row per clamp and
 * category (the first carries the clamp for totals and floors). The writer adds created_at and order_id, and the
 * order's config_version and currency to the other rows. SQLite binds them; PostgreSQL sends them as one jsonb.
 */
struct OrderFactRows {
  FactRow order;
  std::vector<FactRow> promotions;
  std::vector<FactRow> clamps;
};
OrderFactRows orderFactRows(const OrderAnalytics& analytics);

/** The margin bucket of an order: floor of its margin % over lines with a cost, -101 below -100 % (or no revenue
 *  with a cost), nothing when no line has a cost. "Below a whole target T" is exactly "bucket < T". */
std::optional<int64_t> marginBucket(const analytics::OrderFacts& facts);

}  // namespace cartcore::server
