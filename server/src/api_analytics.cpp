// SPDX-License-Identifier: MIT
// Routes of the merchant analytics services: analytics questions, the orders export, replay jobs, the live stream.
#include "admin_stream.hpp"
#include "analytics_api.hpp"
#include "api.hpp"
#include "replay_jobs.hpp"

namespace cartcore::server {

namespace {

bool matches(const std::vector<std::string>& path, std::initializer_list<std::string_view> expected) {
  if (path.size() != expected.size()) return false;
  std::size_t i = 0;
  for (std::string_view part : expected) {
    if (part != "*" && path[i] != part) return false;
    ++i;
  }
  return true;
}

ApiResponse methodNotAllowed() {
  return errorResponse(405, "method_not_allowed", "This path does not accept that method.");
}

ApiResponse unavailable() { return errorResponse(404, "not_found", "This server runs without analytics."); }

}  // namespace

Route Api::analyticsRoute(const std::vector<std::string>& path) {
  if (matches(path, {"v1", "admin", "analytics", "*"})) return Route::Analytics;
  if (matches(path, {"v1", "admin", "orders", "export"})) return Route::OrderExport;
  if (matches(path, {"v1", "admin", "config", "replay"}) || matches(path, {"v1", "admin", "config", "replay", "*"}))
    return Route::Replay;
  if (matches(path, {"v1", "admin", "stream"})) return Route::Stream;
  return Route::NotFound;
}

std::optional<ApiResponse> Api::routeAnalytics(const ApiRequest& request, const std::vector<std::string>& path,
                                               std::string_view query) {
  Route route = analyticsRoute(path);
  if (route == Route::NotFound) return std::nullopt;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (route == Route::Analytics) {
    if (!services_.analytics) return unavailable();
    if (!get) return methodNotAllowed();
    AnalyticsApi& a = *services_.analytics;
    const std::string& which = path[3];
    if (which == "promotions") return a.promotions(query, request.accept);
    if (which == "combinations") return a.combinations(query, request.accept);
    if (which == "margin") return a.margin(query, request.accept);
    if (which == "stock") return a.stock(query, request.accept);
    return errorResponse(404, "not_found", "No analytics named \"" + which + "\"; see server/openapi.yaml.");
  }
  if (route == Route::OrderExport) {
    if (!services_.analytics) return unavailable();
    return get ? services_.analytics->exportOrders(query) : methodNotAllowed();
  }
  if (route == Route::Replay) {
    if (!services_.replay) return unavailable();
    if (path.size() == 4) {
      if (request.method != "POST") return methodNotAllowed();
      return services_.replay->start(request.body, options_.maxConfigBytes);
    }
    if (get) return services_.replay->get(path[4]);
    if (request.method == "DELETE") return services_.replay->cancel(path[4]);
    return methodNotAllowed();
  }
  if (!services_.stream) return unavailable();
  return get ? services_.stream->open() : methodNotAllowed();
}

}  // namespace cartcore::server
