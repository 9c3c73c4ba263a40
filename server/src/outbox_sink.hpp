// SPDX-License-Identifier: MIT
// An outbox endpoint that takes a whole claimed round at once (WooCommerce batches, a broker with confirms),
// instead of one HTTP request per event.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "storage.hpp"

namespace cartcore::server {

class OutboxSink {
 public:
  virtual ~OutboxSink() = default;
  /**
   * Delivers a round: pending deliveries grouped by partition, each partition in order. Returns a result for every
   * event it settled: per partition, the events delivered in order and then at most one failure (its later events
   * stay pending, so per-partition order holds).
   */
  virtual std::vector<DeliveryResult> deliver(const std::vector<PendingDelivery>& due, int64_t retryBaseMillis,
                                              int64_t retryMaxMillis) = 0;
};

/** An event as receivers get it: {"id", "type", "partitionKey", "partitionSeq", "occurredAt", "data"}. */
std::string eventEnvelope(const OutboxEvent& event);

/** A failed attempt of `delivery`, retried after the exponential backoff for its attempt count. */
inline DeliveryResult failedDelivery(const PendingDelivery& delivery, const std::string& error, int64_t retryBaseMillis,
                                     int64_t retryMaxMillis) {
  int64_t shift = std::min<int64_t>(delivery.attempts, 20);
  int64_t backoff = std::min(retryMaxMillis, retryBaseMillis << shift);
  return {delivery.event.seq, false, backoff, error.substr(0, 500), delivery.lease};
}

}  // namespace cartcore::server
