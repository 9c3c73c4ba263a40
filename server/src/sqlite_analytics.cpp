// SPDX-License-Identifier: MIT
// The analytics tables on SQLite and the writes that go with an order or a hold; the questions are analytics_sql.cpp.
#include "sqlite_analytics.hpp"

#include <type_traits>
#include <variant>


namespace cartcore::server {

namespace {

constexpr const char* kAnalyticsSchema = R"sql(
CREATE TABLE IF NOT EXISTS analytics_orders (
  created_at         INTEGER NOT NULL,
  order_id           TEXT NOT NULL,
  config_version     INTEGER NOT NULL,
  currency           TEXT NOT NULL,
  units              INTEGER NOT NULL,
  list_amount        INTEGER NOT NULL,
  subtotal           INTEGER NOT NULL,
  discount           INTEGER NOT NULL,
  revenue            INTEGER NOT NULL,
  costed_revenue     INTEGER NOT NULL,
  cost               INTEGER NOT NULL,
  units_without_cost INTEGER NOT NULL,
  margin_bucket      INTEGER,
  combination        TEXT NOT NULL,
  stock_json         TEXT NOT NULL,
  segments_json      TEXT NOT NULL,
  lines_json         TEXT NOT NULL,  -- orderLinesJson: what each line earned (no question reads it)
  coupons_json       TEXT NOT NULL,  -- orderCouponsJson: every code entered and whether it applied
  PRIMARY KEY (created_at, order_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_promotions (
  created_at         INTEGER NOT NULL,
  order_id           TEXT NOT NULL,
  promotion          TEXT NOT NULL,
  config_version     INTEGER NOT NULL,
  currency           TEXT NOT NULL,
  applied            INTEGER NOT NULL,
  reason             TEXT NOT NULL,
  lost_to            TEXT NOT NULL,
  discount           INTEGER NOT NULL,
  units              INTEGER NOT NULL,
  list_amount        INTEGER NOT NULL,
  revenue            INTEGER NOT NULL,
  costed_revenue     INTEGER NOT NULL,
  cost               INTEGER NOT NULL,
  units_without_cost INTEGER NOT NULL,
  clamps             INTEGER NOT NULL,
  PRIMARY KEY (created_at, order_id, promotion)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_clamps (
  created_at      INTEGER NOT NULL,
  order_id        TEXT NOT NULL,
  clamp           INTEGER NOT NULL,
  category        TEXT NOT NULL,
  primary_row     INTEGER NOT NULL,  -- 1 on exactly one row per clamp: totals, floors and promotions count it once
  config_version  INTEGER NOT NULL,
  currency        TEXT NOT NULL,
  line_id         TEXT NOT NULL,
  variant         TEXT NOT NULL,
  floor           TEXT NOT NULL,
  promotion       TEXT NOT NULL,
  discount_before INTEGER NOT NULL,
  discount_after  INTEGER NOT NULL,
  PRIMARY KEY (created_at, order_id, clamp, category)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_hold_fates (
  at      INTEGER NOT NULL,
  hold_id TEXT NOT NULL,
  fate    TEXT NOT NULL CHECK (fate IN ('expired', 'released')),
  PRIMARY KEY (at, hold_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_switch_state (
  kind    TEXT NOT NULL,
  subject TEXT NOT NULL,
  state   TEXT NOT NULL,
  at      INTEGER NOT NULL,
  PRIMARY KEY (kind, subject)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_switches (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  subject        TEXT NOT NULL,
  state          TEXT NOT NULL,
  variant        TEXT NOT NULL,
  available      INTEGER NOT NULL,
  threshold      INTEGER NOT NULL,
  config_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_switches_by_time ON analytics_switches (at);
CREATE INDEX IF NOT EXISTS analytics_switches_by_variant ON analytics_switches (variant, at);
CREATE TABLE IF NOT EXISTS analytics_rollup (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  rolled_until INTEGER NOT NULL
);
INSERT INTO analytics_rollup (id, rolled_until) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS analytics_daily_orders (
  day INTEGER NOT NULL, config_version INTEGER NOT NULL, currency TEXT NOT NULL, combination TEXT NOT NULL,
  orders INTEGER NOT NULL, units INTEGER NOT NULL, list_amount INTEGER NOT NULL, subtotal INTEGER NOT NULL,
  discount INTEGER NOT NULL, revenue INTEGER NOT NULL, costed_revenue INTEGER NOT NULL, cost INTEGER NOT NULL,
  units_without_cost INTEGER NOT NULL,
  PRIMARY KEY (day, config_version, currency, combination)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_daily_margin (
  day INTEGER NOT NULL, config_version INTEGER NOT NULL, currency TEXT NOT NULL, margin_bucket INTEGER NOT NULL,
  orders INTEGER NOT NULL,
  PRIMARY KEY (day, config_version, currency, margin_bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_daily_promotions (
  day INTEGER NOT NULL, config_version INTEGER NOT NULL, currency TEXT NOT NULL, promotion TEXT NOT NULL,
  orders INTEGER NOT NULL, discount INTEGER NOT NULL, units INTEGER NOT NULL, list_amount INTEGER NOT NULL,
  revenue INTEGER NOT NULL, costed_revenue INTEGER NOT NULL, cost INTEGER NOT NULL,
  units_without_cost INTEGER NOT NULL, clamps INTEGER NOT NULL,
  PRIMARY KEY (day, config_version, currency, promotion)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_daily_lost (
  day INTEGER NOT NULL, config_version INTEGER NOT NULL, currency TEXT NOT NULL, promotion TEXT NOT NULL,
  lost_to TEXT NOT NULL, reason TEXT NOT NULL, orders INTEGER NOT NULL,
  PRIMARY KEY (day, config_version, currency, promotion, lost_to, reason)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_daily_clamps (
  day INTEGER NOT NULL, config_version INTEGER NOT NULL, currency TEXT NOT NULL, dimension TEXT NOT NULL,
  key TEXT NOT NULL, clamps INTEGER NOT NULL, discount_before INTEGER NOT NULL, discount_after INTEGER NOT NULL,
  PRIMARY KEY (day, config_version, currency, dimension, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_daily_holds (
  day INTEGER NOT NULL, fate TEXT NOT NULL, holds INTEGER NOT NULL,
  PRIMARY KEY (day, fate)
) WITHOUT ROWID;
)sql";

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(const Statement& statement) : statement_(statement) {}
  int64_t int64(int column) const override { return statement_.int64(column); }
  std::string text(int column) const override { return statement_.text(column); }
  bool isNull(int column) const override { return statement_.isNull(column); }

 private:
  const Statement& statement_;
};

/** Binds the leading columns, then the row's, to ?1, ?2, ... in that order. */
Statement& bindRow(Statement& statement, const FactRow& leading, const FactRow& row) {
  int index = 0;
  for (const FactRow* part : {&leading, &row})
    for (const FactColumn& column : *part) {
      ++index;
      std::visit(
          [&](const auto& value) {
            if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::monostate>)
              statement.bindNull(index);
            else
              statement.bind(index, value);
          },
          column.value);
    }
  return statement;
}

/** The INSERT of the leading columns and the row's columns into `table`; a fact written twice is kept once. */
Statement& prepareInsert(Database& db, const char* table, const FactRow& leading, const FactRow& row) {
  std::string names, slots;
  int index = 0;
  for (const FactRow* part : {&leading, &row})
    for (const FactColumn& column : *part) {
      names += (index ? ", " : "") + std::string(column.name);
      slots += (index ? ", ?" : "?") + std::to_string(index + 1);
      ++index;
    }
  return db.prepare("INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" + slots +
                    ") ON CONFLICT DO NOTHING");
}

}  // namespace

void SqliteSession::query(const std::string& sql, const std::vector<Value>& params,
                          const std::function<void(const SqlRow&)>& onRow) {
  Statement& statement = db_.prepare(sql);
  for (std::size_t i = 0; i < params.size(); ++i)
    std::visit([&](const auto& value) { statement.bind(static_cast<int>(i) + 1, value); }, params[i]);
  // Reset however it ends, so no statement keeps a read snapshot (and the WAL) pinned.
  struct ResetOnExit {
    Statement& statement;
    ~ResetOnExit() { statement.reset(); }
  } reset{statement};
  SqliteRow row(statement);
  while (statement.step()) onRow(row);
}

void SqliteAnalytics::migrate(Database& db) { db.exec(kAnalyticsSchema); }

void SqliteAnalytics::insertOrderFacts(Database& db, const std::string& orderId, int64_t createdAt,
                                       const OrderAnalytics& analytics, int64_t rolledUntil) {
  const OrderFactRows rows = orderFactRows(analytics);
  const FactRow key = {{"created_at", createdAt}, {"order_id", orderId}};
  FactRow keyAndOrder = key;
  keyAndOrder.push_back({"config_version", analytics.configVersion});
  keyAndOrder.push_back({"currency", analytics.facts.currency});
  bindRow(prepareInsert(db, "analytics_orders", key, rows.order), key, rows.order).execute();
  // Each row statement is looked up once per order, not once per row.
  if (!rows.promotions.empty()) {
    Statement& insertPromotion = prepareInsert(db, "analytics_promotions", keyAndOrder, rows.promotions.front());
    for (const FactRow& row : rows.promotions) bindRow(insertPromotion.reset(), keyAndOrder, row).execute();
  }
  if (!rows.clamps.empty()) {
    Statement& insertClamp = prepareInsert(db, "analytics_clamps", keyAndOrder, rows.clamps.front());
    for (const FactRow& row : rows.clamps) bindRow(insertClamp.reset(), keyAndOrder, row).execute();
  }
  // Behind the watermark the day is already summed: add this order to its rollups in the same transaction.
  if (createdAt < rolledUntil) {
    SqliteSession session(db);
    analytics_sql::rollUpLateOrder(session, createdAt, orderId);
  }
}

void SqliteAnalytics::insertHoldFate(Database& db, const std::string& holdId, const std::string& fate, int64_t at,
                                     int64_t rolledUntil) {
  db.prepare("INSERT INTO analytics_hold_fates (at, hold_id, fate) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
      .bind(1, at)
      .bind(2, holdId)
      .bind(3, fate)
      .execute();
  if (at < rolledUntil) {
    SqliteSession session(db);
    analytics_sql::rollUpLateHoldFate(session, at, holdId);
  }
}

std::vector<StockSwitch> SqliteAnalytics::recordSwitches(Database& db, const std::vector<StockSwitch>& switches) {
  // Looked up once per batch; each use below resets the statement before binding.
  Statement& current = db.prepare("SELECT state FROM analytics_switch_state WHERE kind = ?1 AND subject = ?2");
  Statement& setState = db.prepare(
      "INSERT INTO analytics_switch_state (kind, subject, state, at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (kind, subject) DO UPDATE SET state = excluded.state, at = excluded.at");
  Statement& insertSwitch = db.prepare(
      "INSERT INTO analytics_switches (at, kind, subject, state, variant, available, threshold, config_version) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  std::vector<StockSwitch> recorded;
  for (const auto& sw : switches) {
    current.reset().bind(1, sw.kind).bind(2, sw.subject);
    std::optional<std::string> previous;
    if (current.step()) previous = current.text(0);
    current.reset();
    if (previous == sw.state) continue;
    setState.reset().bind(1, sw.kind).bind(2, sw.subject).bind(3, sw.state).bind(4, sw.at).execute();
    // A subject's first state is a switch only when it is not the normal one: a promotion found on, or a variant
    // found in stock, has not crossed anything.
    if (!previous && (sw.state == "on" || sw.state == "ok")) continue;
    insertSwitch.reset()
        .bind(1, sw.at)
        .bind(2, sw.kind)
        .bind(3, sw.subject)
        .bind(4, sw.state)
        .bind(5, sw.variant)
        .bind(6, sw.available)
        .bind(7, sw.threshold)
        .bind(8, sw.configVersion)
        .execute();
    recorded.push_back(sw);
  }
  return recorded;
}

}  // namespace cartcore::server
