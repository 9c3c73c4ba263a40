// SPDX-License-Identifier: MIT
// The analytics operations of the SQLite backend: switches and rollups under the write lock, questions on the
// reader connection.
#include "analytics_sql.hpp"
#include "sqlite_analytics.hpp"
#include "sqlite_storage.hpp"

namespace cartcore::server {

template <class Question>
auto SqliteStorage::ask(Question&& question) {
  std::lock_guard lock(analyticsMutex_);
  struct ResetOnExit {
    Database& db;
    ~ResetOnExit() { db.resetAll(); }  // no statement keeps a read snapshot (and the WAL) pinned afterwards
  } reset{*analyticsDb_};
  SqliteSession session(*analyticsDb_);
  return question(session, *analyticsDb_);
}

std::optional<ConfigRecord> SqliteStorage::configVersion(int64_t version) {
  return ask([&](SqlSession&, Database& db) -> std::optional<ConfigRecord> {
    auto& s =
        db.prepare("SELECT version, config_json, config_digest, created_at FROM config_versions WHERE version = ?1");
    s.bind(1, version);
    if (!s.step()) return std::nullopt;
    return ConfigRecord{s.int64(0), s.text(1), s.text(2), s.int64(3)};
  });
}

std::vector<StockSwitch> SqliteStorage::recordStockSwitches(const std::vector<StockSwitch>& switches) {
  if (switches.empty()) return {};
  WriteLock lock(*this);
  Transaction tx(store_.db());
  auto recorded = SqliteAnalytics::recordSwitches(store_.db(), switches);
  tx.commit();
  return recorded;
}

int SqliteStorage::rollUpAnalytics(int64_t cutoff, int maxDays) {
  int rolled = 0;
  while (rolled < maxDays) {
    // One day per transaction, so the write lock is held for one day's facts at a time.
    WriteLock lock(*this);
    Transaction tx(store_.db());
    SqliteSession session(store_.db());
    int64_t watermark = rolledUntil_;
    bool rolledOne = analytics_sql::rollUpNextDay(session, cutoff, watermark);
    tx.commit();
    rolledUntil_ = watermark;
    if (!rolledOne) break;
    ++rolled;
  }
  return rolled;
}

int64_t SqliteStorage::countOrders(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::countOrders(session, query); });
}

PromotionReport SqliteStorage::promotionReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::promotionReport(session, query); });
}

CombinationReport SqliteStorage::combinationReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::combinationReport(session, query); });
}

MarginReportRows SqliteStorage::marginReport(const AnalyticsQuery& query, int64_t targetPercent) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::marginReport(session, query, targetPercent); });
}

StockReport SqliteStorage::stockReport(const AnalyticsQuery& query) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::stockReport(session, query); });
}

std::vector<ExportedOrder> SqliteStorage::exportOrders(const AnalyticsQuery& query, const ExportCursor& after,
                                                       int limit) {
  return ask([&](SqlSession& session, Database&) { return analytics_sql::exportOrders(session, query, after, limit); });
}

}  // namespace cartcore::server
