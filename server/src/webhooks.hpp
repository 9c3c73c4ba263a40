// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics.hpp"
#include "storage.hpp"
#include "amqp_sink.hpp"
#include "webhook_client.hpp"
#include "woo_stock_delivery.hpp"

namespace cartcore::server {

enum class WebhookFormat { Cartcore, WooCommerce, Amqp };

/** A configured receiver: Cartcore receivers on plain http://; WooCommerce on https:// (or http://); a RabbitMQ
 *  exchange (amqp://). */
struct WebhookEndpoint {
  std::string url;
  WebhookFormat format = WebhookFormat::Cartcore;
  std::string authorization;  // full Authorization header value, e.g. "Basic ..." for WooCommerce keys
  std::string caFile;         // WooCommerce over https://: the CAs to trust instead of the system store
  std::string exchange;       // Amqp: the topic exchange
  /** The stable key deliveries are recorded under (never a password). */
  std::string key() const {
    if (format == WebhookFormat::Amqp) return "amqp " + redactAmqpUrl(url) + " " + exchange;
    return (format == WebhookFormat::WooCommerce ? "woocommerce " : "cartcore ") + url;
  }
};

/**
 * Delivers outbox events to every endpoint at least once, in order per partition (SKU), retrying failures with
 * exponential backoff. Each round claims, per endpoint, a run of pending events for up to 256 partitions, sends
 * the runs in parallel on `senders` kept-alive connections (one partition's run on one connection, in order,
 * stopping at its first failure), and records the whole round in one write. A failed event holds back only the
 * later events of its own partition.
 */
class WebhookDispatcher {
 public:
  WebhookDispatcher(std::vector<WebhookEndpoint> endpoints, Storage& storage, Metrics& metrics,
                    int64_t retryBaseMillis, int64_t retryMaxMillis, std::size_t senders = 4);
  ~WebhookDispatcher();
  void start();
  void stop();
  /** Wakes the dispatcher after a commit that wrote events. */
  void notify();

 private:
  /** One claimed batch being delivered: runs are [begin, end) ranges of `due`, one per partition. */
  struct Round {
    const WebhookEndpoint* endpoint = nullptr;
    std::vector<PendingDelivery> due;
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    std::vector<std::vector<DeliveryResult>> results;  // per run
    std::size_t nextRun = 0;
    std::size_t finishedRuns = 0;
    uint64_t generation = 0;
  };

  void run();
  /** Claims, delivers and records one round for an endpoint; returns how many events were attempted. */
  std::size_t deliverRound(const WebhookEndpoint& endpoint);
  /** Takes runs of the current round until none is left. */
  void workOnRound(HttpPoster& poster);
  void senderLoop(std::size_t index);
  std::vector<DeliveryResult> deliverRun(HttpPoster& poster, const WebhookEndpoint& endpoint,
                                         const PendingDelivery* first, const PendingDelivery* last);
  std::string deliverOne(HttpPoster& poster, const WebhookEndpoint& endpoint, const OutboxEvent& event);

  std::vector<WebhookEndpoint> endpoints_;
  std::vector<std::unique_ptr<OutboxSink>> sinks_;  // per endpoint: WooCommerce or the broker; null for HTTP posts
  Storage& storage_;
  Metrics& metrics_;
  int64_t retryBaseMillis_;
  int64_t retryMaxMillis_;
  std::vector<std::unique_ptr<HttpPoster>> posters_;  // [0] for the dispatcher thread, one per sender thread
  std::thread thread_;
  std::vector<std::thread> senders_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::mutex roundMutex_;
  std::condition_variable roundReady_;
  std::condition_variable roundDone_;
  Round round_;
  std::atomic<bool> stopping_{false};
};

}  // namespace cartcore::server
