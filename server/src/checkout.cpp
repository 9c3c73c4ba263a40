// SPDX-License-Identifier: MIT
// Checkout confirmation: re-price on the server, compare digests, and commit the order in one transaction.
#include <set>

#include "request_reader.hpp"
#include "shop.hpp"
#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxIdempotencyKeyBytes = 200;

/** What changed between the quote a hold was priced at and the quote computed now, for a clear refusal. */
json priceDifferences(const std::string& heldQuoteText, const std::string& currentQuoteText) {
  json before = json::parse(heldQuoteText, nullptr, false);
  json after = json::parse(currentQuoteText, nullptr, false);
  json differences = json::array();
  if (!before.is_object() || !after.is_object()) return differences;
  // Every figure under "totals" (items, savings and, when configured, shipping, tax and the grand total).
  json beforeTotals = before.value("totals", json::object()), afterTotals = after.value("totals", json::object());
  std::set<std::string> totalKeys;
  for (const auto* totals : {&beforeTotals, &afterTotals})
    if (totals->is_object())
      for (const auto& [key, value] : totals->items()) totalKeys.insert(key);
  for (const auto& field : totalKeys) {
    json was = beforeTotals.value(field, json()), now = afterTotals.value(field, json());
    if (was != now) differences.push_back({{"field", "totals/" + field}, {"was", was}, {"now", now}});
  }
  if (before.value("configDigest", json()) != after.value("configDigest", json()))
    differences.push_back({{"field", "configDigest"}, {"was", before.value("configDigest", json())},
                           {"now", after.value("configDigest", json())}});
  std::map<std::string, json> beforeLines;
  if (before.value("lines", json()).is_array())
    for (const auto& line : before["lines"])
      if (line.is_object()) beforeLines[line.value("id", "")] = line.value("total", json());
  if (after.value("lines", json()).is_array())
    for (const auto& line : after["lines"]) {
      if (!line.is_object()) continue;
      std::string id = line.value("id", "");
      json was = beforeLines.count(id) ? beforeLines[id] : json();
      if (was != line.value("total", json()))
        differences.push_back({{"field", "lines/" + id + "/total"}, {"was", was}, {"now", line.value("total", json())}});
    }
  // Promotions: {"applied": [{"id", ...}], "notApplied": [...]} in the rendered quote.
  auto appliedPromotions = [](const json& quote) {
    std::set<std::string> ids;
    json promotions = quote.value("promotions", json::object());
    if (promotions.is_object() && promotions.value("applied", json()).is_array())
      for (const auto& p : promotions["applied"])
        if (p.is_object()) ids.insert(p.value("id", ""));
    return ids;
  };
  auto was = appliedPromotions(before), now = appliedPromotions(after);
  for (const auto& id : was)
    if (!now.count(id)) differences.push_back({{"field", "promotions/" + id}, {"was", "applied"}, {"now", "not applied"}});
  for (const auto& id : now)
    if (!was.count(id)) differences.push_back({{"field", "promotions/" + id}, {"was", "not applied"}, {"now", "applied"}});
  return differences;
}

}  // namespace

ApiResponse Shop::checkout(std::string_view body, const std::string& idempotencyKey) {
  json request = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(request, "");
  const std::string holdId = readString(fields.required("holdId"), "/holdId", 200);
  const std::string clientDigest = readString(fields.required("quoteDigest"), "/quoteDigest", 200);
  fields.finish();
  if (idempotencyKey.size() > kMaxIdempotencyKeyBytes)
    return errorResponse(400, "invalid_value", "The Idempotency-Key header is longer than 200 bytes.");
  const std::string requestHash = fingerprint(holdId + "\n" + clientDigest);

  // Two short critical sections with the pricing between them, so the other I/O thread can write while this one
  // prices. Everything checked in the first is checked again in the second before anything is written.
  auto admissible = [&](std::optional<HoldRecord>& hold, int64_t now) -> std::optional<ApiResponse> {
    if (!idempotencyKey.empty()) {
      if (auto previous = store_.findIdempotency(idempotencyKey)) {
        if (previous->requestHash != requestHash)
          return errorResponse(422, "idempotency_key_reused",
                               "This Idempotency-Key was used for a different checkout request.");
        metrics_.idempotentReplays.fetch_add(1);
        return ApiResponse{previous->status, previous->responseBody};
      }
    }
    hold = store_.loadHold(holdId);
    if (!hold) return errorResponse(404, "hold_not_found", "No hold has this id.");
    if (hold->status == HoldStatus::Active && hold->expiresAt <= now) {
      expireHoldLocked(*hold, now);
      return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
    }
    if (hold->status == HoldStatus::Committed)
      return errorResponse(409, "hold_already_checked_out", "This hold is already an order.",
                           {{"orderId", hold->orderId}});
    if (hold->status == HoldStatus::Expired)
      return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
    if (hold->status != HoldStatus::Active)
      return errorResponse(409, "hold_not_active", "The hold was released.",
                           {{"status", holdStatusName(hold->status)}});
    return std::nullopt;
  };

  std::optional<HoldRecord> hold;
  int64_t now = 0;
  {
    StoreLock lock(*this);
    now = clock_.nowMillis();
    if (auto refusal = admissible(hold, now)) return *refusal;
  }

  // Re-price from the stored cart with the server's rules, clock and live stock; client prices are never used.
  // The shopper's own held units count as available, as they did when the shopper was quoted.
  auto state = catalog();
  ApiResponse error;
  auto prepared = prepareCart(*state, hold->cartJson, now, error);
  if (!prepared) {
    json details = json::parse(error.body, nullptr, false);
    return errorResponse(409, "cart_no_longer_valid", "The held cart no longer fits the store config.",
                         {{"cause", details.is_object() ? details.value("error", json()) : json()}});
  }
  prepared->request.stock = inventory_.snapshot(state->variantIds, prepared->request.segments, hold->allocations);
  auto quoted = state->engine->quote(prepared->request);
  if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
  const cartcore::Quote& quote = quoted.value();
  std::string currentQuoteText = quoteObjectText(cartcore::renderQuote(quote));
  if (quote.digest != clientDigest) {
    metrics_.priceChangedRefusals.fetch_add(1);
    json details = {{"expectedDigest", clientDigest},
                    {"currentDigest", quote.digest},
                    {"holdDigest", hold->quoteDigest},
                    {"differences", clientDigest == hold->quoteDigest
                                        ? priceDifferences(hold->quoteJson, currentQuoteText)
                                        : json::array()},
                    {"currentQuote", json::parse(currentQuoteText, nullptr, false)}};
    std::string message = clientDigest == hold->quoteDigest
                              ? "The price changed since the hold was quoted; show the current quote and confirm "
                                "with its digest."
                              : "The quote digest matches neither the hold's quote nor the current price.";
    return errorResponse(409, "price_changed", message, std::move(details));
  }

  OrderRecord order;
  order.id = randomId("ord_");
  order.holdId = holdId;
  if (!idempotencyKey.empty()) order.idempotencyKey = idempotencyKey;
  order.currency = quote.currency;
  // The amount due: items, plus shipping and exclusive tax when the store configures them.
  order.totalMinor = quote.grandTotal.value_or(quote.total);
  order.quoteDigest = quote.digest;
  order.quoteJson = currentQuoteText;
  order.createdAt = now;
  json lines = json::array();
  for (const auto& line : quote.lines) {
    order.lines.push_back({line.id, line.variant, line.sku, line.quantity, line.total});
    lines.push_back({{"id", line.id},
                     {"variant", line.variant},
                     {"sku", line.sku},
                     {"quantity", line.quantity},
                     {"total", formatMinor(line.total, quote.exponent)}});
  }
  order.orderJson = json{{"id", order.id},
                         {"holdId", holdId},
                         {"status", "committed"},
                         {"createdAt", isoTime(now)},
                         {"currency", quote.currency},
                         {"total", formatMinor(order.totalMinor, quote.exponent)},
                         {"itemsTotal", formatMinor(quote.total, quote.exponent)},
                         {"quoteDigest", quote.digest},
                         {"lines", std::move(lines)}}
                        .dump();
  std::string responseBody = R"({"ok":true,"order":)" + order.orderJson + "}";

  StoreLock lock(*this);
  // Another request may have used this key or moved this hold while we priced: check again under the lock.
  if (auto refusal = admissible(hold, clock_.nowMillis())) return *refusal;
  // One transaction: stock, hold, order, events and the idempotency record commit together or not at all.
  Transaction tx(store_.db());
  std::map<std::string, int64_t> sold;
  for (const auto& a : hold->allocations) sold[a.variant] += a.quantity;
  std::map<std::string, StockLevel> before;
  for (const auto& [variant, quantity] : sold) {
    before[variant] = inventory_.level(variant);
    if (!store_.decrementOnHand(variant, quantity, now)) {
      // Only reachable if an ERP correction lowered stock under live holds: refuse rather than go negative.
      metrics_.insufficientStockRefusals.fetch_add(1);
      return errorResponse(409, "insufficient_stock",
                           "Stock was corrected below the held quantity; nothing was charged or changed.",
                           {{"shortages", json::array({{{"variant", variant},
                                                        {"requested", quantity},
                                                        {"available", before[variant].onHand}}})}});
    }
  }
  for (const auto& a : hold->allocations)
    if (!a.pool.empty()) store_.consumeReserve(a.variant, a.pool, a.quantity);
  if (!store_.finishHold(holdId, HoldStatus::Committed, now, order.id))
    return errorResponse(409, "hold_not_active", "The hold changed while checking out.");
  store_.insertOrder(order);
  OutboxWriter outbox(store_, options_.webhookEndpointKeys, now);
  for (const auto& [variant, quantity] : sold) {
    StockLevel after = before[variant];
    after.onHand -= quantity;
    auto facts = state->facts.find(variant);
    outbox.stockChanged(variant, facts == state->facts.end() ? VariantFacts{variant, "", std::nullopt} : facts->second,
                        after, before[variant].onHand, "order " + order.id);
  }
  outbox.orderCommitted(order.orderJson, order.id);
  if (!idempotencyKey.empty()) store_.insertIdempotency(idempotencyKey, {requestHash, 200, responseBody}, now);
  tx.commit();

  inventory_.applyCommit(hold->allocations);
  metrics_.holdsCommitted.fetch_add(1);
  metrics_.ordersCommitted.fetch_add(1);
  eventsWritten();
  return {200, std::move(responseBody)};
}

ApiResponse Shop::getOrder(const std::string& orderId) {
  StoreLock lock(*this);
  auto order = store_.loadOrder(orderId);
  if (!order) return errorResponse(404, "order_not_found", "No order has this id.");
  return {200, R"({"ok":true,"order":)" + order->orderJson + R"(,"quote":)" + order->quoteJson + "}"};
}

ApiResponse Shop::listOrders(int64_t after, int limit) {
  StoreLock lock(*this);
  int64_t last = after;
  auto orders = store_.listOrders(after, limit, last);
  std::string body = R"({"next":)" + std::to_string(last) + R"(,"ok":true,"orders":[)";
  for (std::size_t i = 0; i < orders.size(); ++i) body += (i ? "," : "") + orders[i].orderJson;
  return {200, body + "]}"};
}

}  // namespace cartcore::server
