// SPDX-License-Identifier: MIT
// The analytics operations of the PostgreSQL backend: the shared analytics statements (analytics_sql.cpp) on a
// pooled connection; facts and hold fates are written by the server-side functions (pg_analytics.cpp).
#include "pg_analytics.hpp"
#include "pg_storage.hpp"

namespace cartcore::server {

std::optional<ConfigRecord> PgStorage::configVersion(int64_t version) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(
      "SELECT version, config_json, config_digest, created_at FROM config_versions WHERE version = $1",
      PgParams().add(version));
  if (r.rows() == 0) return std::nullopt;
  return ConfigRecord{r.int64(0, 0), r.text(0, 1), r.text(0, 2), r.int64(0, 3)};
}

std::vector<StockSwitch> PgStorage::recordStockSwitches(const std::vector<StockSwitch>& switches) {
  if (switches.empty()) return {};
  auto connection = pool_.acquire();
  return pgRecordSwitches(*connection, switches);
}

int PgStorage::rollUpAnalytics(int64_t cutoff, int maxDays) {
  auto connection = pool_.acquire();
  PgSqlSession session(*connection);
  int rolled = 0;
  while (rolled < maxDays) {
    // One day per transaction. The exclusive lock waits for commits of facts in flight (they share it), so the
    // day's facts read here are all there will be unless a later one moves the watermark back again.
    PgTransaction tx(*connection);
    connection->query("SELECT pg_advisory_xact_lock(hashtext('cartcore analytics rollup'))");
    int64_t watermark = analytics_sql::rolledUntil(session);
    bool rolledOne = analytics_sql::rollUpNextDay(session, cutoff, watermark);
    tx.commit();
    if (!rolledOne) break;
    ++rolled;
  }
  return rolled;
}

template <class Question>
auto PgStorage::ask(Question&& question) {
  auto connection = pool_.acquire();
  PgSqlSession session(*connection);
  return question(session);
}

int64_t PgStorage::countOrders(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session) { return analytics_sql::countOrders(session, query); });
}

PromotionReport PgStorage::promotionReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session) { return analytics_sql::promotionReport(session, query); });
}

CombinationReport PgStorage::combinationReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session) { return analytics_sql::combinationReport(session, query); });
}

MarginReportRows PgStorage::marginReport(const AnalyticsQuery& query, int64_t targetPercent) {
  return ask([&](SqlSession& session) { return analytics_sql::marginReport(session, query, targetPercent); });
}

StockReport PgStorage::stockReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session) { return analytics_sql::stockReport(session, query); });
}

std::vector<ExportedOrder> PgStorage::exportOrders(const AnalyticsQuery& query, const ExportCursor& after,
                                                   int limit) {
  return ask([&](SqlSession& session) { return analytics_sql::exportOrders(session, query, after, limit); });
}

}  // namespace cartcore::server
