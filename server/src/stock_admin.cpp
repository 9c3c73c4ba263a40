// SPDX-License-Identifier: MIT
// Stock administration: set and adjust levels, tier reserves and low-stock levels; read levels.
#include "shop.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

constexpr int64_t kMaxStockUnits = 1'000'000'000'000;  // far above any real shelf, far below int64 overflow

bool isCount(const json& value, int64_t max = kMaxStockUnits) {
  return value.is_number_integer() && value.get<int64_t>() >= 0 && value.get<int64_t>() <= max;
}

/** Checks one variant's stock document; returns an error response body's fields or nothing. */
std::optional<ApiResponse> validateStockDocument(const json& doc, const std::string& pointer) {
  if (!doc.is_object()) return errorResponse(400, "invalid_type", "A stock level must be an object.", {{"pointer", pointer}});
  for (const auto& [key, value] : doc.items()) {
    std::string at = pointer + "/" + key;
    if (key == "onHand") {
      if (!isCount(value)) return errorResponse(400, "out_of_range", "onHand must be an integer >= 0.", {{"pointer", at}});
    } else if (key == "lowStockLevel") {
      if (!value.is_null() && !isCount(value))
        return errorResponse(400, "out_of_range", "lowStockLevel must be an integer >= 0 or null.", {{"pointer", at}});
    } else if (key == "wooProductId" || key == "wooVariationId") {
      if (!value.is_null() && !(value.is_number_integer() && value.get<int64_t>() > 0))
        return errorResponse(400, "invalid_value", key + " must be a positive integer or null.", {{"pointer", at}});
    } else if (key == "reserved") {
      if (!value.is_object())
        return errorResponse(400, "invalid_type", "reserved maps a segment to a unit count.", {{"pointer", at}});
      for (const auto& [segment, units] : value.items()) {
        if (segment.empty() || segment.size() > 64)
          return errorResponse(400, "invalid_value", "A segment name has 1 to 64 characters.", {{"pointer", at}});
        if (!isCount(units))
          return errorResponse(400, "out_of_range", "A reserve must be an integer >= 0.", {{"pointer", at + "/" + segment}});
      }
    } else {
      return errorResponse(400, "unknown_field", "Unknown field \"" + key + "\".", {{"pointer", at}});
    }
  }
  return std::nullopt;
}

}  // namespace

json Shop::stockJson(const CatalogState& catalog, const std::string& variant, const StockLevel& level) const {
  auto facts = catalog.facts.find(variant);
  json reserved = json::object();
  for (const auto& [segment, pool] : level.tiers)
    reserved[segment] = {{"reserved", pool.reserved}, {"held", pool.held}, {"available", level.available({segment})}};
  auto optional = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); };
  json effectiveLow = optional(level.lowStockLevel);
  if (effectiveLow.is_null() && facts != catalog.facts.end()) effectiveLow = optional(facts->second.lowStockLevel);
  return {{"variant", variant},
          {"sku", facts == catalog.facts.end() ? variant : facts->second.sku},
          {"onHand", level.onHand},
          {"held", level.held()},
          {"available", level.available({})},
          {"reserved", std::move(reserved)},
          {"lowStockLevel", std::move(effectiveLow)},
          {"lowStockLevelOverride", optional(level.lowStockLevel)},
          {"wooProductId", optional(level.wooProductId)},
          {"wooVariationId", optional(level.wooVariationId)}};
}

std::optional<std::map<std::string, StockLevel>> Shop::applyStockDocument(const CatalogState& catalog,
                                                                         const json& levels, int64_t now,
                                                                         const std::string& reason,
                                                                         ApiResponse& error) {
  if (!levels.is_object()) {
    error = errorResponse(400, "invalid_type", "levels maps a variant id to its stock level.", {{"pointer", "/levels"}});
    return std::nullopt;
  }
  // Validate everything before writing anything: a bad entry rejects the whole document.
  for (const auto& [variant, doc] : levels.items()) {
    if (!catalog.engine->hasVariant(variant)) {
      error = errorResponse(404, "unknown_variant", "The catalog has no variant \"" + variant + "\".",
                            {{"pointer", "/levels/" + variant}});
      return std::nullopt;
    }
    if (auto invalid = validateStockDocument(doc, "/levels/" + variant)) {
      error = *invalid;
      return std::nullopt;
    }
  }
  std::map<std::string, StockLevel> updated;
  OutboxWriter outbox(store_, options_.webhookEndpointKeys, now);
  for (const auto& [variant, doc] : levels.items()) {
    StockLevel level = inventory_.level(variant);  // keeps the live held counts
    int64_t previousOnHand = level.onHand;
    if (doc.contains("onHand")) level.onHand = doc["onHand"].get<int64_t>();
    if (doc.contains("lowStockLevel"))
      level.lowStockLevel = doc["lowStockLevel"].is_null() ? std::nullopt : std::optional(doc["lowStockLevel"].get<int64_t>());
    if (doc.contains("wooProductId"))
      level.wooProductId = doc["wooProductId"].is_null() ? std::nullopt : std::optional(doc["wooProductId"].get<int64_t>());
    if (doc.contains("wooVariationId"))
      level.wooVariationId =
          doc["wooVariationId"].is_null() ? std::nullopt : std::optional(doc["wooVariationId"].get<int64_t>());
    if (doc.contains("reserved")) {
      for (auto& [segment, pool] : level.tiers) pool.reserved = 0;
      for (const auto& [segment, units] : doc["reserved"].items()) level.tiers[segment].reserved = units.get<int64_t>();
      std::erase_if(level.tiers, [](const auto& entry) { return entry.second.reserved == 0 && entry.second.held == 0; });
    }
    store_.upsertStock(variant, level, now);
    auto facts = catalog.facts.find(variant);
    outbox.stockChanged(variant, facts == catalog.facts.end() ? VariantFacts{variant, "", std::nullopt} : facts->second,
                        level, previousOnHand, reason);
    updated[variant] = level;
  }
  return updated;
}

ApiResponse Shop::putStock(const std::string& variant, std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return errorResponse(400, "malformed_json", "The body is not valid JSON.");
  json levels = json::object();
  levels[variant] = std::move(doc);
  auto state = catalog();
  StoreLock lock(*this);
  ApiResponse error;
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, levels, clock_.nowMillis(), "stock set", error);
  if (!updated) return error;
  tx.commit();
  for (const auto& [id, level] : *updated) inventory_.setLevel(id, level);
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, inventory_.level(variant))}}.dump()};
}

ApiResponse Shop::putStockBulk(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return errorResponse(400, "malformed_json", "The body is not valid JSON.");
  if (!doc.is_object() || !doc.contains("levels") || doc.size() != 1)
    return errorResponse(400, "invalid_value", "Send {\"levels\": {\"variant-id\": {\"onHand\": n}, ...}}.");
  auto state = catalog();
  StoreLock lock(*this);
  ApiResponse error;
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, doc["levels"], clock_.nowMillis(), "stock set", error);
  if (!updated) return error;
  tx.commit();
  json out = json::array();
  for (const auto& [id, level] : *updated) {
    inventory_.setLevel(id, level);
    out.push_back(stockJson(*state, id, level));
  }
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", std::move(out)}}.dump()};
}

ApiResponse Shop::adjustStock(const std::string& variant, std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return errorResponse(400, "malformed_json", "The body is not valid JSON.");
  if (!doc.is_object()) return errorResponse(400, "invalid_type", "The body must be a JSON object.");
  for (const auto& [key, value] : doc.items())
    if (key != "delta" && key != "reason")
      return errorResponse(400, "unknown_field", "Unknown field \"" + key + "\".", {{"pointer", "/" + key}});
  if (!doc.value("delta", json()).is_number_integer() || std::llabs(doc["delta"].get<int64_t>()) > kMaxStockUnits)
    return errorResponse(400, "invalid_value", "delta must be an integer (negative to remove units).",
                         {{"pointer", "/delta"}});
  if (doc.contains("reason") && (!doc["reason"].is_string() || doc["reason"].get<std::string>().size() > 200))
    return errorResponse(400, "invalid_value", "reason must be a string of at most 200 bytes.", {{"pointer", "/reason"}});
  auto state = catalog();
  if (!state->engine->hasVariant(variant))
    return errorResponse(404, "unknown_variant", "The catalog has no variant \"" + variant + "\".");
  StoreLock lock(*this);
  StockLevel level = inventory_.level(variant);
  int64_t delta = doc["delta"].get<int64_t>();
  if (level.onHand + delta < 0 || level.onHand + delta > kMaxStockUnits)
    return errorResponse(409, "stock_would_go_negative",
                         "onHand is " + std::to_string(level.onHand) + "; the adjustment would leave it out of range.",
                         {{"onHand", level.onHand}, {"delta", delta}});
  json levels = {{variant, {{"onHand", level.onHand + delta}}}};
  ApiResponse error;
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, levels, clock_.nowMillis(),
                                    doc.contains("reason") ? doc["reason"].get<std::string>() : "adjustment", error);
  if (!updated) return error;
  tx.commit();
  for (const auto& [id, newLevel] : *updated) inventory_.setLevel(id, newLevel);
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, inventory_.level(variant))}}.dump()};
}

ApiResponse Shop::getStock(const std::string& variant) {
  auto state = catalog();
  if (!state->engine->hasVariant(variant))
    return errorResponse(404, "unknown_variant", "The catalog has no variant \"" + variant + "\".");
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, inventory_.level(variant))}}.dump()};
}

ApiResponse Shop::listStock() {
  auto state = catalog();
  auto levels = inventory_.all();
  json out = json::array();
  for (const auto& variant : state->variantIds) {
    auto it = levels.find(variant);
    out.push_back(stockJson(*state, variant, it == levels.end() ? StockLevel{} : it->second));
  }
  return {200, json{{"ok", true}, {"stock", std::move(out)}}.dump()};
}

}  // namespace cartcore::server
