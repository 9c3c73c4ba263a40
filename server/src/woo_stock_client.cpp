// SPDX-License-Identifier: MIT
#include "woo_stock_client.hpp"

#include <map>

#include <nlohmann/json.hpp>

namespace cartcore::server {

namespace {

using json = nlohmann::json;

/** Why an item of a 200 batch answer does not show our level applied; "" when it does. */
std::string itemFailure(const json& item, int64_t id, int64_t quantity) {
  if (!item.is_object()) return "WooCommerce's batch answer has no result for this item";
  if (auto error = item.find("error"); error != item.end()) {
    std::string code = error->is_object() ? error->value("code", std::string()) : std::string();
    std::string message = error->is_object() ? error->value("message", std::string()) : error->dump();
    return "WooCommerce refused the item: " + code + (code.empty() || message.empty() ? "" : ": ") + message;
  }
  auto itemId = item.find("id");
  if (itemId == item.end() || !itemId->is_number_integer() || itemId->get<int64_t>() != id)
    return "WooCommerce's batch answer names another object at this item's place";
  // "parent" (a variation whose stock the product keeps) or false: the quantity was not stored on this object.
  auto manage = item.find("manage_stock");
  if (manage == item.end() || !manage->is_boolean() || !manage->get<bool>())
    return "WooCommerce did not turn on stock management for this object (manage_stock is " +
           (manage == item.end() ? std::string("missing") : manage->dump()) + ")";
  auto stored = item.find("stock_quantity");
  if (stored == item.end() || !stored->is_number_integer() || stored->get<int64_t>() != quantity)
    return "WooCommerce stored stock_quantity " + (stored == item.end() ? std::string("missing") : stored->dump()) +
           ", not " + std::to_string(quantity);
  return {};
}

}  // namespace

WooStockClient::WooStockClient(std::string baseUrl, std::string authorization, HttpClient& http)
    : baseUrl_(std::move(baseUrl)), authorization_(std::move(authorization)), http_(http) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

std::vector<WooPushOutcome> WooStockClient::push(const std::vector<WooStockPush>& pushes) {
  std::vector<WooPushOutcome> outcomes(pushes.size());
  // The last push per target wins (it is the newest level); batches group targets by endpoint path, in target
  // order so requests are reproducible.
  std::map<WooStockTarget, std::size_t> lastFor;
  for (std::size_t i = 0; i < pushes.size(); ++i) lastFor[pushes[i].target] = i;
  std::map<std::string, std::vector<std::size_t>> byPath;
  for (const auto& [target, index] : lastFor) {
    std::string path = target.variationId ? "/products/" + std::to_string(target.productId) + "/variations/batch"
                                          : "/products/batch";
    byPath[path].push_back(index);
  }
  for (const auto& [path, indexes] : byPath) {
    for (std::size_t start = 0; start < indexes.size(); start += kWooBatchLimit) {
      std::size_t end = std::min(indexes.size(), start + kWooBatchLimit);
      sendBatch(path, pushes, {indexes.begin() + start, indexes.begin() + end}, outcomes);
    }
  }
  for (std::size_t i = 0; i < pushes.size(); ++i) {
    std::size_t last = lastFor[pushes[i].target];
    if (last != i) outcomes[i] = outcomes[last];
  }
  return outcomes;
}

void WooStockClient::sendBatch(const std::string& path, const std::vector<WooStockPush>& pushes,
                               const std::vector<std::size_t>& indexes, std::vector<WooPushOutcome>& outcomes) {
  json update = json::array();
  for (std::size_t index : indexes) {
    const WooStockPush& push = pushes[index];
    update.push_back({{"id", push.target.variationId ? *push.target.variationId : push.target.productId},
                      {"manage_stock", true},
                      {"stock_quantity", push.quantity}});
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
  HttpResult result = http_.postJson(baseUrl_ + path, json{{"update", update}}.dump(), headers);
  auto failAll = [&](const std::string& error) {
    for (std::size_t index : indexes) outcomes[index] = {false, error};
  };
  if (!result.ok()) {
    std::string detail = result.failure();
    if (result.answered) {
      // WooCommerce's error body: {"code": "woocommerce_rest_...", "message": "...", "data": {"status": 4xx}}.
      json error = json::parse(result.body, nullptr, false);
      if (error.is_object() && error.contains("code")) detail += " " + error["code"].dump();
    }
    failAll("POST " + path + ": " + detail);
    return;
  }
  json answer = json::parse(result.body, nullptr, false);
  const json* items = nullptr;
  if (answer.is_object()) {
    auto it = answer.find("update");
    if (it != answer.end() && it->is_array()) items = &*it;
  }
  if (!items) {
    failAll("POST " + path + ": the 200 answer is not a batch result (no \"update\" array)");
    return;
  }
  // WooCommerce answers the items in the order they were sent.
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const WooStockPush& push = pushes[indexes[i]];
    int64_t id = push.target.variationId ? *push.target.variationId : push.target.productId;
    std::string failure = itemFailure(i < items->size() ? (*items)[i] : json(), id, push.quantity);
    outcomes[indexes[i]] = {failure.empty(), failure};
  }
}

}  // namespace cartcore::server
