// SPDX-License-Identifier: MIT
// Config versions, quotes and the shared helpers of the commerce service.
#include "shop.hpp"

#include <algorithm>
#include <iostream>

#include "cartcore/json.hpp"
#include "request_reader.hpp"
#include "request_text.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

ApiResponse errorResponse(int status, std::string_view code, std::string_view message, json details) {
  json error = std::move(details);
  if (!error.is_object()) error = json::object();
  error["code"] = code;
  error["message"] = message;
  // Replace rather than throw on bytes that are not UTF-8: building an error must never become a 500.
  return {status, json{{"ok", false}, {"error", std::move(error)}}.dump(-1, ' ', false, json::error_handler_t::replace)};
}

int statusForCoreError(const cartcore::Error& error) {
  switch (error.code) {
    case cartcore::ErrorCode::PayloadTooLarge: return 413;
    case cartcore::ErrorCode::UnknownReference:
    case cartcore::ErrorCode::CurrencyMismatch: return 422;
    case cartcore::ErrorCode::Internal: return 500;
    default: return 400;
  }
}

std::string quoteObjectText(const std::string& renderedQuote) {
  // renderQuote sorts keys, so the text is {"ok":true,"quote":{...}}; avoid a reparse on the hot path.
  constexpr std::string_view prefix = R"({"ok":true,"quote":)";
  if (renderedQuote.size() > prefix.size() + 1 && renderedQuote.compare(0, prefix.size(), prefix) == 0 &&
      renderedQuote.back() == '}')
    return renderedQuote.substr(prefix.size(), renderedQuote.size() - prefix.size() - 1);
  json parsed = json::parse(renderedQuote, nullptr, false);
  return parsed.is_object() && parsed.contains("quote") ? parsed["quote"].dump() : "null";
}

Shop::Shop(Storage& storage, ServerClock& clock, Metrics& metrics, ShopOptions options)
    : storage_(storage),
      clock_(clock),
      metrics_(metrics),
      options_(std::move(options)),
      holdRate_(options_.holdsPerMinutePerIp, options_.holdBurstPerIp) {}

std::shared_ptr<const CatalogState> Shop::catalog() const {
  std::lock_guard lock(catalogMutex_);
  return catalog_;
}

std::shared_ptr<CatalogState> Shop::buildCatalog(const ConfigRecord& record, std::string& error) const {
  auto compiled = cartcore::Engine::compile(record.configJson);
  if (!compiled) {
    error = cartcore::renderError(compiled.error());
    return nullptr;
  }
  auto state = std::make_shared<CatalogState>();
  state->version = record.version;
  state->configJson = record.configJson;
  state->configDigest = record.configDigest.empty() ? compiled.value().configDigest() : record.configDigest;
  state->createdAt = record.createdAt;
  state->currency = compiled.value().currency();
  state->variantIds = compiled.value().variantIds();
  std::sort(state->variantIds.begin(), state->variantIds.end());
  // The core validated the document; read back the few facts the server needs (SKU, low-stock levels, purchase
  // limits).
  // The core accepted this text, so the strict parse succeeds and nests at most 64 deep.
  auto parsedConfig = cartcore::parseStrictJson(record.configJson, cartcore::JsonLimits{cartcore::kMaxConfigBytes});
  json config = parsedConfig ? std::move(parsedConfig).value() : json();
  std::optional<int64_t> storeLevel;
  if (config.is_object() && config.contains("store") && config["store"].is_object() &&
      config["store"].value("lowStockLevel", json()).is_number_integer())
    storeLevel = config["store"]["lowStockLevel"].get<int64_t>();
  if (config.is_object() && config.contains("catalog") && config["catalog"].is_object() &&
      config["catalog"].value("products", json()).is_array()) {
    for (const auto& product : config["catalog"]["products"]) {
      if (!product.is_object() || !product.value("variants", json()).is_array()) continue;
      for (const auto& variant : product["variants"]) {
        if (!variant.is_object() || !variant.value("id", json()).is_string()) continue;
        VariantFacts facts;
        std::string id = variant["id"].get<std::string>();
        facts.sku = variant.value("sku", json()).is_string() ? variant["sku"].get<std::string>() : id;
        facts.productId = product.value("id", json()).is_string() ? product["id"].get<std::string>() : "";
        facts.lowStockLevel = variant.value("lowStockLevel", json()).is_number_integer()
                                  ? std::optional<int64_t>(variant["lowStockLevel"].get<int64_t>())
                                  : storeLevel;
        state->facts.emplace(id, std::move(facts));
        if (variant.value("purchaseLimit", json()).is_number_integer())
          state->purchaseLimits[id] = variant["purchaseLimit"].get<int64_t>();
      }
    }
  }
  for (const auto& id : state->variantIds)
    if (!state->facts.count(id)) state->facts.emplace(id, VariantFacts{id, "", storeLevel});
  state->reporting = std::make_shared<const analytics::CompiledConfig>(compiled.value());
  state->promotions = compiled.value().promotionSummaries();
  for (const auto& promotion : state->promotions) {
    if (!promotion.stockGuarded) continue;
    state->guardedPromotions.push_back(promotion);
    state->guardedVariants.insert(state->guardedVariants.end(), promotion.guardVariants.begin(),
                                  promotion.guardVariants.end());
  }
  std::sort(state->guardedVariants.begin(), state->guardedVariants.end());
  state->guardedVariants.erase(std::unique(state->guardedVariants.begin(), state->guardedVariants.end()),
                               state->guardedVariants.end());
  state->engine.emplace(std::move(compiled).value());
  return state;
}

std::string Shop::start(const std::string& configFileText, const std::string& seedConfigText,
                        const std::string& seedStockText) {
  int64_t now = clock_.nowMillis();
  std::optional<ConfigRecord> latest = storage_.activeConfig();
  const std::string& wanted = !configFileText.empty() ? configFileText : (latest ? std::string() : seedConfigText);
  bool seeding = false;
  if (!wanted.empty()) {
    auto compiled = cartcore::Engine::compile(wanted);
    if (!compiled) return "the store config is invalid: " + cartcore::renderError(compiled.error());
    // Atomic against other instances starting on the same database: one of them creates the first version.
    latest = storage_.ensureConfig(wanted, compiled.value().configDigest(), now, seeding);
  }
  if (!latest) return "the database has no store config; start with --config FILE";
  std::string error;
  auto state = buildCatalog(*latest, error);
  if (!state) return "stored config version " + std::to_string(latest->version) + " no longer compiles: " + error;
  {
    std::lock_guard catalogLock(catalogMutex_);
    catalog_ = state;
  }
  storage_.recordVariantFacts(state->version, state->facts);
  if (seeding && !seedStockText.empty()) {
    try {
      json document = parseBody(seedStockText, cartcore::kMaxConfigBytes);
      FieldReader fields(document, "");
      const json& levels = fields.required("levels");
      fields.finish();
      storage_.updateStock(parseStockDocument(*state, levels), "seed", state->facts);
    } catch (const RequestError& invalid) {
      return "the seed stock is invalid: " + invalid.response.body;
    }
  }
  if (int64_t retired = storage_.resumeDeliveries())
    std::cerr << "cartcore-server: retired " << retired
              << " pending webhook deliveries to endpoints no longer configured\n";
  return {};
}

ApiResponse Shop::putConfig(std::string_view body) {
  auto compiled = cartcore::Engine::compile(body);
  if (!compiled) {
    // Rejected whole: nothing is stored and the current version keeps serving.
    metrics_.configVersionsRejected.fetch_add(1);
    json error = json::parse(cartcore::renderError(compiled.error()), nullptr, false);
    json details = error.is_object() && error.contains("error") ? error["error"] : json::object();
    details["activeVersion"] = catalog()->version;
    return errorResponse(422, details.value("code", "invalid_config"),
                         "The config was rejected and the active version keeps serving: " +
                             details.value("message", std::string()),
                         details);
  }
  int64_t now = clock_.nowMillis();
  std::string text(body);
  std::string error;
  auto state = buildCatalog(ConfigRecord{0, text, compiled.value().configDigest(), now}, error);
  if (!state) return errorResponse(500, "internal_error", "compiled config failed to load: " + error);
  ConfigRecord record = storage_.insertConfig(text, compiled.value().configDigest(), now);
  state->version = record.version;
  state->createdAt = record.createdAt;
  {
    std::lock_guard catalogLock(catalogMutex_);
    if (catalog_->version < state->version) catalog_ = state;  // another server's newer upload stays
  }
  storage_.recordVariantFacts(state->version, state->facts);
  eventsWritten();  // config.activated
  return {200, json{{"ok", true}, {"version", record.version}, {"configDigest", state->configDigest},
                    {"variants", state->variantIds.size()}, {"createdAt", isoTime(record.createdAt)}}
                   .dump()};
}

void Shop::followActiveConfig() {
  if (storage_.activeConfigVersion() <= catalog()->version) return;
  auto record = storage_.activeConfig();
  if (!record || record->version <= catalog()->version) return;
  std::string error;
  auto state = buildCatalog(*record, error);
  if (!state) throw std::runtime_error("config version " + std::to_string(record->version) + " does not compile: " + error);
  {
    std::lock_guard catalogLock(catalogMutex_);
    if (!catalog_ || catalog_->version < state->version) catalog_ = state;
  }
  storage_.recordVariantFacts(state->version, state->facts);
}

ApiResponse Shop::getConfig() {
  auto state = catalog();
  std::string body = json{{"ok", true}, {"version", state->version}, {"configDigest", state->configDigest},
                          {"createdAt", isoTime(state->createdAt)}}
                         .dump();
  // Splice the stored text in verbatim: the merchant reads back exactly what was accepted.
  body.pop_back();
  body += R"(,"config":)" + state->configJson + "}";
  return {200, std::move(body)};
}

std::optional<Shop::PreparedCart> Shop::prepareCart(const CatalogState& catalog, std::string_view cartText,
                                                    int64_t now, const Client& client, ApiResponse& error,
                                                    CartUse use, std::string_view heldFacts) const {
  // "now" and "stock" are the server's to say (its clock, its live stock), so a cart's own are dropped; a cart
  // without a currency shops in the store's. A hold also drops the cart's "heldFacts" and "forHold": the facts a
  // hold keeps are the ones the server's own quote read. All are edits of the top-level members' text: the rest
  // of the cart reaches the core byte for byte, and no untrusted tree is ever serialized again.
  PreparedCart prepared;
  auto members = topLevelMembers(cartText);
  std::string currency = members && !hasMember(*members, "currency")
                             ? std::string(R"("currency":")") + catalog.currency + '"'
                             : std::string();
  std::vector<std::string_view> owned = {"now", "stock"};
  if (use == CartUse::Hold) owned.insert(owned.end(), {"heldFacts", "forHold"});
  bool dropsMembers = members && std::any_of(owned.begin(), owned.end(),
                                             [&](std::string_view key) { return hasMember(*members, key); });
  if (!members) {
    prepared.storedText = cartText;  // not an object: the core reports why, in its own words
  } else if (dropsMembers) {
    // Dropping members must not turn a body the core would refuse (malformed, too deep, repeated keys) into an
    // acceptable cart, so the whole text passes the strict reader first.
    if (auto checked = cartcore::parseStrictJson(cartText, cartcore::JsonLimits{cartcore::kMaxRequestBytes}); !checked) {
      error = {statusForCoreError(checked.error()), cartcore::renderError(checked.error())};
      return std::nullopt;
    }
    prepared.storedText = rebuildObject(cartText, *members, currency, owned);
  } else {
    prepared.storedText = currency.empty() ? std::string(cartText) : *prependMembers(cartText, currency);
  }
  // A held cart is re-priced with the facts its hold recorded: the core's own canonical text, stored with the hold.
  std::string serverMembers = R"("now":")" + isoTime(now) + '"';
  if (!heldFacts.empty()) serverMembers += R"(,"heldFacts":)" + std::string(heldFacts);
  std::string withClock = prependMembers(prepared.storedText, serverMembers).value_or(prepared.storedText);
  auto parsed = catalog.engine->parseRequest(withClock);
  if (!parsed) {
    error = {statusForCoreError(parsed.error()), cartcore::renderError(parsed.error())};
    return std::nullopt;
  }
  if (parsed.value().lines.size() > options_.maxCartLines) {
    error = errorResponse(400, "too_many_items",
                          "A cart may have at most " + std::to_string(options_.maxCartLines) + " lines.",
                          {{"pointer", "/lines"}});
    return std::nullopt;
  }
  prepared.request = std::move(parsed).value();
  // Segments unlock member prices and tier-reserved stock, so they come from the storefront's signature, not from
  // the cart, unless the operator trusts every caller (--customer-segments trusted).
  if (!options_.trustCartSegments)
    prepared.request.segments = client.customer ? client.customer->segments : std::vector<std::string>{};
  return prepared;
}

ApiResponse Shop::quote(std::string_view body, const Client& client) {
  auto state = catalog();
  ApiResponse error;
  auto prepared = prepareCart(*state, body, clock_.nowMillis(), client, error);
  if (!prepared) return error;
  prepared->request.stock = storage_.availability(state->variantIds, prepared->request.segments);
  auto quoted = state->engine->quote(prepared->request);
  if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
  std::vector<std::string> variants;
  for (const auto& line : prepared->request.lines) variants.push_back(line.variant);
  watchStock(*state, prepared->request.segments.empty() ? &prepared->request.stock : nullptr, variants);
  return {200, cartcore::renderQuote(quoted.value())};
}

ApiResponse Shop::listEvents(int64_t after, int limit) {
  std::vector<OutboxEvent> events = storage_.listEvents(after, limit);
  json list = json::array();
  for (const auto& e : events)
    list.push_back({{"id", e.seq},
                    {"partitionSeq", e.partitionSeq},
                    {"type", e.type},
                    {"partitionKey", e.partitionKey},
                    {"occurredAt", isoTime(e.createdAt)},
                    {"data", json::parse(e.payload, nullptr, false)}});
  int64_t next = events.empty() ? after : events.back().seq;
  return {200, json{{"ok", true}, {"events", std::move(list)}, {"next", next}}.dump()};
}

ApiResponse Shop::moveClock(std::string_view body) {
  json request = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(request, "");
  const json* advance = fields.optional("advanceMs");
  const json* target = fields.optional("now");
  fields.finish();
  if ((advance == nullptr) == (target == nullptr))
    refuse("missing_field", "", "Send exactly one of {\"advanceMs\": n} and {\"now\": \"ISO time\"}.");
  if (advance) {
    clock_.advance(readInteger(*advance, "/advanceMs", 0, 100LL * 365 * 24 * 60 * 60 * 1000));
  } else {
    int64_t millis = 0;
    if (!parseIsoTime(readString(*target, "/now", 64), millis))
      refuse("invalid_value", "/now", "now must be an ISO 8601 UTC time.");
    clock_.set(millis);
  }
  int expired = expireDueHolds();
  int64_t purged = purgeExpiredRecords();
  rollUpAnalytics();
  int64_t now = clock_.nowMillis();
  return {200, json{{"ok", true}, {"now", isoTime(now)}, {"expired", expired}, {"purged", purged}}.dump()};
}

ApiResponse Shop::health() {
  auto state = catalog();
  return {200, json{{"ok", true}, {"status", "ok"}, {"configVersion", state->version},
                    {"configDigest", state->configDigest}, {"now", isoTime(clock_.nowMillis())}}
                   .dump()};
}

std::string Shop::renderGauges() {
  StorageGauges gauges = storage_.gauges();
  double lagSeconds = static_cast<double>(gauges.outboxLagMillis) / 1000.0;
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "# HELP cartcore_holds_active Holds currently reserving stock.\n# TYPE cartcore_holds_active gauge\n"
                "cartcore_holds_active %lld\n"
                "# HELP cartcore_units_held Units currently held.\n# TYPE cartcore_units_held gauge\n"
                "cartcore_units_held %lld\n"
                "# HELP cartcore_outbox_pending Webhook deliveries not yet acknowledged.\n"
                "# TYPE cartcore_outbox_pending gauge\ncartcore_outbox_pending %lld\n"
                "# HELP cartcore_outbox_lag_seconds Age of the oldest undelivered event.\n"
                "# TYPE cartcore_outbox_lag_seconds gauge\ncartcore_outbox_lag_seconds %.3f\n"
                "# HELP cartcore_config_version Active config version.\n# TYPE cartcore_config_version gauge\n"
                "cartcore_config_version %lld\n",
                static_cast<long long>(gauges.activeHolds), static_cast<long long>(gauges.unitsHeld),
                static_cast<long long>(gauges.outboxPending), lagSeconds, static_cast<long long>(catalog()->version));
  return buf;
}

void Shop::recoverAfterFailure() { storage_.recoverAfterFailure(); }

void Shop::eventsWritten() {
  if (onEventsWritten) onEventsWritten();
}

}  // namespace cartcore::server
