// SPDX-License-Identifier: MIT
// The Storage interface on PostgreSQL: one call per operation into the server-side functions of pg_schema.cpp.
#include "pg_storage.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "pg_analytics.hpp"
#include "pg_schema.hpp"
#include "util.hpp"

namespace cartcore::server {

namespace {

using nlohmann::json;

constexpr int64_t kConfigLockKey = 0x63617274636f7266;  // serializes "insert the first config version"
constexpr int kPurgeBatch = 500;

constexpr const char* kHoldColumns =
    "SELECT h.id, h.status, h.cart_json, h.quote_json, h.quote_digest, h.created_at, h.expires_at, h.updated_at, "
    "COALESCE(h.order_id, ''), (SELECT COALESCE(jsonb_agg(jsonb_build_array(l.variant, l.pool, l.quantity)), "
    "'[]'::jsonb)::text FROM hold_lines l WHERE l.hold_id = h.id), h.client_key, h.extended_ms "
    "FROM holds h WHERE h.id = $1";

constexpr const char* kOrderColumns =
    "SELECT o.id, o.hold_id, o.idempotency_key, o.currency, o.total_minor, o.quote_digest, o.quote_json, "
    "o.created_at, o.order_json, o.position FROM orders o";

std::vector<Allocation> parseAllocations(const std::string& text) {
  std::vector<Allocation> allocations;
  auto parsed = json::parse(text, nullptr, false);
  if (!parsed.is_array()) return allocations;
  for (const auto& line : parsed)
    allocations.push_back({line.at(0).get<std::string>(), line.at(1).get<std::string>(), line.at(2).get<int64_t>()});
  std::sort(allocations.begin(), allocations.end(), [](const Allocation& a, const Allocation& b) {
    return std::tie(a.variant, a.pool) < std::tie(b.variant, b.pool);
  });
  return allocations;
}

std::vector<Shortage> parseShortages(const std::string& detail) {
  std::vector<Shortage> shortages;
  auto parsed = json::parse(detail, nullptr, false);
  if (parsed.is_object()) parsed = json::array({parsed});
  if (!parsed.is_array()) return shortages;
  for (const auto& s : parsed)
    shortages.push_back({s.at("variant").get<std::string>(), s.at("requested").get<int64_t>(),
                         s.at("available").get<int64_t>()});
  return shortages;
}

OrderRecord readOrder(const PgResult& r, int row) {
  OrderRecord order;
  order.id = r.text(row, 0);
  order.holdId = r.text(row, 1);
  if (!r.isNull(row, 2)) order.idempotencyKey = r.text(row, 2);
  order.currency = r.text(row, 3);
  order.totalMinor = r.int64(row, 4);
  order.quoteDigest = r.text(row, 5);
  order.quoteJson = r.text(row, 6);
  order.createdAt = r.int64(row, 7);
  order.orderJson = r.text(row, 8);
  return order;
}

void readOrderLines(PgConnection& connection, std::vector<OrderRecord>& orders) {
  if (orders.empty()) return;
  std::vector<std::string> ids;
  for (const auto& order : orders) ids.push_back(order.id);
  PgResult lines = connection.query(
      "SELECT order_id, line_id, variant, sku, quantity, total_minor FROM order_lines WHERE order_id = ANY ($1) "
      "ORDER BY order_id, line_id COLLATE \"C\"",
      PgParams().addArray(ids));
  std::map<std::string, OrderRecord*> byId;
  for (auto& order : orders) byId[order.id] = &order;
  for (int i = 0; i < lines.rows(); ++i)
    byId[lines.text(i, 0)]->lines.push_back(
        {lines.text(i, 1), lines.text(i, 2), lines.text(i, 3), lines.int64(i, 4), lines.int64(i, 5)});
}

/** The facts of these variants as parallel arrays, for the events the database writes. */
struct FactArrays {
  std::vector<std::string> variants, skus, products;
  std::vector<std::optional<int64_t>> lows;
};

std::string lowsLiteral(const std::vector<std::optional<int64_t>>& lows) {
  std::string literal = "{";
  for (std::size_t i = 0; i < lows.size(); ++i) {
    if (i) literal += ',';
    literal += lows[i] ? std::to_string(*lows[i]) : "NULL";
  }
  return literal + "}";
}

}  // namespace

PgStorage::PgStorage(const PgOptions& options, ServerClock& clock, std::vector<std::string> endpoints)
    : pool_(options.url, options.connections),
      clock_(clock),
      endpoints_(std::move(endpoints)),
      durableHolds_(options.durableHolds),
      owner_(randomId("instance_")) {
  {
    auto connection = pool_.acquire();
    migratePostgres(*connection);
  }
  cache_ = std::make_unique<PgStockCache>(options.url, options.cacheFullRefreshMillis);
}

PgStorage::PgStorage(KeysOnly, const std::string& url, ServerClock& clock)
    : pool_(url, 1), clock_(clock), durableHolds_(false), owner_(randomId("keys_")) {
  auto connection = pool_.acquire();
  migratePostgres(*connection);
}

std::unique_ptr<PgStorage> PgStorage::openForKeyManagement(const std::string& url, ServerClock& clock) {
  return std::unique_ptr<PgStorage>(new PgStorage(KeysOnly{}, url, clock));
}

PgStorage::~PgStorage() = default;

void PgStorage::makeDurable(PgConnection& connection) { connection.query("SELECT cartcore_flush()"); }

// ---- Config ----

std::optional<ConfigRecord> PgStorage::activeConfig() {
  auto connection = pool_.acquire();
  PgResult r = connection->query(
      "SELECT version, config_json, config_digest, created_at FROM config_versions ORDER BY version DESC LIMIT 1");
  if (r.rows() == 0) return std::nullopt;
  return ConfigRecord{r.int64(0, 0), r.text(0, 1), r.text(0, 2), r.int64(0, 3)};
}

int64_t PgStorage::activeConfigVersion() {
  auto connection = pool_.acquire();
  return connection->query("SELECT COALESCE(max(version), 0) FROM config_versions").int64(0, 0);
}

ConfigRecord PgStorage::insertConfig(const std::string& json, const std::string& digest, int64_t now) {
  auto connection = pool_.acquire();
  PgTransaction tx(*connection);
  int64_t version = insertConfigLocked(*connection, json, digest, now);
  tx.commit();
  return ConfigRecord{version, json, digest, now};
}

int64_t PgStorage::insertConfigLocked(PgConnection& connection, const std::string& json, const std::string& digest,
                                      int64_t now) {
  PgResult r = connection.query(
      "INSERT INTO config_versions (config_json, config_digest, created_at) VALUES ($1, $2, $3) RETURNING version",
      PgParams().add(json).add(digest).add(now));
  int64_t version = r.int64(0, 0);
  NewEvent event = configActivatedEvent(version, digest);
  connection.query("SELECT cartcore_append_event($1, $2, $3, $4, $5)",
                   PgParams().add(event.type).add(event.partitionKey).add(event.payload).add(now).addArray(endpoints_));
  return version;
}

void PgStorage::recordVariantFacts(int64_t configVersion, const VariantFactsMap& facts) {
  std::vector<std::string> variants, skus, products;
  std::vector<std::optional<int64_t>> lows;
  for (const auto& [variant, fact] : facts) {
    variants.push_back(variant);
    skus.push_back(fact.sku);
    products.push_back(fact.productId);
    lows.push_back(fact.lowStockLevel);
  }
  auto connection = pool_.acquire();
  // Every instance records the version it runs; one that is behind changes nothing.
  connection->query(
      "INSERT INTO variant_facts AS f (variant, sku, product_id, low_stock_level, config_version) "
      "SELECT u.v, u.s, u.p, u.l, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(v, s, p, l) "
      "ON CONFLICT (variant) DO UPDATE SET sku = excluded.sku, product_id = excluded.product_id, "
      "low_stock_level = excluded.low_stock_level, config_version = excluded.config_version "
      "WHERE f.config_version < excluded.config_version",
      PgParams().addArray(variants).addArray(skus).addArray(products).add(lowsLiteral(lows)).add(configVersion));
}

ConfigRecord PgStorage::ensureConfig(const std::string& json, const std::string& digest, int64_t now,
                                     bool& firstVersion) {
  auto connection = pool_.acquire();
  PgTransaction tx(*connection);
  // Instances starting together on an empty database: the lock makes exactly one of them create version 1.
  connection->query("SELECT pg_advisory_xact_lock($1)", PgParams().add(kConfigLockKey));
  PgResult latest = connection->query(
      "SELECT version, config_json, config_digest, created_at FROM config_versions ORDER BY version DESC LIMIT 1");
  firstVersion = latest.rows() == 0;
  if (!firstVersion && latest.text(0, 2) == digest)
    return ConfigRecord{latest.int64(0, 0), latest.text(0, 1), latest.text(0, 2), latest.int64(0, 3)};
  int64_t version = insertConfigLocked(*connection, json, digest, now);
  tx.commit();
  return ConfigRecord{version, json, digest, now};
}

// ---- Stock ----

std::map<std::string, int64_t> PgStorage::availability(const std::vector<std::string>& variants,
                                                       const std::vector<std::string>& segments,
                                                       const std::vector<Allocation>& ownHold) {
  return cache_->snapshot(variants, segments, ownHold);
}

std::map<std::string, StockLevel> PgStorage::readLevels(PgConnection& connection,
                                                        const std::vector<std::string>& variants) {
  std::string text = connection.query("SELECT cartcore_levels($1)", PgParams().addArray(variants)).text(0, 0);
  cache_->apply(text);
  std::map<std::string, StockLevel> levels;
  for (auto& entry : parseLevels(text)) levels[entry.variant] = std::move(entry.level);
  return levels;
}

StockLevel PgStorage::stockLevel(const std::string& variant) {
  auto connection = pool_.acquire();
  auto levels = readLevels(*connection, {variant});
  return levels.count(variant) ? levels[variant] : StockLevel{};
}

std::map<std::string, StockLevel> PgStorage::stockLevels() {
  auto connection = pool_.acquire();
  std::string text = connection->query("SELECT cartcore_levels(ARRAY(SELECT variant FROM stock))").text(0, 0);
  std::map<std::string, StockLevel> levels;
  for (auto& entry : parseLevels(text)) levels[entry.variant] = std::move(entry.level);
  return levels;
}

std::map<std::string, StockLevel> PgStorage::updateStock(const std::vector<StockUpdate>& updates,
                                                         const std::string& reason, const VariantFactsMap& facts) {
  auto connection = pool_.acquire();
  std::vector<StockUpdate> sorted = updates;  // rows are locked in byte order, as everywhere else
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.variant < b.variant; });
  std::vector<std::string> variants;
  PgTransaction tx(*connection);
  for (const auto& update : sorted) {
    VariantFacts fact = factsOf(facts, update.variant);
    std::vector<std::string> segments;
    std::vector<int64_t> reserved;
    if (update.reserved)
      for (const auto& [segment, units] : *update.reserved) {
        segments.push_back(segment);
        reserved.push_back(units);
      }
    PgParams params;
    params.add(update.variant).add(update.onHand);
    params.add(update.lowStockLevel.has_value()).add(update.lowStockLevel.value_or(std::nullopt));
    params.add(update.wooProductId.has_value()).add(update.wooProductId.value_or(std::nullopt));
    params.add(update.wooVariationId.has_value()).add(update.wooVariationId.value_or(std::nullopt));
    params.add(update.reserved.has_value()).addArray(segments).addArray(reserved);
    params.add(reason).add(fact.sku).add(fact.productId).add(fact.lowStockLevel).addArray(endpoints_).add(offset());
    connection->query(
        "SELECT cartcore_set_stock($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        params);
    variants.push_back(update.variant);
  }
  std::string text = connection->query("SELECT cartcore_levels($1)", PgParams().addArray(variants)).text(0, 0);
  tx.commit();
  makeDurable(*connection);
  cache_->apply(text);
  std::map<std::string, StockLevel> levels;
  for (auto& entry : parseLevels(text)) levels[entry.variant] = std::move(entry.level);
  return levels;
}

StockAdjusted PgStorage::adjustStock(const std::string& variant, int64_t delta, int64_t maxOnHand,
                                     const std::string& reason, const VariantFactsMap& facts) {
  auto connection = pool_.acquire();
  VariantFacts fact = factsOf(facts, variant);
  bool applied = connection
                     ->query("SELECT cartcore_adjust_stock($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                             PgParams()
                                 .add(variant)
                                 .add(delta)
                                 .add(maxOnHand)
                                 .add(reason)
                                 .add(fact.sku)
                                 .add(fact.productId)
                                 .add(fact.lowStockLevel)
                                 .addArray(endpoints_)
                                 .add(offset()))
                     .boolean(0, 0);
  if (applied) makeDurable(*connection);
  auto levels = readLevels(*connection, {variant});
  return {applied, levels.count(variant) ? levels[variant] : StockLevel{}};
}

// ---- Holds ----

std::optional<HoldRecord> PgStorage::loadHold(PgConnection& connection, const std::string& id) {
  PgResult r = connection.query(kHoldColumns, PgParams().add(id));
  if (r.rows() == 0) return std::nullopt;
  HoldRecord hold;
  hold.id = r.text(0, 0);
  hold.status = parseHoldStatus(r.text(0, 1));
  hold.cartJson = r.text(0, 2);
  hold.quoteJson = r.text(0, 3);
  hold.quoteDigest = r.text(0, 4);
  hold.createdAt = r.int64(0, 5);
  hold.expiresAt = r.int64(0, 6);
  hold.updatedAt = r.int64(0, 7);
  hold.orderId = r.text(0, 8);
  hold.allocations = parseAllocations(r.text(0, 9));
  hold.clientKey = r.text(0, 10);
  hold.extendedMillis = r.int64(0, 11);
  return hold;
}

HoldPlaced PgStorage::placeHold(const HoldRequest& request) {
  HoldPlaced result;
  std::vector<std::string> segments = request.segments;
  std::sort(segments.begin(), segments.end());
  segments.erase(std::unique(segments.begin(), segments.end()), segments.end());
  std::vector<std::string> variants;
  std::vector<int64_t> quantities;
  for (const auto& [variant, quantity] : request.demand) {
    variants.push_back(variant);
    quantities.push_back(quantity);
  }
  // A quick refusal when this instance's copy says a line is sold out: no database round trip for the crowd that
  // keeps pressing "buy" after the last unit went. The copy lags the database by the cache's staleness bound, so
  // this can refuse a unit released a moment ago, but it never grants one: only the database does that.
  // (So on PostgreSQL a sold-out line is refused before the client's limits are counted.)
  auto cached = cache_->snapshot(variants, segments, {});
  for (std::size_t i = 0; i < variants.size(); ++i)
    if (cached[variants[i]] == 0) result.shortages.push_back({variants[i], quantities[i], 0});
  if (!result.shortages.empty()) {
    result.refusal = HoldRefusal::InsufficientStock;
    return result;
  }

  std::vector<std::string> limitVariants;
  std::vector<int64_t> limitValues;
  for (const auto& [variant, limit] : request.limits.purchaseLimits) {
    limitVariants.push_back(variant);
    limitValues.push_back(limit);
  }
  PgParams params;
  params.add(request.id)
      .add(request.cartJson)
      .add(request.quoteJson)
      .add(request.quoteDigest)
      .add(request.ttlMillis)
      .addArray(variants)
      .addArray(quantities)
      .addArray(segments)
      .add(request.clientKey)
      .add(request.limits.maxActiveHolds)
      .add(request.limits.maxUnitsPerVariant)
      .addArray(limitVariants)
      .addArray(limitValues)
      .add(request.limits.committedSince)
      .add(offset());
  const char* placeSql =
      "SELECT * FROM cartcore_place_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
  if (!request.pricedFor.empty()) {
    // Priced for some availability: the database checks it in the step that takes the units (PostgreSQL migration 4).
    std::vector<std::string> pricedVariants;
    std::vector<int64_t> pricedMin, pricedMax;
    for (const auto& [variant, range] : request.pricedFor) {
      pricedVariants.push_back(variant);
      pricedMin.push_back(range.atLeast);
      pricedMax.push_back(range.atMost);
    }
    params.addArray(pricedVariants).addArray(pricedMin).addArray(pricedMax);
    placeSql =
        "SELECT * FROM cartcore_place_priced_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "$16, $17, $18)";
  }
  auto connection = pool_.acquire();
  try {
    PgResult r = connection->query(placeSql, params);
    if (!r.isNull(0, 4)) {
      std::string refusal = r.text(0, 4);
      if (refusal == "priced_stock_moved") {
        cache_->apply(r.text(0, 3));  // so the next pricing reads what the database just saw
        result.refusal = HoldRefusal::PricedStockMoved;
        return result;
      }
      result.refusal = refusal == "too_many_holds"       ? HoldRefusal::TooManyHolds
                       : refusal == "variant_unit_limit" ? HoldRefusal::VariantUnitLimit
                                                         : HoldRefusal::PurchaseLimit;
      result.limitVariant = r.isNull(0, 5) ? std::string() : r.text(0, 5);
      result.limit = r.int64(0, 6);
      result.current = r.int64(0, 7);
      return result;
    }
    HoldRecord& hold = result.hold;
    hold.clientKey = request.clientKey;
    hold.id = request.id;
    hold.cartJson = request.cartJson;
    hold.quoteJson = request.quoteJson;
    hold.quoteDigest = request.quoteDigest;
    hold.allocations = parseAllocations(r.text(0, 0));
    hold.createdAt = r.int64(0, 1);
    hold.updatedAt = hold.createdAt;
    hold.expiresAt = r.int64(0, 2);
    cache_->apply(r.text(0, 3));
    if (durableHolds_) makeDurable(*connection);
    result.placed = true;
  } catch (const PgError& e) {
    if (e.sqlstate() != "CC001") throw;
    result.refusal = HoldRefusal::InsufficientStock;
    result.shortages = parseShortages(e.detail());
  }
  return result;
}

HoldOutcome PgStorage::afterHoldChange(PgConnection& connection, const std::string& id, const std::string& change) {
  auto hold = loadHold(connection, id);
  if (!hold) return {};
  HoldOutcome outcome{true, change == "released" || change == "extended", change == "expired_now", std::move(*hold)};
  if ((outcome.changed || outcome.expiredNow) && durableHolds_) makeDurable(connection);
  if (outcome.changed || outcome.expiredNow) readLevels(connection, [&] {
      std::vector<std::string> variants;
      for (const auto& a : outcome.hold.allocations) variants.push_back(a.variant);
      return variants;
    }());
  return outcome;
}

HoldOutcome PgStorage::readHold(const std::string& id) {
  auto connection = pool_.acquire();
  bool expired =
      connection->query("SELECT cartcore_expire_hold($1, $2)", PgParams().add(id).add(offset())).boolean(0, 0);
  return afterHoldChange(*connection, id, expired ? "expired_now" : "unchanged");
}

HoldOutcome PgStorage::extendHold(const std::string& id, int64_t ttlMillis, int64_t maxClientExtensionMillis) {
  auto connection = pool_.acquire();
  PgResult r = connection->query("SELECT * FROM cartcore_extend_hold($1, $2, $3, $4)",
                                 PgParams().add(id).add(ttlMillis).add(maxClientExtensionMillis).add(offset()));
  HoldOutcome outcome = afterHoldChange(*connection, id, r.text(0, 0));
  outcome.overLimit = r.text(0, 0) == "over_limit";
  outcome.extensionLeftMillis = r.int64(0, 1);
  return outcome;
}

HoldOutcome PgStorage::releaseHold(const std::string& id) {
  auto connection = pool_.acquire();
  std::string change =
      connection->query("SELECT cartcore_release_hold($1, $2)", PgParams().add(id).add(offset())).text(0, 0);
  return afterHoldChange(*connection, id, change);
}

int PgStorage::expireDueHolds() {
  constexpr int kBatch = 256;
  auto connection = pool_.acquire();
  int expired = 0;
  for (;;) {
    int batch = static_cast<int>(
        connection->query("SELECT cartcore_expire_due($1, $2)", PgParams().add(kBatch).add(offset())).int64(0, 0));
    expired += batch;
    if (batch < kBatch) break;
  }
  if (expired > 0 && durableHolds_) makeDurable(*connection);
  return expired;
}

// ---- Checkout and orders ----

CheckoutCheck PgStorage::holdVerdict(PgConnection& connection, const std::string& holdId, bool expiredNow) {
  CheckoutCheck check;
  check.expiredNow = expiredNow;
  auto hold = loadHold(connection, holdId);
  if (!hold) {
    check.verdict = CheckoutVerdict::HoldNotFound;
    return check;
  }
  check.hold = std::move(*hold);
  switch (check.hold.status) {
    case HoldStatus::Active: check.verdict = CheckoutVerdict::Proceed; break;
    case HoldStatus::Committed:
      // Naming an order to the client is a promise that it exists: make it durable first.
      makeDurable(connection);
      check.verdict = CheckoutVerdict::HoldAlreadyOrdered;
      break;
    case HoldStatus::Expired: check.verdict = CheckoutVerdict::HoldExpired; break;
    case HoldStatus::Released: check.verdict = CheckoutVerdict::HoldNotActive; break;
  }
  return check;
}

std::optional<CheckoutCheck> PgStorage::findIdempotency(PgConnection& connection, const std::string& key,
                                                        const std::string& requestHash) {
  if (key.empty()) return std::nullopt;
  PgResult r = connection.query("SELECT request_hash, status, response_body FROM idempotency_keys WHERE key = $1",
                                PgParams().add(key));
  if (r.rows() == 0) return std::nullopt;
  CheckoutCheck check;
  if (r.text(0, 0) != requestHash) {
    check.verdict = CheckoutVerdict::KeyReused;
    return check;
  }
  makeDurable(connection);  // the order this replays may have committed a moment ago
  check.verdict = CheckoutVerdict::Replay;
  check.replayStatus = static_cast<int>(r.int64(0, 1));
  check.replayBody = r.text(0, 2);
  return check;
}

CheckoutCheck PgStorage::checkCheckout(const std::string& holdId, const std::string& idempotencyKey,
                                       const std::string& requestHash) {
  auto connection = pool_.acquire();
  if (auto replay = findIdempotency(*connection, idempotencyKey, requestHash)) return *replay;
  bool expired =
      connection->query("SELECT cartcore_expire_hold($1, $2)", PgParams().add(holdId).add(offset())).boolean(0, 0);
  CheckoutCheck check = holdVerdict(*connection, holdId, expired);
  // A request with the same key may have committed this hold since the key was looked up: its answer wins.
  if (check.verdict == CheckoutVerdict::HoldAlreadyOrdered)
    if (auto replay = findIdempotency(*connection, idempotencyKey, requestHash)) return *replay;
  if (expired) {
    if (durableHolds_) makeDurable(*connection);
    std::vector<std::string> variants;
    for (const auto& a : check.hold.allocations) variants.push_back(a.variant);
    readLevels(*connection, variants);
  }
  return check;
}

CheckoutCheck PgStorage::commitCheckout(const CheckoutCommit& commit, const VariantFactsMap& facts) {
  const OrderRecord& order = commit.order;
  std::vector<std::string> lineIds, lineVariants, lineSkus;
  std::vector<int64_t> lineQuantities, lineTotals;
  FactArrays fact;
  std::set<std::string> seen;
  for (const auto& line : order.lines) {
    lineIds.push_back(line.lineId);
    lineVariants.push_back(line.variant);
    lineSkus.push_back(line.sku);
    lineQuantities.push_back(line.quantity);
    lineTotals.push_back(line.totalMinor);
    if (!seen.insert(line.variant).second) continue;
    VariantFacts f = factsOf(facts, line.variant);
    fact.variants.push_back(line.variant);
    fact.skus.push_back(f.sku);
    fact.products.push_back(f.productId);
    fact.lows.push_back(f.lowStockLevel);
  }
  PgParams params;
  params.add(commit.holdId).add(commit.idempotencyKey).add(commit.requestHash).add(commit.responseBody);
  params.add(order.id).add(order.currency).add(order.totalMinor).add(order.quoteDigest).add(order.quoteJson);
  params.add(order.orderJson).add(order.createdAt);
  params.addArray(lineIds).addArray(lineVariants).addArray(lineSkus).addArray(lineQuantities).addArray(lineTotals);
  params.addArray(fact.variants).addArray(fact.skus).addArray(fact.products).add(lowsLiteral(fact.lows));
  params.addArray(endpoints_).add(offset());
  if (commit.analytics.recorded)
    params.add(pgOrderFactsJson(commit.analytics));
  else
    params.addNull();

  auto connection = pool_.acquire();
  CheckoutCheck check;
  try {
    // cartcore_checkout plus the order's analytics facts, in one transaction (pg_analytics.cpp).
    PgResult r = connection->query(
        "SELECT * FROM cartcore_checkout_recorded($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "$16, $17, $18, $19, $20, $21, $22, $23)",
        params);
    std::string verdict = r.text(0, 0);
    if (verdict == "committed") {
      // Acknowledge only what is on disk: the checkout committed without waiting for the flush (so the hot stock
      // row's lock was never held across one); this barrier waits for it, sharing the flush with other checkouts.
      makeDurable(*connection);
      cache_->apply(r.text(0, 4));
      check.verdict = CheckoutVerdict::Proceed;
    } else if (verdict == "replay") {
      makeDurable(*connection);
      check.verdict = CheckoutVerdict::Replay;
      check.replayStatus = static_cast<int>(r.int64(0, 1));
      check.replayBody = r.text(0, 2);
    } else if (verdict == "key_reused") {
      check.verdict = CheckoutVerdict::KeyReused;
    } else {
      check = holdVerdict(*connection, commit.holdId, r.boolean(0, 3));
      if (check.verdict == CheckoutVerdict::Proceed) check.verdict = CheckoutVerdict::HoldNotActive;
    }
  } catch (const PgError& e) {
    if (e.sqlstate() == "CC001") {
      auto shortages = parseShortages(e.detail());
      check.verdict = CheckoutVerdict::InsufficientStock;
      if (!shortages.empty()) check.shortage = shortages.front();
      return check;
    }
    // Another checkout took this idempotency key for a different hold at the same moment: now it is visible.
    if (e.sqlstate() == "CC002" || e.sqlstate() == "23505")
      return checkCheckout(commit.holdId, commit.idempotencyKey, commit.requestHash);
    throw;
  }
  return check;
}

std::optional<OrderRecord> PgStorage::loadOrder(const std::string& id) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(std::string(kOrderColumns) + " WHERE o.id = $1", PgParams().add(id));
  if (r.rows() == 0) return std::nullopt;
  std::vector<OrderRecord> orders{readOrder(r, 0)};
  readOrderLines(*connection, orders);
  return orders.front();
}

std::vector<OrderRecord> PgStorage::listOrders(int64_t after, int limit, int64_t& next) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(std::string(kOrderColumns) + " WHERE o.position > $1 ORDER BY o.position LIMIT $2",
                                 PgParams().add(after).add(limit));
  std::vector<OrderRecord> orders;
  next = after;
  for (int i = 0; i < r.rows(); ++i) {
    orders.push_back(readOrder(r, i));
    next = r.int64(i, 9);
  }
  readOrderLines(*connection, orders);
  return orders;
}

// ---- Events and delivery ----

std::vector<OutboxEvent> PgStorage::listEvents(int64_t afterSeq, int limit) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(
      "SELECT seq, type, partition_key, payload, created_at, partition_seq FROM outbox WHERE seq > $1 "
      "ORDER BY seq LIMIT $2",
      PgParams().add(afterSeq).add(limit));
  std::vector<OutboxEvent> events;
  for (int i = 0; i < r.rows(); ++i)
    events.push_back({r.int64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.int64(i, 4), r.int64(i, 5)});
  return events;
}

std::vector<PendingDelivery> PgStorage::claimDeliveries(const std::string& endpoint, int maxPartitions,
                                                        int perPartition) {
  std::lock_guard lock(leaseMutex_);
  try {
    if (!leaseSession_ || !leaseSession_->healthy()) {
      leases_.clear();  // a new session holds no advisory lock
      leaseSession_ = std::make_unique<PgConnection>(pool_.conninfo());
    }
    PgConnection& session = *leaseSession_;
    // The partitions with pending deliveries, by an index skip-scan from where the last round stopped.
    std::string& cursor = deliveryCursor_[endpoint];
    constexpr const char* kPartitionsAfter =
        "WITH RECURSIVE keys(k, n) AS ("
        " SELECT (SELECT partition_key FROM pending_deliveries WHERE endpoint = $1 AND partition_key > $2"
        "         ORDER BY partition_key LIMIT 1), 1"
        " UNION ALL"
        " SELECT (SELECT partition_key FROM pending_deliveries WHERE endpoint = $1 AND partition_key > keys.k"
        "         ORDER BY partition_key LIMIT 1), n + 1 FROM keys WHERE keys.k IS NOT NULL AND n < $3)"
        " SELECT k, cartcore_bucket(k) FROM keys WHERE k IS NOT NULL";
    std::vector<std::pair<std::string, int64_t>> partitions;
    PgResult found = session.query(kPartitionsAfter, PgParams().add(endpoint).add(cursor).add(maxPartitions));
    for (int i = 0; i < found.rows(); ++i) partitions.emplace_back(found.text(i, 0), found.int64(i, 1));
    if (static_cast<int>(partitions.size()) < maxPartitions && !cursor.empty()) {
      PgResult wrapped = session.query(
          kPartitionsAfter,
          PgParams().add(endpoint).add("").add(maxPartitions - static_cast<int>(partitions.size())));
      for (int i = 0; i < wrapped.rows(); ++i)
        if (wrapped.text(i, 0) <= cursor) partitions.emplace_back(wrapped.text(i, 0), wrapped.int64(i, 1));
    }
    cursor = partitions.empty() ? std::string() : partitions.back().first;
    // Take every bucket with work that no live instance holds. The advisory lock lives as long as this session;
    // the fence, bumped on every take, lets the database refuse results from an owner that lost it meanwhile.
    std::vector<std::string> mine;
    for (const auto& [partition, bucket] : partitions) {
      if (!leases_.count({endpoint, bucket})) {
        if (!session
                 .query("SELECT pg_try_advisory_lock(hashtext($1), $2::integer)",
                        PgParams().add(endpoint).add(bucket))
                 .boolean(0, 0))
          continue;
        PgResult fence = session.query(
            "INSERT INTO delivery_leases AS l (endpoint, bucket, fence, owner) VALUES ($1, $2, 1, $3) "
            "ON CONFLICT (endpoint, bucket) DO UPDATE SET fence = l.fence + 1, owner = $3 RETURNING l.fence",
            PgParams().add(endpoint).add(bucket).add(owner_));
        leases_[{endpoint, bucket}] = fence.int64(0, 0);
      }
      mine.push_back(partition);
    }
    if (mine.empty()) return {};
    PgResult r = session.query(
        "SELECT d.partition_key, d.seq, d.attempts, d.next_attempt_at, o.type, o.payload, o.created_at, d.bucket, "
        "d.partition_seq, cartcore_now_ms(0) FROM unnest($2::text[]) AS k(key) CROSS JOIN LATERAL ("
        " SELECT * FROM pending_deliveries p WHERE p.endpoint = $1 AND p.partition_key = k.key"
        " ORDER BY p.partition_seq LIMIT $3) d JOIN outbox o ON o.seq = d.seq "
        "ORDER BY d.partition_key, d.partition_seq",
        PgParams().add(endpoint).addArray(mine).add(perPartition));
    std::vector<PendingDelivery> due;
    std::string partition;
    bool partitionDue = false;
    for (int i = 0; i < r.rows(); ++i) {
      if (i == 0 || r.text(i, 0) != partition) {
        partition = r.text(i, 0);
        partitionDue = r.int64(i, 3) <= r.int64(i, 9);  // the head decides: later events wait behind it
      }
      if (!partitionDue) continue;
      due.push_back({{r.int64(i, 1), r.text(i, 4), partition, r.text(i, 5), r.int64(i, 6), r.int64(i, 8)},
                     r.int64(i, 2),
                     leases_[{endpoint, r.int64(i, 7)}]});
    }
    // Never announce an event whose transaction could still be lost: wait until what was read is on disk.
    if (!due.empty()) makeDurable(session);
    return due;
  } catch (const PgError& e) {
    if (e.connectionLost()) {
      leases_.clear();
      leaseSession_.reset();
    }
    throw;
  }
}

void PgStorage::recordDeliveries(const std::string& endpoint, const std::vector<DeliveryResult>& results) {
  std::vector<int64_t> deliveredSeqs, deliveredFences, failedSeqs, failedFences, delays;
  std::vector<std::string> errors;
  for (const auto& result : results) {
    if (result.delivered) {
      deliveredSeqs.push_back(result.seq);
      deliveredFences.push_back(result.lease);
    } else {
      failedSeqs.push_back(result.seq);
      failedFences.push_back(result.lease);
      delays.push_back(result.retryAfterMillis);
      errors.push_back(result.error);
    }
  }
  auto connection = pool_.acquire();
  // Only while the fence is still ours: an instance that lost its lease cannot delete what another now delivers.
  int64_t changed = 0;
  if (!deliveredSeqs.empty())
    changed += connection
                   ->query(
                       "DELETE FROM pending_deliveries d USING delivery_leases l, unnest($2::bigint[], $3::bigint[]) "
                       "AS r(seq, fence) WHERE d.endpoint = $1 AND d.seq = r.seq AND l.endpoint = $1 "
                       "AND l.bucket = d.bucket AND l.fence = r.fence",
                       PgParams().add(endpoint).addArray(deliveredSeqs).addArray(deliveredFences))
                   .changed();
  if (!failedSeqs.empty())
    changed += connection
                   ->query(
                       "UPDATE pending_deliveries d SET attempts = d.attempts + 1, "
                       "next_attempt_at = cartcore_now_ms(0) + r.delay, last_error = r.error "
                       "FROM delivery_leases l, unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) "
                       "AS r(seq, fence, delay, error) WHERE d.endpoint = $1 AND d.seq = r.seq "
                       "AND l.endpoint = $1 AND l.bucket = d.bucket AND l.fence = r.fence",
                       PgParams().add(endpoint).addArray(failedSeqs).addArray(failedFences).addArray(delays).addArray(
                           errors))
                   .changed();
  if (changed < static_cast<int64_t>(results.size())) {
    // Some fence moved on: another instance owns those buckets now. Start over from a fresh session.
    std::lock_guard lock(leaseMutex_);
    leases_.clear();
    leaseSession_.reset();
  }
}

int64_t PgStorage::resumeDeliveries() {
  auto connection = pool_.acquire();
  // The endpoints the database's own functions write events for (holds, expiry by any instance's sweeper). Instances
  // starting together write the same list: no statement here can conflict with another's.
  connection->query("DELETE FROM event_endpoints WHERE NOT (endpoint = ANY ($1))", PgParams().addArray(endpoints_));
  connection->query("INSERT INTO event_endpoints SELECT DISTINCT unnest($1::text[]) ON CONFLICT DO NOTHING",
                    PgParams().addArray(endpoints_));
  connection->query("UPDATE pending_deliveries SET next_attempt_at = 0 WHERE next_attempt_at > 0");
  // Every instance must be configured with the same endpoints: one started without an endpoint retires its
  // deliveries for all of them.
  int64_t retired = 0;
  for (;;) {
    int64_t batch = connection
                        ->query("DELETE FROM pending_deliveries WHERE ctid IN (SELECT ctid FROM pending_deliveries "
                                "WHERE NOT (endpoint = ANY ($1)) LIMIT 1000)",
                                PgParams().addArray(endpoints_))
                        .changed();
    retired += batch;
    if (batch < 1000) return retired;
  }
}

// ---- WooCommerce sync state ----

std::map<std::string, int64_t> PgStorage::wooDeliveredSeqs(const std::string& endpoint,
                                                           const std::vector<std::string>& variants) {
  auto connection = pool_.acquire();
  PgResult r = connection->query("SELECT variant, partition_seq FROM woo_delivered WHERE endpoint = $1 AND variant = ANY ($2)",
                                 PgParams().add(endpoint).addArray(variants));
  std::map<std::string, int64_t> seqs;
  for (int i = 0; i < r.rows(); ++i) seqs[r.text(i, 0)] = r.int64(i, 1);
  return seqs;
}

void PgStorage::noteWooSent(const std::vector<WooPush>& pushes) {
  if (pushes.empty()) return;
  std::vector<int64_t> products, variations, quantities;
  for (const auto& push : pushes) {
    products.push_back(push.productId);
    variations.push_back(push.variationId.value_or(0));
    quantities.push_back(push.quantity);
  }
  auto connection = pool_.acquire();
  connection->query(
      "INSERT INTO woo_pushed AS w (product_id, variation_id, quantity, pushed_at) "
      "SELECT d.p, d.v, d.q, cartcore_now_ms($4) FROM (SELECT DISTINCT u.p, u.v, u.q FROM "
      "unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(p, v, q) ORDER BY 1, 2, 3) d "  // one order: no deadlock
      "ON CONFLICT (product_id, variation_id, quantity) DO UPDATE SET pushed_at = GREATEST(w.pushed_at, excluded.pushed_at)",
      PgParams().addArray(products).addArray(variations).addArray(quantities).add(offset()));
}

void PgStorage::recordWooDelivered(const std::string& endpoint, const std::vector<WooPush>& pushes) {
  if (pushes.empty()) return;
  std::vector<std::string> variants;
  std::vector<int64_t> seqs;
  for (const auto& push : pushes) {
    variants.push_back(push.variant);
    seqs.push_back(push.partitionSeq);
  }
  auto connection = pool_.acquire();
  connection->query(
      "INSERT INTO woo_delivered AS d (endpoint, variant, partition_seq) SELECT $1, u.v, max(u.s) "
      "FROM unnest($2::text[], $3::bigint[]) AS u(v, s) GROUP BY u.v "
      "ON CONFLICT (endpoint, variant) DO UPDATE SET partition_seq = GREATEST(d.partition_seq, excluded.partition_seq)",
      PgParams().add(endpoint).addArray(variants).addArray(seqs));
}

WooKnownStock PgStorage::wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity,
                                       int64_t since) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(
      "SELECT (SELECT quantity FROM woo_pushed WHERE product_id = $1 AND variation_id = $2 ORDER BY pushed_at DESC "
      "LIMIT 1), EXISTS (SELECT 1 FROM woo_pushed WHERE product_id = $1 AND variation_id = $2 AND quantity = $3 "
      "AND pushed_at >= $4)",
      PgParams().add(productId).add(variationId.value_or(0)).add(quantity).add(since));
  return {r.optionalInt64(0, 0), r.boolean(0, 1)};
}

StockAdjusted PgStorage::applyWooStockEdit(const WooStockEdit& edit, const VariantFactsMap& facts) {
  VariantFacts fact = factsOf(facts, edit.variant);
  auto connection = pool_.acquire();
  bool applied = false;
  {
    PgTransaction tx(*connection);
    bool fresh = connection
                     ->query("INSERT INTO woo_stock_edits (edit_key, applied_at) VALUES ($1, cartcore_now_ms($2)) "
                             "ON CONFLICT DO NOTHING",
                             PgParams().add(edit.key).add(offset()))
                     .changed() == 1;
    if (fresh) {
      connection->query(
          "INSERT INTO woo_pushed AS w (product_id, variation_id, quantity, pushed_at) "
          "VALUES ($1, $2, $3, cartcore_now_ms($4)) ON CONFLICT (product_id, variation_id, quantity) "
          "DO UPDATE SET pushed_at = GREATEST(w.pushed_at, excluded.pushed_at)",
          PgParams().add(edit.productId).add(edit.variationId.value_or(0)).add(edit.quantity).add(offset()));
      // The merchant set WooCommerce's count; units sold here since stay sold, so the result is clamped at 0.
      PgResult row = connection->query("SELECT on_hand FROM stock WHERE variant = $1 FOR UPDATE",
                                       PgParams().add(edit.variant));
      int64_t onHand = row.rows() ? row.int64(0, 0) : 0;
      int64_t target = 0;
      if (__builtin_add_overflow(onHand, edit.delta, &target)) target = edit.delta < 0 ? 0 : edit.maxOnHand;
      target = std::clamp<int64_t>(target, 0, edit.maxOnHand);
      applied = target == onHand ||
                connection
                    ->query("SELECT cartcore_adjust_stock($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                            PgParams()
                                .add(edit.variant)
                                .add(target - onHand)
                                .add(edit.maxOnHand)
                                .add(edit.reason)
                                .add(fact.sku)
                                .add(fact.productId)
                                .add(fact.lowStockLevel)
                                .addArray(endpoints_)
                                .add(offset()))
                    .boolean(0, 0);
      if (applied) tx.commit();
    }
  }
  if (applied) makeDurable(*connection);
  auto levels = readLevels(*connection, {edit.variant});
  return {applied, levels.count(edit.variant) ? levels[edit.variant] : StockLevel{}};
}

// ---- API keys ----

namespace {
ApiKeyRecord readApiKey(const PgResult& r, int row) {
  return {r.text(row, 0), r.text(row, 1), r.text(row, 2), r.text(row, 3), r.int64(row, 4), r.optionalInt64(row, 5)};
}
constexpr const char* kApiKeyColumns = "SELECT id, secret_hash, scope, name, created_at, revoked_at FROM api_keys";
}  // namespace

void PgStorage::insertApiKey(const ApiKeyRecord& key) {
  auto connection = pool_.acquire();
  connection->query(
      "INSERT INTO api_keys (id, secret_hash, scope, name, created_at) VALUES ($1, $2, $3, $4, $5)",
      PgParams().add(key.id).add(key.secretHash).add(key.scope).add(key.name).add(key.createdAt));
}

std::optional<ApiKeyRecord> PgStorage::findApiKey(const std::string& id) {
  auto connection = pool_.acquire();
  PgResult r = connection->query(std::string(kApiKeyColumns) + " WHERE id = $1", PgParams().add(id));
  if (r.rows() == 0) return std::nullopt;
  return readApiKey(r, 0);
}

std::vector<ApiKeyRecord> PgStorage::listApiKeys() {
  auto connection = pool_.acquire();
  PgResult r = connection->query(std::string(kApiKeyColumns) + " ORDER BY created_at, id COLLATE \"C\"");
  std::vector<ApiKeyRecord> keys;
  for (int i = 0; i < r.rows(); ++i) keys.push_back(readApiKey(r, i));
  return keys;
}

bool PgStorage::revokeApiKey(const std::string& id, int64_t now) {
  auto connection = pool_.acquire();
  return connection
             ->query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                     PgParams().add(id).add(now))
             .changed() == 1;
}

// ---- Housekeeping ----

int64_t PgStorage::purgeBefore(int64_t cutoff) {
  // Each deletes up to $2 rows last touched before $1, through an index on the age.
  static constexpr const char* kPurges[] = {
      "DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys "
      "WHERE created_at < $1 ORDER BY created_at LIMIT $2)",
      "DELETE FROM holds WHERE id IN (SELECT id FROM holds WHERE status IN ('released', 'expired') "
      "AND updated_at < $1 ORDER BY updated_at LIMIT $2)",
      "DELETE FROM woo_pushed WHERE ctid IN (SELECT ctid FROM woo_pushed WHERE pushed_at < $1 "
      "ORDER BY pushed_at LIMIT $2)",
      "DELETE FROM woo_stock_edits WHERE edit_key IN (SELECT edit_key FROM woo_stock_edits "
      "WHERE applied_at < $1 ORDER BY applied_at LIMIT $2)",
      // Events every endpoint has taken (outbox_partitions keeps the numbering).
      "DELETE FROM outbox WHERE seq IN (SELECT o.seq FROM outbox o WHERE o.created_at < $1 "
      "AND NOT EXISTS (SELECT 1 FROM pending_deliveries d WHERE d.seq = o.seq) ORDER BY o.created_at LIMIT $2)",
  };
  auto connection = pool_.acquire();
  int64_t total = 0;
  for (;;) {  // small batches, each its own short transaction
    int64_t deleted = 0;
    for (const char* purge : kPurges)
      deleted += connection->query(purge, PgParams().add(cutoff).add(kPurgeBatch)).changed();
    total += deleted;
    if (deleted == 0) return total;
  }
}

StorageGauges PgStorage::gauges() {
  auto connection = pool_.acquire();
  PgResult r = connection->query(
      "SELECT (SELECT count(*) FROM holds WHERE status = 'active'), "
      "(SELECT COALESCE(sum(held_general + held_tiers), 0) FROM stock), (SELECT count(*) FROM pending_deliveries), "
      "(SELECT COALESCE(cartcore_now_ms($1) - min(created_at), 0) FROM pending_deliveries)",
      PgParams().add(offset()));
  return {r.int64(0, 0), r.int64(0, 1), r.int64(0, 2), r.int64(0, 3)};
}

void PgStorage::recoverAfterFailure() {
  // Nothing per process can disagree with the database: the stock copy only serves quotes and converges by itself,
  // and a broken pooled connection is reconnected before its next use.
}

}  // namespace cartcore::server
