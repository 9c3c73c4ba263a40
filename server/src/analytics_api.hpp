// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

#include "server_clock.hpp"
#include "shop.hpp"
#include "storage.hpp"

namespace cartcore::server {

/**
 * The merchant analytics endpoints (GET /v1/admin/analytics/{name}) and the orders export: each reads its query
 * strictly, asks the storage one aggregate question (computed in SQL) and renders exact decimal strings as JSON
 * or CSV. See server/openapi.yaml (tag analytics) for every field.
 */
class AnalyticsApi {
 public:
  AnalyticsApi(Storage& storage, Shop& shop, ServerClock& clock) : storage_(storage), shop_(shop), clock_(clock) {}

  ApiResponse promotions(std::string_view query, std::string_view accept);
  ApiResponse combinations(std::string_view query, std::string_view accept);
  ApiResponse margin(std::string_view query, std::string_view accept);
  ApiResponse stock(std::string_view query, std::string_view accept);
  /** NDJSON: config lines, order lines, an end line with the next cursor. */
  ApiResponse exportOrders(std::string_view query);

 private:
  /** 404 unknown_config_version unless the query's version exists (or names none). */
  void checkVersion(const AnalyticsQuery& query);

  Storage& storage_;
  Shop& shop_;
  ServerClock& clock_;
};

}  // namespace cartcore::server
