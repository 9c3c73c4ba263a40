// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "inventory.hpp"

namespace cartcore::server {

/** What the outbox needs to know about a variant from the store config. */
struct VariantFacts {
  std::string sku;
  std::string productId;
  std::optional<int64_t> lowStockLevel;  // the config's level (variant's, else the store's)
};

using VariantFactsMap = std::unordered_map<std::string, VariantFacts>;

/** The facts of a variant, or defaults (its id as SKU) for one the config does not describe. */
VariantFacts factsOf(const VariantFactsMap& facts, const std::string& variant);

/** An event to append to the outbox, in the same transaction as the change it reports. */
struct NewEvent {
  std::string type;
  std::string partitionKey;  // the variant for stock events, "orders" for orders: delivery order is kept per key
  std::string payload;       // JSON
};

/**
 * The events a change of onHand implies: stock.changed whenever onHand moved, and stock.low / stock.out /
 * stock.back_in_stock when it crosses those lines. Events follow onHand (units not yet sold), not holds.
 */
std::vector<NewEvent> stockChangeEvents(const std::string& variant, const VariantFacts& facts, const StockLevel& after,
                                        int64_t previousOnHand, const std::string& reason);
/** order.committed, carrying the order as the API returns it. */
NewEvent orderCommittedEvent(const std::string& orderJson);

}  // namespace cartcore::server
