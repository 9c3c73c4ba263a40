// SPDX-License-Identifier: MIT
// The analytics tables on SQLite: facts written with each order, daily rollups, and the questions' SQL.
#include "sqlite_analytics.hpp"

#include <algorithm>

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
  PRIMARY KEY (created_at, order_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analytics_lines (
  created_at          INTEGER NOT NULL,
  order_id            TEXT NOT NULL,
  line_id             TEXT NOT NULL,
  variant             TEXT NOT NULL,
  units               INTEGER NOT NULL,
  list_amount         INTEGER NOT NULL,
  price_rule_discount INTEGER NOT NULL,
  promotion_discount  INTEGER NOT NULL,
  revenue             INTEGER NOT NULL,
  cost                INTEGER,
  PRIMARY KEY (created_at, order_id, line_id)
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
CREATE TABLE IF NOT EXISTS analytics_coupons (
  created_at     INTEGER NOT NULL,
  order_id       TEXT NOT NULL,
  code           TEXT NOT NULL,
  config_version INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  applied        INTEGER NOT NULL,
  promotion      TEXT NOT NULL,
  reason         TEXT NOT NULL,
  PRIMARY KEY (created_at, order_id, code)
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

// ---- Rolling up: one statement per rollup table, over the facts of [?1, ?2), optionally one order (?3) ----
// Upserts, so the same statements fold a late order into rollups that already exist.

constexpr const char* kRollOrders = R"sql(
INSERT INTO analytics_daily_orders (day, config_version, currency, combination, orders, units, list_amount, subtotal,
  discount, revenue, costed_revenue, cost, units_without_cost)
SELECT created_at - created_at % 86400000, config_version, currency, combination, COUNT(*), SUM(units),
  SUM(list_amount), SUM(subtotal), SUM(discount), SUM(revenue), SUM(costed_revenue), SUM(cost), SUM(units_without_cost)
FROM analytics_orders WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3)
GROUP BY 1, 2, 3, 4
ON CONFLICT (day, config_version, currency, combination) DO UPDATE SET orders = orders + excluded.orders,
  units = units + excluded.units, list_amount = list_amount + excluded.list_amount,
  subtotal = subtotal + excluded.subtotal, discount = discount + excluded.discount,
  revenue = revenue + excluded.revenue, costed_revenue = costed_revenue + excluded.costed_revenue,
  cost = cost + excluded.cost, units_without_cost = units_without_cost + excluded.units_without_cost
)sql";

constexpr const char* kRollMargin = R"sql(
INSERT INTO analytics_daily_margin (day, config_version, currency, margin_bucket, orders)
SELECT created_at - created_at % 86400000, config_version, currency, margin_bucket, COUNT(*)
FROM analytics_orders WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3)
  AND margin_bucket IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT (day, config_version, currency, margin_bucket) DO UPDATE SET orders = orders + excluded.orders
)sql";

constexpr const char* kRollPromotions = R"sql(
INSERT INTO analytics_daily_promotions (day, config_version, currency, promotion, orders, discount, units,
  list_amount, revenue, costed_revenue, cost, units_without_cost, clamps)
SELECT created_at - created_at % 86400000, config_version, currency, promotion, COUNT(*), SUM(discount), SUM(units),
  SUM(list_amount), SUM(revenue), SUM(costed_revenue), SUM(cost), SUM(units_without_cost), SUM(clamps)
FROM analytics_promotions WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3) AND applied = 1
GROUP BY 1, 2, 3, 4
ON CONFLICT (day, config_version, currency, promotion) DO UPDATE SET orders = orders + excluded.orders,
  discount = discount + excluded.discount, units = units + excluded.units,
  list_amount = list_amount + excluded.list_amount, revenue = revenue + excluded.revenue,
  costed_revenue = costed_revenue + excluded.costed_revenue, cost = cost + excluded.cost,
  units_without_cost = units_without_cost + excluded.units_without_cost, clamps = clamps + excluded.clamps
)sql";

constexpr const char* kRollLost = R"sql(
INSERT INTO analytics_daily_lost (day, config_version, currency, promotion, lost_to, reason, orders)
SELECT created_at - created_at % 86400000, config_version, currency, promotion, lost_to, reason, COUNT(*)
FROM analytics_promotions WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3)
  AND applied = 0 AND lost_to <> ''
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (day, config_version, currency, promotion, lost_to, reason) DO UPDATE SET orders = orders + excluded.orders
)sql";

// A clamp counts once in the total and under its floor and promotion (its primary row), and once under each of
// its categories (one row each). `leading` and `afterKey` add columns around (dimension, key); `range` filters rows.
std::string clampArms(const std::string& leading, const std::string& afterKey, const std::string& range) {
  auto arm = [&](const char* dimension, const char* key, const char* condition) {
    return "SELECT " + leading + "'" + dimension + "' AS dimension, " + key + " AS key" + afterKey +
           ", discount_before, discount_after FROM analytics_clamps WHERE " + condition + " AND " + range;
  };
  return arm("total", "''", "primary_row = 1") + " UNION ALL " + arm("floor", "floor", "primary_row = 1") +
         " UNION ALL " + arm("promotion", "promotion", "primary_row = 1 AND promotion <> ''") + " UNION ALL " +
         arm("category", "category", "category <> ''");
}

constexpr const char* kRollHolds = R"sql(
INSERT INTO analytics_daily_holds (day, fate, holds)
SELECT at - at % 86400000, fate, COUNT(*) FROM analytics_hold_fates
WHERE at >= ?1 AND at < ?2 AND (?3 = '' OR hold_id = ?3)
GROUP BY 1, 2
ON CONFLICT (day, fate) DO UPDATE SET holds = holds + excluded.holds
)sql";

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

std::string rollClampsSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_clamps (day, config_version, currency, dimension, key, clamps, discount_before, "
      "discount_after) SELECT created_at - created_at % 86400000, config_version, currency, dimension, key, COUNT(*), "
      "SUM(discount_before), SUM(discount_after) FROM (" +
      clampArms("created_at, config_version, currency, ", "",
                "created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3)") +
      ") WHERE 1 GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (day, config_version, currency, dimension, key) DO UPDATE SET "
      "clamps = clamps + excluded.clamps, discount_before = discount_before + excluded.discount_before, "
      "discount_after = discount_after + excluded.discount_after";
  return sql;
}

void rollUp(Database& db, int64_t from, int64_t to, const std::string& orderId) {
  for (const char* sql : {kRollOrders, kRollMargin, kRollPromotions, kRollLost})
    db.prepare(sql).bind(1, from).bind(2, to).bind(3, orderId).execute();
  db.prepare(rollClampsSql()).bind(1, from).bind(2, to).bind(3, orderId).execute();
}

// ---- Questions: the rolled days of the period from the rollups, the rest from the raw facts ----
//
// Every question binds the same parameters (see bindPeriod): ?1/?2 the rolled whole days [rollFrom, rollTo), ?3/?4
// and ?5/?6 the raw edges [from, rawEnd) and [rawStart, to), ?7 the currency ('' = any), ?8 the config version
// (0 = any). "ROLLED" and "RAW" in the SQL below stand for those filters.

constexpr const char* kRolledFilter =
    "day >= ?1 AND day < ?2 AND (?7 = '' OR currency = ?7) AND (?8 = 0 OR config_version = ?8)";
constexpr const char* kRawFilterLow =
    "created_at >= ?3 AND created_at < ?4 AND (?7 = '' OR currency = ?7) AND (?8 = 0 OR config_version = ?8)";
constexpr const char* kRawFilterHigh =
    "created_at >= ?5 AND created_at < ?6 AND (?7 = '' OR currency = ?7) AND (?8 = 0 OR config_version = ?8)";

/** `rolled UNION ALL raw(low edge) UNION ALL raw(high edge)`: each raw branch is one clustered range scan. */
std::string periodUnion(const std::string& rolled, const std::string& raw) {
  return replaceAll(rolled, "ROLLED", kRolledFilter) + " UNION ALL " + replaceAll(raw, "RAW", kRawFilterLow) +
         " UNION ALL " + replaceAll(raw, "RAW", kRawFilterHigh);
}

struct PeriodSplit {
  int64_t rollFrom = 0, rollTo = 0, rawEnd = 0, rawStart = 0;
};

int64_t floorDay(int64_t t) { return t - ((t % kDayMillis) + kDayMillis) % kDayMillis; }
int64_t ceilDay(int64_t t) { return floorDay(t) == t ? t : floorDay(t) + kDayMillis; }

/** Which whole days of the period the rollups answer (those before the watermark) and which edges are raw. */
PeriodSplit splitPeriod(const AnalyticsQuery& q, int64_t rolledUntil) {
  int64_t first = ceilDay(q.from), last = std::min(floorDay(q.to), rolledUntil);
  if (first < last) return {first, last, first, last};
  return {0, 0, q.to, q.to};  // nothing rolled inside the period: all of it is raw
}

int64_t readRolledUntil(Database& db) {
  auto& s = db.prepare("SELECT rolled_until FROM analytics_rollup WHERE id = 1");
  return s.step() ? s.int64(0) : 0;
}

Statement& preparePeriod(Database& db, const std::string& sql, const AnalyticsQuery& q) {
  PeriodSplit split = splitPeriod(q, readRolledUntil(db));
  Statement& s = db.prepare(sql);
  s.bind(1, split.rollFrom)
      .bind(2, split.rollTo)
      .bind(3, q.from)
      .bind(4, split.rawEnd)
      .bind(5, split.rawStart)
      .bind(6, q.to)
      .bind(7, q.currency)
      .bind(8, q.configVersion.value_or(0));
  return s;
}

constexpr const char* kOrderSums =
    "SUM(orders), SUM(units), SUM(list_amount), SUM(subtotal), SUM(discount), SUM(revenue), SUM(costed_revenue), "
    "SUM(cost), SUM(units_without_cost)";

OrderTotals readOrderTotals(const Statement& s, int first) {
  return {s.int64(first),     s.int64(first + 1), s.int64(first + 2), s.int64(first + 3), s.int64(first + 4),
          s.int64(first + 5), s.int64(first + 6), s.int64(first + 7), s.int64(first + 8)};
}

OrderTotals orderTotals(Database& db, const AnalyticsQuery& q) {
  // A UNION's column names are its first arm's, so the raw arm's leading 1 (one order per row) sums as "orders".
  static const std::string sql =
      std::string("SELECT ") + kOrderSums + " FROM (" +
      periodUnion(
          "SELECT orders, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, "
          "units_without_cost FROM analytics_daily_orders WHERE ROLLED",
          "SELECT 1, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, units_without_cost "
          "FROM analytics_orders WHERE RAW") +
      ")";
  Statement& s = preparePeriod(db, sql, q);
  s.step();
  OrderTotals totals = readOrderTotals(s, 0);
  s.reset();
  return totals;
}

}  // namespace

std::optional<int64_t> marginBucket(const analytics::OrderFacts& facts) {
  if (facts.unitsWithoutCost >= facts.units && facts.cost == 0) return std::nullopt;  // no line has a cost
  if (facts.costedRevenue <= 0) return -101;
  __extension__ typedef __int128 Wide;
  Wide scaled = static_cast<Wide>(facts.margin()) * 100;
  Wide quotient = scaled / facts.costedRevenue;
  if (scaled % facts.costedRevenue != 0 && scaled < 0) quotient -= 1;  // floor, not truncation
  return static_cast<int64_t>(std::clamp<Wide>(quotient, -101, 100));
}

void SqliteAnalytics::migrate(Database& db) { db.exec(kAnalyticsSchema); }

void SqliteAnalytics::insertOrderFacts(Database& db, const std::string& orderId, int64_t createdAt,
                                       const OrderAnalytics& analytics, int64_t rolledUntil) {
  const analytics::OrderFacts& f = analytics.facts;
  const int64_t version = analytics.configVersion;
  db.prepare(
        "INSERT INTO analytics_orders (created_at, order_id, config_version, currency, units, list_amount, subtotal, "
        "discount, revenue, costed_revenue, cost, units_without_cost, margin_bucket, combination, stock_json, "
        "segments_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")
      .bind(1, createdAt)
      .bind(2, orderId)
      .bind(3, version)
      .bind(4, f.currency)
      .bind(5, f.units)
      .bind(6, f.listAmount)
      .bind(7, f.subtotal)
      .bind(8, f.discount)
      .bind(9, f.revenue)
      .bind(10, f.costedRevenue)
      .bind(11, f.cost)
      .bind(12, f.unitsWithoutCost)
      .bind(13, marginBucket(f))
      .bind(14, analytics::combinationKey(f.combination))
      .bind(15, analytics.stockJson)
      .bind(16, analytics.segmentsJson)
      .execute();
  for (const auto& line : f.lines)
    db.prepare(
          "INSERT INTO analytics_lines (created_at, order_id, line_id, variant, units, list_amount, "
          "price_rule_discount, promotion_discount, revenue, cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
          "ON CONFLICT DO NOTHING")
        .bind(1, createdAt)
        .bind(2, orderId)
        .bind(3, line.line)
        .bind(4, line.variant)
        .bind(5, line.units)
        .bind(6, line.listAmount)
        .bind(7, line.priceRuleDiscount)
        .bind(8, line.promotionDiscount)
        .bind(9, line.revenue)
        .bind(10, line.cost)
        .execute();
  for (const auto& p : f.promotions)
    db.prepare(
          "INSERT INTO analytics_promotions (created_at, order_id, promotion, config_version, currency, "
          "applied, reason, lost_to, discount, units, list_amount, revenue, costed_revenue, cost, units_without_cost, "
          "clamps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
          "ON CONFLICT DO NOTHING")
        .bind(1, createdAt)
        .bind(2, orderId)
        .bind(3, p.promotion)
        .bind(4, version)
        .bind(5, f.currency)
        .bind(6, int64_t{p.applied})
        .bind(7, p.reason)
        .bind(8, p.by)
        .bind(9, p.discount)
        .bind(10, p.units)
        .bind(11, p.listAmount)
        .bind(12, p.revenue)
        .bind(13, p.costedRevenue)
        .bind(14, p.cost)
        .bind(15, p.unitsWithoutCost)
        .bind(16, p.clamps)
        .execute();
  for (std::size_t i = 0; i < f.clamps.size(); ++i) {
    const auto& c = f.clamps[i];
    std::vector<std::string> categories = c.categories.empty() ? std::vector<std::string>{""} : c.categories;
    for (std::size_t k = 0; k < categories.size(); ++k)
      db.prepare(
            "INSERT INTO analytics_clamps (created_at, order_id, clamp, category, primary_row, "
            "config_version, currency, line_id, variant, floor, promotion, discount_before, discount_after) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT DO NOTHING")
          .bind(1, createdAt)
          .bind(2, orderId)
          .bind(3, static_cast<int64_t>(i))
          .bind(4, categories[k])
          .bind(5, int64_t{k == 0})
          .bind(6, version)
          .bind(7, f.currency)
          .bind(8, c.line)
          .bind(9, c.variant)
          .bind(10, c.floor)
          .bind(11, c.promotion)
          .bind(12, c.discountBefore)
          .bind(13, c.discountAfter)
          .execute();
  }
  for (const auto& c : f.coupons)
    db.prepare(
          "INSERT INTO analytics_coupons (created_at, order_id, code, config_version, currency, applied, "
          "promotion, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")
        .bind(1, createdAt)
        .bind(2, orderId)
        .bind(3, c.code)
        .bind(4, version)
        .bind(5, f.currency)
        .bind(6, int64_t{c.applied})
        .bind(7, c.promotion)
        .bind(8, c.reason)
        .execute();
  // Behind the watermark the day is already summed: add this order to its rollups in the same transaction.
  if (createdAt < rolledUntil) rollUp(db, createdAt, createdAt + 1, orderId);
}

void SqliteAnalytics::insertHoldFate(Database& db, const std::string& holdId, const std::string& fate, int64_t at,
                                     int64_t rolledUntil) {
  db.prepare("INSERT INTO analytics_hold_fates (at, hold_id, fate) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
      .bind(1, at)
      .bind(2, holdId)
      .bind(3, fate)
      .execute();
  if (at < rolledUntil) db.prepare(kRollHolds).bind(1, at).bind(2, at + 1).bind(3, holdId).execute();
}

int64_t SqliteAnalytics::rolledUntil(Database& db) { return readRolledUntil(db); }

int64_t SqliteAnalytics::nextDayWithFacts(Database& db, int64_t from) {
  auto& s = db.prepare(
      "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM analytics_orders WHERE created_at >= ?1 "
      "UNION ALL SELECT MIN(at) FROM analytics_hold_fates WHERE at >= ?1)");
  s.bind(1, from);
  if (!s.step() || s.isNull(0)) return -1;
  return floorDay(s.int64(0));
}

void SqliteAnalytics::rollUpDay(Database& db, int64_t day) {
  rollUp(db, day, day + kDayMillis, "");
  db.prepare(kRollHolds).bind(1, day).bind(2, day + kDayMillis).bind(3, "").execute();
}

void SqliteAnalytics::setRolledUntil(Database& db, int64_t until) {
  db.prepare("UPDATE analytics_rollup SET rolled_until = ?1 WHERE id = 1").bind(1, until).execute();
}

std::vector<StockSwitch> SqliteAnalytics::recordSwitches(Database& db, const std::vector<StockSwitch>& switches) {
  std::vector<StockSwitch> recorded;
  for (const auto& sw : switches) {
    auto& current = db.prepare("SELECT state FROM analytics_switch_state WHERE kind = ?1 AND subject = ?2");
    current.bind(1, sw.kind).bind(2, sw.subject);
    std::optional<std::string> previous;
    if (current.step()) previous = current.text(0);
    current.reset();
    if (previous == sw.state) continue;
    db.prepare(
          "INSERT INTO analytics_switch_state (kind, subject, state, at) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (kind, subject) DO UPDATE SET state = excluded.state, at = excluded.at")
        .bind(1, sw.kind)
        .bind(2, sw.subject)
        .bind(3, sw.state)
        .bind(4, sw.at)
        .execute();
    // A subject's first state is a switch only when it is not the normal one: a promotion found on, or a variant
    // found in stock, has not crossed anything.
    if (!previous && (sw.state == "on" || sw.state == "ok")) continue;
    db.prepare(
          "INSERT INTO analytics_switches (at, kind, subject, state, variant, available, threshold, config_version) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
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

int64_t SqliteAnalytics::countOrders(Database& db, const AnalyticsQuery& query) {
  return orderTotals(db, query).orders;
}

PromotionReport SqliteAnalytics::promotionReport(Database& db, const AnalyticsQuery& q) {
  PromotionReport report;
  report.orders = orderTotals(db, q).orders;
  static const std::string promotions =
      "SELECT promotion, SUM(orders), SUM(units), SUM(list_amount), SUM(discount), SUM(revenue), SUM(costed_revenue), "
      "SUM(cost), SUM(units_without_cost), SUM(clamps) FROM (" +
      periodUnion(
          "SELECT promotion, orders, units, list_amount, discount, revenue, costed_revenue, cost, units_without_cost, "
          "clamps FROM analytics_daily_promotions WHERE ROLLED",
          "SELECT promotion, 1, units, list_amount, discount, revenue, costed_revenue, cost, units_without_cost, "
          "clamps FROM analytics_promotions WHERE applied = 1 AND RAW") +
      // A promotion that only ever lost is listed too (with zeros): the merchant sees what it lost to.
      " UNION ALL " +
      periodUnion("SELECT promotion, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM analytics_daily_lost WHERE ROLLED",
                  "SELECT promotion, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM analytics_promotions WHERE applied = 0 AND "
                  "lost_to <> '' AND RAW") +
      ") GROUP BY promotion ORDER BY SUM(discount) DESC, SUM(orders) DESC, promotion LIMIT ?9";
  Statement& s = preparePeriod(db, promotions, q);
  s.bind(9, static_cast<int64_t>(q.limit));
  while (s.step())
    report.promotions.push_back({s.text(0), s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5), s.int64(6),
                                 s.int64(7), s.int64(8), s.int64(9)});
  s.reset();
  // What each lost to: every (promotion, winner, reason) group of the period, most orders first. Distinct groups
  // are bounded by the pairs of promotions that meet in carts; 10,000 caps a pathological store.
  static const std::string lost =
      "SELECT promotion, lost_to, reason, SUM(orders) FROM (" +
      periodUnion("SELECT promotion, lost_to, reason, orders FROM analytics_daily_lost WHERE ROLLED",
                  "SELECT promotion, lost_to, reason, 1 FROM analytics_promotions WHERE applied = 0 AND "
                  "lost_to <> '' AND RAW") +
      ") GROUP BY promotion, lost_to, reason ORDER BY SUM(orders) DESC, promotion, lost_to, reason LIMIT 10000";
  Statement& l = preparePeriod(db, lost, q);
  while (l.step()) report.lostTo.push_back({l.text(0), l.text(1), l.text(2), l.int64(3)});
  return report;
}

CombinationReport SqliteAnalytics::combinationReport(Database& db, const AnalyticsQuery& q) {
  CombinationReport report;
  report.orders = orderTotals(db, q).orders;
  static const std::string sql =
      "SELECT combination, SUM(orders), SUM(subtotal), SUM(discount) FROM (" +
      periodUnion("SELECT combination, orders, subtotal, discount FROM analytics_daily_orders WHERE ROLLED",
                  "SELECT combination, 1, subtotal, discount FROM analytics_orders WHERE RAW") +
      ") GROUP BY combination ORDER BY SUM(orders) DESC, SUM(discount) DESC, combination LIMIT ?9";
  Statement& s = preparePeriod(db, sql, q);
  s.bind(9, static_cast<int64_t>(q.limit));
  while (s.step()) report.combinations.push_back({s.text(0), s.int64(1), s.int64(2), s.int64(3)});
  return report;
}

MarginReportRows SqliteAnalytics::marginReport(Database& db, const AnalyticsQuery& q, int64_t targetPercent) {
  MarginReportRows report;
  report.totals = orderTotals(db, q);
  static const std::string daily =
      std::string("SELECT day, ") + kOrderSums + " FROM (" +
      periodUnion(
          "SELECT day, orders, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, "
          "units_without_cost FROM analytics_daily_orders WHERE ROLLED",
          "SELECT created_at - created_at % 86400000, 1, units, list_amount, subtotal, discount, revenue, "
          "costed_revenue, cost, units_without_cost FROM analytics_orders WHERE RAW") +
      ") GROUP BY day ORDER BY day";
  Statement& d = preparePeriod(db, daily, q);
  while (d.step()) report.daily.emplace_back(d.int64(0), readOrderTotals(d, 1));
  d.reset();
  static const std::string target =
      "SELECT COALESCE(SUM(CASE WHEN margin_bucket < ?9 THEN orders ELSE 0 END), 0), COALESCE(SUM(orders), 0) FROM (" +
      periodUnion("SELECT margin_bucket, orders FROM analytics_daily_margin WHERE ROLLED",
                  "SELECT margin_bucket, 1 FROM analytics_orders WHERE margin_bucket IS NOT NULL AND RAW") +
      ")";
  Statement& t = preparePeriod(db, target, q);
  t.bind(9, targetPercent);
  t.step();
  report.ordersBelowTarget = t.int64(0);
  report.ordersWithCost = t.int64(1);
  t.reset();
  static const std::string clamps =
      "SELECT dimension, key, SUM(clamps), SUM(discount_before), SUM(discount_after) FROM (" +
      periodUnion(
          "SELECT dimension, key, clamps, discount_before, discount_after FROM analytics_daily_clamps "
          "WHERE ROLLED",
          clampArms("", ", 1", "RAW")) +
      ") GROUP BY dimension, key ORDER BY CASE dimension WHEN 'total' THEN 0 WHEN 'floor' THEN 1 "
      "WHEN 'promotion' THEN 2 ELSE 3 END, SUM(clamps) DESC, key";
  Statement& c = preparePeriod(db, clamps, q);
  while (c.step()) report.clamps.push_back({c.text(0), c.text(1), c.int64(2), c.int64(3), c.int64(4)});
  return report;
}

StockReport SqliteAnalytics::stockReport(Database& db, const AnalyticsQuery& q) {
  StockReport report;
  // Holds count every order and hold of the period, whatever its currency or version.
  AnalyticsQuery all = q;
  all.currency.clear();
  all.configVersion.reset();
  report.holds.converted = orderTotals(db, all).orders;
  // Hold fates carry no currency or version: only the period applies.
  PeriodSplit split = splitPeriod(q, readRolledUntil(db));
  auto& f = db.prepare(
      "SELECT fate, SUM(holds) FROM (SELECT fate, holds FROM analytics_daily_holds WHERE day >= ?1 AND day < ?2 "
      "UNION ALL SELECT fate, 1 FROM analytics_hold_fates WHERE at >= ?3 AND at < ?4 "
      "UNION ALL SELECT fate, 1 FROM analytics_hold_fates WHERE at >= ?5 AND at < ?6) GROUP BY fate");
  f.bind(1, split.rollFrom)
      .bind(2, split.rollTo)
      .bind(3, q.from)
      .bind(4, split.rawEnd)
      .bind(5, split.rawStart)
      .bind(6, q.to);
  while (f.step()) (f.text(0) == "expired" ? report.holds.expired : report.holds.released) = f.int64(1);
  f.reset();
  auto& active = db.prepare("SELECT COUNT(*) FROM holds WHERE status = 'active'");
  active.step();
  report.activeHolds = active.int64(0);
  active.reset();
  auto& s = db.prepare(
      "SELECT at, kind, subject, state, variant, available, threshold, config_version FROM analytics_switches "
      "WHERE at >= ?1 AND at < ?2 AND (?3 = 0 OR config_version = ?3) ORDER BY at DESC, id DESC LIMIT ?4");
  s.bind(1, q.from).bind(2, q.to).bind(3, q.configVersion.value_or(0)).bind(4, static_cast<int64_t>(q.limit) + 1);
  while (s.step())
    report.switches.push_back(
        {s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4), s.int64(5), s.int64(6), s.int64(7)});
  s.reset();
  if (report.switches.size() > static_cast<std::size_t>(q.limit)) {
    report.truncated = true;
    report.switches.pop_back();
  }
  std::reverse(report.switches.begin(), report.switches.end());
  auto& k = db.prepare(
      "SELECT variant, SUM(CASE WHEN kind = 'stock' AND state = 'low' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN kind = 'stock' AND state = 'out' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN kind = 'guard' THEN 1 ELSE 0 END), "
      "(SELECT l.state FROM analytics_switches l WHERE l.variant = s.variant AND l.kind = 'stock' AND l.at >= ?1 "
      "  AND l.at < ?2 AND (?3 = 0 OR l.config_version = ?3) ORDER BY l.at DESC, l.id DESC LIMIT 1), "
      "(SELECT l.at FROM analytics_switches l WHERE l.variant = s.variant AND l.kind = 'stock' AND l.at >= ?1 "
      "  AND l.at < ?2 AND (?3 = 0 OR l.config_version = ?3) ORDER BY l.at DESC, l.id DESC LIMIT 1) "
      "FROM analytics_switches s WHERE at >= ?1 AND at < ?2 AND (?3 = 0 OR config_version = ?3) "
      "GROUP BY variant ORDER BY variant LIMIT ?4");
  k.bind(1, q.from).bind(2, q.to).bind(3, q.configVersion.value_or(0)).bind(4, static_cast<int64_t>(q.limit));
  while (k.step())
    report.skus.push_back(
        {k.text(0), k.int64(1), k.int64(2), k.int64(3), k.isNull(4) ? "" : k.text(4), k.isNull(5) ? 0 : k.int64(5)});
  return report;
}

std::vector<ExportedOrder> SqliteAnalytics::exportOrders(Database& db, const AnalyticsQuery& q,
                                                         const ExportCursor& after, int limit) {
  std::vector<ExportedOrder> orders;
  auto& s = db.prepare(
      "SELECT a.order_id, a.created_at, a.config_version, a.currency, o.quote_digest, o.total_minor, h.cart_json, "
      "a.stock_json, a.segments_json FROM analytics_orders a JOIN orders o ON o.id = a.order_id "
      "JOIN holds h ON h.id = o.hold_id "
      "WHERE a.created_at >= ?1 AND a.created_at < ?2 AND (?3 = 0 OR a.config_version = ?3) "
      "AND (a.created_at, a.order_id) > (?4, ?5) ORDER BY a.created_at, a.order_id LIMIT ?6");
  s.bind(1, q.from)
      .bind(2, q.to)
      .bind(3, q.configVersion.value_or(0))
      .bind(4, after.createdAt)
      .bind(5, after.orderId)
      .bind(6, static_cast<int64_t>(limit));
  while (s.step())
    orders.push_back(
        {s.text(0), s.int64(1), s.int64(2), s.text(3), s.text(4), s.int64(5), s.text(6), s.text(7), s.text(8)});
  return orders;
}

}  // namespace cartcore::server
