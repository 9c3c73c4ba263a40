// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_db.hpp"
#include "storage.hpp"

namespace cartcore::server {

struct IdempotencyRecord {
  std::string requestHash;
  int status = 0;
  std::string responseBody;
};

/**
 * Every SQL statement the SQLite backend runs, as prepared statements on one connection. The caller holds the
 * write lock and wraps multi-step changes in a Transaction, so each operation here is one step of an ACID change.
 */
class SqliteStore {
 public:
  SqliteStore(const std::string& path, bool synchronousFull);

  Database& db() { return db_; }

  std::optional<ConfigRecord> latestConfig();
  int64_t latestConfigVersion();
  int64_t insertConfig(const std::string& json, const std::string& digest, int64_t now);

  std::map<std::string, StockLevel> loadStock();
  void upsertStock(const std::string& variant, const StockLevel& level, int64_t now);
  /** Decrements onHand only if enough remains; false (nothing changed) otherwise. The CHECK is the last guard. */
  bool decrementOnHand(const std::string& variant, int64_t quantity, int64_t now);
  void consumeReserve(const std::string& variant, const std::string& segment, int64_t quantity);

  void insertHold(const HoldRecord& hold);
  std::optional<HoldRecord> loadHold(const std::string& id);
  /** Moves a hold from Active to `to`; false if it was not active (someone else got there first). */
  bool finishHold(const std::string& id, HoldStatus to, int64_t now, const std::string& orderId = {});
  void setHoldExpiry(const std::string& id, int64_t expiresAt, int64_t now);
  /** Moves an active hold's expiry to `expiresAt` and adds `grantedMillis` to its extension total. */
  void extendHoldExpiry(const std::string& id, int64_t expiresAt, int64_t grantedMillis, int64_t now);

  // Fair access: what one client (HoldRecord::clientKey) has, read under the write lock before a hold or extend.
  /** Active holds of the client that have not run out by `now`. */
  int64_t clientActiveHolds(const std::string& clientKey, int64_t now);
  /** Units per variant in the client's active holds (`committedSince` = 0), or in its holds committed since then. */
  std::map<std::string, int64_t> clientUnits(const std::string& clientKey, int64_t now, int64_t committedSince);
  /** Extension granted to the client's active holds. */
  int64_t clientExtensionMillis(const std::string& clientKey, int64_t now);
  std::vector<std::string> holdsDueForExpiry(int64_t now, int limit);

  /** Deletes idempotency records, and released or expired holds, last touched before `cutoff`. Orders and the
   *  holds they came from are kept. Returns the rows deleted. */
  int64_t purgeBefore(int64_t cutoff, int limit);

  void insertOrder(const OrderRecord& order);
  std::optional<OrderRecord> loadOrder(const std::string& id);
  std::vector<OrderRecord> listOrders(int64_t afterRowId, int limit, int64_t& lastRowId);

  std::optional<IdempotencyRecord> findIdempotency(const std::string& key);
  void insertIdempotency(const std::string& key, const IdempotencyRecord& record, int64_t now);

  /** Appends an event and one pending delivery per webhook endpoint, inside the caller's transaction. */
  int64_t appendEvent(const NewEvent& event, int64_t now, const std::vector<std::string>& endpoints);
  std::vector<OutboxEvent> listEvents(int64_t afterSeq, int limit);
  /** A delivered row is deleted: the table holds only what is still to deliver. */
  void deleteDelivery(const std::string& endpoint, int64_t seq);
  void markFailed(const std::string& endpoint, int64_t seq, int64_t nextAttemptAt, const std::string& error);
  /** Makes every pending delivery due now (at start: a restart is often what fixed the receiver). */
  void retryPendingNow();
  /** Deletes up to `limit` pending deliveries to endpoints not in `keep`; returns how many. */
  int64_t retireDeliveries(const std::vector<std::string>& keep, int limit);
  int64_t activeHoldCount();

  // WooCommerce sync state (see Storage).
  std::optional<int64_t> wooDeliveredSeq(const std::string& endpoint, const std::string& variant);
  void recordWooDelivered(const std::string& endpoint, const std::string& variant, int64_t partitionSeq);
  WooKnownStock wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity, int64_t since);
  /** Notes that WooCommerce holds `quantity` for this object as of `now` (sent by us, or a merchant's applied edit). */
  void recordWooKnown(int64_t productId, std::optional<int64_t> variationId, int64_t quantity, int64_t now);
  /** Records an applied stock edit's key; false if it was recorded before. */
  bool insertWooStockEdit(const std::string& key, int64_t now);

  void insertApiKey(const ApiKeyRecord& key);
  std::optional<ApiKeyRecord> findApiKey(const std::string& id);
  std::vector<ApiKeyRecord> listApiKeys();
  bool revokeApiKey(const std::string& id, int64_t now);

 private:
  void migrate();
  Database db_;
};

/**
 * The webhook dispatcher's read-only view of pending deliveries, on its own connection: WAL readers never block
 * the writer, so reading what to deliver takes no write lock.
 */
class SqliteDeliveryReader {
 public:
  explicit SqliteDeliveryReader(const std::string& path);
  /** Up to `limit` partitions of `endpoint` with pending deliveries, in key order after `after`. */
  std::vector<std::string> partitionsAfter(const std::string& endpoint, const std::string& after, int limit);
  /** The first `limit` pending deliveries of one partition, in order; empty while its head waits out a backoff. */
  std::vector<PendingDelivery> run(const std::string& endpoint, const std::string& partition, int64_t now, int limit);
  /** Pending (event, endpoint) pairs and the creation time of the oldest event among them (0 if none). */
  std::pair<int64_t, int64_t> backlog();
  /** The connection (tests count the work of its statements). */
  Database& db() { return db_; }

 private:
  Database db_;
};

/**
 * Checkpoints the WAL into the database file from its own thread and connection. A checkpoint fsyncs the file, and
 * SQLite's automatic checkpoint would run it inside whichever request happened to commit the 1000th page, stalling
 * that request (and every request queued behind the write lock) for the length of an fsync.
 */
class WalCheckpointer {
 public:
  WalCheckpointer(const std::string& path, int intervalMillis);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void run();
  std::string path_;
  int intervalMillis_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace cartcore::server
