// SPDX-License-Identifier: MIT
// The analytics operations of the SQLite backend: switches and rollups under the write lock, questions on the
// reader connection.
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
  return question(*analyticsDb_);
}

std::optional<ConfigRecord> SqliteStorage::configVersion(int64_t version) {
  return ask([&](Database& db) -> std::optional<ConfigRecord> {
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
    // Empty stretches (and, the first time, everything before the first fact) are skipped, not rolled day by day.
    int64_t next = SqliteAnalytics::nextDayWithFacts(store_.db(), rolledUntil_);
    store_.db().resetAll();
    int64_t cutoffDay = cutoff - ((cutoff % kDayMillis) + kDayMillis) % kDayMillis;
    int64_t day = next < 0 ? std::max(rolledUntil_, cutoffDay) : next;
    if (day + kDayMillis > cutoff) {
      if (day != rolledUntil_) {
        Transaction tx(store_.db());
        SqliteAnalytics::setRolledUntil(store_.db(), day);
        tx.commit();
        rolledUntil_ = day;
      }
      break;
    }
    Transaction tx(store_.db());
    SqliteAnalytics::rollUpDay(store_.db(), day);
    SqliteAnalytics::setRolledUntil(store_.db(), day + kDayMillis);
    tx.commit();
    rolledUntil_ = day + kDayMillis;
    ++rolled;
  }
  return rolled;
}

int64_t SqliteStorage::countOrders(const AnalyticsQuery& query) {
  return ask([&](Database& db) { return SqliteAnalytics::countOrders(db, query); });
}

PromotionReport SqliteStorage::promotionReport(const AnalyticsQuery& query) {
  return ask([&](Database& db) { return SqliteAnalytics::promotionReport(db, query); });
}

CombinationReport SqliteStorage::combinationReport(const AnalyticsQuery& query) {
  return ask([&](Database& db) { return SqliteAnalytics::combinationReport(db, query); });
}

MarginReportRows SqliteStorage::marginReport(const AnalyticsQuery& query, int64_t targetPercent) {
  return ask([&](Database& db) { return SqliteAnalytics::marginReport(db, query, targetPercent); });
}

StockReport SqliteStorage::stockReport(const AnalyticsQuery& query) {
  return ask([&](Database& db) { return SqliteAnalytics::stockReport(db, query); });
}

std::vector<ExportedOrder> SqliteStorage::exportOrders(const AnalyticsQuery& query, const ExportCursor& after,
                                                       int limit) {
  return ask([&](Database& db) { return SqliteAnalytics::exportOrders(db, query, after, limit); });
}

}  // namespace cartcore::server
