// SPDX-License-Identifier: MIT
// Merchant analytics over HTTP: strict query parameters in, one SQL aggregate per question, exact decimals out.
#include "analytics_api.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "analytics_query.hpp"
#include "request_reader.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 1000;
constexpr int kDefaultExportLimit = 1000;
constexpr int kMaxExportLimit = 10000;
constexpr std::size_t kMaxExportBytes = 16u << 20;  // a page stops early past this (carts may be large)

int exponentOf(const std::string& currency) { return cartcore::currencyMinorDigits(currency).value_or(2); }

json percentJson(int64_t numerator, int64_t denominator) {
  auto text = analytics::formatPercent(numerator, denominator);
  return text ? json(*text) : json();
}

std::string percentText(int64_t numerator, int64_t denominator) {
  return analytics::formatPercent(numerator, denominator).value_or("");
}

/** RFC 4180: a field with a comma, quote or line break is quoted, with quotes doubled. */
std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csvRow(const std::vector<std::string>& fields) {
  std::string row;
  for (std::size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + csvField(fields[i]);
  return row + "\r\n";
}

ApiResponse csvResponse(std::string body) { return {200, std::move(body), "text/csv; charset=utf-8"}; }

json periodJson(const AnalyticsQuery& q) {
  return {{"ok", true},
          {"from", isoTime(q.from)},
          {"to", isoTime(q.to)},
          {"configVersion", q.configVersion ? json(*q.configVersion) : json()},
          {"currency", q.currency}};
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::vector<std::string> combinationIds(const std::string& key) {
  json ids = json::parse(key, nullptr, false);
  std::vector<std::string> out;
  if (ids.is_array())
    for (const auto& id : ids)
      if (id.is_string()) out.push_back(id.get<std::string>());
  return out;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

json marginFiguresJson(const OrderTotals& t, int exponent) {
  return {{"orders", t.orders},
          {"subtotal", formatMinor(t.subtotal, exponent)},
          {"discount", formatMinor(t.discount, exponent)},
          {"revenue", formatMinor(t.revenue, exponent)},
          {"cost", formatMinor(t.cost, exponent)},
          {"margin", formatMinor(t.costedRevenue - t.cost, exponent)},
          {"marginPercent", percentJson(t.costedRevenue - t.cost, t.costedRevenue)}};
}

std::string dayText(int64_t dayStart) { return isoTime(dayStart).substr(0, 10); }

/** The cursor of an export page: "<checkout time in ms>.<order id>". */
ExportCursor parseCursor(const std::string& text) {
  ExportCursor cursor;
  std::size_t dot = text.find('.');
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + (dot == std::string::npos ? 0 : dot), cursor.createdAt);
  if (dot == std::string::npos || ec != std::errc() || ptr != text.data() + dot || cursor.createdAt < 0)
    refuseParameter("invalid_value", "after", "after must be the `next` cursor of the previous page.");
  cursor.orderId = text.substr(dot + 1);
  return cursor;
}

}  // namespace

void AnalyticsApi::checkVersion(const AnalyticsQuery& query) {
  if (query.configVersion && !storage_.configVersion(*query.configVersion)) {
    std::string message = "No config version " + std::to_string(*query.configVersion) + " exists.";
    throw RequestError{errorResponse(404, "unknown_config_version", message, {{"parameter", "configVersion"}}),
                       "configVersion: " + message};
  }
}

ApiResponse AnalyticsApi::promotions(std::string_view query, std::string_view accept) {
  QueryParameters parameters(query, analyticsParameters());
  auto catalog = shop_.currentCatalog();
  AnalyticsQuery q = readAnalyticsQuery(parameters, clock_.nowMillis(), catalog->currency, kDefaultLimit, kMaxLimit);
  bool csv = wantsCsv(parameters, accept);
  checkVersion(q);
  PromotionReport report = storage_.promotionReport(q);
  std::map<std::string, std::string> names;
  for (const auto& p : catalog->promotions) names[p.id] = p.name;
  std::map<std::string, std::vector<const LostTo*>> lost;
  for (const auto& l : report.lostTo)
    if (lost[l.promotion].size() < 3) lost[l.promotion].push_back(&l);  // already sorted: most orders first
  const int exponent = exponentOf(q.currency);
  if (csv) {
    std::string body = csvRow({"promotion", "name", "orders", "units", "listAmount", "discount", "revenue", "cost",
                               "margin", "marginPercent", "unitsWithoutCost", "clamps", "lostTo"});
    for (const auto& p : report.promotions) {
      std::vector<std::string> lostTo;
      for (const LostTo* l : lost[p.promotion])
        lostTo.push_back(l->lostTo + ":" + l->reason + ":" + std::to_string(l->orders));
      body += csvRow({p.promotion, names.count(p.promotion) ? names[p.promotion] : p.promotion,
                      std::to_string(p.orders), std::to_string(p.units), formatMinor(p.listAmount, exponent),
                      formatMinor(p.discount, exponent), formatMinor(p.revenue, exponent),
                      formatMinor(p.cost, exponent), formatMinor(p.costedRevenue - p.cost, exponent),
                      percentText(p.costedRevenue - p.cost, p.costedRevenue), std::to_string(p.unitsWithoutCost),
                      std::to_string(p.clamps), joined(lostTo, ";")});
    }
    return csvResponse(std::move(body));
  }
  json list = json::array();
  for (const auto& p : report.promotions) {
    json lostTo = json::array();
    for (const LostTo* l : lost[p.promotion])
      lostTo.push_back({{"promotion", l->lostTo}, {"reason", l->reason}, {"orders", l->orders}});
    list.push_back({{"promotion", p.promotion},
                    {"name", names.count(p.promotion) ? names[p.promotion] : p.promotion},
                    {"orders", p.orders},
                    {"units", p.units},
                    {"listAmount", formatMinor(p.listAmount, exponent)},
                    {"discount", formatMinor(p.discount, exponent)},
                    {"revenue", formatMinor(p.revenue, exponent)},
                    {"cost", formatMinor(p.cost, exponent)},
                    {"margin", formatMinor(p.costedRevenue - p.cost, exponent)},
                    {"marginPercent", percentJson(p.costedRevenue - p.cost, p.costedRevenue)},
                    {"unitsWithoutCost", p.unitsWithoutCost},
                    {"clamps", p.clamps},
                    {"lostTo", std::move(lostTo)}});
  }
  json out = periodJson(q);
  out["orders"] = report.orders;
  out["promotions"] = std::move(list);
  return {200, dump(out)};
}

ApiResponse AnalyticsApi::combinations(std::string_view query, std::string_view accept) {
  QueryParameters parameters(query, analyticsParameters());
  auto catalog = shop_.currentCatalog();
  AnalyticsQuery q = readAnalyticsQuery(parameters, clock_.nowMillis(), catalog->currency, kDefaultLimit, kMaxLimit);
  bool csv = wantsCsv(parameters, accept);
  checkVersion(q);
  CombinationReport report = storage_.combinationReport(q);
  const int exponent = exponentOf(q.currency);
  if (csv) {
    std::string body = csvRow({"promotions", "orders", "subtotal", "discount", "averageDiscountPercent"});
    for (const auto& c : report.combinations)
      body += csvRow({joined(combinationIds(c.key), "+"), std::to_string(c.orders), formatMinor(c.subtotal, exponent),
                      formatMinor(c.discount, exponent), percentText(c.discount, c.subtotal)});
    return csvResponse(std::move(body));
  }
  json list = json::array();
  for (const auto& c : report.combinations)
    list.push_back({{"promotions", combinationIds(c.key)},
                    {"orders", c.orders},
                    {"subtotal", formatMinor(c.subtotal, exponent)},
                    {"discount", formatMinor(c.discount, exponent)},
                    {"averageDiscountPercent", percentJson(c.discount, c.subtotal)}});
  json out = periodJson(q);
  out["orders"] = report.orders;
  out["combinations"] = std::move(list);
  return {200, dump(out)};
}

ApiResponse AnalyticsApi::margin(std::string_view query, std::string_view accept) {
  QueryParameters parameters(query, analyticsParameters({"targetPercent", "table"}));
  auto catalog = shop_.currentCatalog();
  AnalyticsQuery q = readAnalyticsQuery(parameters, clock_.nowMillis(), catalog->currency, kDefaultLimit, kMaxLimit);
  int64_t target = parameters.integer("targetPercent", 0, -100, 100);
  bool csv = wantsCsv(parameters, accept);
  std::string table = parameters.choice("table", {"daily", "clamps"}, "daily");
  if (parameters.find("table") && !csv) refuseParameter("invalid_value", "table", "table applies to format=csv only.");
  checkVersion(q);
  MarginReportRows report = storage_.marginReport(q, target);
  const int exponent = exponentOf(q.currency);
  auto clampJson = [&](const ClampTotals& c) {
    return json{{"key", c.key},
                {"clamps", c.clamps},
                {"discountBefore", formatMinor(c.discountBefore, exponent)},
                {"discountAfter", formatMinor(c.discountAfter, exponent)},
                {"givenBack", formatMinor(c.discountBefore - c.discountAfter, exponent)}};
  };
  if (csv && table == "clamps") {
    std::string body = csvRow({"dimension", "key", "clamps", "discountBefore", "discountAfter", "givenBack"});
    for (const auto& c : report.clamps)
      body +=
          csvRow({c.dimension, c.key, std::to_string(c.clamps), formatMinor(c.discountBefore, exponent),
                  formatMinor(c.discountAfter, exponent), formatMinor(c.discountBefore - c.discountAfter, exponent)});
    return csvResponse(std::move(body));
  }
  if (csv) {
    std::string body = csvRow({"day", "orders", "subtotal", "discount", "revenue", "cost", "margin", "marginPercent"});
    for (const auto& [day, t] : report.daily)
      body += csvRow({dayText(day), std::to_string(t.orders), formatMinor(t.subtotal, exponent),
                      formatMinor(t.discount, exponent), formatMinor(t.revenue, exponent),
                      formatMinor(t.cost, exponent), formatMinor(t.costedRevenue - t.cost, exponent),
                      percentText(t.costedRevenue - t.cost, t.costedRevenue)});
    return csvResponse(std::move(body));
  }
  json daily = json::array();
  for (const auto& [day, t] : report.daily) {
    json figures = marginFiguresJson(t, exponent);
    figures["day"] = dayText(day);
    daily.push_back(std::move(figures));
  }
  json clamps = {{"total", clampJson(ClampTotals{"total", "", 0, 0, 0})},
                 {"byFloor", json::array()},
                 {"byPromotion", json::array()},
                 {"byCategory", json::array()}};
  for (const auto& c : report.clamps) {
    if (c.dimension == "total")
      clamps["total"] = clampJson(c);
    else if (c.dimension == "floor")
      clamps["byFloor"].push_back(clampJson(c));
    else if (c.dimension == "promotion")
      clamps["byPromotion"].push_back(clampJson(c));
    else
      clamps["byCategory"].push_back(clampJson(c));
  }
  json out = periodJson(q);
  out["orders"] = report.totals.orders;
  out["totals"] = marginFiguresJson(report.totals, exponent);
  out["unitsWithoutCost"] = report.totals.unitsWithoutCost;
  out["target"] = {{"marginPercent", formatMinor(target * 100, 2)},
                   {"ordersBelow", report.ordersBelowTarget},
                   {"ordersWithCost", report.ordersWithCost}};
  out["daily"] = std::move(daily);
  out["clamps"] = std::move(clamps);
  return {200, dump(out)};
}

ApiResponse AnalyticsApi::stock(std::string_view query, std::string_view accept) {
  QueryParameters parameters(query, analyticsParameters({"table"}));
  auto catalog = shop_.currentCatalog();
  AnalyticsQuery q = readAnalyticsQuery(parameters, clock_.nowMillis(), catalog->currency, kDefaultLimit, kMaxLimit);
  bool csv = wantsCsv(parameters, accept);
  std::string table = parameters.choice("table", {"switches", "skus"}, "switches");
  if (parameters.find("table") && !csv) refuseParameter("invalid_value", "table", "table applies to format=csv only.");
  checkVersion(q);
  StockReport report = storage_.stockReport(q);
  auto skuOf = [&](const std::string& variant) { return factsOf(catalog->facts, variant).sku; };
  if (csv && table == "skus") {
    std::string body = csvRow({"variant", "sku", "lowSwitches", "outSwitches", "guardSwitches", "lastState", "lastAt"});
    for (const auto& s : report.skus)
      body += csvRow({s.variant, skuOf(s.variant), std::to_string(s.lowSwitches), std::to_string(s.outSwitches),
                      std::to_string(s.guardSwitches), s.lastState, s.lastAt ? isoTime(s.lastAt) : ""});
    return csvResponse(std::move(body));
  }
  if (csv) {
    std::string body =
        csvRow({"at", "kind", "subject", "state", "variant", "sku", "available", "threshold", "configVersion"});
    for (const auto& s : report.switches)
      body += csvRow({isoTime(s.at), s.kind, s.subject, s.state, s.variant, skuOf(s.variant),
                      std::to_string(s.available), std::to_string(s.threshold), std::to_string(s.configVersion)});
    return csvResponse(std::move(body));
  }
  const HoldFates& h = report.holds;
  int64_t ended = h.converted + h.expired + h.released;
  json switches = json::array();
  for (const auto& s : report.switches)
    switches.push_back({{"at", isoTime(s.at)},
                        {"kind", s.kind},
                        {"subject", s.subject},
                        {"state", s.state},
                        {"variant", s.variant},
                        {"sku", skuOf(s.variant)},
                        {"available", s.available},
                        {"threshold", s.threshold},
                        {"configVersion", s.configVersion}});
  json skus = json::array();
  for (const auto& s : report.skus)
    skus.push_back({{"variant", s.variant},
                    {"sku", skuOf(s.variant)},
                    {"lowSwitches", s.lowSwitches},
                    {"outSwitches", s.outSwitches},
                    {"guardSwitches", s.guardSwitches},
                    {"lastState", s.lastState},
                    {"lastAt", s.lastAt ? json(isoTime(s.lastAt)) : json()}});
  json out = periodJson(q);
  out.erase("currency");
  out["holds"] = {{"converted", h.converted},
                  {"expired", h.expired},
                  {"released", h.released},
                  {"conversionPercent", percentJson(h.converted, ended)},
                  {"expiryPercent", percentJson(h.expired, ended)},
                  {"activeNow", report.activeHolds}};
  out["switches"] = std::move(switches);
  out["truncated"] = report.truncated;
  out["skus"] = std::move(skus);
  return {200, dump(out)};
}

ApiResponse AnalyticsApi::exportOrders(std::string_view query) {
  QueryParameters parameters(query, {"from", "to", "configVersion", "after", "limit"});
  auto catalog = shop_.currentCatalog();
  AnalyticsQuery q = readAnalyticsQuery(parameters, clock_.nowMillis(), "", kDefaultExportLimit, kMaxExportLimit);
  q.currency.clear();  // every currency: replay reports each on its own
  checkVersion(q);
  ExportCursor after{q.from - 1, ""};
  if (const std::string* cursor = parameters.find("after")) after = parseCursor(*cursor);
  std::vector<ExportedOrder> orders = storage_.exportOrders(q, after, q.limit);
  std::string body;
  std::set<int64_t> versionsWritten;
  std::size_t written = 0;
  for (const auto& order : orders) {
    if (versionsWritten.insert(order.configVersion).second) {
      auto config = storage_.configVersion(order.configVersion);
      if (!config) throw std::runtime_error("config version of an order is missing");
      // Stored as the merchant sent it, perhaps pretty-printed: a raw line break in JSON text is only ever
      // whitespace (inside a string it must be escaped), so blanking them keeps the config and its NDJSON line one.
      std::string configText = config->configJson;
      std::replace_if(configText.begin(), configText.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
      body += R"({"config":)" + configText + R"(,"configDigest":)" + json(config->configDigest).dump() +
              R"(,"type":"config","version":)" + std::to_string(config->version) + "}\n";
    }
    json fields = {{"configVersion", order.configVersion},
                   {"createdAt", isoTime(order.createdAt)},
                   {"currency", order.currency},
                   {"id", order.id},
                   {"quoteDigest", order.quoteDigest},
                   {"total", formatMinor(order.totalMinor, exponentOf(order.currency))},
                   {"type", "order"}};
    // The stored cart and stock texts are spliced in verbatim: valid JSON the server wrote itself.
    body += R"({"cart":)" + order.cartJson + R"(,"segments":)" + order.segmentsJson + R"(,"stock":)" + order.stockJson +
            "," + dump(fields).substr(1) + "\n";
    after = {order.createdAt, order.id};
    ++written;
    if (body.size() > kMaxExportBytes) break;
  }
  bool more = written == static_cast<std::size_t>(q.limit) || written < orders.size();
  json end = {{"type", "end"},
              {"orders", written},
              {"next", more ? json(std::to_string(after.createdAt) + "." + after.orderId) : json()}};
  body += dump(end) + "\n";
  return {200, std::move(body), "application/x-ndjson"};
}

}  // namespace cartcore::server
