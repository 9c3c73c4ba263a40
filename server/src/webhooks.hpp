// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics.hpp"
#include "storage.hpp"

namespace cartcore::server {

enum class WebhookFormat { Cartcore, WooCommerce };

/** A configured receiver. Plain http:// only (the server has no TLS stack); put a TLS proxy in front if needed. */
struct WebhookEndpoint {
  std::string url;
  WebhookFormat format = WebhookFormat::Cartcore;
  std::string authorization;  // full Authorization header value, e.g. "Basic ..." for WooCommerce keys
  /** The stable key deliveries are recorded under. */
  std::string key() const { return (format == WebhookFormat::WooCommerce ? "woocommerce " : "cartcore ") + url; }
};

/**
 * Delivers outbox events to every endpoint at least once, in order per partition (SKU), retrying failures with
 * exponential backoff. A failed event blocks only later events of its own partition.
 */
class WebhookDispatcher {
 public:
  WebhookDispatcher(std::vector<WebhookEndpoint> endpoints, Storage& storage, Metrics& metrics,
                    int64_t retryBaseMillis, int64_t retryMaxMillis);
  ~WebhookDispatcher();
  void start();
  void stop();
  /** Wakes the dispatcher after a commit that wrote events. */
  void notify();

 private:
  void run();
  bool deliverDue(const WebhookEndpoint& endpoint);

  std::vector<WebhookEndpoint> endpoints_;
  Storage& storage_;
  Metrics& metrics_;
  int64_t retryBaseMillis_;
  int64_t retryMaxMillis_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace cartcore::server
