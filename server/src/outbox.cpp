// SPDX-License-Identifier: MIT
#include "outbox.hpp"

#include <nlohmann/json.hpp>

namespace cartcore::server {

VariantFacts factsOf(const VariantFactsMap& facts, const std::string& variant) {
  auto it = facts.find(variant);
  return it == facts.end() ? VariantFacts{variant, "", std::nullopt} : it->second;
}

std::vector<NewEvent> stockChangeEvents(const std::string& variant, const VariantFacts& facts, const StockLevel& after,
                                        int64_t previousOnHand, const std::string& reason) {
  // Events follow onHand (units not yet sold), not holds: holds come and go with every cart, and alerting on
  // them would flap. Shoppers still see held units as unavailable through the quote's stock snapshot.
  std::vector<NewEvent> events;
  if (after.onHand == previousOnHand) return events;
  std::optional<int64_t> lowLevel = after.lowStockLevel ? after.lowStockLevel : facts.lowStockLevel;
  nlohmann::json data = {{"variant", variant},
                         {"sku", facts.sku},
                         {"productId", facts.productId},
                         {"onHand", after.onHand},
                         {"previousOnHand", previousOnHand},
                         {"reason", reason}};
  data["lowStockLevel"] = lowLevel ? nlohmann::json(*lowLevel) : nlohmann::json(nullptr);
  data["wooProductId"] = after.wooProductId ? nlohmann::json(*after.wooProductId) : nlohmann::json(nullptr);
  data["wooVariationId"] = after.wooVariationId ? nlohmann::json(*after.wooVariationId) : nlohmann::json(nullptr);
  std::string payload = data.dump();
  events.push_back({"stock.changed", variant, payload});
  if (after.onHand == 0 && previousOnHand > 0) {
    events.push_back({"stock.out", variant, payload});
  } else if (after.onHand > 0 && previousOnHand == 0) {
    events.push_back({"stock.back_in_stock", variant, payload});
  }
  bool isLow = lowLevel && after.onHand > 0 && after.onHand < *lowLevel;
  bool wasLow = lowLevel && previousOnHand > 0 && previousOnHand < *lowLevel;
  if (isLow && !wasLow) events.push_back({"stock.low", variant, payload});
  return events;
}

NewEvent orderCommittedEvent(const std::string& orderJson) {
  // Orders have no SKU of their own; they share one partition so their events stay in commit order.
  return {"order.committed", "orders", orderJson};
}

}  // namespace cartcore::server
