// SPDX-License-Identifier: MIT
// Holds: soft reservations of a whole cart for a TTL, their extension, release and expiry.
#include <algorithm>
#include <tuple>

#include "request_reader.hpp"
#include "request_text.hpp"
#include "shop.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

std::map<std::string, int64_t> demandOf(const cartcore::QuoteRequest& request) {
  std::map<std::string, int64_t> demand;
  for (const auto& line : request.lines) demand[line.variant] += line.quantity;
  return demand;
}

/** The optional ttlSeconds field of a hold or extension body, in milliseconds. */
int64_t readTtl(FieldReader& body, int64_t defaultMillis, int64_t maxMillis) {
  const json* ttl = body.optional("ttlSeconds");
  return ttl ? readInteger(*ttl, "/ttlSeconds", 1, maxMillis / 1000) * 1000 : defaultMillis;
}

std::vector<std::string> variantsOf(const std::vector<Allocation>& allocations) {
  std::vector<std::string> variants;
  for (const auto& a : allocations) variants.push_back(a.variant);
  std::sort(variants.begin(), variants.end());
  variants.erase(std::unique(variants.begin(), variants.end()), variants.end());
  return variants;
}

ApiResponse holdNotActive(const HoldRecord& hold) {
  return errorResponse(409, "hold_not_active", "The hold is " + std::string(holdStatusName(hold.status)) + ".",
                       {{"status", holdStatusName(hold.status)}});
}

/** The answer to a hold placeHold refused: stock, or one of the client's fair-access limits. */
ApiResponse holdRefused(const HoldPlaced& placed, const std::map<std::string, int64_t>& demand, Metrics& metrics) {
  const int64_t requested = demand.count(placed.limitVariant) ? demand.at(placed.limitVariant) : 0;
  switch (placed.refusal) {
    case HoldRefusal::TooManyHolds:
      metrics.fairAccessRefusals.fetch_add(1);
      return errorResponse(429, "too_many_holds",
                           "This shopper already has " + std::to_string(placed.current) + " active holds (at most " +
                               std::to_string(placed.limit) + "); check out or release one first. Nothing was held.",
                           {{"limit", placed.limit}, {"activeHolds", placed.current}});
    case HoldRefusal::VariantUnitLimit:
      metrics.fairAccessRefusals.fetch_add(1);
      return errorResponse(409, "hold_limit_exceeded",
                           "One shopper may hold at most " + std::to_string(placed.limit) + " units of \"" +
                               placed.limitVariant + "\" at once, and already holds " +
                               std::to_string(placed.current) + ". Nothing was held.",
                           {{"variant", placed.limitVariant}, {"limit", placed.limit}, {"held", placed.current},
                            {"requested", requested}});
    case HoldRefusal::PurchaseLimit:
      metrics.fairAccessRefusals.fetch_add(1);
      return errorResponse(409, "purchase_limit_exceeded",
                           "\"" + placed.limitVariant + "\" is limited to " + std::to_string(placed.limit) +
                               " per customer, and this shopper already has " + std::to_string(placed.current) +
                               " held or bought. Nothing was held.",
                           {{"variant", placed.limitVariant}, {"limit", placed.limit}, {"heldOrBought", placed.current},
                            {"requested", requested}});
    case HoldRefusal::PricedStockMoved: {
      // Every pricing attempt lost the race for the stock its price read (see createHold): rare, and worth a retry.
      ApiResponse busy = errorResponse(503, "stock_contended",
                                       "Stock for this cart is changing too fast to price a hold; try again.");
      busy.headers.emplace_back("Retry-After", "1");
      return busy;
    }
    case HoldRefusal::None:
    case HoldRefusal::InsufficientStock:
      break;
  }
  // All lines or none: one short line refuses the whole hold and nothing is reserved.
  metrics.insufficientStockRefusals.fetch_add(1);
  json list = json::array();
  for (const auto& s : placed.shortages)
    list.push_back({{"variant", s.variant}, {"requested", s.requested}, {"available", s.available}});
  return errorResponse(409, "insufficient_stock", "Not enough stock to hold every line; nothing was held.",
                       {{"shortages", std::move(list)}});
}

}  // namespace

json Shop::holdJson(const HoldRecord& hold) const {
  json lines = json::array();
  std::vector<Allocation> sorted = hold.allocations;  // same order as when read back from the store
  std::sort(sorted.begin(), sorted.end(),
            [](const Allocation& a, const Allocation& b) { return std::tie(a.variant, a.pool) < std::tie(b.variant, b.pool); });
  for (const auto& a : sorted)
    lines.push_back({{"variant", a.variant}, {"quantity", a.quantity}, {"pool", a.pool.empty() ? "general" : a.pool}});
  json out = {{"id", hold.id},
              {"status", holdStatusName(hold.status)},
              {"createdAt", isoTime(hold.createdAt)},
              {"expiresAt", isoTime(hold.expiresAt)},
              {"quoteDigest", hold.quoteDigest},
              {"lines", std::move(lines)}};
  if (!hold.orderId.empty()) out["orderId"] = hold.orderId;
  return out;
}

ApiResponse Shop::createHold(std::string_view body, const Client& client) {
  // The rate limit comes before any parsing or pricing: a refused request should cost next to nothing.
  if (int64_t waitMillis = holdRate_.take(client.address, clock_.nowMillis())) {
    metrics_.fairAccessRefusals.fetch_add(1);
    const int64_t seconds = (waitMillis + 999) / 1000;
    ApiResponse refusal = errorResponse(
        429, "rate_limited",
        "Too many holds from this address; try again in " + std::to_string(seconds) + " s.",
        {{"retryAfterSeconds", seconds}});
    refusal.headers.emplace_back("Retry-After", std::to_string(seconds));
    return refusal;
  }
  json request = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(request, "");
  const json& cart = fields.required("cart");
  if (!cart.is_object()) refuse("invalid_type", "/cart", "cart is a quote request object (docs/FORMAT.md).");
  int64_t ttlMillis = readTtl(fields, options_.defaultHoldTtlMillis, options_.maxHoldTtlMillis);
  fields.finish();

  auto state = catalog();
  int64_t now = clock_.nowMillis();
  // The strict parse above vouched for the whole body, so the cart's own text can be handed to the core as sent.
  auto members = topLevelMembers(body);
  if (!members) throw std::logic_error("a strictly parsed object has no top-level members");
  ApiResponse error;
  auto prepared = prepareCart(*state, memberValue(body, *members, "cart"), now, client, error, CartUse::Hold);
  if (!prepared) return error;  // pointers stay relative to the cart, as the core reports them
  auto demand = demandOf(prepared->request);
  const auto& segments = prepared->request.segments;

  HoldRequest hold;
  hold.id = randomId("hold_");
  hold.cartJson = prepared->storedText;
  hold.demand = std::move(demand);
  hold.segments = segments;
  hold.ttlMillis = ttlMillis;
  hold.clientKey = client.key();
  hold.limits.maxActiveHolds = options_.maxHoldsPerClient;
  hold.limits.maxUnitsPerVariant = options_.maxUnitsPerVariantPerClient;
  for (const auto& [variant, units] : hold.demand)
    if (auto limit = state->purchaseLimits.find(variant); limit != state->purchaseLimits.end())
      hold.limits.purchaseLimits.emplace(variant, limit->second);
  // Units bought count only for a customer the storefront vouched for: an IP address may be a whole office.
  if (client.customer && options_.purchaseLimitWindowMillis > 0)
    hold.limits.committedSince = std::max<int64_t>(1, now - options_.purchaseLimitWindowMillis);
  // Price first (pricing is the slow part): the price the shopper is shown for this hold, with stock as it stands
  // just before these units are taken. The quote lists the stock facts it read (guards, "N left") and the range of
  // availability each holds for; placeHold checks those ranges in the same step that takes the units, so when
  // holds race for the last units each one keeps facts that were true when its stock was taken (a hold that lost
  // the race is priced again). Each retry means another change got through first, so the loop is bounded.
  constexpr int kPricingAttempts = 16;
  prepared->request.forHold = true;
  HoldPlaced placed;
  for (int attempt = 0; attempt < kPricingAttempts; ++attempt) {
    prepared->request.stock = storage_.availability(state->variantIds, segments);
    auto quoted = state->engine->quote(prepared->request);
    if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
    hold.quoteJson = quoteObjectText(cartcore::renderQuote(quoted.value()));
    hold.quoteDigest = quoted.value().digest;
    hold.pricedFor.clear();
    for (const auto& [variant, band] : quoted.value().heldFacts->bands)
      hold.pricedFor.emplace(variant, AvailabilityRange{band.atLeast, band.atMost});
    placed = storage_.placeHold(hold);
    if (placed.refusal != HoldRefusal::PricedStockMoved) break;
  }
  if (!placed.placed) return holdRefused(placed, hold.demand, metrics_);
  metrics_.holdsCreated.fetch_add(1);
  eventsWritten();  // hold.placed
  watchStock(*state, nullptr, variantsOf(placed.hold.allocations));  // the units just taken may cross a threshold
  return {201, R"({"hold":)" + holdJson(placed.hold).dump() + R"(,"ok":true,"quote":)" + placed.hold.quoteJson + "}"};
}

ApiResponse Shop::getHold(const std::string& holdId) {
  HoldOutcome read = storage_.readHold(holdId);
  if (!read.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (read.expiredNow) {
    metrics_.holdsExpired.fetch_add(1);
    eventsWritten();
  }
  return {200, R"({"hold":)" + holdJson(read.hold).dump() + R"(,"ok":true,"quote":)" + read.hold.quoteJson + "}"};
}

ApiResponse Shop::extendHold(const std::string& holdId, std::string_view body) {
  json request = parseBody(body, options_.maxBodyBytes, /*emptyIsObject=*/true);
  FieldReader fields(request, "");
  int64_t ttlMillis = readTtl(fields, options_.defaultHoldTtlMillis, options_.maxHoldTtlMillis);
  fields.finish();
  HoldOutcome extended = storage_.extendHold(holdId, ttlMillis, options_.maxExtensionMillisPerClient);
  if (!extended.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (extended.expiredNow) {
    metrics_.holdsExpired.fetch_add(1);
    eventsWritten();
    return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
  }
  if (extended.overLimit) {
    metrics_.fairAccessRefusals.fetch_add(1);
    const int64_t left = extended.extensionLeftMillis / 1000;
    return errorResponse(409, "extension_limit_exceeded",
                         "This shopper's holds have used their extension time; " + std::to_string(left) +
                             " s are left. Check out, or extend by less.",
                         {{"extensionLeftSeconds", left}, {"expiresAt", isoTime(extended.hold.expiresAt)}});
  }
  if (!extended.changed) return holdNotActive(extended.hold);
  return {200, R"({"hold":)" + holdJson(extended.hold).dump() + R"(,"ok":true})"};
}

ApiResponse Shop::releaseHold(const std::string& holdId) {
  HoldOutcome released = storage_.releaseHold(holdId);
  if (!released.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (released.expiredNow || released.changed) eventsWritten();
  if (released.expiredNow) metrics_.holdsExpired.fetch_add(1);
  if (released.changed) {
    metrics_.holdsReleased.fetch_add(1);
    watchStock(*catalog(), nullptr, variantsOf(released.hold.allocations));
  }
  // Releasing twice is a no-op, so clients can retry safely.
  if (released.hold.status != HoldStatus::Released) return holdNotActive(released.hold);
  return {200, R"({"hold":)" + holdJson(released.hold).dump() + R"(,"ok":true})"};
}

int Shop::expireDueHolds() {
  int expired = storage_.expireDueHolds();
  metrics_.holdsExpired.fetch_add(expired);
  if (expired > 0) eventsWritten();
  if (expired > 0) watchStock(*catalog(), nullptr, {});  // returned units may turn guards back on
  return expired;
}

int64_t Shop::purgeExpiredRecords() { return storage_.purgeBefore(clock_.nowMillis() - options_.retentionMillis); }

}  // namespace cartcore::server
