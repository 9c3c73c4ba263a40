// SPDX-License-Identifier: MIT
#include "api.hpp"

#include <charconv>
#include <iostream>
#include <vector>

#include "util.hpp"

namespace cartcore::server {

namespace {

std::string percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (ec == std::errc() && ptr == text.data() + i + 3) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(percentDecode(path.substr(start, end - start)));
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

ApiResponse methodNotAllowed() { return errorResponse(405, "method_not_allowed", "This path does not accept that method."); }

}  // namespace

bool Api::authorized(std::string_view authorization) const {
  constexpr std::string_view scheme = "Bearer ";
  if (options_.adminToken.empty() || authorization.size() <= scheme.size() ||
      authorization.substr(0, scheme.size()) != scheme)
    return false;
  return constantTimeEquals(authorization.substr(scheme.size()), options_.adminToken);
}

std::size_t Api::bodyLimitFor(std::string_view target) const {
  return target.starts_with("/v1/admin/config") ? options_.maxConfigBytes : options_.maxBodyBytes;
}

ApiResponse Api::handle(const ApiRequest& request, Route& route) {
  try {
    return this->route(request, route);
  } catch (const std::exception& e) {
    // Any failure mid-change rolled back with its Transaction; report it without leaking internals, log it here.
    std::cerr << "cartcore-server: internal error on " << request.method << " " << request.target << ": " << e.what()
              << "\n";
    try {
      shop_.resyncInventory();
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
  std::vector<std::string> path = splitPath(target.substr(0, question));
  const std::string_view method = request.method;
  const bool get = method == "GET", post = method == "POST", put = method == "PUT", del = method == "DELETE";
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
  if (is({"v1", "quote"})) {
    route = Route::Quote;
    return post ? shop_.quote(request.body) : methodNotAllowed();
  }
  if (is({"v1", "holds"})) {
    route = Route::HoldCreate;
    return post ? shop_.createHold(request.body) : methodNotAllowed();
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
    return post ? shop_.releaseHold(path[2]) : methodNotAllowed();
  }
  if (is({"v1", "checkout"})) {
    route = Route::Checkout;
    return post ? shop_.checkout(request.body, std::string(request.idempotencyKey)) : methodNotAllowed();
  }

  if (path.size() >= 2 && path[0] == "v1" && path[1] == "admin") {
    route = Route::NotFound;
    if (is({"v1", "admin", "config"})) route = get ? Route::ConfigRead : Route::ConfigWrite;
    else if (is({"v1", "admin", "stock"}) || is({"v1", "admin", "stock", "*"}) || is({"v1", "admin", "stock", "*", "adjust"}))
      route = get ? Route::StockRead : Route::StockWrite;
    else if (is({"v1", "admin", "orders"}) || is({"v1", "admin", "orders", "*"})) route = Route::OrderRead;
    else if (is({"v1", "admin", "events"})) route = Route::Events;
    else if (is({"v1", "admin", "test", "clock"})) route = Route::Clock;
    if (!authorized(request.authorization))
      return errorResponse(401, "unauthorized", "Admin endpoints need \"Authorization: Bearer <admin token>\".");
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
