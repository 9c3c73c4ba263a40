// SPDX-License-Identifier: MIT
#include "metrics.hpp"

#include <cstdio>

namespace cartcore::server {

std::string_view routeName(Route route) {
  switch (route) {
    case Route::Quote: return "quote";
    case Route::HoldCreate: return "hold_create";
    case Route::HoldRead: return "hold_read";
    case Route::HoldExtend: return "hold_extend";
    case Route::HoldRelease: return "hold_release";
    case Route::Checkout: return "checkout";
    case Route::OrderRead: return "order_read";
    case Route::ConfigWrite: return "config_write";
    case Route::ConfigRead: return "config_read";
    case Route::StockWrite: return "stock_write";
    case Route::StockRead: return "stock_read";
    case Route::Events: return "events";
    case Route::Clock: return "test_clock";
    case Route::Health: return "health";
    case Route::Metrics: return "metrics";
    case Route::Preflight: return "preflight";
    case Route::Dashboard: return "dashboard";
    case Route::WooWebhook: return "woocommerce_webhook";
    case Route::NotFound: return "not_found";
    case Route::Analytics: return "analytics";
    case Route::OrderExport: return "order_export";
    case Route::Replay: return "replay";
    case Route::Stream: return "stream";
    case Route::kCount: break;
  }
  return "unknown";
}

void Metrics::observeRequest(Route route, int status, double seconds) {
  int r = static_cast<int>(route);
  int c = status >= 500 ? 2 : status >= 400 ? 1 : 0;
  requests_[r][c].fetch_add(1, std::memory_order_relaxed);
  std::size_t bucket = 0;
  while (bucket < kLatencyBucketsSeconds.size() && seconds > kLatencyBucketsSeconds[bucket]) ++bucket;
  latencyBuckets_[r][bucket].fetch_add(1, std::memory_order_relaxed);
  latencyMicrosSum_[r].fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  char buf[512];  // one counter: its name four times and its help
  out += "# HELP cartcore_http_requests_total HTTP requests by route and status class.\n";
  out += "# TYPE cartcore_http_requests_total counter\n";
  static constexpr const char* kClassNames[] = {"2xx", "4xx", "5xx"};
  for (int r = 0; r < kRoutes; ++r)
    for (int c = 0; c < kClasses; ++c) {
      int64_t v = requests_[r][c].load(std::memory_order_relaxed);
      if (v == 0) continue;
      std::snprintf(buf, sizeof buf, "cartcore_http_requests_total{route=\"%s\",status=\"%s\"} %lld\n",
                    std::string(routeName(static_cast<Route>(r))).c_str(), kClassNames[c], static_cast<long long>(v));
      out += buf;
    }
  out += "# HELP cartcore_http_request_duration_seconds Time from a parsed request to its response, by route.\n";
  out += "# TYPE cartcore_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRoutes; ++r) {
    int64_t cumulative = 0;
    for (std::size_t b = 0; b <= kLatencyBucketsSeconds.size(); ++b) cumulative += latencyBuckets_[r][b].load();
    if (cumulative == 0) continue;
    std::string name(routeName(static_cast<Route>(r)));
    int64_t running = 0;
    for (std::size_t b = 0; b < kLatencyBucketsSeconds.size(); ++b) {
      running += latencyBuckets_[r][b].load(std::memory_order_relaxed);
      std::snprintf(buf, sizeof buf, "cartcore_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lld\n",
                    name.c_str(), kLatencyBucketsSeconds[b], static_cast<long long>(running));
      out += buf;
    }
    std::snprintf(buf, sizeof buf,
                  "cartcore_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lld\n"
                  "cartcore_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                  "cartcore_http_request_duration_seconds_count{route=\"%s\"} %lld\n",
                  name.c_str(), static_cast<long long>(cumulative), name.c_str(),
                  static_cast<double>(latencyMicrosSum_[r].load()) / 1e6, name.c_str(),
                  static_cast<long long>(cumulative));
    out += buf;
  }
  auto counter = [&](const char* name, const char* help, const std::atomic<int64_t>& value) {
    std::snprintf(buf, sizeof buf, "# HELP %s %s\n# TYPE %s counter\n%s %lld\n", name, help, name, name,
                  static_cast<long long>(value.load(std::memory_order_relaxed)));
    out += buf;
  };
  counter("cartcore_holds_created_total", "Holds that reserved stock.", holdsCreated);
  counter("cartcore_holds_released_total", "Holds released by the shopper.", holdsReleased);
  counter("cartcore_holds_expired_total", "Holds whose TTL ran out; their stock returned once.", holdsExpired);
  counter("cartcore_holds_committed_total", "Holds turned into orders.", holdsCommitted);
  counter("cartcore_orders_committed_total", "Orders committed.", ordersCommitted);
  counter("cartcore_oversell_refused_total", "Holds or checkouts refused for insufficient stock.",
          insufficientStockRefusals);
  counter("cartcore_price_changed_refused_total", "Checkouts refused because the price differs from the quote.",
          priceChangedRefusals);
  counter("cartcore_idempotent_replays_total", "Checkout retries answered from the idempotency record.",
          idempotentReplays);
  counter("cartcore_webhook_deliveries_total", "Webhook deliveries acknowledged with 2xx.", webhookDeliveries);
  counter("cartcore_webhook_failures_total", "Webhook delivery attempts that failed (retried later).",
          webhookFailures);
  counter("cartcore_config_rejected_total", "Config uploads rejected by validation.", configVersionsRejected);
  counter("cartcore_inventory_resyncs_total", "Stock mirror reloads after an internal error (should stay 0).",
          inventoryResyncs);
  counter("cartcore_fair_access_refused_total",
          "Holds and extensions refused by a per-client limit, a purchase limit or the per-IP hold rate.",
          fairAccessRefusals);
  counter("cartcore_woocommerce_webhooks_accepted_total", "WooCommerce webhooks verified and queued.", wooWebhooksAccepted);
  counter("cartcore_woocommerce_webhooks_refused_total",
          "WooCommerce webhooks refused: missing or bad signature, body not fitting its topic, queue full.",
          wooWebhooksRefused);
  counter("cartcore_woocommerce_webhooks_duplicate_total", "WooCommerce webhook deliveries seen before (by id).",
          wooWebhooksDuplicate);
  counter("cartcore_woocommerce_webhook_echoes_total",
          "WooCommerce product updates that only brought back stock we pushed (or changed only modification dates).",
          wooWebhookEchoes);
  counter("cartcore_woocommerce_stock_edits_applied_total",
          "Stock quantities edited in WooCommerce, applied once as adjustments of the linked variant.",
          wooStockEditsApplied);
  counter("cartcore_woocommerce_catalog_imports_total", "Config versions activated from WooCommerce webhooks.",
          wooCatalogImports);
  counter("cartcore_woocommerce_stock_pushed_total",
          "Stock levels WooCommerce confirmed applied (item by item in its batch answers).", wooStockPushed);
  counter("cartcore_woocommerce_stock_stale_dropped_total",
          "Stock levels not sent because a newer one for the SKU was already delivered.", wooStockStaleDropped);
  counter("cartcore_amqp_published_total", "Events published to the broker and confirmed by it.", amqpPublished);
  counter("cartcore_amqp_failures_total", "Events the broker did not confirm (retried later).", amqpFailures);
  counter("cartcore_accept_backoffs_total", "Accepts postponed because the process was out of file descriptors.",
          acceptBackoffs);
  std::snprintf(buf, sizeof buf,
                "# HELP cartcore_connections_open Client connections open now.\n# TYPE cartcore_connections_open gauge\n"
                "cartcore_connections_open %lld\n",
                static_cast<long long>(connectionsOpen.load(std::memory_order_relaxed)));
  out += buf;
  if (renderGauges) out += renderGauges();
  return out;
}

}  // namespace cartcore::server
