// SPDX-License-Identifier: MIT
// The outbox's RabbitMQ endpoint (--amqp amqp://...): every event published to a durable topic exchange as a
// persistent message, and acknowledged in the outbox only once the broker confirmed it (publisher confirms).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "metrics.hpp"
#include "outbox_sink.hpp"

struct amqp_connection_state_t_;

namespace cartcore::server {

struct AmqpOptions {
  std::string url;                         // amqp://user:password@host:port/vhost (librabbitmq's URL syntax)
  std::string exchange = "cartcore.events";
  std::chrono::milliseconds timeout{5000};  // connect, handshake, each broker answer, silence while awaiting confirms
};

/** `stock.changed.TEE-BLK`, `order.committed`: the event type, then the SKU for SKU events (dots made `_`). */
std::string amqpRoutingKey(const OutboxEvent& event);

/**
 * Publishes a round on one channel in confirm mode: every event of the round goes out in order (mandatory, so a
 * message no queue is bound for comes back and is retried rather than dropped), then the sink waits for the
 * broker's acks. Per partition, the events acked in order are delivered and the first one not acked (nacked,
 * returned, unanswered, or cut off by a lost connection) fails with backoff; its later events stay pending, so
 * order per SKU holds and nothing leaves the outbox unconfirmed. A lost or refused connection is opened again on
 * the next round, the outbox's exponential backoff (--webhook-retry-ms, --webhook-retry-max-ms) spacing the
 * attempts. Messages carry the outbox event id as message_id: a round retried after a cut connection can publish
 * an event twice, and consumers deduplicate on it. No heartbeats (librabbitmq answers them only inside calls): a
 * dead connection shows as a failed publish or a silent confirm wait. Cost per round: O(events); waiting ends
 * after one timeout without any confirm.
 */
class AmqpSink : public OutboxSink {
 public:
  AmqpSink(AmqpOptions options, Metrics& metrics);
  ~AmqpSink() override;
  AmqpSink(const AmqpSink&) = delete;
  AmqpSink& operator=(const AmqpSink&) = delete;

  std::vector<DeliveryResult> deliver(const std::vector<PendingDelivery>& due, int64_t retryBaseMillis,
                                      int64_t retryMaxMillis) override;

 private:
  /** Opens the connection and channel, confirm mode, and declares the exchange; "" or what failed. */
  std::string connect();
  void disconnect();

  AmqpOptions options_;
  Metrics& metrics_;
  amqp_connection_state_t_* connection_ = nullptr;
  uint64_t nextDeliveryTag_ = 1;  // the channel's confirm-mode counter: 1 for its first publish
};

/** The URL without its password, for logs and the outbox's endpoint key. */
std::string redactAmqpUrl(const std::string& url);

}  // namespace cartcore::server
