// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics_records.hpp"
#include "sqlite_db.hpp"

namespace cartcore::server {

/** One UTC day in epoch milliseconds: rollups are kept per day. */
inline constexpr int64_t kDayMillis = 24LL * 60 * 60 * 1000;

/**
 * The analytics tables on SQLite and every statement that reads or writes them. Facts are written on the writer's
 * connection inside the caller's transaction; questions run on a separate reader connection (WAL readers never
 * block the writer), each as one statement, so one consistent snapshot.
 *
 * Layout: raw fact tables are WITHOUT ROWID and keyed by (created_at, order_id, ...), so an order's rows append
 * at the right edge of each B-tree (one page per table per checkout) and a period is a clustered range. Whole UTC
 * days before the watermark `rolled_until` are also summed into daily rollup tables; a question reads the rollups
 * for the whole rolled days inside its period and the raw rows for the rest, so it costs O(days + raw rows at the
 * edges) instead of O(orders in the period).
 */
class SqliteAnalytics {
 public:
  /** Creates the tables: schema migration 5 (sqlite_store.cpp runs it; idempotent). */
  static void migrate(Database& db);

  // ---- Writes: on the writer connection, inside the caller's transaction ----
  /** The order's facts; when the order lands behind the watermark (a clock moved back), its rollups too. */
  static void insertOrderFacts(Database& db, const std::string& orderId, int64_t createdAt,
                               const OrderAnalytics& analytics, int64_t rolledUntil);
  static void insertHoldFate(Database& db, const std::string& holdId, const std::string& fate, int64_t at,
                             int64_t rolledUntil);
  /** The day a fact belongs to is known from `at`; rolling [day, day + kDayMillis) moves the watermark. */
  static int64_t rolledUntil(Database& db);
  /** The first UTC day at or after `from` that has facts, or -1 when there is none. */
  static int64_t nextDayWithFacts(Database& db, int64_t from);
  static void rollUpDay(Database& db, int64_t day);
  static void setRolledUntil(Database& db, int64_t until);
  /** Records the switches whose state is new for their subject; returns them. */
  static std::vector<StockSwitch> recordSwitches(Database& db, const std::vector<StockSwitch>& switches);

  // ---- Questions: on the reader connection ----
  static int64_t countOrders(Database& db, const AnalyticsQuery& query);
  static PromotionReport promotionReport(Database& db, const AnalyticsQuery& query);
  static CombinationReport combinationReport(Database& db, const AnalyticsQuery& query);
  static MarginReportRows marginReport(Database& db, const AnalyticsQuery& query, int64_t targetPercent);
  static StockReport stockReport(Database& db, const AnalyticsQuery& query);
  static std::vector<ExportedOrder> exportOrders(Database& db, const AnalyticsQuery& query, const ExportCursor& after,
                                                 int limit);
};

/** The margin bucket of an order: floor of its margin % over lines with a cost, -101 below -100 % (or no revenue
 *  with a cost), nothing when no line has a cost. "Below a whole target T" is exactly "bucket < T". */
std::optional<int64_t> marginBucket(const analytics::OrderFacts& facts);

}  // namespace cartcore::server
