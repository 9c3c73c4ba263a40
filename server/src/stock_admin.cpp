// SPDX-License-Identifier: MIT
// Stock administration: set and adjust levels, tier reserves and low-stock levels; read levels.
#include "request_reader.hpp"
#include "shop.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

constexpr int64_t kMaxStockUnits = 1'000'000'000'000;  // far above any real shelf, far below int64 overflow

/** Checks one variant's stock document, refusing the first bad field. */
void validateStockDocument(const json& doc, const std::string& pointer) {
  FieldReader fields(doc, pointer);
  if (const json* onHand = fields.optional("onHand")) readInteger(*onHand, fields.pointerTo("onHand"), 0, kMaxStockUnits);
  if (const json* low = fields.optional("lowStockLevel"); low && !low->is_null())
    readInteger(*low, fields.pointerTo("lowStockLevel"), 0, kMaxStockUnits);
  for (std::string_view key : {"wooProductId", "wooVariationId"})
    if (const json* id = fields.optional(key); id && !id->is_null()) readInteger(*id, fields.pointerTo(key), 1, INT64_MAX);
  if (const json* reserved = fields.optional("reserved")) {
    const std::string at = fields.pointerTo("reserved");
    if (!reserved->is_object()) refuse("invalid_type", at, "reserved maps a segment to a unit count.");
    for (const auto& [segment, units] : reserved->items()) {
      if (segment.empty() || segment.size() > 64) refuse("invalid_value", at, "A segment name has 1 to 64 characters.");
      readInteger(units, at + "/" + segment, 0, kMaxStockUnits);
    }
  }
  fields.finish();
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

std::map<std::string, StockLevel> Shop::applyStockDocument(const CatalogState& catalog, const json& levels,
                                                           int64_t now, const std::string& reason) {
  if (!levels.is_object()) refuse("invalid_type", "/levels", "levels maps a variant id to its stock level.");
  // Validate everything before writing anything: a bad entry rejects the whole document.
  for (const auto& [variant, doc] : levels.items()) {
    if (!catalog.engine->hasVariant(variant))
      refuse("unknown_variant", "/levels/" + variant, "The catalog has no variant \"" + variant + "\".", 404);
    validateStockDocument(doc, "/levels/" + variant);
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
  json levels = json::object();
  levels[variant] = parseBody(body, options_.maxBodyBytes);
  auto state = catalog();
  StoreLock lock(*this);
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, levels, clock_.nowMillis(), "stock set");
  tx.commit();
  for (const auto& [id, level] : updated) inventory_.setLevel(id, level);
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, inventory_.level(variant))}}.dump()};
}

ApiResponse Shop::putStockBulk(std::string_view body) {
  json doc = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(doc, "");
  const json& levels = fields.required("levels");
  fields.finish();
  auto state = catalog();
  StoreLock lock(*this);
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, levels, clock_.nowMillis(), "stock set");
  tx.commit();
  json out = json::array();
  for (const auto& [id, level] : updated) {
    inventory_.setLevel(id, level);
    out.push_back(stockJson(*state, id, level));
  }
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", std::move(out)}}.dump()};
}

ApiResponse Shop::adjustStock(const std::string& variant, std::string_view body) {
  json doc = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(doc, "");
  // Read as the parsed type, range-checked before any arithmetic: 2^64 - 1 is out of range, never -1.
  const int64_t delta = readInteger(fields.required("delta"), "/delta", -kMaxStockUnits, kMaxStockUnits);
  const json* reasonField = fields.optional("reason");
  const std::string reason = reasonField ? readString(*reasonField, "/reason", 200, false) : "adjustment";
  fields.finish();
  auto state = catalog();
  if (!state->engine->hasVariant(variant))
    return errorResponse(404, "unknown_variant", "The catalog has no variant \"" + variant + "\".");
  StoreLock lock(*this);
  StockLevel level = inventory_.level(variant);
  int64_t adjusted = 0;
  if (__builtin_add_overflow(level.onHand, delta, &adjusted) || adjusted < 0 || adjusted > kMaxStockUnits)
    return errorResponse(409, "stock_would_go_negative",
                         "onHand is " + std::to_string(level.onHand) + "; the adjustment would leave it out of range.",
                         {{"onHand", level.onHand}, {"delta", delta}});
  json levels = {{variant, {{"onHand", adjusted}}}};
  Transaction tx(store_.db());
  auto updated = applyStockDocument(*state, levels, clock_.nowMillis(), reason);
  tx.commit();
  for (const auto& [id, newLevel] : updated) inventory_.setLevel(id, newLevel);
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
