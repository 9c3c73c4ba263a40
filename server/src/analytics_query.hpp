// SPDX-License-Identifier: MIT
// Strict reading of a GET's query string for the analytics endpoints: every parameter known, given once and
// well-formed, or a 400 naming the parameter.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analytics_records.hpp"

namespace cartcore::server {

/** The longest period one question may cover (about three years): bounds the rollup rows a question reads. */
inline constexpr int64_t kMaxAnalyticsDays = 1096;

/** A query string's parameters, percent-decoded ("+" is a space). */
class QueryParameters {
 public:
  /** Refuses with a RequestError (400, naming `parameter`): a broken escape or non-UTF-8 value (invalid_value), a
   *  repeated name (duplicate_id), a name not in `allowed` (unknown_field). */
  QueryParameters(std::string_view query, const std::vector<std::string_view>& allowed);
  const std::string* find(std::string_view name) const;
  /** An integer in [min, max] or `fallback` when absent; invalid_value / out_of_range otherwise. */
  int64_t integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  /** One of `choices`, or `fallback` when absent; invalid_value otherwise. */
  std::string choice(std::string_view name, std::initializer_list<std::string_view> choices,
                     std::string_view fallback) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

/** A 400 with {"code", "message", "parameter"}, thrown as a RequestError. */
[[noreturn]] void refuseParameter(std::string_view code, std::string_view parameter, const std::string& message);

/**
 * from/to (default: the 30 days before `now`), configVersion, currency (default `storeCurrency`) and limit.
 * A period of more than kMaxAnalyticsDays is range_too_large; `to` not after `from` is invalid_value.
 */
AnalyticsQuery readAnalyticsQuery(const QueryParameters& parameters, int64_t now, const std::string& storeCurrency,
                                  int defaultLimit, int maxLimit);

/** format=csv, or no format and an Accept header naming text/csv. */
bool wantsCsv(const QueryParameters& parameters, std::string_view accept);

/** The parameters every analytics endpoint takes (from, to, configVersion, currency, limit, format) and `extra`. */
std::vector<std::string_view> analyticsParameters(std::initializer_list<std::string_view> extra = {});

}  // namespace cartcore::server
