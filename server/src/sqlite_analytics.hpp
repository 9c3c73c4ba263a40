// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analytics_records.hpp"
#include "analytics_sql.hpp"
#include "sqlite_db.hpp"

namespace cartcore::server {

/**
 * The analytics tables on SQLite and the writes that go with a checkout or a hold's end, on the writer's connection
 * inside the caller's transaction. Raw fact tables are WITHOUT ROWID, so an order's rows append at the right edge
 * of each B-tree (one page per table per checkout). Rollups and questions are the shared analytics_sql ones, run
 * through SqliteSession (questions on a separate reader connection: WAL readers never block the writer).
 */
class SqliteAnalytics {
 public:
  /** Creates the tables: schema migration 5 (sqlite_store.cpp runs it; idempotent). */
  static void migrate(Database& db);
  /** The order's facts; when the order lands behind the watermark (a clock moved back), its rollups too. */
  static void insertOrderFacts(Database& db, const std::string& orderId, int64_t createdAt,
                               const OrderAnalytics& analytics, int64_t rolledUntil);
  static void insertHoldFate(Database& db, const std::string& holdId, const std::string& fate, int64_t at,
                             int64_t rolledUntil);
  /** Records the switches whose state is new for their subject; returns them. */
  static std::vector<StockSwitch> recordSwitches(Database& db, const std::vector<StockSwitch>& switches);
};

/** The shared analytics statements on one SQLite connection (?N parameters are SQLite's own). */
class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(Database& db) : db_(db) {}
  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const SqlRow&)>& onRow) override;

 private:
  Database& db_;
};

}  // namespace cartcore::server
