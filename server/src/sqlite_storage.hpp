// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "inventory.hpp"
#include "server_clock.hpp"
#include "sqlite_store.hpp"
#include "storage.hpp"

namespace cartcore::server {

/**
 * The embedded backend: one SQLite file in WAL mode, owned by one process (a lock file enforces it). Every change
 * runs under one write lock in one transaction; stock is decided by an in-memory mirror of the committed levels,
 * updated only after COMMIT, which is exact because this process is the only writer.
 */
class SqliteStorage final : public Storage {
 public:
  /** `endpoints`: the webhook endpoint keys; every event gets one pending delivery per endpoint. */
  SqliteStorage(const std::string& path, bool synchronousFull, ServerClock& clock, std::vector<std::string> endpoints);
  /** The same file opened beside a running server, for the key-management CLI: no lock file, no checkpointer.
   *  Only the API key operations are safe this way (the server's stock mirror would not see anything else). */
  static std::unique_ptr<SqliteStorage> openForKeyManagement(const std::string& path, ServerClock& clock);
  ~SqliteStorage() override;

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
  /** Holds the write lock and resets statements on exit, so no SELECT keeps a WAL snapshot pinned. */
  class WriteLock {
   public:
    explicit WriteLock(SqliteStorage& storage) : lock_(storage.writeMutex_), store_(storage.store_) {}
    ~WriteLock() { store_.db().resetAll(); }

   private:
    std::unique_lock<std::mutex> lock_;
    SqliteStore& store_;
  };

  /** Marks an active, overdue hold expired in its own transaction; true if this call expired it. */
  bool expireLocked(const HoldRecord& hold, int64_t now);
  /** Under the write lock: fills `result` and returns true when the request breaks one of its client's limits. */
  bool refuseOverLimit(const HoldRequest& request, int64_t now, HoldPlaced& result);
  /** The checkout checks, under the write lock. */
  CheckoutCheck checkLocked(const std::string& holdId, const std::string& idempotencyKey,
                            const std::string& requestHash, int64_t now);
  /** Writes new levels and their events inside the caller's transaction; returns the levels after. */
  std::map<std::string, StockLevel> writeLevelsLocked(const std::vector<StockUpdate>& updates,
                                                      const std::string& reason, const VariantFactsMap& facts,
                                                      int64_t now);
  void appendEvents(const std::vector<NewEvent>& events, int64_t now);
  /** Under the write lock: the hold's changes to the mirror's levels (not applied) and its events. */
  std::vector<NewEvent> holdEventsLocked(const std::string& type, const HoldRecord& hold,
                                         std::map<std::string, StockLevel>& levels, bool take);
  struct SharedAccess {};
  SqliteStorage(SharedAccess, const std::string& path, ServerClock& clock);
  /** Runs one analytics question on the reader connection (sqlite_storage_analytics.cpp). */
  template <class Question>
  auto ask(Question&& question);

  int lockFd_ = -1;  // flock on "<path>.lock": one process per file
  SqliteStore store_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
  ServerClock& clock_;
  std::vector<std::string> endpoints_;
  Inventory inventory_;
  VariantFactsMap facts_;         // the active version's, for hold events; under the write lock
  int64_t factsVersion_ = 0;
  std::atomic<int64_t> activeHolds_{0};  // kept with the mirror, so /metrics reads no table under the lock
  std::mutex writeMutex_;
  // The dispatcher's and the gauges' reads, on their own connection and lock: never behind a write.
  std::mutex readerMutex_;
  SqliteDeliveryReader reader_;
  std::map<std::string, std::string> deliveryCursor_;  // per endpoint: the last partition claimed
  int64_t rolledUntil_ = 0;     // the analytics rollups' watermark; read and moved under the write lock
  std::mutex analyticsMutex_;   // the reader connection answers one analytics question at a time
  std::unique_ptr<Database> analyticsDb_;  // its own connection: a long read never holds the write lock
};

}  // namespace cartcore::server
