// SPDX-License-Identifier: MIT
#include "pg_stock_cache.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "pg_db.hpp"

namespace cartcore::server {

namespace {

constexpr const char* kLevelsOf = "SELECT cartcore_levels($1)";
constexpr const char* kAllLevels = "SELECT cartcore_levels(ARRAY(SELECT variant FROM stock))";

std::optional<int64_t> optionalField(const nlohmann::json& object, const char* key) {
  const auto& value = object.at(key);
  return value.is_null() ? std::nullopt : std::optional<int64_t>(value.get<int64_t>());
}

}  // namespace

std::vector<VersionedLevel> parseLevels(const std::string& levelsJson) {
  std::vector<VersionedLevel> out;
  auto parsed = nlohmann::json::parse(levelsJson, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& entry : parsed) {
    VersionedLevel level;
    level.variant = entry.at("variant").get<std::string>();
    level.version = entry.at("version").get<int64_t>();
    level.level.onHand = entry.at("onHand").get<int64_t>();
    level.level.heldGeneral = entry.at("heldGeneral").get<int64_t>();
    level.level.lowStockLevel = optionalField(entry, "low");
    level.level.wooProductId = optionalField(entry, "wooProduct");
    level.level.wooVariationId = optionalField(entry, "wooVariation");
    for (const auto& tier : entry.at("tiers"))
      level.level.tiers[tier.at(0).get<std::string>()] = {tier.at(1).get<int64_t>(), tier.at(2).get<int64_t>()};
    out.push_back(std::move(level));
  }
  return out;
}

PgStockCache::PgStockCache(std::string conninfo, int fullRefreshMillis)
    : conninfo_(std::move(conninfo)), fullRefreshMillis_(fullRefreshMillis), wakeFd_(::eventfd(0, EFD_CLOEXEC)) {
  // The first load happens here, so quotes never see an empty copy.
  PgConnection connection(conninfo_);
  apply(connection.query(kAllLevels).text(0, 0));
  thread_ = std::thread([this] { run(); });
}

PgStockCache::~PgStockCache() {
  stopping_ = true;
  uint64_t one = 1;
  if (wakeFd_ >= 0 && ::write(wakeFd_, &one, sizeof one) < 0) {
    // Without the wake-up the listener still stops at its next timeout.
  }
  if (thread_.joinable()) thread_.join();
  if (wakeFd_ >= 0) ::close(wakeFd_);
}

void PgStockCache::apply(const std::string& levelsJson) {
  std::lock_guard lock(versionsMutex_);
  for (auto& entry : parseLevels(levelsJson)) {
    int64_t& known = versions_[entry.variant];
    if (entry.version <= known) continue;  // an older read arriving late
    known = entry.version;
    inventory_.setLevel(entry.variant, entry.level);
  }
}

void PgStockCache::run() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<PgConnection> connection;
  Clock::time_point nextFullRefresh = Clock::now();
  while (!stopping_) {
    try {
      if (!connection || !connection->healthy()) {
        connection = std::make_unique<PgConnection>(conninfo_);
        connection->exec("LISTEN cartcore_stock");
        nextFullRefresh = Clock::now();  // whatever changed while disconnected is read now
      }
      if (Clock::now() >= nextFullRefresh) {
        apply(connection->query(kAllLevels).text(0, 0));
        nextFullRefresh = Clock::now() + std::chrono::milliseconds(fullRefreshMillis_);
      }
      // Sleep until a notification, a stop request, or the next full refresh: an idle server stays idle.
      auto untilRefresh =
          std::chrono::duration_cast<std::chrono::milliseconds>(nextFullRefresh - Clock::now()).count();
      pollfd descriptors[2] = {{PQsocket(connection->handle()), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
      ::poll(descriptors, wakeFd_ >= 0 ? 2 : 1, static_cast<int>(std::clamp<int64_t>(untilRefresh, 0, 1000)));
      if (stopping_) break;
      if (!PQconsumeInput(connection->handle())) continue;  // broken: reconnect on the next round
      std::set<std::string> changed;
      while (PGnotify* notification = PQnotifies(connection->handle())) {
        changed.insert(notification->extra);
        PQfreemem(notification);
      }
      if (changed.empty()) continue;
      std::vector<std::string> variants(changed.begin(), changed.end());
      apply(connection->query(kLevelsOf, PgParams().addArray(variants)).text(0, 0));
      notificationsApplied_.fetch_add(static_cast<int64_t>(variants.size()));
    } catch (const std::exception& e) {
      if (!stopping_) std::cerr << "cartcore-server: stock cache listener: " << e.what() << " (reconnecting)\n";
      connection.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

}  // namespace cartcore::server
