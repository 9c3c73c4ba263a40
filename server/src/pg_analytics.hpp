// SPDX-License-Identifier: MIT
// The analytics tables on PostgreSQL: the schema migration, the facts a checkout records, the switch dedup, and
// the shared analytics statements (analytics_sql.hpp) run over a libpq connection.
#pragma once

#include <string>
#include <vector>

#include "analytics_records.hpp"
#include "analytics_sql.hpp"
#include "pg_db.hpp"

namespace cartcore::server {

/** PostgreSQL schema migration 3: the analytics tables (text columns COLLATE "C", so every ordering is by bytes, as on SQLite). */
const char* pgAnalyticsMigration();

/**
 * The analytics functions, CREATE OR REPLACE (see pg_schema.cpp): cartcore_checkout_recorded (the checkout plus the
 * order's facts, one statement and one transaction), and a trigger on holds that records each hold's fate in the
 * transaction that ends it.
 */
const char* pgAnalyticsFunctions();

/** The order's facts as the jsonb cartcore_record_order_facts reads (keys named after the columns). */
std::string pgOrderFactsJson(const OrderAnalytics& analytics);

/** The shared analytics statements on one connection: ?N becomes $N cast to the bound value's type. */
class PgSqlSession final : public SqlSession {
 public:
  explicit PgSqlSession(PgConnection& connection) : connection_(connection) {}
  void query(const std::string& sql, const std::vector<Value>& params,
             const std::function<void(const SqlRow&)>& onRow) override;

 private:
  PgConnection& connection_;
};

/** Records each switch whose state is new for its subject, one conditional upsert each; returns those recorded. */
std::vector<StockSwitch> pgRecordSwitches(PgConnection& connection, const std::vector<StockSwitch>& switches);

}  // namespace cartcore::server
