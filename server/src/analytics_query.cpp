// SPDX-License-Identifier: MIT
#include "analytics_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "request_reader.hpp"
#include "util.hpp"

namespace cartcore::server {

void refuseParameter(std::string_view code, std::string_view parameter, const std::string& message) {
  throw RequestError{errorResponse(400, code, message, {{"parameter", parameter}}),
                     std::string(parameter) + ": " + message};
}

QueryParameters::QueryParameters(std::string_view query, const std::vector<std::string_view>& allowed) {
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = std::min(query.find('&', pos), query.size());
    std::string_view pair = query.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    std::string rawName(pair.substr(0, equals)),
        rawValue(equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    std::replace(rawName.begin(), rawName.end(), '+', ' ');
    std::replace(rawValue.begin(), rawValue.end(), '+', ' ');
    auto name = percentDecode(rawName);
    if (!name)
      refuseParameter("invalid_value", "", "A query parameter name has a broken percent-escape or is not UTF-8.");
    auto value = percentDecode(rawValue);
    if (!value) refuseParameter("invalid_value", *name, "The value has a broken percent-escape or is not UTF-8.");
    if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end())
      refuseParameter("unknown_field", *name, "This endpoint has no query parameter \"" + *name + "\".");
    if (!values_.emplace(*name, std::move(*value)).second)
      refuseParameter("duplicate_id", *name, "The query parameter \"" + *name + "\" is given more than once.");
  }
}

const std::string* QueryParameters::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

int64_t QueryParameters::integer(std::string_view name, int64_t fallback, int64_t min, int64_t max) const {
  const std::string* text = find(name);
  if (!text) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ptr != text->data() + text->size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range))
    refuseParameter("invalid_value", name, std::string(name) + " must be an integer.");
  if (ec == std::errc::result_out_of_range || value < min || value > max)
    refuseParameter(
        "out_of_range", name,
        std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ".");
  return value;
}

std::string QueryParameters::choice(std::string_view name, std::initializer_list<std::string_view> choices,
                                    std::string_view fallback) const {
  const std::string* text = find(name);
  if (!text) return std::string(fallback);
  if (std::find(choices.begin(), choices.end(), *text) == choices.end()) {
    std::string listed;
    for (auto c : choices) listed += (listed.empty() ? "" : ", ") + std::string(c);
    refuseParameter("invalid_value", name, std::string(name) + " must be one of: " + listed + ".");
  }
  return *text;
}

std::vector<std::string_view> analyticsParameters(std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> names = {"from", "to", "configVersion", "currency", "limit", "format"};
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

AnalyticsQuery readAnalyticsQuery(const QueryParameters& parameters, int64_t now, const std::string& storeCurrency,
                                  int defaultLimit, int maxLimit) {
  constexpr int64_t kDay = 24LL * 60 * 60 * 1000;
  auto time = [&](std::string_view name, int64_t fallback) {
    const std::string* text = parameters.find(name);
    if (!text) return fallback;
    int64_t millis = 0;
    if (text->empty() || !std::isdigit(static_cast<unsigned char>((*text)[0])) || !parseIsoTime(*text, millis) ||
        millis < 0)
      refuseParameter("invalid_value", name,
                      std::string(name) + " must be an ISO 8601 UTC time, e.g. 2026-11-01T00:00:00Z.");
    return millis;
  };
  AnalyticsQuery query;
  query.to = time("to", now);
  query.from = time("from", query.to - 30 * kDay);
  if (query.to <= query.from) refuseParameter("invalid_value", "to", "to must be after from.");
  if (query.to - query.from > kMaxAnalyticsDays * kDay)
    refuseParameter(
        "range_too_large", "from",
        "A period may cover at most " + std::to_string(kMaxAnalyticsDays) + " days; ask for a shorter one.");
  if (parameters.find("configVersion")) query.configVersion = parameters.integer("configVersion", 0, 1, INT64_MAX);
  query.currency = storeCurrency;
  if (const std::string* currency = parameters.find("currency")) {
    bool code = currency->size() == 3 &&
                std::all_of(currency->begin(), currency->end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!code) refuseParameter("invalid_value", "currency", "currency must be an ISO 4217 code such as USD.");
    query.currency = *currency;
  }
  query.limit = static_cast<int>(parameters.integer("limit", defaultLimit, 1, maxLimit));
  return query;
}

bool wantsCsv(const QueryParameters& parameters, std::string_view accept) {
  if (parameters.find("format")) return parameters.choice("format", {"json", "csv"}, "json") == "csv";
  std::string lower(accept);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("text/csv") != std::string::npos;
}

}  // namespace cartcore::server
