// SPDX-License-Identifier: MIT
#include "pg_analytics.hpp"

#include <cctype>
#include <type_traits>
#include <nlohmann/json.hpp>

namespace cartcore::server {

namespace {

// Facts are written by server-side functions in the transaction that commits the order or ends the hold, so no
// caller can store one without the other. A fact whose time lies behind the rollups' watermark (a clock moved
// back) moves the watermark back to its day, which is then rolled again from its facts; the rollup holds the
// advisory lock exclusively and every fact shares it, so a fact commits either before a roll reads its day or after
// the roll moved the watermark (and then sees it).
constexpr const char* kMigration3 = R"sql(
CREATE TABLE analytics_orders (
  created_at         bigint NOT NULL,
  order_id           text COLLATE "C" NOT NULL,
  config_version     bigint NOT NULL,
  currency           text COLLATE "C" NOT NULL,
  units              bigint NOT NULL,
  list_amount        bigint NOT NULL,
  subtotal           bigint NOT NULL,
  discount           bigint NOT NULL,
  revenue            bigint NOT NULL,
  costed_revenue     bigint NOT NULL,
  cost               bigint NOT NULL,
  units_without_cost bigint NOT NULL,
  margin_bucket      bigint,
  combination        text COLLATE "C" NOT NULL,
  stock_json         text NOT NULL,
  segments_json      text NOT NULL,
  lines_json         text NOT NULL,  -- orderLinesJson: what each line earned (no question reads it)
  coupons_json       text NOT NULL,  -- orderCouponsJson: every code entered and whether it applied
  PRIMARY KEY (created_at, order_id)
);
CREATE TABLE analytics_promotions (
  created_at         bigint NOT NULL,
  order_id           text COLLATE "C" NOT NULL,
  promotion          text COLLATE "C" NOT NULL,
  config_version     bigint NOT NULL,
  currency           text COLLATE "C" NOT NULL,
  applied            integer NOT NULL,
  reason             text COLLATE "C" NOT NULL,
  lost_to            text COLLATE "C" NOT NULL,
  discount           bigint NOT NULL,
  units              bigint NOT NULL,
  list_amount        bigint NOT NULL,
  revenue            bigint NOT NULL,
  costed_revenue     bigint NOT NULL,
  cost               bigint NOT NULL,
  units_without_cost bigint NOT NULL,
  clamps             bigint NOT NULL,
  PRIMARY KEY (created_at, order_id, promotion)
);
CREATE TABLE analytics_clamps (
  created_at      bigint NOT NULL,
  order_id        text COLLATE "C" NOT NULL,
  clamp           bigint NOT NULL,
  category        text COLLATE "C" NOT NULL,
  primary_row     integer NOT NULL,  -- 1 on exactly one row per clamp: totals, floors and promotions count it once
  config_version  bigint NOT NULL,
  currency        text COLLATE "C" NOT NULL,
  line_id         text COLLATE "C" NOT NULL,
  variant         text COLLATE "C" NOT NULL,
  floor           text COLLATE "C" NOT NULL,
  promotion       text COLLATE "C" NOT NULL,
  discount_before bigint NOT NULL,
  discount_after  bigint NOT NULL,
  PRIMARY KEY (created_at, order_id, clamp, category)
);
CREATE TABLE analytics_hold_fates (
  at      bigint NOT NULL,
  hold_id text COLLATE "C" NOT NULL,
  fate    text COLLATE "C" NOT NULL CHECK (fate IN ('expired', 'released')),
  PRIMARY KEY (at, hold_id)
);
CREATE TABLE analytics_switch_state (
  kind    text COLLATE "C" NOT NULL,
  subject text COLLATE "C" NOT NULL,
  state   text COLLATE "C" NOT NULL,
  at      bigint NOT NULL,
  PRIMARY KEY (kind, subject)
);
CREATE TABLE analytics_switches (
  id             bigserial PRIMARY KEY,
  at             bigint NOT NULL,
  kind           text COLLATE "C" NOT NULL,
  subject        text COLLATE "C" NOT NULL,
  state          text COLLATE "C" NOT NULL,
  variant        text COLLATE "C" NOT NULL,
  available      bigint NOT NULL,
  threshold      bigint NOT NULL,
  config_version bigint NOT NULL
);
CREATE INDEX analytics_switches_by_time ON analytics_switches (at);
CREATE INDEX analytics_switches_by_variant ON analytics_switches (variant, at);
CREATE TABLE analytics_rollup (
  id           integer PRIMARY KEY CHECK (id = 1),
  rolled_until bigint NOT NULL
);
INSERT INTO analytics_rollup (id, rolled_until) VALUES (1, 0);
CREATE TABLE analytics_daily_orders (
  day bigint NOT NULL, config_version bigint NOT NULL, currency text COLLATE "C" NOT NULL,
  combination text COLLATE "C" NOT NULL, orders bigint NOT NULL, units bigint NOT NULL, list_amount bigint NOT NULL,
  subtotal bigint NOT NULL, discount bigint NOT NULL, revenue bigint NOT NULL, costed_revenue bigint NOT NULL,
  cost bigint NOT NULL, units_without_cost bigint NOT NULL,
  PRIMARY KEY (day, config_version, currency, combination)
);
CREATE TABLE analytics_daily_margin (
  day bigint NOT NULL, config_version bigint NOT NULL, currency text COLLATE "C" NOT NULL,
  margin_bucket bigint NOT NULL, orders bigint NOT NULL,
  PRIMARY KEY (day, config_version, currency, margin_bucket)
);
CREATE TABLE analytics_daily_promotions (
  day bigint NOT NULL, config_version bigint NOT NULL, currency text COLLATE "C" NOT NULL,
  promotion text COLLATE "C" NOT NULL, orders bigint NOT NULL, discount bigint NOT NULL, units bigint NOT NULL,
  list_amount bigint NOT NULL, revenue bigint NOT NULL, costed_revenue bigint NOT NULL, cost bigint NOT NULL,
  units_without_cost bigint NOT NULL, clamps bigint NOT NULL,
  PRIMARY KEY (day, config_version, currency, promotion)
);
CREATE TABLE analytics_daily_lost (
  day bigint NOT NULL, config_version bigint NOT NULL, currency text COLLATE "C" NOT NULL,
  promotion text COLLATE "C" NOT NULL, lost_to text COLLATE "C" NOT NULL, reason text COLLATE "C" NOT NULL,
  orders bigint NOT NULL,
  PRIMARY KEY (day, config_version, currency, promotion, lost_to, reason)
);
CREATE TABLE analytics_daily_clamps (
  day bigint NOT NULL, config_version bigint NOT NULL, currency text COLLATE "C" NOT NULL,
  dimension text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, clamps bigint NOT NULL,
  discount_before bigint NOT NULL, discount_after bigint NOT NULL,
  PRIMARY KEY (day, config_version, currency, dimension, key)
);
CREATE TABLE analytics_daily_holds (
  day bigint NOT NULL, fate text COLLATE "C" NOT NULL, holds bigint NOT NULL,
  PRIMARY KEY (day, fate)
);
)sql";

constexpr const char* kFunctions = R"sql(
-- A fact at p_at is being committed: wait out a running rollup, and if p_at is behind the watermark, move the
-- watermark back to its day (rolled again later; questions read it raw meanwhile).
CREATE OR REPLACE FUNCTION cartcore_analytics_late(p_at bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('cartcore analytics rollup'));
  UPDATE analytics_rollup SET rolled_until = p_at - p_at % 86400000 WHERE id = 1 AND rolled_until > p_at;
END $$;

-- An order's facts, from the jsonb pgOrderFactsJson builds (keys named after the columns).
CREATE OR REPLACE FUNCTION cartcore_record_order_facts(p_order_id text, p_created_at bigint, p_facts jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint := (p_facts -> 'order' ->> 'config_version')::bigint;
  v_currency text := p_facts -> 'order' ->> 'currency';
BEGIN
  INSERT INTO analytics_orders (created_at, order_id, config_version, currency, units, list_amount, subtotal,
                                discount, revenue, costed_revenue, cost, units_without_cost, margin_bucket,
                                combination, stock_json, segments_json, lines_json, coupons_json)
    SELECT p_created_at, p_order_id, v_version, v_currency, o.units, o.list_amount, o.subtotal, o.discount,
           o.revenue, o.costed_revenue, o.cost, o.units_without_cost, o.margin_bucket, o.combination, o.stock_json,
           o.segments_json, o.lines_json, o.coupons_json
    FROM jsonb_to_record(p_facts -> 'order') AS o(units bigint, list_amount bigint, subtotal bigint,
         discount bigint, revenue bigint, costed_revenue bigint, cost bigint, units_without_cost bigint,
         margin_bucket bigint, combination text, stock_json text, segments_json text, lines_json text,
         coupons_json text);
  INSERT INTO analytics_promotions (created_at, order_id, promotion, config_version, currency, applied, reason,
                                    lost_to, discount, units, list_amount, revenue, costed_revenue, cost,
                                    units_without_cost, clamps)
    SELECT p_created_at, p_order_id, p.promotion, v_version, v_currency, p.applied, p.reason, p.lost_to, p.discount,
           p.units, p.list_amount, p.revenue, p.costed_revenue, p.cost, p.units_without_cost, p.clamps
    FROM jsonb_to_recordset(p_facts -> 'promotions') AS p(promotion text, applied integer, reason text,
         lost_to text, discount bigint, units bigint, list_amount bigint, revenue bigint, costed_revenue bigint,
         cost bigint, units_without_cost bigint, clamps bigint)
    ON CONFLICT DO NOTHING;
  INSERT INTO analytics_clamps (created_at, order_id, clamp, category, primary_row, config_version, currency,
                                line_id, variant, floor, promotion, discount_before, discount_after)
    SELECT p_created_at, p_order_id, c.clamp, c.category, c.primary_row, v_version, v_currency, c.line_id,
           c.variant, c.floor, c.promotion, c.discount_before, c.discount_after
    FROM jsonb_to_recordset(p_facts -> 'clamps') AS c(clamp bigint, category text, primary_row integer,
         line_id text, variant text, floor text, promotion text, discount_before bigint, discount_after bigint)
    ON CONFLICT DO NOTHING;
  PERFORM cartcore_analytics_late(p_created_at);
END $$;

-- cartcore_checkout, and when it committed, the order's facts: one statement, so one transaction. (Keep its
-- parameters in step with cartcore_checkout's.)
CREATE OR REPLACE FUNCTION cartcore_checkout_recorded(p_hold_id text, p_key text, p_request_hash text, p_response text,
                                           p_order_id text, p_currency text, p_total bigint, p_digest text,
                                           p_quote text, p_order_json text, p_created_at bigint,
                                           p_line_ids text[], p_line_variants text[], p_line_skus text[],
                                           p_line_quantities bigint[], p_line_totals bigint[],
                                           p_fact_variants text[], p_fact_skus text[], p_fact_products text[],
                                           p_fact_lows bigint[], p_endpoints text[], p_offset bigint,
                                           p_analytics jsonb)
RETURNS TABLE (r_verdict text, r_status integer, r_body text, r_expired_now boolean, r_levels text)
LANGUAGE plpgsql AS $$
DECLARE
  v_result record;
BEGIN
  SELECT * INTO v_result FROM cartcore_checkout(p_hold_id, p_key, p_request_hash, p_response, p_order_id,
    p_currency, p_total, p_digest, p_quote, p_order_json, p_created_at, p_line_ids, p_line_variants, p_line_skus,
    p_line_quantities, p_line_totals, p_fact_variants, p_fact_skus, p_fact_products, p_fact_lows, p_endpoints,
    p_offset) AS c;
  IF v_result.r_verdict = 'committed' AND p_analytics IS NOT NULL THEN
    PERFORM cartcore_record_order_facts(p_order_id, p_created_at, p_analytics);
  END IF;
  RETURN QUERY SELECT v_result.r_verdict, v_result.r_status, v_result.r_body, v_result.r_expired_now,
                      v_result.r_levels;
END $$;

-- Every way a hold ends other than checkout (release, expiry by read, sweep or a late checkout) sets its status
-- from 'active'; the fate is recorded in that transaction.
CREATE OR REPLACE FUNCTION cartcore_record_hold_fate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analytics_hold_fates (at, hold_id, fate) VALUES (NEW.updated_at, NEW.id, NEW.status)
    ON CONFLICT DO NOTHING;
  PERFORM cartcore_analytics_late(NEW.updated_at);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER holds_record_fate AFTER UPDATE OF status ON holds FOR EACH ROW
  WHEN (OLD.status = 'active' AND NEW.status IN ('expired', 'released'))
  EXECUTE FUNCTION cartcore_record_hold_fate();
)sql";

/** ?N -> $N::bigint or $N::text after the bound value, so PostgreSQL never has to guess a parameter's type. */
std::string toPostgres(const std::string& sql, const std::vector<SqlSession::Value>& params) {
  std::string out;
  out.reserve(sql.size() + 64);
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '?' || i + 1 >= sql.size() || !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += sql[i];
      continue;
    }
    std::size_t end = i + 1, number = 0;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])))
      number = number * 10 + static_cast<std::size_t>(sql[end++] - '0');
    out += "$" + std::to_string(number) +
           (std::holds_alternative<int64_t>(params.at(number - 1)) ? "::bigint" : "::text");
    i = end - 1;
  }
  return out;
}

class PgRow final : public SqlRow {
 public:
  PgRow(const PgResult& result, int row) : result_(result), row_(row) {}
  int64_t int64(int column) const override { return result_.int64(row_, column); }
  std::string text(int column) const override { return result_.text(row_, column); }
  bool isNull(int column) const override { return result_.isNull(row_, column); }

 private:
  const PgResult& result_;
  int row_;
};

}  // namespace

const char* pgAnalyticsMigration() { return kMigration3; }

const char* pgAnalyticsFunctions() { return kFunctions; }

std::string pgOrderFactsJson(const OrderAnalytics& analytics) {
  using nlohmann::json;
  auto object = [](const FactRow& row) {
    json out = json::object();
    for (const FactColumn& column : row)
      std::visit(
          [&](const auto& value) {
            if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::monostate>)
              out[column.name] = nullptr;
            else
              out[column.name] = value;
          },
          column.value);
    return out;
  };
  const OrderFactRows rows = orderFactRows(analytics);
  json promotions = json::array(), clamps = json::array();
  for (const FactRow& row : rows.promotions) promotions.push_back(object(row));
  for (const FactRow& row : rows.clamps) clamps.push_back(object(row));
  return json{{"order", object(rows.order)}, {"promotions", promotions}, {"clamps", clamps}}.dump();
}

void PgSqlSession::query(const std::string& sql, const std::vector<Value>& params,
                         const std::function<void(const SqlRow&)>& onRow) {
  PgParams bound;
  for (const auto& value : params) std::visit([&](const auto& v) { bound.add(v); }, value);
  PgResult result = connection_.query(toPostgres(sql, params), bound);
  for (int row = 0; row < result.rows(); ++row) onRow(PgRow(result, row));
}

std::vector<StockSwitch> pgRecordSwitches(PgConnection& connection, const std::vector<StockSwitch>& switches) {
  // The upsert changes the subject's state only when it differs; RETURNING gives a row only then, and
  // xmax = 0 tells a first state (inserted) from a change. Two instances that see one crossing race on the
  // subject's row: the second finds the state already equal and records nothing.
  static const std::string sql =
      "WITH changed AS (INSERT INTO analytics_switch_state AS s (kind, subject, state, at) "
      "VALUES ($1::text, $2::text, $3::text, $4::bigint) ON CONFLICT (kind, subject) DO UPDATE "
      "SET state = excluded.state, at = excluded.at WHERE s.state <> excluded.state RETURNING (s.xmax = 0) AS first) "
      "INSERT INTO analytics_switches (at, kind, subject, state, variant, available, threshold, config_version) "
      "SELECT $4::bigint, $1::text, $2::text, $3::text, $5::text, $6::bigint, $7::bigint, $8::bigint FROM changed "
      "WHERE NOT (changed.first AND $3::text IN ('on', 'ok')) RETURNING id";
  const PgPrepared upsert = connection.prepare(sql);  // once per batch
  std::vector<StockSwitch> recorded;
  for (const auto& sw : switches) {
    PgResult r = connection.query(upsert, PgParams()
                                           .add(sw.kind)
                                           .add(sw.subject)
                                           .add(sw.state)
                                           .add(sw.at)
                                           .add(sw.variant)
                                           .add(sw.available)
                                           .add(sw.threshold)
                                           .add(sw.configVersion));
    if (r.rows() > 0) recorded.push_back(sw);
  }
  return recorded;
}

}  // namespace cartcore::server
