// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "api_keys.hpp"
#include "metrics.hpp"
#include "shop.hpp"
#include "woo_webhook_receiver.hpp"

namespace cartcore::server {

/** The parts of an HTTP request the API reads; the transport owns the bytes. */
struct ApiRequest {
  std::string_view method;
  std::string_view target;  // path and query
  std::string_view body;
  std::string_view authorization;
  std::string_view idempotencyKey;
  std::string_view contentType;
  std::string_view customerToken;  // the Cartcore-Customer header
  std::string clientAddress;       // the peer's IP address
  std::string_view ifNoneMatch;    // for the dashboard's files (304 Not Modified)
  std::string_view forwardedClientIp;  // the Cartcore-Client-Ip header (honoured for checkout and admin keys)
  /** Any other header by name ("" when absent), for the integrations that read their own. */
  std::function<std::string_view(std::string_view)> header;
  std::string_view accept;
};

class AnalyticsApi;
class ReplayJobs;
class AdminStream;

/** The merchant analytics services the admin routes reach (api_analytics.cpp); any may be absent. */
struct AnalyticsServices {
  AnalyticsApi* analytics = nullptr;
  ReplayJobs* replay = nullptr;
  AdminStream* stream = nullptr;
};

struct ApiOptions {
  CustomerContextKeys customerKeys;
  bool testClock = false;
  std::size_t maxBodyBytes = 1 << 20;
  std::size_t maxConfigBytes = 16 << 20;
  WooWebhookReceiver* wooWebhooks = nullptr;  // POST /v1/integrations/woocommerce/webhook, when configured
};

/** Routes requests to the shop, enforces admin auth, and turns any unexpected failure into a JSON 500. */
class Api {
 public:
  Api(Shop& shop, ApiKeys& keys, Metrics& metrics, ApiOptions options)
      : shop_(shop), keys_(keys), metrics_(metrics), options_(std::move(options)), customers_(options_.customerKeys) {}

  ApiResponse handle(const ApiRequest& request, Route& route);
  void attach(AnalyticsServices services) { services_ = services; }
  /** The body limit for a target, known from the headers before the body is read. */
  std::size_t bodyLimitFor(std::string_view target) const;

 private:
  ApiResponse route(const ApiRequest& request, Route& route);
  /** The key an "Authorization: Bearer …" header names: nothing when there is no header; a RequestError (401)
   *  when there is one that does not authenticate. */
  std::optional<Caller> callerOf(const ApiRequest& request) const;
  /** The caller as the shop sees it; refuses a Cartcore-Customer token that does not verify (401). */
  Client clientOf(const ApiRequest& request) const;
  /** The route label of an analytics path (NotFound if it is not one). */
  static Route analyticsRoute(const std::vector<std::string>& path);
  /** Answers an analytics, export, replay or stream request (after admin auth); nothing for other paths. */
  std::optional<ApiResponse> routeAnalytics(const ApiRequest& request, const std::vector<std::string>& path,
                                            std::string_view query);

  Shop& shop_;
  ApiKeys& keys_;
  Metrics& metrics_;
  ApiOptions options_;
  CustomerContextVerifier customers_;
  AnalyticsServices services_;
};

}  // namespace cartcore::server
