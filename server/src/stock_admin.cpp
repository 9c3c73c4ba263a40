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

std::vector<StockUpdate> Shop::parseStockDocument(const CatalogState& catalog, const json& levels) const {
  if (!levels.is_object()) refuse("invalid_type", "/levels", "levels maps a variant id to its stock level.");
  // Validate everything before writing anything: a bad entry rejects the whole document.
  std::vector<StockUpdate> updates;
  auto optional = [](const json& value) { return value.is_null() ? std::nullopt : std::optional(value.get<int64_t>()); };
  for (const auto& [variant, doc] : levels.items()) {
    if (!catalog.engine->hasVariant(variant))
      refuse("unknown_variant", "/levels/" + variant, "The catalog has no variant \"" + variant + "\".", 404);
    validateStockDocument(doc, "/levels/" + variant);
    StockUpdate update;
    update.variant = variant;
    if (doc.contains("onHand")) update.onHand = doc["onHand"].get<int64_t>();
    if (doc.contains("lowStockLevel")) update.lowStockLevel = optional(doc["lowStockLevel"]);
    if (doc.contains("wooProductId")) update.wooProductId = optional(doc["wooProductId"]);
    if (doc.contains("wooVariationId")) update.wooVariationId = optional(doc["wooVariationId"]);
    if (doc.contains("reserved")) {
      update.reserved.emplace();
      for (const auto& [segment, units] : doc["reserved"].items()) (*update.reserved)[segment] = units.get<int64_t>();
    }
    updates.push_back(std::move(update));
  }
  return updates;
}

ApiResponse Shop::putStock(const std::string& variant, std::string_view body) {
  json levels = json::object();
  levels[variant] = parseBody(body, options_.maxBodyBytes);
  auto state = catalog();
  auto updated = storage_.updateStock(parseStockDocument(*state, levels), "stock set", state->facts);
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, updated[variant])}}.dump()};
}

ApiResponse Shop::putStockBulk(std::string_view body) {
  json doc = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(doc, "");
  const json& levels = fields.required("levels");
  fields.finish();
  auto state = catalog();
  auto updated = storage_.updateStock(parseStockDocument(*state, levels), "stock set", state->facts);
  json out = json::array();
  for (const auto& [id, level] : updated) out.push_back(stockJson(*state, id, level));
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
  StockAdjusted adjusted = storage_.adjustStock(variant, delta, kMaxStockUnits, reason, state->facts);
  if (!adjusted.applied)
    return errorResponse(409, "stock_would_go_negative",
                         "onHand is " + std::to_string(adjusted.level.onHand) +
                             "; the adjustment would leave it out of range.",
                         {{"onHand", adjusted.level.onHand}, {"delta", delta}});
  eventsWritten();
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, adjusted.level)}}.dump()};
}

std::string Shop::applyWooStockReport(int64_t productId, std::optional<int64_t> variationId,
                                     std::optional<int64_t> previous, int64_t quantity, const std::string& modified) {
  // How long after a push its webhook may still come back: WooCommerce sends webhooks from its background queue,
  // usually within a minute. A merchant's edit back to a quantity pushed within this window reads as an echo.
  constexpr int64_t kEchoWindowMillis = 15 * 60 * 1000;
  WooKnownStock known = storage_.wooKnownStock(productId, variationId, quantity, clock_.nowMillis() - kEchoWindowMillis);
  if (known.sentRecently) return "echo";
  // What the object held before the edit: the quantity we last sent or applied, else the mirror's copy.
  std::optional<int64_t> before = known.latest ? known.latest : previous;
  if (!before) return "stock_edit_unknown_before";
  auto state = catalog();
  std::vector<std::string> linked;
  for (const auto& [variant, level] : storage_.stockLevels())
    if (level.wooProductId == productId && level.wooVariationId == variationId && state->engine->hasVariant(variant))
      linked.push_back(variant);
  if (linked.empty()) return "stock_edit_unlinked";
  if (linked.size() > 1) return "stock_edit_shared";  // which variation's units moved is not said: left to Cartcore
  WooStockEdit edit;
  edit.key = std::to_string(productId) + "/" + std::to_string(variationId.value_or(0)) + "@" + modified + "=" +
             std::to_string(quantity);
  edit.variant = linked.front();
  edit.delta = quantity - *before;
  edit.maxOnHand = kMaxStockUnits;
  edit.reason = "woocommerce stock edit";
  edit.productId = productId;
  edit.variationId = variationId;
  edit.quantity = quantity;
  StockAdjusted adjusted = storage_.applyWooStockEdit(edit, state->facts);
  if (!adjusted.applied) return "stock_edit_repeat";
  eventsWritten();
  return "stock_edit_applied";
}

ApiResponse Shop::getStock(const std::string& variant) {
  auto state = catalog();
  if (!state->engine->hasVariant(variant))
    return errorResponse(404, "unknown_variant", "The catalog has no variant \"" + variant + "\".");
  return {200, json{{"ok", true}, {"stock", stockJson(*state, variant, storage_.stockLevel(variant))}}.dump()};
}

ApiResponse Shop::listStock() {
  auto state = catalog();
  auto levels = storage_.stockLevels();
  json out = json::array();
  for (const auto& variant : state->variantIds) {
    auto it = levels.find(variant);
    out.push_back(stockJson(*state, variant, it == levels.end() ? StockLevel{} : it->second));
  }
  return {200, json{{"ok", true}, {"stock", std::move(out)}}.dump()};
}

}  // namespace cartcore::server
