// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cartcore::server {

/** Route names used as the `route` label; a fixed set so the metrics cardinality stays bounded. */
enum class Route : int {
  Quote, HoldCreate, HoldRead, HoldExtend, HoldRelease, Checkout, OrderRead, ConfigWrite, ConfigRead,
  StockWrite, StockRead, Events, Clock, Health, Metrics, Preflight, Dashboard, WooWebhook, NotFound, Analytics,
  OrderExport, Replay, Stream, kCount
};
std::string_view routeName(Route route);

/** Lock-free counters and latency histograms, rendered in the Prometheus text format. */
class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005,
                                                                    0.01,   0.025,   0.05,   0.1,   0.5,   1.0};
  enum class StatusClass : int { S2xx, S4xx, S5xx, kCount };

  void observeRequest(Route route, int status, double seconds);

  std::atomic<int64_t> holdsCreated{0};
  std::atomic<int64_t> holdsReleased{0};
  std::atomic<int64_t> holdsExpired{0};
  std::atomic<int64_t> holdsCommitted{0};
  std::atomic<int64_t> ordersCommitted{0};
  std::atomic<int64_t> insufficientStockRefusals{0};  // oversell attempts refused (holds and checkouts)
  std::atomic<int64_t> priceChangedRefusals{0};
  std::atomic<int64_t> idempotentReplays{0};
  std::atomic<int64_t> webhookDeliveries{0};
  std::atomic<int64_t> webhookFailures{0};
  std::atomic<int64_t> configVersionsRejected{0};
  std::atomic<int64_t> inventoryResyncs{0};
  std::atomic<int64_t> fairAccessRefusals{0};  // holds and extends refused by a per-client limit or the IP rate
  std::atomic<int64_t> wooWebhooksAccepted{0};   // WooCommerce webhooks verified and queued
  std::atomic<int64_t> wooWebhooksRefused{0};    // bad or missing signature, body not fitting its topic, queue full
  std::atomic<int64_t> wooWebhooksDuplicate{0};  // a delivery id seen before
  std::atomic<int64_t> wooWebhookEchoes{0};      // product updates whose stock was our own push coming back
  std::atomic<int64_t> wooStockEditsApplied{0};  // stock edits made in WooCommerce, applied as adjustments
  std::atomic<int64_t> wooCatalogImports{0};     // config versions activated from webhooks
  std::atomic<int64_t> wooStockPushed{0};        // stock levels WooCommerce confirmed applied
  std::atomic<int64_t> wooStockStaleDropped{0};  // levels older than one already delivered for their SKU
  std::atomic<int64_t> amqpPublished{0};         // events the broker confirmed
  std::atomic<int64_t> amqpFailures{0};          // publishes not confirmed (retried later)
  std::atomic<int64_t> acceptBackoffs{0};   // accepts postponed because no file descriptor was free
  std::atomic<int64_t> connectionsOpen{0};  // a gauge  // full reloads of the stock mirror after an unexpected failure

  /** Values read at scrape time (active holds, outbox lag) come from this callback. */
  std::function<std::string()> renderGauges;

  std::string render() const;

 private:
  static constexpr int kRoutes = static_cast<int>(Route::kCount);
  static constexpr int kClasses = static_cast<int>(StatusClass::kCount);
  std::array<std::array<std::atomic<int64_t>, kClasses>, kRoutes> requests_{};
  std::array<std::array<std::atomic<int64_t>, kLatencyBucketsSeconds.size() + 1>, kRoutes> latencyBuckets_{};
  std::array<std::atomic<int64_t>, kRoutes> latencyMicrosSum_{};
};

}  // namespace cartcore::server
