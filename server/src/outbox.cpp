// SPDX-License-Identifier: MIT
#include "outbox.hpp"

#include <nlohmann/json.hpp>

namespace cartcore::server {

void OutboxWriter::stockChanged(const std::string& variant, const VariantFacts& facts, const StockLevel& after,
                                int64_t previousOnHand, const std::string& reason) {
  // Events follow onHand (units not yet sold), not holds: holds come and go with every cart, and alerting on
  // them would flap. Shoppers still see held units as unavailable through the quote's stock snapshot.
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
  if (after.onHand == previousOnHand) return;
  store_.appendEvent("stock.changed", variant, payload, now_, endpoints_);
  if (after.onHand == 0 && previousOnHand > 0) {
    store_.appendEvent("stock.out", variant, payload, now_, endpoints_);
  } else if (after.onHand > 0 && previousOnHand == 0) {
    store_.appendEvent("stock.back_in_stock", variant, payload, now_, endpoints_);
  }
  bool isLow = lowLevel && after.onHand > 0 && after.onHand < *lowLevel;
  bool wasLow = lowLevel && previousOnHand > 0 && previousOnHand < *lowLevel;
  if (isLow && !wasLow) store_.appendEvent("stock.low", variant, payload, now_, endpoints_);
}

void OutboxWriter::orderCommitted(const std::string& orderJson, const std::string& orderId) {
  // Orders have no SKU of their own; they share one partition so their events stay in commit order.
  (void)orderId;
  store_.appendEvent("order.committed", "orders", orderJson, now_, endpoints_);
}

}  // namespace cartcore::server
