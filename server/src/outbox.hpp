// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
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
 * The events a change of a variant's stock implies: stock.changed whenever onHand moved, stock.out /
 * stock.back_in_stock when onHand reaches or leaves 0, and stock.low (lowStockEvent) when what shoppers can hold
 * falls below the low-stock level.
 */
std::vector<NewEvent> stockChangeEvents(const std::string& variant, const VariantFacts& facts, const StockLevel& before,
                                        const StockLevel& after, const std::string& reason);
/**
 * stock.low, once per crossing: when `available` (onHand - held - tier reserves, what a shopper without a tier can
 * hold) goes from at or above the variant's low-stock level (the admin override, else the config's) to below it.
 * Nothing while it stays below; it fires again only after available has been back at or above the level.
 */
std::optional<NewEvent> lowStockEvent(const std::string& variant, const VariantFacts& facts, const StockLevel& before,
                                      const StockLevel& after, const std::string& reason);
/** order.committed, carrying the order as the API returns it. */
NewEvent orderCommittedEvent(const std::string& orderJson);
/** config.activated: a new config version is live (partition "config"). */
NewEvent configActivatedEvent(int64_t version, const std::string& digest);

/** One variant's part of a hold, for hold.placed / hold.released / hold.expired. */
struct HoldLineChange {
  std::string variant;
  int64_t quantity = 0;  // units of the variant the hold took or gave back (every pool)
  StockLevel before, after;
};
/**
 * `type` (hold.placed, hold.released, hold.expired) for each variant of a hold, partitioned by the variant so a
 * consumer sees it in order with that SKU's stock events, each followed by stock.low if it crossed the level.
 */
std::vector<NewEvent> holdEvents(const std::string& type, const std::string& holdId, int64_t expiresAt,
                                 const std::vector<HoldLineChange>& lines, const VariantFactsMap& facts);
/** The per-variant changes `allocations` make to `levels` (taken when `take`, given back otherwise); `levels` is
 *  updated to the levels after. */
std::vector<HoldLineChange> holdLineChanges(const std::vector<Allocation>& allocations,
                                            std::map<std::string, StockLevel>& levels, bool take);

/**
 * Which events an outbox endpoint gets: WooCommerce only stock levels (stock.changed; it has no use for the rest),
 * every other endpoint (Cartcore webhooks, the AMQP exchange) every event. `endpointKey` is WebhookEndpoint::key().
 */
bool endpointWants(const std::string& endpointKey, const std::string& type);

}  // namespace cartcore::server
