// SPDX-License-Identifier: MIT
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "pg_db.hpp"
#include "pg_stock_cache.hpp"
#include "server_clock.hpp"
#include "storage.hpp"

namespace cartcore::server {

struct PgOptions {
  std::string url;                 // postgresql://user@host:port/db?... (libpq connection URI)
  std::size_t connections = 8;     // pooled connections for request threads
  bool durableHolds = false;       // --synchronous full: holds, releases and expiry flushed before they answer too
  int cacheFullRefreshMillis = 5000;
};

/**
 * The shared backend: any number of server instances on one PostgreSQL database behave as one store. Stock is
 * decided in the database by conditional updates inside server-side functions (pg_schema.cpp), at READ COMMITTED,
 * with no read-then-write and no application lock; this process keeps only a copy of the levels for quotes
 * (PgStockCache). Writes commit asynchronously and are made durable by a flush barrier before they are
 * acknowledged, so no row lock is ever held across a disk flush.
 */
class PgStorage final : public Storage {
 public:
  PgStorage(const PgOptions& options, ServerClock& clock, std::vector<std::string> endpoints);
  ~PgStorage() override;
  /** For `cartcore-server keys`: one connection and the schema, no stock copy; only the API key operations. */
  static std::unique_ptr<PgStorage> openForKeyManagement(const std::string& url, ServerClock& clock);

  std::optional<ConfigRecord> activeConfig() override;
  int64_t activeConfigVersion() override;
  ConfigRecord insertConfig(const std::string& json, const std::string& digest, int64_t now) override;
  ConfigRecord ensureConfig(const std::string& json, const std::string& digest, int64_t now,
                            bool& firstVersion) override;
  void recordVariantFacts(int64_t configVersion, const VariantFactsMap& facts) override;

  std::map<std::string, int64_t> availability(const std::vector<std::string>& variants,
                                              const std::vector<std::string>& segments,
                                              const std::vector<Allocation>& ownHold) override;
  StockLevel stockLevel(const std::string& variant) override;
  std::map<std::string, StockLevel> stockLevels() override;
  std::map<std::string, StockLevel> updateStock(const std::vector<StockUpdate>& updates, const std::string& reason,
                                                const VariantFactsMap& facts) override;
  StockAdjusted adjustStock(const std::string& variant, int64_t delta, int64_t maxOnHand, const std::string& reason,
                            const VariantFactsMap& facts) override;

  HoldPlaced placeHold(const HoldRequest& request) override;
  HoldOutcome readHold(const std::string& id) override;
  HoldOutcome extendHold(const std::string& id, int64_t ttlMillis, int64_t maxClientExtensionMillis) override;
  HoldOutcome releaseHold(const std::string& id) override;
  int expireDueHolds() override;

  CheckoutCheck checkCheckout(const std::string& holdId, const std::string& idempotencyKey,
                              const std::string& requestHash) override;
  CheckoutCheck commitCheckout(const CheckoutCommit& commit, const VariantFactsMap& facts) override;
  std::optional<OrderRecord> loadOrder(const std::string& id) override;
  std::vector<OrderRecord> listOrders(int64_t after, int limit, int64_t& next) override;

  std::vector<OutboxEvent> listEvents(int64_t afterSeq, int limit) override;
  std::vector<PendingDelivery> claimDeliveries(const std::string& endpoint, int maxPartitions,
                                               int perPartition) override;
  void recordDeliveries(const std::string& endpoint, const std::vector<DeliveryResult>& results) override;
  int64_t resumeDeliveries() override;

  std::map<std::string, int64_t> wooDeliveredSeqs(const std::string& endpoint,
                                                  const std::vector<std::string>& variants) override;
  void noteWooSent(const std::vector<WooPush>& pushes) override;
  void recordWooDelivered(const std::string& endpoint, const std::vector<WooPush>& pushes) override;
  WooKnownStock wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity,
                              int64_t since) override;
  StockAdjusted applyWooStockEdit(const WooStockEdit& edit, const VariantFactsMap& facts) override;

  void insertApiKey(const ApiKeyRecord& key) override;
  std::optional<ApiKeyRecord> findApiKey(const std::string& id) override;
  std::vector<ApiKeyRecord> listApiKeys() override;
  bool revokeApiKey(const std::string& id, int64_t now) override;

  // Analytics (pg_storage_analytics.cpp)
  std::optional<ConfigRecord> configVersion(int64_t version) override;
  std::vector<StockSwitch> recordStockSwitches(const std::vector<StockSwitch>& switches) override;
  int rollUpAnalytics(int64_t cutoff, int maxDays) override;
  int64_t countOrders(const AnalyticsQuery& query) override;
  PromotionReport promotionReport(const AnalyticsQuery& query) override;
  CombinationReport combinationReport(const AnalyticsQuery& query) override;
  MarginReportRows marginReport(const AnalyticsQuery& query, int64_t targetPercent) override;
  StockReport stockReport(const AnalyticsQuery& query) override;
  std::vector<ExportedOrder> exportOrders(const AnalyticsQuery& query, const ExportCursor& after, int limit) override;

  int64_t purgeBefore(int64_t cutoff) override;
  StorageGauges gauges() override;
  void recoverAfterFailure() override;

 private:
  struct KeysOnly {};
  PgStorage(KeysOnly, const std::string& url, ServerClock& clock);
  int64_t offset() const { return clock_.offsetMillis(); }
  /** Returns once every commit this connection made is on disk (see cartcore_flush). */
  static void makeDurable(PgConnection& connection);
  /** Inserts a config version and its config.activated event in the caller's transaction; returns the version. */
  int64_t insertConfigLocked(PgConnection& connection, const std::string& json, const std::string& digest,
                             int64_t now);
  static std::optional<HoldRecord> loadHold(PgConnection& connection, const std::string& id);
  std::map<std::string, StockLevel> readLevels(PgConnection& connection, const std::vector<std::string>& variants);
  /** The verdict for a hold that is not (or no longer) active, as checkout reports it. */
  static CheckoutCheck holdVerdict(PgConnection& connection, const std::string& holdId, bool expiredNow);
  /** The stored answer for an idempotency key: Replay (made durable first) or KeyReused; nothing if unused. */
  static std::optional<CheckoutCheck> findIdempotency(PgConnection& connection, const std::string& key,
                                                      const std::string& requestHash);
  HoldOutcome afterHoldChange(PgConnection& connection, const std::string& id, const std::string& change);
  /** Runs one analytics question on a pooled connection (pg_storage_analytics.cpp). */
  template <class Question>
  auto ask(Question&& question);

  PgPool pool_;
  ServerClock& clock_;
  std::vector<std::string> endpoints_;
  bool durableHolds_;
  std::unique_ptr<PgStockCache> cache_;

  // Delivery leases: a session connection holding one advisory lock per owned (endpoint, bucket), and the fence
  // this instance got when it took each.
  std::mutex leaseMutex_;
  std::unique_ptr<PgConnection> leaseSession_;
  std::map<std::pair<std::string, int64_t>, int64_t> leases_;
  std::map<std::string, std::string> deliveryCursor_;  // per endpoint: the last partition claimed
  std::string owner_;
};

}  // namespace cartcore::server
