// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "inventory.hpp"

namespace cartcore::server {

/**
 * This instance's copy of the stock levels, for quotes only: it never decides a hold or a checkout (the database's
 * conditional updates do). Every stock change NOTIFYs its variant at commit; a listener thread on its own
 * connection re-reads the notified variants, and reloads everything after a reconnect and every
 * `fullRefreshMillis` (a safety net: a connected listener loses no notification). Each level carries its row
 * version and is applied only if newer, so a late reader never rolls the copy back.
 */
class PgStockCache {
 public:
  PgStockCache(std::string conninfo, int fullRefreshMillis);
  ~PgStockCache();
  PgStockCache(const PgStockCache&) = delete;
  PgStockCache& operator=(const PgStockCache&) = delete;

  /** Applies levels in the JSON shape of cartcore_levels() (as returned by this instance's own writes). */
  void apply(const std::string& levelsJson);
  std::map<std::string, int64_t> snapshot(const std::vector<std::string>& variants,
                                          const std::vector<std::string>& segments,
                                          const std::vector<Allocation>& ownHold) const {
    return inventory_.snapshot(variants, segments, ownHold);
  }
  StockLevel level(const std::string& variant) const { return inventory_.level(variant); }
  /** Notifications applied so far (for tests and the staleness benchmark). */
  int64_t notificationsApplied() const { return notificationsApplied_.load(); }

 private:
  void run();
  std::string conninfo_;
  int fullRefreshMillis_;
  Inventory inventory_;
  std::mutex versionsMutex_;
  std::unordered_map<std::string, int64_t> versions_;
  std::atomic<int64_t> notificationsApplied_{0};
  std::atomic<bool> stopping_{false};
  int wakeFd_;  // written on stop, so the listener does not sleep out its poll
  std::thread thread_;
};

/** Parses cartcore_levels() JSON into (variant, version, level) entries. */
struct VersionedLevel {
  std::string variant;
  int64_t version = 0;
  StockLevel level;
};
std::vector<VersionedLevel> parseLevels(const std::string& levelsJson);

}  // namespace cartcore::server
