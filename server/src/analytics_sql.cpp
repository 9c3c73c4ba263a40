// SPDX-License-Identifier: MIT
// The analytics SQL both backends run: daily rollups and the questions over them plus the raw edges.
#include "analytics_sql.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cartcore::server {

namespace {

using Values = std::vector<SqlSession::Value>;

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

/** "c = table.c + excluded.c, ..." for an upsert that adds to the sums already there. */
std::string addToSums(const std::string& table, std::initializer_list<const char*> columns) {
  std::string set;
  for (const char* column : columns) {
    if (!set.empty()) set += ", ";
    set += std::string(column) + " = " + table + "." + column + " + excluded." + column;
  }
  return set;
}

// ---- Rolling up: one statement per rollup table, over the facts of [?1, ?2), optionally one order (?3) ----
// Upserts, so the same statements fold a late order into rollups that already exist.

const std::string& rollOrdersSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_orders (day, config_version, currency, combination, orders, units, list_amount, "
      "subtotal, discount, revenue, costed_revenue, cost, units_without_cost) "
      "SELECT created_at - created_at % 86400000, config_version, currency, combination, COUNT(*), SUM(units), "
      "SUM(list_amount), SUM(subtotal), SUM(discount), SUM(revenue), SUM(costed_revenue), SUM(cost), "
      "SUM(units_without_cost) "
      "FROM analytics_orders WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3) "
      "GROUP BY 1, 2, 3, 4 "
      "ON CONFLICT (day, config_version, currency, combination) DO UPDATE SET " +
      addToSums("analytics_daily_orders", {"orders", "units", "list_amount", "subtotal", "discount", "revenue",
                                           "costed_revenue", "cost", "units_without_cost"});
  return sql;
}

const std::string& rollMarginSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_margin (day, config_version, currency, margin_bucket, orders) "
      "SELECT created_at - created_at % 86400000, config_version, currency, margin_bucket, COUNT(*) "
      "FROM analytics_orders WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3) "
      "AND margin_bucket IS NOT NULL GROUP BY 1, 2, 3, 4 "
      "ON CONFLICT (day, config_version, currency, margin_bucket) DO UPDATE SET " +
      addToSums("analytics_daily_margin", {"orders"});
  return sql;
}

const std::string& rollPromotionsSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_promotions (day, config_version, currency, promotion, orders, discount, units, "
      "list_amount, revenue, costed_revenue, cost, units_without_cost, clamps) "
      "SELECT created_at - created_at % 86400000, config_version, currency, promotion, COUNT(*), SUM(discount), "
      "SUM(units), SUM(list_amount), SUM(revenue), SUM(costed_revenue), SUM(cost), SUM(units_without_cost), "
      "SUM(clamps) "
      "FROM analytics_promotions WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3) "
      "AND applied = 1 GROUP BY 1, 2, 3, 4 "
      "ON CONFLICT (day, config_version, currency, promotion) DO UPDATE SET " +
      addToSums("analytics_daily_promotions", {"orders", "discount", "units", "list_amount", "revenue",
                                               "costed_revenue", "cost", "units_without_cost", "clamps"});
  return sql;
}

const std::string& rollLostSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_lost (day, config_version, currency, promotion, lost_to, reason, orders) "
      "SELECT created_at - created_at % 86400000, config_version, currency, promotion, lost_to, reason, COUNT(*) "
      "FROM analytics_promotions WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3) "
      "AND applied = 0 AND lost_to <> '' GROUP BY 1, 2, 3, 4, 5, 6 "
      "ON CONFLICT (day, config_version, currency, promotion, lost_to, reason) DO UPDATE SET " +
      addToSums("analytics_daily_lost", {"orders"});
  return sql;
}

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

const std::string& rollClampsSql() {
  // "WHERE true": SQLite needs a WHERE before an upsert's ON CONFLICT to parse an INSERT ... SELECT.
  static const std::string sql =
      "INSERT INTO analytics_daily_clamps (day, config_version, currency, dimension, key, clamps, discount_before, "
      "discount_after) SELECT created_at - created_at % 86400000, config_version, currency, dimension, key, COUNT(*), "
      "SUM(discount_before), SUM(discount_after) FROM (" +
      clampArms("created_at, config_version, currency, ", "",
                "created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR order_id = ?3)") +
      ") AS clamp_rows WHERE true GROUP BY 1, 2, 3, 4, 5 "
      "ON CONFLICT (day, config_version, currency, dimension, key) DO UPDATE SET " +
      addToSums("analytics_daily_clamps", {"clamps", "discount_before", "discount_after"});
  return sql;
}

const std::string& rollHoldsSql() {
  static const std::string sql =
      "INSERT INTO analytics_daily_holds (day, fate, holds) "
      "SELECT at - at % 86400000, fate, COUNT(*) FROM analytics_hold_fates "
      "WHERE at >= ?1 AND at < ?2 AND (?3 = '' OR hold_id = ?3) GROUP BY 1, 2 "
      "ON CONFLICT (day, fate) DO UPDATE SET " +
      addToSums("analytics_daily_holds", {"holds"});
  return sql;
}

void rollUpOrders(SqlSession& session, int64_t from, int64_t to, const std::string& orderId) {
  for (const std::string* sql : {&rollOrdersSql(), &rollMarginSql(), &rollPromotionsSql(), &rollLostSql(),
                                 &rollClampsSql()})
    session.execute(*sql, {from, to, orderId});
}

int64_t floorDay(int64_t t) { return t - ((t % kDayMillis) + kDayMillis) % kDayMillis; }
int64_t ceilDay(int64_t t) { return floorDay(t) == t ? t : floorDay(t) + kDayMillis; }

int64_t nextDayWithFacts(SqlSession& session, int64_t from) {
  int64_t first = -1;
  session.query(
      "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM analytics_orders WHERE created_at >= ?1 "
      "UNION ALL SELECT MIN(at) FROM analytics_hold_fates WHERE at >= ?1) AS firsts",
      {from}, [&](const SqlRow& row) {
        if (!row.isNull(0)) first = floorDay(row.int64(0));
      });
  return first;
}

void setRolledUntil(SqlSession& session, int64_t until) {
  session.execute("UPDATE analytics_rollup SET rolled_until = ?1 WHERE id = 1", {until});
}

// ---- Questions: the rolled days of the period from the rollups, the rest from the raw facts ----
//
// Every question binds the same parameters (see periodParams): ?1/?2 the rolled whole days [rollFrom, rollTo),
// ?3/?4 and ?5/?6 the raw edges [from, rawEnd) and [rawStart, to), ?7 the currency ('' = any), ?8 the config
// version (0 = any). "ROLLED" and "RAW" in the SQL below stand for those filters.

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

/** Which whole days of the period the rollups answer (those before the watermark) and which edges are raw. */
PeriodSplit splitPeriod(const AnalyticsQuery& q, int64_t rolledUntil) {
  int64_t first = ceilDay(q.from), last = std::min(floorDay(q.to), rolledUntil);
  if (first < last) return {first, last, first, last};
  return {0, 0, q.to, q.to};  // nothing rolled inside the period: all of it is raw
}

Values periodParams(SqlSession& session, const AnalyticsQuery& q) {
  PeriodSplit split = splitPeriod(q, analytics_sql::rolledUntil(session));
  return {split.rollFrom, split.rollTo, q.from, split.rawEnd, split.rawStart, q.to, q.currency,
          q.configVersion.value_or(0)};
}

Values withParam(Values values, SqlSession::Value extra) {
  values.push_back(std::move(extra));
  return values;
}

constexpr const char* kOrderSums =
    "SUM(orders), SUM(units), SUM(list_amount), SUM(subtotal), SUM(discount), SUM(revenue), SUM(costed_revenue), "
    "SUM(cost), SUM(units_without_cost)";

OrderTotals readOrderTotals(const SqlRow& r, int first) {
  return {r.int64(first),     r.int64(first + 1), r.int64(first + 2), r.int64(first + 3), r.int64(first + 4),
          r.int64(first + 5), r.int64(first + 6), r.int64(first + 7), r.int64(first + 8)};
}

OrderTotals orderTotals(SqlSession& session, const AnalyticsQuery& q) {
  // A UNION's column names are its first arm's, so the raw arm's leading 1 (one order per row) sums as "orders".
  static const std::string sql =
      std::string("SELECT ") + kOrderSums + " FROM (" +
      periodUnion(
          "SELECT orders, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, "
          "units_without_cost FROM analytics_daily_orders WHERE ROLLED",
          "SELECT 1, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, units_without_cost "
          "FROM analytics_orders WHERE RAW") +
      ") AS period";
  OrderTotals totals;
  session.query(sql, periodParams(session, q), [&](const SqlRow& r) { totals = readOrderTotals(r, 0); });
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

std::string orderLinesJson(const analytics::OrderFacts& facts) {
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& line : facts.lines)
    lines.push_back({{"line", line.line},
                     {"variant", line.variant},
                     {"units", line.units},
                     {"listAmount", line.listAmount},
                     {"priceRuleDiscount", line.priceRuleDiscount},
                     {"promotionDiscount", line.promotionDiscount},
                     {"revenue", line.revenue},
                     {"cost", line.cost ? nlohmann::json(*line.cost) : nlohmann::json(nullptr)}});
  return lines.dump();
}

OrderFactRows orderFactRows(const OrderAnalytics& analytics) {
  const analytics::OrderFacts& f = analytics.facts;
  OrderFactRows rows;
  FactValue bucket = std::monostate{};  // NULL when no line has a cost
  if (auto margin = marginBucket(f)) bucket = *margin;
  rows.order = {{"config_version", analytics.configVersion},
                {"currency", f.currency},
                {"units", f.units},
                {"list_amount", f.listAmount},
                {"subtotal", f.subtotal},
                {"discount", f.discount},
                {"revenue", f.revenue},
                {"costed_revenue", f.costedRevenue},
                {"cost", f.cost},
                {"units_without_cost", f.unitsWithoutCost},
                {"margin_bucket", bucket},
                {"combination", analytics::combinationKey(f.combination)},
                {"stock_json", analytics.stockJson},
                {"segments_json", analytics.segmentsJson},
                {"lines_json", orderLinesJson(f)},
                {"coupons_json", orderCouponsJson(f)}};
  for (const auto& p : f.promotions)
    rows.promotions.push_back({{"promotion", p.promotion},
                               {"applied", int64_t{p.applied}},
                               {"reason", p.reason},
                               {"lost_to", p.by},
                               {"discount", p.discount},
                               {"units", p.units},
                               {"list_amount", p.listAmount},
                               {"revenue", p.revenue},
                               {"costed_revenue", p.costedRevenue},
                               {"cost", p.cost},
                               {"units_without_cost", p.unitsWithoutCost},
                               {"clamps", p.clamps}});
  for (std::size_t i = 0; i < f.clamps.size(); ++i) {
    const auto& c = f.clamps[i];
    std::vector<std::string> categories = c.categories.empty() ? std::vector<std::string>{""} : c.categories;
    for (std::size_t k = 0; k < categories.size(); ++k)
      rows.clamps.push_back({{"clamp", static_cast<int64_t>(i)},
                             {"category", categories[k]},
                             {"primary_row", int64_t{k == 0}},
                             {"line_id", c.line},
                             {"variant", c.variant},
                             {"floor", c.floor},
                             {"promotion", c.promotion},
                             {"discount_before", c.discountBefore},
                             {"discount_after", c.discountAfter}});
  }
  return rows;
}

std::string orderCouponsJson(const analytics::OrderFacts& facts) {
  nlohmann::json coupons = nlohmann::json::array();
  for (const auto& c : facts.coupons)
    coupons.push_back({{"code", c.code}, {"applied", c.applied}, {"promotion", c.promotion}, {"reason", c.reason}});
  return coupons.dump();
}

namespace analytics_sql {

int64_t rolledUntil(SqlSession& session) {
  int64_t until = 0;
  session.query("SELECT rolled_until FROM analytics_rollup WHERE id = 1", {},
                [&](const SqlRow& row) { until = row.int64(0); });
  return until;
}

bool rollUpNextDay(SqlSession& session, int64_t cutoff, int64_t& watermark) {
  // Empty stretches (and, the first time, everything before the first fact) are skipped, not rolled day by day.
  int64_t next = nextDayWithFacts(session, watermark);
  int64_t day = next < 0 ? std::max(watermark, floorDay(cutoff)) : next;
  if (day + kDayMillis > cutoff) {
    if (day != watermark) setRolledUntil(session, day);
    watermark = day;
    return false;
  }
  // Replaces whatever the day's rollups hold: a backend that moves the watermark back for a late order (rather
  // than folding it in) rolls the day again from its facts.
  for (const char* table : {"analytics_daily_orders", "analytics_daily_margin", "analytics_daily_promotions",
                            "analytics_daily_lost", "analytics_daily_clamps", "analytics_daily_holds"})
    session.execute(std::string("DELETE FROM ") + table + " WHERE day = ?1", {day});
  rollUpOrders(session, day, day + kDayMillis, "");
  session.execute(rollHoldsSql(), {day, day + kDayMillis, std::string()});
  setRolledUntil(session, day + kDayMillis);
  watermark = day + kDayMillis;
  return true;
}

void rollUpLateOrder(SqlSession& session, int64_t createdAt, const std::string& orderId) {
  rollUpOrders(session, createdAt, createdAt + 1, orderId);
}

void rollUpLateHoldFate(SqlSession& session, int64_t at, const std::string& holdId) {
  session.execute(rollHoldsSql(), {at, at + 1, holdId});
}

int64_t countOrders(SqlSession& session, const AnalyticsQuery& query) { return orderTotals(session, query).orders; }

PromotionReport promotionReport(SqlSession& session, const AnalyticsQuery& q) {
  PromotionReport report;
  report.orders = orderTotals(session, q).orders;
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
      ") AS period GROUP BY promotion ORDER BY SUM(discount) DESC, SUM(orders) DESC, promotion LIMIT ?9";
  Values params = periodParams(session, q);
  session.query(promotions, withParam(params, int64_t{q.limit}), [&](const SqlRow& r) {
    report.promotions.push_back({r.text(0), r.int64(1), r.int64(2), r.int64(3), r.int64(4), r.int64(5), r.int64(6),
                                 r.int64(7), r.int64(8), r.int64(9)});
  });
  // What each lost to: every (promotion, winner, reason) group of the period, most orders first. Distinct groups
  // are bounded by the pairs of promotions that meet in carts; 10,000 caps a pathological store.
  static const std::string lost =
      "SELECT promotion, lost_to, reason, SUM(orders) FROM (" +
      periodUnion("SELECT promotion, lost_to, reason, orders FROM analytics_daily_lost WHERE ROLLED",
                  "SELECT promotion, lost_to, reason, 1 FROM analytics_promotions WHERE applied = 0 AND "
                  "lost_to <> '' AND RAW") +
      ") AS period GROUP BY promotion, lost_to, reason ORDER BY SUM(orders) DESC, promotion, lost_to, reason "
      "LIMIT 10000";
  session.query(lost, params, [&](const SqlRow& r) {
    report.lostTo.push_back({r.text(0), r.text(1), r.text(2), r.int64(3)});
  });
  return report;
}

CombinationReport combinationReport(SqlSession& session, const AnalyticsQuery& q) {
  CombinationReport report;
  report.orders = orderTotals(session, q).orders;
  static const std::string sql =
      "SELECT combination, SUM(orders), SUM(subtotal), SUM(discount) FROM (" +
      periodUnion("SELECT combination, orders, subtotal, discount FROM analytics_daily_orders WHERE ROLLED",
                  "SELECT combination, 1, subtotal, discount FROM analytics_orders WHERE RAW") +
      ") AS period GROUP BY combination ORDER BY SUM(orders) DESC, SUM(discount) DESC, combination LIMIT ?9";
  session.query(sql, withParam(periodParams(session, q), int64_t{q.limit}), [&](const SqlRow& r) {
    report.combinations.push_back({r.text(0), r.int64(1), r.int64(2), r.int64(3)});
  });
  return report;
}

MarginReportRows marginReport(SqlSession& session, const AnalyticsQuery& q, int64_t targetPercent) {
  MarginReportRows report;
  report.totals = orderTotals(session, q);
  Values params = periodParams(session, q);
  static const std::string daily =
      std::string("SELECT day, ") + kOrderSums + " FROM (" +
      periodUnion(
          "SELECT day, orders, units, list_amount, subtotal, discount, revenue, costed_revenue, cost, "
          "units_without_cost FROM analytics_daily_orders WHERE ROLLED",
          "SELECT created_at - created_at % 86400000, 1, units, list_amount, subtotal, discount, revenue, "
          "costed_revenue, cost, units_without_cost FROM analytics_orders WHERE RAW") +
      ") AS period GROUP BY day ORDER BY day";
  session.query(daily, params,
                [&](const SqlRow& r) { report.daily.emplace_back(r.int64(0), readOrderTotals(r, 1)); });
  static const std::string target =
      "SELECT COALESCE(SUM(CASE WHEN margin_bucket < ?9 THEN orders ELSE 0 END), 0), COALESCE(SUM(orders), 0) FROM (" +
      periodUnion("SELECT margin_bucket, orders FROM analytics_daily_margin WHERE ROLLED",
                  "SELECT margin_bucket, 1 FROM analytics_orders WHERE margin_bucket IS NOT NULL AND RAW") +
      ") AS period";
  session.query(target, withParam(params, targetPercent), [&](const SqlRow& r) {
    report.ordersBelowTarget = r.int64(0);
    report.ordersWithCost = r.int64(1);
  });
  static const std::string clamps =
      "SELECT dimension, key, SUM(clamps), SUM(discount_before), SUM(discount_after) FROM (" +
      periodUnion(
          "SELECT dimension, key, clamps, discount_before, discount_after FROM analytics_daily_clamps "
          "WHERE ROLLED",
          clampArms("", ", 1", "RAW")) +
      ") AS period GROUP BY dimension, key ORDER BY CASE dimension WHEN 'total' THEN 0 WHEN 'floor' THEN 1 "
      "WHEN 'promotion' THEN 2 ELSE 3 END, SUM(clamps) DESC, key";
  session.query(clamps, params, [&](const SqlRow& r) {
    report.clamps.push_back({r.text(0), r.text(1), r.int64(2), r.int64(3), r.int64(4)});
  });
  return report;
}

StockReport stockReport(SqlSession& session, const AnalyticsQuery& q) {
  StockReport report;
  // Holds count every order and hold of the period, whatever its currency or version.
  AnalyticsQuery all = q;
  all.currency.clear();
  all.configVersion.reset();
  report.holds.converted = orderTotals(session, all).orders;
  // Hold fates carry no currency or version: only the period applies.
  PeriodSplit split = splitPeriod(q, rolledUntil(session));
  session.query(
      "SELECT fate, SUM(holds) FROM (SELECT fate, holds FROM analytics_daily_holds WHERE day >= ?1 AND day < ?2 "
      "UNION ALL SELECT fate, 1 FROM analytics_hold_fates WHERE at >= ?3 AND at < ?4 "
      "UNION ALL SELECT fate, 1 FROM analytics_hold_fates WHERE at >= ?5 AND at < ?6) AS period GROUP BY fate",
      {split.rollFrom, split.rollTo, q.from, split.rawEnd, split.rawStart, q.to}, [&](const SqlRow& r) {
        (r.text(0) == "expired" ? report.holds.expired : report.holds.released) = r.int64(1);
      });
  session.query("SELECT COUNT(*) FROM holds WHERE status = 'active'", {},
                [&](const SqlRow& r) { report.activeHolds = r.int64(0); });
  const int64_t version = q.configVersion.value_or(0);
  session.query(
      "SELECT at, kind, subject, state, variant, available, threshold, config_version FROM analytics_switches "
      "WHERE at >= ?1 AND at < ?2 AND (?3 = 0 OR config_version = ?3) ORDER BY at DESC, id DESC LIMIT ?4",
      {q.from, q.to, version, int64_t{q.limit} + 1}, [&](const SqlRow& r) {
        report.switches.push_back(
            {r.int64(0), r.text(1), r.text(2), r.text(3), r.text(4), r.int64(5), r.int64(6), r.int64(7)});
      });
  if (report.switches.size() > static_cast<std::size_t>(q.limit)) {
    report.truncated = true;
    report.switches.pop_back();
  }
  std::reverse(report.switches.begin(), report.switches.end());
  session.query(
      "SELECT variant, SUM(CASE WHEN kind = 'stock' AND state = 'low' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN kind = 'stock' AND state = 'out' THEN 1 ELSE 0 END), "
      "SUM(CASE WHEN kind = 'guard' THEN 1 ELSE 0 END), "
      "(SELECT l.state FROM analytics_switches l WHERE l.variant = s.variant AND l.kind = 'stock' AND l.at >= ?1 "
      "  AND l.at < ?2 AND (?3 = 0 OR l.config_version = ?3) ORDER BY l.at DESC, l.id DESC LIMIT 1), "
      "(SELECT l.at FROM analytics_switches l WHERE l.variant = s.variant AND l.kind = 'stock' AND l.at >= ?1 "
      "  AND l.at < ?2 AND (?3 = 0 OR l.config_version = ?3) ORDER BY l.at DESC, l.id DESC LIMIT 1) "
      "FROM analytics_switches s WHERE at >= ?1 AND at < ?2 AND (?3 = 0 OR config_version = ?3) "
      "GROUP BY variant ORDER BY variant LIMIT ?4",
      {q.from, q.to, version, int64_t{q.limit}}, [&](const SqlRow& r) {
        report.skus.push_back({r.text(0), r.int64(1), r.int64(2), r.int64(3), r.text(4), r.int64(5)});
      });
  return report;
}

std::vector<ExportedOrder> exportOrders(SqlSession& session, const AnalyticsQuery& q, const ExportCursor& after,
                                        int limit) {
  std::vector<ExportedOrder> orders;
  session.query(
      "SELECT a.order_id, a.created_at, a.config_version, a.currency, o.quote_digest, o.total_minor, h.cart_json, "
      "a.stock_json, a.segments_json FROM analytics_orders a JOIN orders o ON o.id = a.order_id "
      "JOIN holds h ON h.id = o.hold_id "
      "WHERE a.created_at >= ?1 AND a.created_at < ?2 AND (?3 = 0 OR a.config_version = ?3) "
      "AND (a.created_at, a.order_id) > (?4, ?5) ORDER BY a.created_at, a.order_id LIMIT ?6",
      {q.from, q.to, q.configVersion.value_or(0), after.createdAt, after.orderId, int64_t{limit}},
      [&](const SqlRow& r) {
        orders.push_back({r.text(0), r.int64(1), r.int64(2), r.text(3), r.text(4), r.int64(5), r.text(6), r.text(7),
                          r.text(8)});
      });
  return orders;
}

}  // namespace analytics_sql

}  // namespace cartcore::server
