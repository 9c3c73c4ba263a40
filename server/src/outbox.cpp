// SPDX-License-Identifier: MIT
#include "outbox.hpp"

#include <nlohmann/json.hpp>

#include "util.hpp"

namespace cartcore::server {

namespace {

std::optional<int64_t> lowLevelOf(const VariantFacts& facts, const StockLevel& level) {
  return level.lowStockLevel ? level.lowStockLevel : facts.lowStockLevel;
}

nlohmann::json optionalJson(const std::optional<int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

VariantFacts factsOf(const VariantFactsMap& facts, const std::string& variant) {
  auto it = facts.find(variant);
  return it == facts.end() ? VariantFacts{variant, "", std::nullopt} : it->second;
}

std::vector<NewEvent> stockChangeEvents(const std::string& variant, const VariantFacts& facts, const StockLevel& before,
                                        const StockLevel& after, const std::string& reason) {
  std::vector<NewEvent> events;
  if (after.onHand != before.onHand) {
    nlohmann::json data = {{"variant", variant},
                           {"sku", facts.sku},
                           {"productId", facts.productId},
                           {"onHand", after.onHand},
                           {"previousOnHand", before.onHand},
                           {"reason", reason}};
    data["lowStockLevel"] = optionalJson(lowLevelOf(facts, after));
    data["wooProductId"] = optionalJson(after.wooProductId);
    data["wooVariationId"] = optionalJson(after.wooVariationId);
    std::string payload = data.dump();
    events.push_back({"stock.changed", variant, payload});
    if (after.onHand == 0 && before.onHand > 0) {
      events.push_back({"stock.out", variant, payload});
    } else if (after.onHand > 0 && before.onHand == 0) {
      events.push_back({"stock.back_in_stock", variant, payload});
    }
  }
  if (auto low = lowStockEvent(variant, facts, before, after, reason)) events.push_back(std::move(*low));
  return events;
}

std::optional<NewEvent> lowStockEvent(const std::string& variant, const VariantFacts& facts, const StockLevel& before,
                                      const StockLevel& after, const std::string& reason) {
  // Stateless and exact: every change of a variant's stock is serialized (the write lock here, the stock row's lock
  // on PostgreSQL), so comparing the levels before and after each change sees every crossing exactly once.
  std::optional<int64_t> levelBefore = lowLevelOf(facts, before), levelAfter = lowLevelOf(facts, after);
  int64_t availableBefore = before.available({}), availableAfter = after.available({});
  bool wasLow = levelBefore && availableBefore < *levelBefore;
  bool isLow = levelAfter && availableAfter < *levelAfter;
  if (!isLow || wasLow) return std::nullopt;
  nlohmann::json data = {{"variant", variant},
                         {"sku", facts.sku},
                         {"productId", facts.productId},
                         {"onHand", after.onHand},
                         {"available", availableAfter},
                         {"previousAvailable", availableBefore},
                         {"lowStockLevel", *levelAfter},
                         {"reason", reason}};
  return NewEvent{"stock.low", variant, data.dump()};
}

NewEvent orderCommittedEvent(const std::string& orderJson) {
  // Orders have no SKU of their own; they share one partition so their events stay in commit order.
  return {"order.committed", "orders", orderJson};
}

NewEvent configActivatedEvent(int64_t version, const std::string& digest) {
  return {"config.activated", "config", nlohmann::json{{"version", version}, {"configDigest", digest}}.dump()};
}

std::vector<HoldLineChange> holdLineChanges(const std::vector<Allocation>& allocations,
                                            std::map<std::string, StockLevel>& levels, bool take) {
  std::map<std::string, HoldLineChange> byVariant;
  for (const auto& a : allocations) {
    HoldLineChange& line = byVariant[a.variant];
    StockLevel& level = levels[a.variant];
    if (line.variant.empty()) {
      line.variant = a.variant;
      line.before = level;
    }
    line.quantity += a.quantity;
    if (take)
      takeHeld(level, a);
    else
      returnHeld(level, a);
    line.after = level;
  }
  std::vector<HoldLineChange> lines;
  for (auto& [variant, line] : byVariant) lines.push_back(std::move(line));
  return lines;
}

std::vector<NewEvent> holdEvents(const std::string& type, const std::string& holdId, int64_t expiresAt,
                                 const std::vector<HoldLineChange>& lines, const VariantFactsMap& facts) {
  std::vector<NewEvent> events;
  std::string reason = type + " " + holdId;
  for (const auto& line : lines) {
    VariantFacts fact = factsOf(facts, line.variant);
    nlohmann::json data = {{"holdId", holdId},
                           {"variant", line.variant},
                           {"sku", fact.sku},
                           {"productId", fact.productId},
                           {"quantity", line.quantity},
                           {"onHand", line.after.onHand},
                           {"available", line.after.available({})},
                           {"expiresAt", isoTime(expiresAt)}};
    events.push_back({type, line.variant, data.dump()});
    if (auto low = lowStockEvent(line.variant, fact, line.before, line.after, reason)) events.push_back(std::move(*low));
  }
  return events;
}

bool endpointWants(const std::string& endpointKey, const std::string& type) {
  return !endpointKey.starts_with("woocommerce ") || type == "stock.changed";
}

}  // namespace cartcore::server
