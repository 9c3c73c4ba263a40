// SPDX-License-Identifier: MIT
#include "api.hpp"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <iostream>
#include <vector>

#include "dashboard_assets.hpp"
#include "request_reader.hpp"
#include "util.hpp"

namespace cartcore::server {

namespace {

/** The decoded path segments, or nothing when one of them is not a well-formed, percent-encoded UTF-8 string. */
std::optional<std::vector<std::string>> splitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto segment = percentDecode(path.substr(start, end - start));
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    start = end;
  }
  return segments;
}

int64_t queryInt(std::string_view query, std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(pos, end - pos);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      int64_t value = 0;
      std::string_view digits = pair.substr(name.size() + 1);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc() && ptr == digits.data() + digits.size()) return std::clamp(value, min, max);
    }
    pos = end + 1;
  }
  return fallback;
}

/**
 * The address per-IP limits count against: an IPv4 address as is, an IPv6 address as its /64 network, because one
 * subscriber is typically given a whole /64 and could otherwise be 2^64 clients. "" if `text` is not an address.
 */
std::string clientNetwork(std::string_view text) {
  boost::system::error_code invalid;
  auto address = boost::asio::ip::make_address(std::string(text), invalid);
  if (invalid) return {};
  if (address.is_v4()) return address.to_string();
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

ApiResponse methodNotAllowed() { return errorResponse(405, "method_not_allowed", "This path does not accept that method."); }

/** `application/json`, in any case, with or without parameters such as `; charset=utf-8`. */
bool isJsonMediaType(std::string_view contentType) {
  std::string_view type = contentType.substr(0, contentType.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view json = "application/json";
  if (type.size() != json.size()) return false;
  for (std::size_t i = 0; i < json.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != json[i]) return false;
  return true;
}

}  // namespace

std::optional<Caller> Api::callerOf(const ApiRequest& request) const {
  if (request.authorization.empty()) return std::nullopt;
  constexpr std::string_view scheme = "Bearer ";
  std::optional<Caller> caller;
  if (request.authorization.size() > scheme.size() && request.authorization.starts_with(scheme))
    caller = keys_.authenticate(request.authorization.substr(scheme.size()));
  if (!caller)
    refuse("unauthorized", "",
           "The Authorization header names no valid API key (\"Bearer <key>\"; see cartcore-server keys).", 401);
  return caller;
}

Client Api::clientOf(const ApiRequest& request) const {
  Client client;
  client.address = clientNetwork(request.clientAddress);
  if (std::optional<Caller> caller = callerOf(request)) {
    client.keyId = caller->keyId;
    // A storefront backend calls for many shoppers from one address; its checkout key vouches for the shopper's
    // address it forwards, so per-IP limits apply to shoppers, not to the backend.
    if ((caller->scope == KeyScope::Checkout || caller->scope == KeyScope::Admin) && !request.forwardedClientIp.empty()) {
      client.address = clientNetwork(request.forwardedClientIp);
      if (client.address.empty()) refuse("invalid_value", "", "Cartcore-Client-Ip is not an IP address.");
    }
  }
  if (!request.customerToken.empty()) client.customer = customers_.verify(request.customerToken, shop_.nowMillis());
  return client;
}

std::size_t Api::bodyLimitFor(std::string_view target) const {
  return target.starts_with("/v1/admin/config") ? options_.maxConfigBytes : options_.maxBodyBytes;
}

ApiResponse Api::handle(const ApiRequest& request, Route& route) {
  try {
    return this->route(request, route);
  } catch (const RequestError& refusal) {
    return refusal.response;  // the caller's mistake, found before anything changed
  } catch (const std::exception& e) {
    // Any failure mid-change rolled back with its Transaction; report it without leaking internals, log it here.
    std::cerr << "cartcore-server: internal error on " << request.method << " " << request.target << ": " << e.what()
              << "\n";
    try {
      metrics_.inventoryResyncs.fetch_add(1);
      shop_.recoverAfterFailure();
    } catch (const std::exception&) {
      // The database itself is failing; the next request reports it again.
    }
    return errorResponse(500, "internal_error", "The server failed to handle the request; nothing was changed.");
  }
}

ApiResponse Api::route(const ApiRequest& request, Route& route) {
  std::string_view target = request.target;
  std::size_t question = target.find('?');
  std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  auto decodedPath = splitPath(target.substr(0, question));
  if (!decodedPath) {
    route = Route::NotFound;
    return errorResponse(400, "malformed_path",
                         "The path has a broken percent-escape or is not UTF-8 once decoded; nothing was read.");
  }
  const std::vector<std::string>& path = *decodedPath;
  const std::string_view method = request.method;
  // HEAD is GET without the body; the transport drops the body and keeps its Content-Length.
  const bool get = method == "GET" || method == "HEAD", post = method == "POST", put = method == "PUT",
             del = method == "DELETE";
  // WooCommerce's webhooks are authenticated by their signature, and its ping is a form post: before the JSON rule.
  if (path.size() == 4 && path[0] == "v1" && path[1] == "integrations" && path[2] == "woocommerce" && path[3] == "webhook") {
    route = Route::WooWebhook;
    if (!options_.wooWebhooks)
      return errorResponse(404, "not_found", "WooCommerce webhooks are off; start with --woocommerce-webhook-secret.");
    if (!post) return methodNotAllowed();
    auto header = [&](std::string_view name) { return request.header ? request.header(name) : std::string_view(); };
    return options_.wooWebhooks->receive(
        request.body, {header("X-WC-Webhook-Signature"), header("X-WC-Webhook-Topic"), header("X-WC-Webhook-Resource"),
                       header("X-WC-Webhook-Event"), header("X-WC-Webhook-Delivery-ID"), header("X-WC-Webhook-ID")});
  }
  // A browser sends a cross-site POST without asking first (no CORS preflight) only with a "simple" content type
  // such as text/plain; requiring application/json on every state-changing method means a foreign page cannot
  // make its visitors' browsers place holds or check out.
  if ((post || put) && !isJsonMediaType(request.contentType)) {
    route = Route::NotFound;
    return errorResponse(415, "unsupported_media_type",
                         "Send the body with \"Content-Type: application/json\" (every POST and PUT needs it).");
  }
  auto is = [&](std::initializer_list<std::string_view> expected) {
    if (path.size() != expected.size()) return false;
    std::size_t i = 0;
    for (std::string_view part : expected) {
      if (part != "*" && path[i] != part) return false;
      ++i;
    }
    return true;
  };

  if (is({"healthz"}) || is({"v1", "health"})) {
    route = Route::Health;
    return get ? shop_.health() : methodNotAllowed();
  }
  if (is({"metrics"})) {
    route = Route::Metrics;
    if (!get) return methodNotAllowed();
    return {200, metrics_.render(), "text/plain; version=0.0.4"};
  }
  if (!path.empty() && path[0] == "admin") return route = Route::Dashboard, serveDashboard(request, path);
  if (is({"v1", "quote"})) {
    route = Route::Quote;
    return post ? shop_.quote(request.body, clientOf(request)) : methodNotAllowed();
  }
  if (is({"v1", "holds"})) {
    route = Route::HoldCreate;
    return post ? shop_.createHold(request.body, clientOf(request)) : methodNotAllowed();
  }
  if (is({"v1", "holds", "*"})) {
    if (get) return route = Route::HoldRead, shop_.getHold(path[2]);
    if (del) return route = Route::HoldRelease, shop_.releaseHold(path[2]);
    route = Route::HoldRead;
    return methodNotAllowed();
  }
  if (is({"v1", "holds", "*", "extend"})) {
    route = Route::HoldExtend;
    return post ? shop_.extendHold(path[2], request.body) : methodNotAllowed();
  }
  if (is({"v1", "holds", "*", "release"})) {
    route = Route::HoldRelease;
    if (!post) return methodNotAllowed();
    // No fields: an empty body or {}, read by the same strict rules as every other body.
    const nlohmann::json noFields = parseBody(request.body, options_.maxBodyBytes, /*emptyIsObject=*/true);
    FieldReader(noFields, "").finish();
    return shop_.releaseHold(path[2]);
  }
  if (is({"v1", "checkout"})) {
    route = Route::Checkout;
    return post ? shop_.checkout(request.body, std::string(request.idempotencyKey), clientOf(request))
                : methodNotAllowed();
  }

  if (path.size() >= 2 && path[0] == "v1" && path[1] == "admin") {
    route = Route::NotFound;
    if (is({"v1", "admin", "config"})) route = get ? Route::ConfigRead : Route::ConfigWrite;
    else if (is({"v1", "admin", "stock"}) || is({"v1", "admin", "stock", "*"}) || is({"v1", "admin", "stock", "*", "adjust"}))
      route = get ? Route::StockRead : Route::StockWrite;
    else if (is({"v1", "admin", "orders"}) || is({"v1", "admin", "orders", "*"})) route = Route::OrderRead;
    else if (is({"v1", "admin", "events"})) route = Route::Events;
    else if (is({"v1", "admin", "test", "clock"})) route = Route::Clock;
    if (Route analytics = analyticsRoute(path); analytics != Route::NotFound) route = analytics;
    std::optional<Caller> caller = callerOf(request);
    if (!caller)
      return errorResponse(401, "unauthorized",
                           "Admin endpoints need \"Authorization: Bearer <API key>\" (see cartcore-server keys).");
    if (!scopeAllows(caller->scope, method, path))
      return errorResponse(403, "insufficient_scope",
                           "This API key's scope (" + std::string(keyScopeName(caller->scope)) + ") does not allow " +
                               std::string(method) + " on this path.",
                           {{"scope", keyScopeName(caller->scope)}});
    if (auto answer = routeAnalytics(request, path, query)) return std::move(*answer);
    if (is({"v1", "admin", "config"})) {
      if (get) return shop_.getConfig();
      if (put || post) return shop_.putConfig(request.body);
      return methodNotAllowed();
    }
    if (is({"v1", "admin", "stock"})) {
      if (get) return shop_.listStock();
      if (put) return shop_.putStockBulk(request.body);
      return methodNotAllowed();
    }
    if (is({"v1", "admin", "stock", "*"})) {
      if (get) return shop_.getStock(path[3]);
      if (put) return shop_.putStock(path[3], request.body);
      return methodNotAllowed();
    }
    if (is({"v1", "admin", "stock", "*", "adjust"}))
      return post ? shop_.adjustStock(path[3], request.body) : methodNotAllowed();
    if (is({"v1", "admin", "orders"}))
      return get ? shop_.listOrders(queryInt(query, "after", 0, 0, INT64_MAX),
                                    static_cast<int>(queryInt(query, "limit", 100, 1, 1000)))
                 : methodNotAllowed();
    if (is({"v1", "admin", "orders", "*"})) return get ? shop_.getOrder(path[3]) : methodNotAllowed();
    if (is({"v1", "admin", "events"}))
      return get ? shop_.listEvents(queryInt(query, "after", 0, 0, INT64_MAX),
                                    static_cast<int>(queryInt(query, "limit", 100, 1, 1000)))
                 : methodNotAllowed();
    if (is({"v1", "admin", "test", "clock"})) {
      if (!options_.testClock)
        return errorResponse(404, "not_found", "The test clock is off; start the server with --test-clock.");
      return post ? shop_.moveClock(request.body) : methodNotAllowed();
    }
  }
  route = Route::NotFound;
  return errorResponse(404, "not_found", "No endpoint at this path; see server/README.md.");
}

}  // namespace cartcore::server
