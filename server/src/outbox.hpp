// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "inventory.hpp"
#include "store.hpp"

namespace cartcore::server {

/** What the outbox needs to know about a variant from the store config. */
struct VariantFacts {
  std::string sku;
  std::string productId;
  std::optional<int64_t> lowStockLevel;  // the config's level (variant's, else the store's)
};

/**
 * Writes the events a change implies into the outbox, inside the caller's transaction: the event exists if and
 * only if the change committed. `endpoints` are the webhook endpoint keys that will each get one delivery.
 */
class OutboxWriter {
 public:
  OutboxWriter(Store& store, const std::vector<std::string>& endpoints, int64_t now)
      : store_(store), endpoints_(endpoints), now_(now) {}

  /** stock.changed always; stock.low / stock.out / stock.back_in_stock when onHand crosses those lines. */
  void stockChanged(const std::string& variant, const VariantFacts& facts, const StockLevel& after,
                    int64_t previousOnHand, const std::string& reason);
  void orderCommitted(const std::string& orderJson, const std::string& orderId);

 private:
  Store& store_;
  const std::vector<std::string>& endpoints_;
  int64_t now_;
};

}  // namespace cartcore::server
