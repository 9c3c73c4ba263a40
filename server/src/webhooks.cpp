// SPDX-License-Identifier: MIT
#include "webhooks.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "server_clock.hpp"
#include "util.hpp"

namespace cartcore::server {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ParsedUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

bool parseHttpUrl(const std::string& url, ParsedUrl& out) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
  }
  return !out.host.empty();
}

/** One blocking POST with socket timeouts; any non-2xx or transport error is a failure to retry. */
std::string postJson(const std::string& url, const std::string& body, const std::string& authorization) {
  ParsedUrl target;
  if (!parseHttpUrl(url, target)) return "unsupported URL (only http:// is supported): " + url;
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    tcp::socket socket(io);
    boost::asio::connect(socket, resolver.resolve(target.host, target.port));
    timeval timeout{5, 0};  // a stuck receiver must not stall every other partition forever
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    http::request<http::string_body> request{http::verb::post, target.path, 11};
    request.set(http::field::host, target.host);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::user_agent, "cartcore-server");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    request.body() = body;
    request.prepare_payload();
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    unsigned status = response.result_int();
    if (status >= 200 && status < 300) return {};
    return "HTTP " + std::to_string(status);
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string cartcoreEnvelope(const OutboxEvent& event) {
  nlohmann::json envelope = {{"id", event.seq},
                             {"type", event.type},
                             {"partitionKey", event.partitionKey},
                             {"occurredAt", isoTime(event.createdAt)}};
  envelope["data"] = nlohmann::json::parse(event.payload, nullptr, false);
  return envelope.dump();
}

}  // namespace

WebhookDispatcher::WebhookDispatcher(std::vector<WebhookEndpoint> endpoints, Storage& storage, Metrics& metrics,
                                     int64_t retryBaseMillis, int64_t retryMaxMillis)
    : endpoints_(std::move(endpoints)),
      storage_(storage),
      metrics_(metrics),
      retryBaseMillis_(retryBaseMillis),
      retryMaxMillis_(retryMaxMillis) {}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::start() {
  if (endpoints_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void WebhookDispatcher::stop() {
  stopping_ = true;
  notify();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void WebhookDispatcher::run() {
  while (!stopping_) {
    bool progressed = false;
    for (const auto& endpoint : endpoints_) {
      try {
        progressed |= deliverDue(endpoint);
      } catch (const std::exception&) {
        // A database error here is retried on the next round; the outbox row is still pending.
      }
    }
    if (progressed) continue;
    std::unique_lock lock(mutex_);
    // Wake on new events, or poll so retries whose backoff has passed are picked up.
    wake_.wait_for(lock, std::chrono::milliseconds(50), [this] { return pending_ || stopping_.load(); });
    pending_ = false;
  }
}

bool WebhookDispatcher::deliverDue(const WebhookEndpoint& endpoint) {
  const std::string key = endpoint.key();
  std::vector<PendingDelivery> due = storage_.claimDeliveries(key, 64);
  bool progressed = false;
  for (const auto& delivery : due) {
    if (stopping_) break;
    const OutboxEvent& event = delivery.event;
    std::string error;
    if (endpoint.format == WebhookFormat::Cartcore) {
      error = postJson(endpoint.url, cartcoreEnvelope(event), endpoint.authorization);
    } else if (event.type == "stock.changed") {
      // WooCommerce REST batch update: one product, or one variation under its parent product.
      auto data = nlohmann::json::parse(event.payload, nullptr, false);
      if (!data.is_discarded() && data.value("wooProductId", nlohmann::json()).is_number_integer()) {
        int64_t productId = data["wooProductId"].get<int64_t>();
        nlohmann::json update = {{"stock_quantity", data.value("onHand", int64_t{0})}};
        std::string url = endpoint.url;
        if (!url.empty() && url.back() == '/') url.pop_back();
        if (data.value("wooVariationId", nlohmann::json()).is_number_integer()) {
          update["id"] = data["wooVariationId"].get<int64_t>();
          url += "/products/" + std::to_string(productId) + "/variations/batch";
        } else {
          update["id"] = productId;
          url += "/products/batch";
        }
        nlohmann::json body = {{"update", nlohmann::json::array({update})}};
        error = postJson(url, body.dump(), endpoint.authorization);
      }
      // Variants with no WooCommerce id have nothing to sync: acknowledged without a request.
    }
    if (error.empty()) {
      storage_.recordDeliveries(key, {DeliveryResult{event.seq, true, 0, {}}});
      metrics_.webhookDeliveries.fetch_add(1);
      progressed = true;
    } else {
      int64_t shift = std::min<int64_t>(delivery.attempts, 20);
      int64_t backoff = std::min(retryMaxMillis_, retryBaseMillis_ << shift);
      storage_.recordDeliveries(key, {DeliveryResult{event.seq, false, backoff, error.substr(0, 500)}});
      metrics_.webhookFailures.fetch_add(1);
    }
  }
  return progressed;
}

}  // namespace cartcore::server
