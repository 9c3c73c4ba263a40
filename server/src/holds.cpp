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

ApiResponse holdNotActive(const HoldRecord& hold) {
  return errorResponse(409, "hold_not_active", "The hold is " + std::string(holdStatusName(hold.status)) + ".",
                       {{"status", holdStatusName(hold.status)}});
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
  auto prepared = prepareCart(*state, memberValue(body, *members, "cart"), now, client, error);
  if (!prepared) return error;  // pointers stay relative to the cart, as the core reports them
  auto demand = demandOf(prepared->request);
  const auto& segments = prepared->request.segments;

  // Price first (pricing is the slow part): the price the shopper is shown for this hold, with stock as it stands
  // just before these units are taken.
  prepared->request.stock = storage_.availability(state->variantIds, segments);
  auto quoted = state->engine->quote(prepared->request);
  if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
  std::string rendered = cartcore::renderQuote(quoted.value());

  HoldRequest hold;
  hold.id = randomId("hold_");
  hold.cartJson = prepared->storedText;
  hold.quoteJson = quoteObjectText(rendered);
  hold.quoteDigest = quoted.value().digest;
  hold.demand = std::move(demand);
  hold.segments = segments;
  hold.ttlMillis = ttlMillis;
  HoldPlaced placed = storage_.placeHold(hold);
  if (!placed.placed) {
    // All lines or none: one short line refuses the whole hold and nothing is reserved.
    metrics_.insufficientStockRefusals.fetch_add(1);
    json list = json::array();
    for (const auto& s : placed.shortages)
      list.push_back({{"variant", s.variant}, {"requested", s.requested}, {"available", s.available}});
    return errorResponse(409, "insufficient_stock", "Not enough stock to hold every line; nothing was held.",
                         {{"shortages", std::move(list)}});
  }
  metrics_.holdsCreated.fetch_add(1);
  return {201, R"({"hold":)" + holdJson(placed.hold).dump() + R"(,"ok":true,"quote":)" + placed.hold.quoteJson + "}"};
}

ApiResponse Shop::getHold(const std::string& holdId) {
  HoldOutcome read = storage_.readHold(holdId);
  if (!read.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (read.expiredNow) metrics_.holdsExpired.fetch_add(1);
  return {200, R"({"hold":)" + holdJson(read.hold).dump() + R"(,"ok":true,"quote":)" + read.hold.quoteJson + "}"};
}

ApiResponse Shop::extendHold(const std::string& holdId, std::string_view body, [[maybe_unused]] const Client& client) {
  json request = parseBody(body, options_.maxBodyBytes, /*emptyIsObject=*/true);
  FieldReader fields(request, "");
  int64_t ttlMillis = readTtl(fields, options_.defaultHoldTtlMillis, options_.maxHoldTtlMillis);
  fields.finish();
  HoldOutcome extended = storage_.extendHold(holdId, ttlMillis);
  if (!extended.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (extended.expiredNow) {
    metrics_.holdsExpired.fetch_add(1);
    return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
  }
  if (!extended.changed) return holdNotActive(extended.hold);
  return {200, R"({"hold":)" + holdJson(extended.hold).dump() + R"(,"ok":true})"};
}

ApiResponse Shop::releaseHold(const std::string& holdId) {
  HoldOutcome released = storage_.releaseHold(holdId);
  if (!released.found) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (released.expiredNow) metrics_.holdsExpired.fetch_add(1);
  if (released.changed) metrics_.holdsReleased.fetch_add(1);
  // Releasing twice is a no-op, so clients can retry safely.
  if (released.hold.status != HoldStatus::Released) return holdNotActive(released.hold);
  return {200, R"({"hold":)" + holdJson(released.hold).dump() + R"(,"ok":true})"};
}

int Shop::expireDueHolds() {
  int expired = storage_.expireDueHolds();
  metrics_.holdsExpired.fetch_add(expired);
  return expired;
}

int64_t Shop::purgeExpiredRecords() { return storage_.purgeBefore(clock_.nowMillis() - options_.retentionMillis); }

}  // namespace cartcore::server
