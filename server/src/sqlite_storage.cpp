// SPDX-License-Identifier: MIT
// The Storage interface on one SQLite file: a single writer behind one lock, deciding stock with an exact mirror.
#include "sqlite_storage.hpp"

#include "sqlite_analytics.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace cartcore::server {

namespace {

/** One server per database file: two writers would each trust their own in-memory stock mirror. */
int lockDatabaseFile(const std::string& path) {
  std::string lockPath = path + ".lock";
  int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("another server is using " + path);
  }
  return fd;
}

}  // namespace

SqliteStorage::SqliteStorage(const std::string& path, bool synchronousFull, ServerClock& clock,
                             std::vector<std::string> endpoints)
    : lockFd_(lockDatabaseFile(path)),
      store_(path, synchronousFull),
      checkpointer_(std::make_unique<WalCheckpointer>(path, 100)),
      clock_(clock),
      endpoints_(std::move(endpoints)),
      reader_(path) {
  inventory_.replaceAll(store_.loadStock());
  activeHolds_ = store_.activeHoldCount();
  SqliteSession session(store_.db());
  rolledUntil_ = analytics_sql::rolledUntil(session);
  analyticsDb_ = std::make_unique<Database>(path, synchronousFull);
  sqlite3_busy_timeout(analyticsDb_->handle(), 2000);
}

SqliteStorage::SqliteStorage(SharedAccess, const std::string& path, ServerClock& clock)
    : store_(path, false), clock_(clock), reader_(path) {}

std::unique_ptr<SqliteStorage> SqliteStorage::openForKeyManagement(const std::string& path, ServerClock& clock) {
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(SharedAccess{}, path, clock));
}

SqliteStorage::~SqliteStorage() {
  checkpointer_.reset();
  if (lockFd_ >= 0) ::close(lockFd_);
}

// ---- Config ----

std::optional<ConfigRecord> SqliteStorage::activeConfig() {
  WriteLock lock(*this);
  return store_.latestConfig();
}

int64_t SqliteStorage::activeConfigVersion() {
  WriteLock lock(*this);
  return store_.latestConfigVersion();
}

ConfigRecord SqliteStorage::insertConfig(const std::string& json, const std::string& digest, int64_t now) {
  WriteLock lock(*this);
  Transaction tx(store_.db());
  int64_t version = store_.insertConfig(json, digest, now);
  appendEvents({configActivatedEvent(version, digest)}, now);
  tx.commit();
  return {version, json, digest, now};
}

ConfigRecord SqliteStorage::ensureConfig(const std::string& json, const std::string& digest, int64_t now,
                                         bool& firstVersion) {
  WriteLock lock(*this);
  std::optional<ConfigRecord> latest = store_.latestConfig();
  firstVersion = !latest;
  if (latest && latest->configDigest == digest) return *latest;
  Transaction tx(store_.db());
  int64_t version = store_.insertConfig(json, digest, now);
  appendEvents({configActivatedEvent(version, digest)}, now);
  tx.commit();
  return {version, json, digest, now};
}

void SqliteStorage::recordVariantFacts(int64_t configVersion, const VariantFactsMap& facts) {
  WriteLock lock(*this);
  if (configVersion < factsVersion_) return;
  factsVersion_ = configVersion;
  facts_ = facts;
}

// ---- Stock ----

std::map<std::string, int64_t> SqliteStorage::availability(const std::vector<std::string>& variants,
                                                           const std::vector<std::string>& segments,
                                                           const std::vector<Allocation>& ownHold) {
  // The mirror changes only after COMMIT, under the write lock: a quote reads committed stock without the lock.
  return inventory_.snapshot(variants, segments, ownHold);
}

StockLevel SqliteStorage::stockLevel(const std::string& variant) { return inventory_.level(variant); }

std::map<std::string, StockLevel> SqliteStorage::stockLevels() { return inventory_.all(); }

void SqliteStorage::appendEvents(const std::vector<NewEvent>& events, int64_t now) {
  for (const auto& event : events) store_.appendEvent(event, now, endpoints_);
}

std::map<std::string, StockLevel> SqliteStorage::writeLevelsLocked(const std::vector<StockUpdate>& updates,
                                                                   const std::string& reason,
                                                                   const VariantFactsMap& facts, int64_t now) {
  std::map<std::string, StockLevel> updated;
  for (const auto& update : updates) {
    StockLevel level = inventory_.level(update.variant);  // keeps the live held counts
    const StockLevel before = level;
    if (update.onHand) level.onHand = *update.onHand;
    if (update.lowStockLevel) level.lowStockLevel = *update.lowStockLevel;
    if (update.wooProductId) level.wooProductId = *update.wooProductId;
    if (update.wooVariationId) level.wooVariationId = *update.wooVariationId;
    if (update.reserved) {
      for (auto& [segment, pool] : level.tiers) pool.reserved = 0;
      for (const auto& [segment, units] : *update.reserved) level.tiers[segment].reserved = units;
      std::erase_if(level.tiers, [](const auto& entry) { return entry.second.reserved == 0 && entry.second.held == 0; });
    }
    store_.upsertStock(update.variant, level, now);
    appendEvents(stockChangeEvents(update.variant, factsOf(facts, update.variant), before, level, reason), now);
    updated[update.variant] = level;
  }
  return updated;
}

std::map<std::string, StockLevel> SqliteStorage::updateStock(const std::vector<StockUpdate>& updates,
                                                             const std::string& reason, const VariantFactsMap& facts) {
  WriteLock lock(*this);
  Transaction tx(store_.db());
  auto updated = writeLevelsLocked(updates, reason, facts, clock_.nowMillis());
  tx.commit();
  for (const auto& [variant, level] : updated) inventory_.setLevel(variant, level);
  return updated;
}

StockAdjusted SqliteStorage::adjustStock(const std::string& variant, int64_t delta, int64_t maxOnHand,
                                         const std::string& reason, const VariantFactsMap& facts) {
  WriteLock lock(*this);
  StockLevel level = inventory_.level(variant);
  int64_t adjusted = 0;
  if (__builtin_add_overflow(level.onHand, delta, &adjusted) || adjusted < 0 || adjusted > maxOnHand)
    return {false, level};
  StockUpdate update;
  update.variant = variant;
  update.onHand = adjusted;
  Transaction tx(store_.db());
  auto updated = writeLevelsLocked({update}, reason, facts, clock_.nowMillis());
  tx.commit();
  for (const auto& [id, after] : updated) inventory_.setLevel(id, after);
  return {true, updated[variant]};
}

// ---- Holds ----

HoldPlaced SqliteStorage::placeHold(const HoldRequest& request) {
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  HoldPlaced result;
  // Fair access first, under the same lock as the placement: a client at a limit hears about the limit.
  if (!request.clientKey.empty() && refuseOverLimit(request, now, result)) return result;
  if (!request.pricedFor.empty()) {
    std::vector<std::string> variants;
    for (const auto& [variant, range] : request.pricedFor) variants.push_back(variant);
    std::map<std::string, int64_t> available = inventory_.snapshot(variants, request.segments);
    for (const auto& [variant, range] : request.pricedFor) {
      int64_t units = available.count(variant) ? available[variant] : 0;
      if (units < range.atLeast || units > range.atMost) {
        result.refusal = HoldRefusal::PricedStockMoved;  // another hold or a stock change moved it since the quote
        return result;
      }
    }
  }
  std::vector<Allocation> allocations;
  // All lines or none: one short line refuses the whole hold and nothing is reserved.
  if (!inventory_.plan(request.demand, request.segments, allocations, result.shortages)) {
    result.refusal = HoldRefusal::InsufficientStock;
    return result;
  }
  HoldRecord& hold = result.hold;
  hold.clientKey = request.clientKey;
  hold.id = request.id;
  hold.cartJson = request.cartJson;
  hold.quoteJson = request.quoteJson;
  hold.quoteDigest = request.quoteDigest;
  hold.createdAt = now;
  hold.updatedAt = now;
  hold.expiresAt = now + request.ttlMillis;
  hold.allocations = allocations;
  std::map<std::string, StockLevel> levels;
  std::vector<NewEvent> events = holdEventsLocked("hold.placed", hold, levels, true);
  Transaction tx(store_.db());
  store_.insertHold(hold);
  appendEvents(events, now);
  tx.commit();
  inventory_.applyHold(allocations);
  activeHolds_.fetch_add(1);
  result.placed = true;
  return result;
}

bool SqliteStorage::refuseOverLimit(const HoldRequest& request, int64_t now, HoldPlaced& result) {
  const ClientHoldLimits& limits = request.limits;
  if (limits.maxActiveHolds > 0) {
    int64_t active = store_.clientActiveHolds(request.clientKey, now);
    if (active >= limits.maxActiveHolds) {
      result.refusal = HoldRefusal::TooManyHolds;
      result.limit = limits.maxActiveHolds;
      result.current = active;
      return true;
    }
  }
  if (limits.maxUnitsPerVariant <= 0 && limits.purchaseLimits.empty()) return false;
  std::map<std::string, int64_t> held = store_.clientUnits(request.clientKey, now, 0);
  std::map<std::string, int64_t> bought;
  if (!limits.purchaseLimits.empty() && limits.committedSince > 0)
    bought = store_.clientUnits(request.clientKey, now, limits.committedSince);
  for (const auto& [variant, units] : request.demand) {
    const int64_t holding = held.count(variant) ? held.at(variant) : 0;
    if (limits.maxUnitsPerVariant > 0 && holding + units > limits.maxUnitsPerVariant) {
      result.refusal = HoldRefusal::VariantUnitLimit;
      result.limitVariant = variant;
      result.limit = limits.maxUnitsPerVariant;
      result.current = holding;
      return true;
    }
    auto purchase = limits.purchaseLimits.find(variant);
    const int64_t had = holding + (bought.count(variant) ? bought.at(variant) : 0);
    if (purchase != limits.purchaseLimits.end() && had + units > purchase->second) {
      result.refusal = HoldRefusal::PurchaseLimit;
      result.limitVariant = variant;
      result.limit = purchase->second;
      result.current = had;
      return true;
    }
  }
  return false;
}

std::vector<NewEvent> SqliteStorage::holdEventsLocked(const std::string& type, const HoldRecord& hold,
                                                     std::map<std::string, StockLevel>& levels, bool take) {
  for (const auto& a : hold.allocations) levels.try_emplace(a.variant, inventory_.level(a.variant));
  return holdEvents(type, hold.id, hold.expiresAt, holdLineChanges(hold.allocations, levels, take), facts_);
}

bool SqliteStorage::expireLocked(const HoldRecord& hold, int64_t now) {
  Transaction tx(store_.db());
  // finishHold only moves an 'active' hold, so a hold's stock comes back exactly once however many
  // sweeps, reads or checkouts race to expire it.
  if (!store_.finishHold(hold.id, HoldStatus::Expired, now)) return false;
  SqliteAnalytics::insertHoldFate(store_.db(), hold.id, "expired", now, rolledUntil_);
  std::map<std::string, StockLevel> levels;
  appendEvents(holdEventsLocked("hold.expired", hold, levels, false), now);
  tx.commit();
  inventory_.applyRelease(hold.allocations);
  activeHolds_.fetch_sub(1);
  return true;
}

HoldOutcome SqliteStorage::readHold(const std::string& id) {
  WriteLock lock(*this);
  auto hold = store_.loadHold(id);
  if (!hold) return {};
  HoldOutcome outcome{true, false, false, std::move(*hold)};
  // Report an overdue hold as expired even if the sweeper has not reached it yet.
  int64_t now = clock_.nowMillis();
  if (outcome.hold.status == HoldStatus::Active && outcome.hold.expiresAt <= now && expireLocked(outcome.hold, now)) {
    outcome.hold.status = HoldStatus::Expired;
    outcome.expiredNow = true;
  }
  return outcome;
}

HoldOutcome SqliteStorage::extendHold(const std::string& id, int64_t ttlMillis, int64_t maxClientExtensionMillis) {
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  auto hold = store_.loadHold(id);
  if (!hold) return {};
  HoldOutcome outcome{true, false, false, std::move(*hold)};
  if (outcome.hold.status == HoldStatus::Active && outcome.hold.expiresAt <= now) {
    outcome.expiredNow = expireLocked(outcome.hold, now);
    outcome.hold.status = HoldStatus::Expired;
    return outcome;
  }
  if (outcome.hold.status != HoldStatus::Active) return outcome;
  // Only pushing the expiry out counts against the owner's budget; shortening it is always allowed.
  const int64_t granted = std::max<int64_t>(0, now + ttlMillis - outcome.hold.expiresAt);
  if (granted > 0 && maxClientExtensionMillis > 0 && !outcome.hold.clientKey.empty()) {
    const int64_t used = store_.clientExtensionMillis(outcome.hold.clientKey, now);
    outcome.extensionLeftMillis = std::max<int64_t>(0, maxClientExtensionMillis - used);
    if (granted > outcome.extensionLeftMillis) {
      outcome.overLimit = true;
      return outcome;
    }
    outcome.extensionLeftMillis -= granted;
  }
  Transaction tx(store_.db());
  store_.extendHoldExpiry(id, now + ttlMillis, granted, now);
  tx.commit();
  outcome.hold.extendedMillis += granted;
  outcome.hold.expiresAt = now + ttlMillis;
  outcome.hold.updatedAt = now;
  outcome.changed = true;
  return outcome;
}

HoldOutcome SqliteStorage::releaseHold(const std::string& id) {
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  auto hold = store_.loadHold(id);
  if (!hold) return {};
  HoldOutcome outcome{true, false, false, std::move(*hold)};
  if (outcome.hold.status == HoldStatus::Active && outcome.hold.expiresAt <= now) {
    outcome.expiredNow = expireLocked(outcome.hold, now);
    outcome.hold.status = HoldStatus::Expired;
  }
  if (outcome.hold.status != HoldStatus::Active) return outcome;
  Transaction tx(store_.db());
  if (!store_.finishHold(id, HoldStatus::Released, now)) return outcome;
  SqliteAnalytics::insertHoldFate(store_.db(), id, "released", now, rolledUntil_);
  std::map<std::string, StockLevel> levels;
  appendEvents(holdEventsLocked("hold.released", outcome.hold, levels, false), now);
  tx.commit();
  inventory_.applyRelease(outcome.hold.allocations);
  activeHolds_.fetch_sub(1);
  outcome.hold.status = HoldStatus::Released;
  outcome.changed = true;
  return outcome;
}

int SqliteStorage::expireDueHolds() {
  constexpr int kBatch = 256;  // one short transaction per batch, so the write lock is never held for long
  int expired = 0;
  for (;;) {
    WriteLock lock(*this);
    int64_t now = clock_.nowMillis();
    std::vector<std::string> due = store_.holdsDueForExpiry(now, kBatch);
    if (due.empty()) break;
    std::vector<HoldRecord> holds;
    for (const auto& id : due)
      if (auto hold = store_.loadHold(id)) holds.push_back(std::move(*hold));
    Transaction tx(store_.db());
    std::vector<Allocation> returned;
    std::map<std::string, StockLevel> levels;  // carried through the batch: each hold's events see the ones before
    int batch = 0;
    for (const auto& hold : holds) {
      if (!store_.finishHold(hold.id, HoldStatus::Expired, now)) continue;
      SqliteAnalytics::insertHoldFate(store_.db(), hold.id, "expired", now, rolledUntil_);
      appendEvents(holdEventsLocked("hold.expired", hold, levels, false), now);
      returned.insert(returned.end(), hold.allocations.begin(), hold.allocations.end());
      ++batch;
    }
    tx.commit();
    inventory_.applyRelease(returned);
    activeHolds_.fetch_sub(batch);
    expired += batch;
    if (due.size() < kBatch) break;
  }
  return expired;
}

// ---- WooCommerce sync state ----

std::map<std::string, int64_t> SqliteStorage::wooDeliveredSeqs(const std::string& endpoint,
                                                               const std::vector<std::string>& variants) {
  WriteLock lock(*this);
  std::map<std::string, int64_t> seqs;
  for (const auto& variant : variants)
    if (auto seq = store_.wooDeliveredSeq(endpoint, variant)) seqs[variant] = *seq;
  return seqs;
}

void SqliteStorage::noteWooSent(const std::vector<WooPush>& pushes) {
  if (pushes.empty()) return;
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  Transaction tx(store_.db());
  for (const auto& push : pushes) store_.recordWooKnown(push.productId, push.variationId, push.quantity, now);
  tx.commit();
}

void SqliteStorage::recordWooDelivered(const std::string& endpoint, const std::vector<WooPush>& pushes) {
  if (pushes.empty()) return;
  WriteLock lock(*this);
  Transaction tx(store_.db());
  for (const auto& push : pushes) store_.recordWooDelivered(endpoint, push.variant, push.partitionSeq);
  tx.commit();
}

WooKnownStock SqliteStorage::wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity,
                                           int64_t since) {
  WriteLock lock(*this);
  return store_.wooKnownStock(productId, variationId, quantity, since);
}

StockAdjusted SqliteStorage::applyWooStockEdit(const WooStockEdit& edit, const VariantFactsMap& facts) {
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  StockLevel level = inventory_.level(edit.variant);
  Transaction tx(store_.db());
  if (!store_.insertWooStockEdit(edit.key, now)) return {false, level};
  store_.recordWooKnown(edit.productId, edit.variationId, edit.quantity, now);
  StockUpdate update;
  update.variant = edit.variant;
  // The merchant set WooCommerce's count; units sold here since stay sold, so the result is clamped at 0.
  int64_t adjusted = 0;
  if (__builtin_add_overflow(level.onHand, edit.delta, &adjusted)) adjusted = edit.delta < 0 ? 0 : edit.maxOnHand;
  update.onHand = std::clamp<int64_t>(adjusted, 0, edit.maxOnHand);
  auto updated = writeLevelsLocked({update}, edit.reason, facts, now);
  tx.commit();
  for (const auto& [id, after] : updated) inventory_.setLevel(id, after);
  return {true, updated[edit.variant]};
}

// ---- API keys ----

void SqliteStorage::insertApiKey(const ApiKeyRecord& key) {
  WriteLock lock(*this);
  Transaction tx(store_.db());
  store_.insertApiKey(key);
  tx.commit();
}

std::optional<ApiKeyRecord> SqliteStorage::findApiKey(const std::string& id) {
  WriteLock lock(*this);
  return store_.findApiKey(id);
}

std::vector<ApiKeyRecord> SqliteStorage::listApiKeys() {
  WriteLock lock(*this);
  return store_.listApiKeys();
}

bool SqliteStorage::revokeApiKey(const std::string& id, int64_t now) {
  WriteLock lock(*this);
  Transaction tx(store_.db());
  bool revoked = store_.revokeApiKey(id, now);
  tx.commit();
  return revoked;
}

// ---- Checkout and orders ----

CheckoutCheck SqliteStorage::checkLocked(const std::string& holdId, const std::string& idempotencyKey,
                                         const std::string& requestHash, int64_t now) {
  CheckoutCheck check;
  if (!idempotencyKey.empty()) {
    if (auto previous = store_.findIdempotency(idempotencyKey)) {
      if (previous->requestHash != requestHash) {
        check.verdict = CheckoutVerdict::KeyReused;
        return check;
      }
      check.verdict = CheckoutVerdict::Replay;
      check.replayStatus = previous->status;
      check.replayBody = previous->responseBody;
      return check;
    }
  }
  auto hold = store_.loadHold(holdId);
  if (!hold) {
    check.verdict = CheckoutVerdict::HoldNotFound;
    return check;
  }
  check.hold = std::move(*hold);
  if (check.hold.status == HoldStatus::Active && check.hold.expiresAt <= now) {
    check.expiredNow = expireLocked(check.hold, now);
    check.hold.status = HoldStatus::Expired;
  }
  switch (check.hold.status) {
    case HoldStatus::Active: check.verdict = CheckoutVerdict::Proceed; break;
    case HoldStatus::Committed: check.verdict = CheckoutVerdict::HoldAlreadyOrdered; break;
    case HoldStatus::Expired: check.verdict = CheckoutVerdict::HoldExpired; break;
    case HoldStatus::Released: check.verdict = CheckoutVerdict::HoldNotActive; break;
  }
  return check;
}

CheckoutCheck SqliteStorage::checkCheckout(const std::string& holdId, const std::string& idempotencyKey,
                                           const std::string& requestHash) {
  WriteLock lock(*this);
  return checkLocked(holdId, idempotencyKey, requestHash, clock_.nowMillis());
}

CheckoutCheck SqliteStorage::commitCheckout(const CheckoutCommit& commit, const VariantFactsMap& facts) {
  WriteLock lock(*this);
  int64_t now = clock_.nowMillis();
  // Another request may have used this key or moved this hold since it was priced: check again under the lock.
  CheckoutCheck check = checkLocked(commit.holdId, commit.idempotencyKey, commit.requestHash, now);
  if (check.verdict != CheckoutVerdict::Proceed) return check;
  const HoldRecord& hold = check.hold;
  // One transaction: stock, hold, order, events and the idempotency record commit together or not at all.
  Transaction tx(store_.db());
  std::map<std::string, int64_t> sold;
  for (const auto& a : hold.allocations) sold[a.variant] += a.quantity;
  std::map<std::string, StockLevel> before;
  for (const auto& [variant, quantity] : sold) {
    before[variant] = inventory_.level(variant);
    if (!store_.decrementOnHand(variant, quantity, now)) {
      // Only reachable if an ERP correction lowered stock under live holds: refuse rather than go negative.
      check.verdict = CheckoutVerdict::InsufficientStock;
      check.shortage = {variant, quantity, before[variant].onHand};
      return check;
    }
  }
  for (const auto& a : hold.allocations)
    if (!a.pool.empty()) store_.consumeReserve(a.variant, a.pool, a.quantity);
  if (!store_.finishHold(commit.holdId, HoldStatus::Committed, now, commit.order.id)) {
    check.verdict = CheckoutVerdict::HoldNotActive;
    return check;
  }
  store_.insertOrder(commit.order);
  if (commit.analytics.recorded)
    SqliteAnalytics::insertOrderFacts(store_.db(), commit.order.id, commit.order.createdAt, commit.analytics,
                                      rolledUntil_);
  std::map<std::string, StockLevel> after = before;
  for (const auto& a : hold.allocations) sellHeld(after[a.variant], a);
  for (const auto& [variant, quantity] : sold)
    appendEvents(stockChangeEvents(variant, factsOf(facts, variant), before[variant], after[variant],
                                   "order " + commit.order.id),
                 now);
  appendEvents({orderCommittedEvent(commit.order.orderJson)}, now);
  if (!commit.idempotencyKey.empty())
    store_.insertIdempotency(commit.idempotencyKey, {commit.requestHash, 200, commit.responseBody}, now);
  tx.commit();
  inventory_.applyCommit(hold.allocations);
  activeHolds_.fetch_sub(1);
  return check;
}

std::optional<OrderRecord> SqliteStorage::loadOrder(const std::string& id) {
  WriteLock lock(*this);
  return store_.loadOrder(id);
}

std::vector<OrderRecord> SqliteStorage::listOrders(int64_t after, int limit, int64_t& next) {
  WriteLock lock(*this);
  return store_.listOrders(after, limit, next);
}

// ---- Events and delivery ----

std::vector<OutboxEvent> SqliteStorage::listEvents(int64_t afterSeq, int limit) {
  WriteLock lock(*this);
  return store_.listEvents(afterSeq, limit);
}

std::vector<PendingDelivery> SqliteStorage::claimDeliveries(const std::string& endpoint, int maxPartitions,
                                                            int perPartition) {
  std::lock_guard lock(readerMutex_);
  std::string& cursor = deliveryCursor_[endpoint];
  std::vector<std::string> partitions = reader_.partitionsAfter(endpoint, cursor, maxPartitions);
  if (static_cast<int>(partitions.size()) < maxPartitions && !cursor.empty()) {
    // Wrapped around: continue from the first partition, up to the one this round started after.
    for (auto& key : reader_.partitionsAfter(endpoint, "", maxPartitions - static_cast<int>(partitions.size())))
      if (key <= cursor) partitions.push_back(std::move(key));
  }
  cursor = partitions.empty() ? std::string() : partitions.back();
  std::vector<PendingDelivery> due;
  int64_t now = ServerClock::wallMillis();
  for (const auto& partition : partitions)
    for (auto& delivery : reader_.run(endpoint, partition, now, perPartition)) due.push_back(std::move(delivery));
  return due;
}

void SqliteStorage::recordDeliveries(const std::string& endpoint, const std::vector<DeliveryResult>& results) {
  if (results.empty()) return;
  WriteLock lock(*this);  // one short transaction for the whole batch
  int64_t now = ServerClock::wallMillis();
  Transaction tx(store_.db());
  for (const auto& result : results) {
    if (result.delivered)
      store_.deleteDelivery(endpoint, result.seq);
    else
      store_.markFailed(endpoint, result.seq, now + result.retryAfterMillis, result.error);
  }
  tx.commit();
}

int64_t SqliteStorage::resumeDeliveries() {
  int64_t retired = 0;
  for (;;) {  // in small batches: a long-gone endpoint may have a large backlog
    WriteLock lock(*this);
    Transaction tx(store_.db());
    if (retired == 0) store_.retryPendingNow();
    int64_t batch = store_.retireDeliveries(endpoints_, 1000);
    tx.commit();
    retired += batch;
    if (batch < 1000) return retired;
  }
}

// ---- Housekeeping ----

int64_t SqliteStorage::purgeBefore(int64_t cutoff) {
  int64_t total = 0;
  for (;;) {  // small batches, so the write lock is never held for long
    WriteLock lock(*this);
    Transaction tx(store_.db());
    int64_t deleted = store_.purgeBefore(cutoff, 500);
    tx.commit();
    total += deleted;
    if (deleted == 0) return total;
  }
}

StorageGauges SqliteStorage::gauges() {
  // No write lock: holds and units from the mirror, the backlog from the reader connection.
  StorageGauges gauges;
  for (const auto& [variant, level] : inventory_.all()) gauges.unitsHeld += level.held();
  gauges.activeHolds = activeHolds_.load();
  std::pair<int64_t, int64_t> backlog;
  {
    std::lock_guard lock(readerMutex_);
    backlog = reader_.backlog();
  }
  gauges.outboxPending = backlog.first;
  gauges.outboxLagMillis = backlog.second == 0 ? 0 : clock_.nowMillis() - backlog.second;
  return gauges;
}

void SqliteStorage::recoverAfterFailure() {
  // The safety net after an unexpected failure between COMMIT and the mirror update: reload the committed truth.
  WriteLock lock(*this);
  inventory_.replaceAll(store_.loadStock());
  activeHolds_ = store_.activeHoldCount();
}

}  // namespace cartcore::server
