// SPDX-License-Identifier: MIT
// POST /v1/integrations/woocommerce/webhook: WooCommerce's product and coupon webhooks, verified by their
// signature, queued on disk and answered at once; a worker applies them to the catalog mirror and imports the
// store again into a new config version.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "metrics.hpp"
#include "shop.hpp"

namespace cartcore::server {

struct WooWebhookOptions {
  /** The HMAC secret per WooCommerce resource ("product", "coupon"); "" keys the secret for any resource. */
  std::map<std::string, std::string> secrets;
  /** The REST export the store was imported from (`cartcore import woocommerce --api DIR`): the catalog mirror. */
  std::filesystem::path storeDirectory;
  std::size_t maxQueued = 10000;  // deliveries waiting on disk; past it WooCommerce is told to retry (503)
};

/** The headers of a delivery the receiver reads (WooCommerce's X-WC-Webhook-* headers). */
struct WooWebhookHeaders {
  std::string_view signature;   // X-WC-Webhook-Signature
  std::string_view topic;       // X-WC-Webhook-Topic, e.g. "product.updated"
  std::string_view resource;    // X-WC-Webhook-Resource
  std::string_view event;       // X-WC-Webhook-Event
  std::string_view deliveryId;  // X-WC-Webhook-Delivery-ID
  std::string_view webhookId;   // X-WC-Webhook-ID
};

/**
 * Verifies, queues and applies WooCommerce webhooks. `receive` runs on an HTTP thread and does only what must
 * happen before answering: the signature check (base64 HMAC-SHA256 of the raw body with the resource's secret,
 * compared in constant time), a shape check of the body against the topic (headers are not signed, so a
 * captured body replayed under another topic is refused), duplicate delivery ids, and one small file write that
 * makes the delivery survive a crash. The worker thread applies queued deliveries in arrival order, imports the
 * mirror with the same importer as `cartcore import woocommerce`, and activates the config only when its digest
 * changed (our own stock pushes come back as product.updated and change nothing).
 */
class WooWebhookReceiver {
 public:
  WooWebhookReceiver(WooWebhookOptions options, Shop& shop, Metrics& metrics);
  ~WooWebhookReceiver();
  void start();
  void stop();

  ApiResponse receive(std::string_view body, const WooWebhookHeaders& headers);

 private:
  /** A refusal: logged with the reason and counted; nothing is queued. */
  ApiResponse refuse(int status, std::string_view code, const std::string& message, const WooWebhookHeaders& headers);
  bool seenRecently(const std::string& deliveryId);
  void run();
  /** Applies every queued delivery, imports once if any changed the catalog, then removes their files. */
  void drainQueue();
  void importAndActivate();

  WooWebhookOptions options_;
  Shop& shop_;
  Metrics& metrics_;
  std::filesystem::path queueDirectory_;
  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  uint64_t nextSequence_ = 0;
  std::size_t queued_ = 0;
  std::deque<std::string> recentOrder_;
  std::set<std::string> recent_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace cartcore::server
