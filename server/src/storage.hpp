// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analytics_records.hpp"
#include "inventory.hpp"
#include "outbox.hpp"

namespace cartcore::server {

// ---- Records: what the commerce service stores, independent of the database that holds them ----

struct ConfigRecord {
  int64_t version = 0;
  std::string configJson;
  std::string configDigest;
  int64_t createdAt = 0;
};

enum class HoldStatus { Active, Released, Expired, Committed };
std::string_view holdStatusName(HoldStatus status);
HoldStatus parseHoldStatus(std::string_view text);

struct HoldRecord {
  std::string id;
  HoldStatus status = HoldStatus::Active;
  std::string cartJson;    // the normalized quote request the hold was made for (no "now", no "stock")
  std::string quoteJson;   // the server's quote at hold time, rendered by the core
  std::string quoteDigest;
  int64_t createdAt = 0;
  int64_t expiresAt = 0;
  int64_t updatedAt = 0;
  std::string orderId;     // set once committed
  std::vector<Allocation> allocations;
  std::string clientKey;       // whom fair-access limits count the hold against ("customer:…" or "ip:…")
  int64_t extendedMillis = 0;  // extension granted so far (how far extends pushed the expiry out)
};

struct OrderLineRecord {
  std::string lineId;
  std::string variant;
  std::string sku;
  int64_t quantity = 0;
  int64_t totalMinor = 0;
};

struct OrderRecord {
  std::string id;
  std::string holdId;
  std::optional<std::string> idempotencyKey;
  std::string currency;
  int64_t totalMinor = 0;
  std::string quoteDigest;
  std::string quoteJson;
  int64_t createdAt = 0;
  std::string orderJson;  // the order as the API returns it, fixed at commit so every read shows the same bytes
  std::vector<OrderLineRecord> lines;
};

struct OutboxEvent {
  int64_t seq = 0;
  std::string type;
  std::string partitionKey;  // the variant id for stock events: delivery order is kept per key
  std::string payload;
  int64_t createdAt = 0;
  int64_t partitionSeq = 0;  // 1, 2, 3, ... within the partition, in commit order
};

/** One event waiting for one endpoint, with the number of failed attempts so far. */
struct PendingDelivery {
  OutboxEvent event;
  int64_t attempts = 0;
  int64_t lease = 0;  // the claim's fencing token, handed back with the result (0 where one process owns all)
};

/** How one delivery attempt ended. A failure is retried `retryAfterMillis` later. */
struct DeliveryResult {
  int64_t seq = 0;
  bool delivered = false;
  int64_t retryAfterMillis = 0;
  std::string error;
  int64_t lease = 0;  // from the PendingDelivery: a result under a lease that was lost since is ignored
};

/**
 * An API key as stored: never the key itself, only its SHA-256 (a key is 256 random bits, so a fast hash is as
 * strong as a slow one; see api_keys.hpp). Revoked keys stay listed with `revokedAt`.
 */
struct ApiKeyRecord {
  std::string id;          // the public part of the key, e.g. "3f9c0d1e2a4b5c6d"
  std::string secretHash;  // lower-case hex SHA-256 of the whole key text
  std::string scope;       // "admin", "edge", "analytics" or "checkout"
  std::string name;        // what the merchant called it, e.g. "edge worker"
  int64_t createdAt = 0;
  std::optional<int64_t> revokedAt;
};

// ---- Operation inputs and outcomes ----

/**
 * Fair-access limits on one client's holds (0 = no limit). placeHold checks them against the client's other holds
 * and places the hold in one atomic step, so concurrent requests (on any instance) cannot overshoot them.
 */
struct ClientHoldLimits {
  int64_t maxActiveHolds = 0;      // active holds at once
  int64_t maxUnitsPerVariant = 0;  // units of one variant across the client's active holds
  /** The config's per-variant purchase limits for the demanded variants: units in the client's active holds, plus
   *  (when `committedSince` > 0) units in its holds committed since then, plus this demand, may not exceed them. */
  std::map<std::string, int64_t> purchaseLimits;
  int64_t committedSince = 0;
};

/** An inclusive range of available units. */
struct AvailabilityRange {
  int64_t atLeast = 0;
  int64_t atMost = INT64_MAX;
};

/** A hold to place: every line or none. The store decides the pools and stamps the times on its own clock. */
struct HoldRequest {
  std::string id;
  std::string cartJson;
  std::string quoteJson;
  std::string quoteDigest;
  std::map<std::string, int64_t> demand;  // units per variant
  std::vector<std::string> segments;      // the customer's segments: the tier reserves it may draw on
  int64_t ttlMillis = 0;
  std::string clientKey;                  // see HoldRecord::clientKey
  ClientHoldLimits limits;
  /**
   * The availability the quote was priced for (stock guards, "N left"): the hold is placed only if, in the same
   * atomic step, each listed variant's availability for `segments` (before this hold's units) is in its range.
   * Otherwise nothing is held (PricedStockMoved) and the caller prices again, so the facts a hold keeps are
   * true at the moment its stock is taken, however many holds race for the last units.
   */
  std::map<std::string, AvailabilityRange> pricedFor;
};

/** Why placeHold placed nothing. Limits are checked before stock, so a client at its limit learns that first. */
enum class HoldRefusal { None, InsufficientStock, TooManyHolds, VariantUnitLimit, PurchaseLimit, PricedStockMoved };

struct HoldPlaced {
  bool placed = false;
  HoldRecord hold;                  // when placed
  HoldRefusal refusal = HoldRefusal::None;
  std::vector<Shortage> shortages;  // InsufficientStock: every line that could not be held
  std::string limitVariant;         // VariantUnitLimit, PurchaseLimit: the variant over its limit
  int64_t limit = 0;                // the limit that refused it
  int64_t current = 0;              // what the client already has against it (holds, or units held and bought)
};

/** A hold after a read, extend or release. `found` is false for an unknown id. */
struct HoldOutcome {
  bool found = false;
  bool changed = false;      // the extend or release took effect
  bool expiredNow = false;   // the hold was overdue and this call expired it (its stock returned)
  HoldRecord hold;           // the hold as it now stands
  bool overLimit = false;    // extend: refused, the owner's extension budget would be exceeded
  int64_t extensionLeftMillis = 0;  // extend: what is left of that budget
};

/** Why a checkout cannot proceed (or `Proceed`). */
enum class CheckoutVerdict {
  Proceed,
  Replay,               // the idempotency key's stored response answers this request
  KeyReused,            // the key was used for a different request
  HoldNotFound,
  HoldExpired,          // expired before, or overdue and expired by this call (`expiredNow`)
  HoldAlreadyOrdered,   // committed: `hold.orderId` names the order
  HoldNotActive,        // released
  InsufficientStock,    // only at commit: stock was corrected below the held quantity
};

struct CheckoutCheck {
  CheckoutVerdict verdict = CheckoutVerdict::Proceed;
  bool expiredNow = false;
  HoldRecord hold;               // loaded for every verdict from HoldExpired on, and for Proceed
  int replayStatus = 0;          // Replay
  std::string replayBody;        // Replay
  Shortage shortage;             // InsufficientStock
};

/** Everything a checkout commits in one transaction: stock, hold, order, events and the idempotency record. */
struct CheckoutCommit {
  std::string holdId;
  std::string idempotencyKey;  // empty: none
  std::string requestHash;     // tells a retried request from a different one under the same key
  OrderRecord order;
  std::string responseBody;    // stored with the key and replayed byte for byte
  OrderAnalytics analytics;    // the order's analytics facts, written in the same transaction
};

/** A merchant's change to one variant's stock; each field is set only when the document names it. */
struct StockUpdate {
  std::string variant;
  std::optional<int64_t> onHand;
  std::optional<std::optional<int64_t>> lowStockLevel;
  std::optional<std::optional<int64_t>> wooProductId;
  std::optional<std::optional<int64_t>> wooVariationId;
  std::optional<std::map<std::string, int64_t>> reserved;  // replaces every reserve of the variant
};

struct StockAdjusted {
  bool applied = false;  // false: onHand + delta would leave [0, maxOnHand]; nothing changed
  StockLevel level;      // after (or as it stands when refused)
};

/** A stock level WooCommerce confirmed: the variant's per-SKU sequence number and what its object was sent. */
struct WooPush {
  std::string variant;
  int64_t partitionSeq = 0;
  int64_t productId = 0;
  std::optional<int64_t> variationId;  // none: the product holds the stock
  int64_t quantity = 0;                // the absolute stock_quantity sent
};

/** What we know a WooCommerce object holds: the quantity most recently sent to it or applied from it, and whether
 *  the quantity asked about was sent (or applied) since the time asked about. */
struct WooKnownStock {
  std::optional<int64_t> latest;
  bool sentRecently = false;
};

/** A merchant's stock edit made in WooCommerce, to apply to a variant's onHand once (see applyWooStockEdit). */
struct WooStockEdit {
  std::string key;      // identifies the edit (object, modification time, quantity): a repeat has the same key
  std::string variant;
  int64_t delta = 0;    // the edited quantity minus what the object held before
  int64_t maxOnHand = 0;
  std::string reason;
  int64_t productId = 0;  // the object edited, and the quantity it now holds
  std::optional<int64_t> variationId;
  int64_t quantity = 0;
};

struct StorageGauges {
  int64_t activeHolds = 0;
  int64_t unitsHeld = 0;
  int64_t outboxPending = 0;
  int64_t outboxLagMillis = 0;  // age of the oldest undelivered event, 0 when none
};

/**
 * The storage seam: every operation the commerce service needs from its database, each one atomic. Handlers
 * (shop, holds, checkout, stock admin, webhooks) talk only to this interface; nothing above it knows which
 * database holds the data. Each implementation decides stock on its own authority (SQLite: one writer behind one
 * lock; PostgreSQL: conditional updates shared by every instance) and writes a change's outbox events in the same
 * transaction as the change.
 *
 * Methods may throw std::exception on a database failure; nothing is then half-changed, and the caller calls
 * recoverAfterFailure() before reporting it.
 */
class Storage {
 public:
  virtual ~Storage() = default;

  // ---- Config versions ----
  /** The active (newest) config version, if any. */
  virtual std::optional<ConfigRecord> activeConfig() = 0;
  /** The active version's number (0 if none): a cheap poll for instances to notice another one's upload. */
  virtual int64_t activeConfigVersion() = 0;
  /** Stores a new version, which becomes active. */
  virtual ConfigRecord insertConfig(const std::string& json, const std::string& digest, int64_t now) = 0;
  /** Stores `json` as a new version unless the active one has this digest; atomic against other instances.
   *  `firstVersion` tells the one caller that created the store's first version (and so seeds its stock). */
  virtual ConfigRecord ensureConfig(const std::string& json, const std::string& digest, int64_t now,
                                    bool& firstVersion) = 0;

  /**
   * The facts (SKU, product, low-stock level) of the active config version's variants, for the events a store
   * writes without a caller to ask (holds, expiry by the sweeper). Called whenever a server starts on or switches
   * to a version; a version older than the one recorded changes nothing.
   */
  virtual void recordVariantFacts(int64_t configVersion, const VariantFactsMap& facts) = 0;

  // ---- Stock ----
  /** What shoppers in `segments` can hold of each variant now, counting `ownHold` as available (for quotes). */
  virtual std::map<std::string, int64_t> availability(const std::vector<std::string>& variants,
                                                      const std::vector<std::string>& segments,
                                                      const std::vector<Allocation>& ownHold = {}) = 0;
  virtual StockLevel stockLevel(const std::string& variant) = 0;
  virtual std::map<std::string, StockLevel> stockLevels() = 0;
  /** Applies every update or none, with their stock events; returns the levels after. */
  virtual std::map<std::string, StockLevel> updateStock(const std::vector<StockUpdate>& updates,
                                                        const std::string& reason, const VariantFactsMap& facts) = 0;
  /** Adds `delta` to onHand if the result stays within [0, maxOnHand], with its stock events. */
  virtual StockAdjusted adjustStock(const std::string& variant, int64_t delta, int64_t maxOnHand,
                                    const std::string& reason, const VariantFactsMap& facts) = 0;

  // ---- Holds ----
  /** Checks the client's limits, then plans and places the hold; all atomic (PostgreSQL: serialize per client,
   *  e.g. an advisory lock on the client key, so two instances cannot both take a client's last slot). */
  virtual HoldPlaced placeHold(const HoldRequest& request) = 0;
  /** Reads a hold; an overdue active hold is expired on the spot. */
  virtual HoldOutcome readHold(const std::string& id) = 0;
  /**
   * Sets an active hold's expiry to now + ttl; an overdue one is expired instead. When that pushes the expiry out,
   * the extension counts against the hold owner's budget: with `maxClientExtensionMillis` > 0, the extension
   * already granted to the owner's active holds plus this one may not exceed it (`overLimit`, nothing changes).
   * Check and change are one atomic step.
   */
  virtual HoldOutcome extendHold(const std::string& id, int64_t ttlMillis, int64_t maxClientExtensionMillis) = 0;
  /** Releases an active hold (stock returns once); `changed` is false for an already released one. */
  virtual HoldOutcome releaseHold(const std::string& id) = 0;
  /** Expires every overdue active hold, each exactly once; returns how many this call expired. */
  virtual int expireDueHolds() = 0;

  // ---- Checkout and orders ----
  /** The checks a checkout must pass before it is priced (idempotency key, then the hold's state). */
  virtual CheckoutCheck checkCheckout(const std::string& holdId, const std::string& idempotencyKey,
                                      const std::string& requestHash) = 0;
  /** Re-checks, then commits order, stock, hold, events and idempotency record together, or nothing. */
  virtual CheckoutCheck commitCheckout(const CheckoutCommit& commit, const VariantFactsMap& facts) = 0;
  virtual std::optional<OrderRecord> loadOrder(const std::string& id) = 0;
  /** Orders after the cursor `after`, oldest first; `next` is the cursor for the following page. */
  virtual std::vector<OrderRecord> listOrders(int64_t after, int limit, int64_t& next) = 0;

  // ---- Events and their delivery ----
  virtual std::vector<OutboxEvent> listEvents(int64_t afterSeq, int limit) = 0;
  /** Deliveries this process may attempt now for one endpoint: for up to `maxPartitions` partitions whose head is
   *  due, the first `perPartition` pending events, in order, grouped by partition. Reads only pending deliveries
   *  (through an index), takes no lock that writers wait on, and rotates through partitions between calls. */
  virtual std::vector<PendingDelivery> claimDeliveries(const std::string& endpoint, int maxPartitions,
                                                       int perPartition) = 0;
  /** Records a batch of attempts: a delivered row is deleted, a failed one gets its retry time. */
  virtual void recordDeliveries(const std::string& endpoint, const std::vector<DeliveryResult>& results) = 0;
  /** At start: makes every pending delivery due now (a restart is often what fixed the receiver) and retires the
   *  deliveries to endpoints this server no longer has. Returns how many were retired. */
  virtual int64_t resumeDeliveries() = 0;

  // ---- WooCommerce sync state (shared by every instance, kept across restarts) ----
  /** The newest partitionSeq WooCommerce confirmed per variant for this endpoint; variants never pushed are absent. */
  virtual std::map<std::string, int64_t> wooDeliveredSeqs(const std::string& endpoint,
                                                          const std::vector<std::string>& variants) = 0;
  /** Notes the quantities about to be sent to their objects, before the request: WooCommerce may send the webhook
   *  of a save before its answer reaches us, and that webhook must read as our echo. */
  virtual void noteWooSent(const std::vector<WooPush>& pushes) = 0;
  /** Records the pushes WooCommerce confirmed: per variant the sequence number only moves forward. */
  virtual void recordWooDelivered(const std::string& endpoint, const std::vector<WooPush>& pushes) = 0;
  /** What this WooCommerce object is known to hold, and whether `quantity` was sent to it since `since`. */
  virtual WooKnownStock wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity,
                                      int64_t since) = 0;
  /** Adds the edit's delta to onHand (clamped to [0, maxOnHand], with its stock events), records its key and the
   *  object's new quantity, in one transaction; an edit whose key was applied before changes nothing (`applied`
   *  false, the level as it stands). */
  virtual StockAdjusted applyWooStockEdit(const WooStockEdit& edit, const VariantFactsMap& facts) = 0;

  // ---- API keys (managed from the CLI: cartcore-server keys …) ----
  virtual void insertApiKey(const ApiKeyRecord& key) = 0;
  /** The key with this id, revoked or not. */
  virtual std::optional<ApiKeyRecord> findApiKey(const std::string& id) = 0;
  /** Every key, oldest first. */
  virtual std::vector<ApiKeyRecord> listApiKeys() = 0;
  /** Marks a key revoked at `now`; false if there is no such key or it was revoked already. */
  virtual bool revokeApiKey(const std::string& id, int64_t now) = 0;

  // ---- Analytics (facts are written by commitCheckout; hold fates by every transition out of 'active') ----
  // PostgreSQL port: commitCheckout writes the facts rows in its transaction; expire/release write a hold fate row
  // in theirs; recordStockSwitches must change a subject's state with one conditional upsert (two instances that
  // see the same crossing record it once); rollUpAnalytics must serialize with commits that land behind the
  // watermark (lock the watermark row FOR UPDATE while rolling, FOR SHARE when a commit checks it).
  /** A config version by number (every version is kept). */
  virtual std::optional<ConfigRecord> configVersion(int64_t version) = 0;
  /** Records each switch whose state differs from the last one recorded for its (kind, subject); a subject's first
   *  state is recorded only when it is not the normal one ("on", "ok"). Returns the switches recorded. */
  virtual std::vector<StockSwitch> recordStockSwitches(const std::vector<StockSwitch>& switches) = 0;
  /** Folds whole UTC days that ended before `cutoff` into the daily rollups, at most `maxDays` per call (one
   *  transaction each); returns the days rolled. Queries stay exact whether or not a day has been rolled. */
  virtual int rollUpAnalytics(int64_t cutoff, int maxDays) = 0;
  virtual int64_t countOrders(const AnalyticsQuery& query) = 0;
  virtual PromotionReport promotionReport(const AnalyticsQuery& query) = 0;
  virtual CombinationReport combinationReport(const AnalyticsQuery& query) = 0;
  /** `targetPercent`: whole percent; orders with a cost whose margin % is strictly below it are counted. */
  virtual MarginReportRows marginReport(const AnalyticsQuery& query, int64_t targetPercent) = 0;
  virtual StockReport stockReport(const AnalyticsQuery& query) = 0;
  /** Orders of the period after `after` (by checkout time, then id), at most `limit`, oldest first. */
  virtual std::vector<ExportedOrder> exportOrders(const AnalyticsQuery& query, const ExportCursor& after, int limit) = 0;

  // ---- Housekeeping and operations ----
  /** Deletes idempotency records and released or expired holds last touched before `cutoff`, in small batches.
   *  Orders and the holds they came from are kept. Returns the rows deleted. */
  virtual int64_t purgeBefore(int64_t cutoff) = 0;
  virtual StorageGauges gauges() = 0;
  /** After a failed operation: drop whatever per-process state may disagree with the database. */
  virtual void recoverAfterFailure() = 0;
};

}  // namespace cartcore::server
