// SPDX-License-Identifier: MIT
// The outbox's WooCommerce endpoint: a round of pending stock events becomes a few REST batch requests, and each
// event is acknowledged only when WooCommerce's answer shows its level applied.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "metrics.hpp"
#include "outbox_sink.hpp"
#include "storage.hpp"
#include "woo_stock_client.hpp"

namespace cartcore::server {

/**
 * Delivers one endpoint's claimed rounds (pending deliveries grouped by partition, each partition in order).
 * Per partition (a variant) only its newest `stock.changed` level is pushed: levels are absolute, so the newest
 * one supersedes the rest of the run, and a level whose per-SKU sequence number is not above the last one
 * WooCommerce confirmed for the SKU (kept in storage: across restarts and instances) is dropped unsent
 * (acknowledged). Each confirmed level is recorded with the quantity its object was sent, which is how the
 * webhook receiver tells our own push coming back from a merchant's stock edit. Events of other types, and variants with no
 * WooCommerce id, are acknowledged without a request (WooCommerce takes stock levels only).
 *
 * A variant linked to a product with no variation id is either a simple product or one of the variations whose
 * stock WooCommerce keeps on their variable product (`manage_stock: "parent"`): the product gets the sum of the
 * current onHand of every variant linked to it that way, read from storage once per round that needs it.
 *
 * A pushed level that failed (per-item error in a 200 answer, non-2xx, no answer) fails its partition's first event
 * with backoff; the partition's later events are left pending, so nothing is acknowledged that WooCommerce did not
 * confirm. Cost per round: O(events) plus, when a product-level target is in it, one read of every stock level.
 */
class WooStockDelivery : public OutboxSink {
 public:
  /** `endpointKey`: WebhookEndpoint::key(), under which the delivered levels are recorded. */
  WooStockDelivery(std::string endpointKey, std::string baseUrl, std::string authorization, const TlsTrust& trust,
                   Storage& storage, Metrics& metrics);

  std::vector<DeliveryResult> deliver(const std::vector<PendingDelivery>& due, int64_t retryBaseMillis,
                                      int64_t retryMaxMillis) override;

 private:
  HttpClient http_;
  WooStockClient client_;
  Storage& storage_;
  Metrics& metrics_;
  std::string endpointKey_;
};

}  // namespace cartcore::server
