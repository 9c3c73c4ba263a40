// SPDX-License-Identifier: MIT
// Small stores and carts for unit tests, built as JSON so tests exercise the same path merchants use.
#pragma once

#include <cartcore/engine.hpp>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

namespace cartcore::test {

using nlohmann::json;

/** A tee shop: black/white tees in M and XL (20.00 / 22.00), a hoodie (55.00) and a cap (15.00). */
inline json teeStore(json priceRules = json::array(), json promotions = json::array()) {
  return {
      {"schemaVersion", 1},
      {"store", {{"name", "Test Tees"}, {"currency", "USD"}, {"lowStockLevel", 5}}},
      {"catalog",
       {{"products",
         {{{"id", "tee"},
           {"name", "Tee"},
           {"categories", {"tees"}},
           {"variants",
            {{{"id", "tee-black-m"}, {"attributes", {{"color", "black"}, {"size", "M"}}}, {"price", "20.00"}, {"cost", "8.00"}},
             {{"id", "tee-black-xl"}, {"attributes", {{"color", "black"}, {"size", "XL"}}}, {"price", "22.00"}},
             {{"id", "tee-white-m"}, {"attributes", {{"color", "white"}, {"size", "M"}}}, {"price", "20.00"}},
             {{"id", "tee-white-xl"}, {"attributes", {{"color", "white"}, {"size", "XL"}}}, {"price", "22.00"}}}}},
          {{"id", "hoodie"},
           {"name", "Hoodie"},
           {"categories", {"outerwear"}},
           {"variants", {{{"id", "hoodie-m"}, {"attributes", {{"color", "black"}, {"size", "M"}}}, {"price", "55.00"}}}}},
          {{"id", "cap"},
           {"name", "Cap"},
           {"categories", {"accessories"}},
           {"variants", {{{"id", "cap"}, {"attributes", {{"color", "black"}}}, {"price", "15.00"}}}}}}}}},
      {"priceRules", std::move(priceRules)},
      {"promotions", std::move(promotions)}};
}

/** A cart request at a fixed "now"; lines are {variant, quantity} pairs. */
inline json cart(std::vector<std::pair<std::string, int64_t>> lines, json extra = json::object()) {
  json request = {{"schemaVersion", 1}, {"currency", "USD"}, {"now", "2026-11-27T09:30:00.000Z"}, {"lines", json::array()}};
  for (auto& [variant, quantity] : lines) request["lines"].push_back({{"variant", variant}, {"quantity", quantity}});
  for (auto& [k, v] : extra.items()) request[k] = v;
  return request;
}

/** Prices and returns the parsed response; fails the test on an unexpected error. */
inline json quote(const json& store, const json& request) {
  json response = json::parse(cartcore::quoteJson(store.dump(), request.dump()));
  if (!response["ok"].get<bool>()) BOOST_FAIL("unexpected error: " + response.dump());
  return response["quote"];
}

/** Returns {code, pointer} of an expected error. */
inline std::pair<std::string, std::string> errorOf(const json& store, const json& request) {
  json response = json::parse(cartcore::quoteJson(store.dump(), request.dump()));
  if (response["ok"].get<bool>()) BOOST_FAIL("expected an error, got a quote");
  return {response["error"]["code"], response["error"]["pointer"]};
}

inline const json* findById(const json& list, const std::string& id) {
  for (const auto& item : list) {
    if (item["id"] == id) return &item;
  }
  return nullptr;
}

/** The outcome of one promotion (applied or not) in a quote. */
inline json promotionOutcome(const json& quote, const std::string& id) {
  for (const char* group : {"applied", "notApplied"}) {
    if (const json* found = findById(quote["promotions"][group], id)) return *found;
  }
  BOOST_FAIL("promotion " + id + " not listed");
  return {};
}

inline std::string lineTotal(const json& quote, const std::string& lineId) {
  const json* line = findById(quote["lines"], lineId);
  if (!line) BOOST_FAIL("no line " + lineId);
  return (*line)["total"];
}

}  // namespace cartcore::test
