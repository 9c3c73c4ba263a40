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

ApiResponse Shop::createHold(std::string_view body) {
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
  auto prepared = prepareCart(*state, memberValue(body, *members, "cart"), now, error);
  if (!prepared) return error;  // pointers stay relative to the cart, as the core reports them
  auto demand = demandOf(prepared->request);
  const auto& segments = prepared->request.segments;

  // Price before taking the write lock (pricing is the slow part): the price the shopper is shown for this hold,
  // with stock as it stands just before these units are taken.
  prepared->request.stock = inventory_.snapshot(state->variantIds, segments);
  auto quoted = state->engine->quote(prepared->request);
  if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
  std::string rendered = cartcore::renderQuote(quoted.value());

  StoreLock lock(*this);
  now = clock_.nowMillis();
  std::vector<Allocation> allocations;
  std::vector<Shortage> shortages;
  if (!inventory_.plan(demand, segments, allocations, shortages)) {
    // All lines or none: one short line refuses the whole hold and nothing is reserved.
    metrics_.insufficientStockRefusals.fetch_add(1);
    json list = json::array();
    for (const auto& s : shortages)
      list.push_back({{"variant", s.variant}, {"requested", s.requested}, {"available", s.available}});
    return errorResponse(409, "insufficient_stock", "Not enough stock to hold every line; nothing was held.",
                         {{"shortages", std::move(list)}});
  }

  HoldRecord hold;
  hold.id = randomId("hold_");
  hold.cartJson = prepared->storedText;
  hold.quoteJson = quoteObjectText(rendered);
  hold.quoteDigest = quoted.value().digest;
  hold.createdAt = now;
  hold.updatedAt = now;
  hold.expiresAt = now + ttlMillis;
  hold.allocations = allocations;
  Transaction tx(store_.db());
  store_.insertHold(hold);
  tx.commit();
  inventory_.applyHold(allocations);
  metrics_.holdsCreated.fetch_add(1);
  return {201, R"({"hold":)" + holdJson(hold).dump() + R"(,"ok":true,"quote":)" + hold.quoteJson + "}"};
}

ApiResponse Shop::getHold(const std::string& holdId) {
  StoreLock lock(*this);
  auto hold = store_.loadHold(holdId);
  if (!hold) return errorResponse(404, "hold_not_found", "No hold has this id.");
  // Report an overdue hold as expired even if the sweeper has not reached it yet.
  if (hold->status == HoldStatus::Active && hold->expiresAt <= clock_.nowMillis()) {
    if (expireHoldLocked(*hold, clock_.nowMillis())) hold->status = HoldStatus::Expired;
  }
  return {200, R"({"hold":)" + holdJson(*hold).dump() + R"(,"ok":true,"quote":)" + hold->quoteJson + "}"};
}

ApiResponse Shop::extendHold(const std::string& holdId, std::string_view body) {
  json request = parseBody(body, options_.maxBodyBytes, /*emptyIsObject=*/true);
  FieldReader fields(request, "");
  int64_t ttlMillis = readTtl(fields, options_.defaultHoldTtlMillis, options_.maxHoldTtlMillis);
  fields.finish();
  StoreLock lock(*this);
  int64_t now = clock_.nowMillis();
  auto hold = store_.loadHold(holdId);
  if (!hold) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (hold->status == HoldStatus::Active && hold->expiresAt <= now) {
    expireHoldLocked(*hold, now);
    return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
  }
  if (hold->status != HoldStatus::Active)
    return errorResponse(409, "hold_not_active", "The hold is " + std::string(holdStatusName(hold->status)) + ".",
                         {{"status", holdStatusName(hold->status)}});
  Transaction tx(store_.db());
  store_.setHoldExpiry(holdId, now + ttlMillis, now);
  tx.commit();
  hold->expiresAt = now + ttlMillis;
  return {200, R"({"hold":)" + holdJson(*hold).dump() + R"(,"ok":true})"};
}

ApiResponse Shop::releaseHold(const std::string& holdId) {
  StoreLock lock(*this);
  int64_t now = clock_.nowMillis();
  auto hold = store_.loadHold(holdId);
  if (!hold) return errorResponse(404, "hold_not_found", "No hold has this id.");
  if (hold->status == HoldStatus::Released)  // releasing twice is a no-op, so clients can retry safely
    return {200, R"({"hold":)" + holdJson(*hold).dump() + R"(,"ok":true})"};
  if (hold->status == HoldStatus::Active && hold->expiresAt <= now) {
    expireHoldLocked(*hold, now);
    hold->status = HoldStatus::Expired;
  }
  if (hold->status != HoldStatus::Active)
    return errorResponse(409, "hold_not_active", "The hold is " + std::string(holdStatusName(hold->status)) + ".",
                         {{"status", holdStatusName(hold->status)}});
  Transaction tx(store_.db());
  if (!store_.finishHold(holdId, HoldStatus::Released, now))
    return errorResponse(409, "hold_not_active", "The hold is no longer active.");
  tx.commit();
  inventory_.applyRelease(hold->allocations);
  metrics_.holdsReleased.fetch_add(1);
  hold->status = HoldStatus::Released;
  return {200, R"({"hold":)" + holdJson(*hold).dump() + R"(,"ok":true})"};
}

bool Shop::expireHoldLocked(const HoldRecord& hold, int64_t now) {
  Transaction tx(store_.db());
  // finishHold only moves an 'active' hold, so a hold's stock comes back exactly once however many
  // sweeps, reads or checkouts race to expire it.
  if (!store_.finishHold(hold.id, HoldStatus::Expired, now)) return false;
  tx.commit();
  inventory_.applyRelease(hold.allocations);
  metrics_.holdsExpired.fetch_add(1);
  return true;
}

int Shop::expireDueHolds() {
  int expired = 0;
  for (;;) {
    StoreLock lock(*this);
    int64_t now = clock_.nowMillis();
    std::vector<std::string> due = store_.holdsDueForExpiry(now, 256);
    if (due.empty()) break;
    std::vector<HoldRecord> holds;
    for (const auto& id : due)
      if (auto hold = store_.loadHold(id)) holds.push_back(std::move(*hold));
    Transaction tx(store_.db());
    std::vector<Allocation> returned;
    int batch = 0;
    for (const auto& hold : holds) {
      if (!store_.finishHold(hold.id, HoldStatus::Expired, now)) continue;
      returned.insert(returned.end(), hold.allocations.begin(), hold.allocations.end());
      ++batch;
    }
    tx.commit();
    inventory_.applyRelease(returned);
    metrics_.holdsExpired.fetch_add(batch);
    expired += batch;
    if (due.size() < 256) break;
  }
  return expired;
}

int64_t Shop::purgeExpiredRecords() {
  int64_t total = 0;
  for (;;) {  // small batches, so the write lock is never held for long
    StoreLock lock(*this);
    Transaction tx(store_.db());
    int64_t deleted = store_.purgeBefore(clock_.nowMillis() - options_.retentionMillis, 500);
    tx.commit();
    total += deleted;
    if (deleted == 0) return total;
  }
}

}  // namespace cartcore::server
