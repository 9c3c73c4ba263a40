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

/** The `heldFacts` a hold's quote recorded, as JSON text ("" for holds quoted before holds kept facts). */
std::string heldFactsText(const std::string& heldQuoteText) {
  json quote = json::parse(heldQuoteText, nullptr, false);
  if (!quote.is_object() || !quote.contains("heldFacts")) return {};
  return quote["heldFacts"].dump();
}

}  // namespace

ApiResponse Shop::checkout(std::string_view body, const std::string& idempotencyKey, const Client& client) {
  json request = parseBody(body, options_.maxBodyBytes);
  FieldReader fields(request, "");
  const std::string holdId = readString(fields.required("holdId"), "/holdId", 200);
  const std::string clientDigest = readString(fields.required("quoteDigest"), "/quoteDigest", 200);
  fields.finish();
  if (idempotencyKey.size() > kMaxIdempotencyKeyBytes)
    return errorResponse(400, "invalid_value", "The Idempotency-Key header is longer than 200 bytes.");
  const std::string requestHash = fingerprint(holdId + "\n" + clientDigest);
  // An Idempotency-Key is scoped to its owner: a backend's API key (one namespace for all its checkouts, so reusing
  // a key for another hold is caught), else the hold itself (so one shopper's key can never collide with, or
  // replay, another's).
  const std::string scopedKey =
      idempotencyKey.empty()
          ? std::string()
          : (client.keyId.empty() ? "hold:" + holdId : "key:" + client.keyId) + "\n" + idempotencyKey;

  // The checks run twice, once before pricing and again inside the commit, so the storage never holds a lock
  // (or a transaction) while the cart is priced.
  CheckoutCheck check = storage_.checkCheckout(holdId, scopedKey, requestHash);
  if (check.verdict != CheckoutVerdict::Proceed) return checkoutRefusal(check);
  const HoldRecord& hold = check.hold;
  int64_t now = clock_.nowMillis();

  // Re-price from the stored cart with the server's rules, clock and live stock; client prices are never used.
  // The stock facts the hold's quote read (guards, "N left") stand as they were, so a guard never turns against a
  // shopper who already holds the stock; everything else is current. The shopper's own held units count as
  // available for any other stock the price reads.
  auto state = catalog();
  ApiResponse error;
  std::string heldFacts = heldFactsText(hold.quoteJson);
  auto prepared = prepareCart(*state, hold.cartJson, now, client, error, CartUse::Quote, heldFacts);
  if (!prepared) {
    json details = json::parse(error.body, nullptr, false);
    return errorResponse(409, "cart_no_longer_valid", "The held cart no longer fits the store config.",
                         {{"cause", details.is_object() ? details.value("error", json()) : json()}});
  }
  prepared->request.stock = storage_.availability(state->variantIds, prepared->request.segments, hold.allocations);
  auto quoted = state->engine->quote(prepared->request);
  if (!quoted) return {statusForCoreError(quoted.error()), cartcore::renderError(quoted.error())};
  const cartcore::Quote& quote = quoted.value();
  std::string currentQuoteText = quoteObjectText(cartcore::renderQuote(quote));
  if (quote.digest != clientDigest) {
    metrics_.priceChangedRefusals.fetch_add(1);
    json details = {{"expectedDigest", clientDigest},
                    {"currentDigest", quote.digest},
                    {"holdDigest", hold.quoteDigest},
                    {"differences", clientDigest == hold.quoteDigest
                                        ? priceDifferences(hold.quoteJson, currentQuoteText)
                                        : json::array()},
                    {"currentQuote", json::parse(currentQuoteText, nullptr, false)}};
    std::string message = clientDigest == hold.quoteDigest
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

  CheckoutCommit commit{holdId, scopedKey, requestHash, std::move(order), responseBody,
                        orderAnalytics(*state, quote, prepared->request)};
  CheckoutCheck committed = storage_.commitCheckout(commit, state->facts);
  if (committed.verdict != CheckoutVerdict::Proceed) return checkoutRefusal(committed);
  metrics_.holdsCommitted.fetch_add(1);
  metrics_.ordersCommitted.fetch_add(1);
  eventsWritten();
  return {200, std::move(responseBody)};
}

ApiResponse Shop::checkoutRefusal(const CheckoutCheck& check) {
  if (check.expiredNow) {
    metrics_.holdsExpired.fetch_add(1);
    eventsWritten();
  }
  switch (check.verdict) {
    case CheckoutVerdict::Replay:
      metrics_.idempotentReplays.fetch_add(1);
      return ApiResponse{check.replayStatus, check.replayBody};
    case CheckoutVerdict::KeyReused:
      return errorResponse(422, "idempotency_key_reused",
                           "This Idempotency-Key was used for a different checkout request.");
    case CheckoutVerdict::HoldNotFound: return errorResponse(404, "hold_not_found", "No hold has this id.");
    case CheckoutVerdict::HoldExpired:
      return errorResponse(410, "hold_expired", "The hold expired and its stock was returned; hold the cart again.");
    case CheckoutVerdict::HoldAlreadyOrdered:
      return errorResponse(409, "hold_already_checked_out", "This hold is already an order.",
                           {{"orderId", check.hold.orderId}});
    case CheckoutVerdict::InsufficientStock:
      // Only reachable if an ERP correction lowered stock under live holds: refuse rather than go negative.
      metrics_.insufficientStockRefusals.fetch_add(1);
      return errorResponse(409, "insufficient_stock",
                           "Stock was corrected below the held quantity; nothing was charged or changed.",
                           {{"shortages", json::array({{{"variant", check.shortage.variant},
                                                        {"requested", check.shortage.requested},
                                                        {"available", check.shortage.available}}})}});
    case CheckoutVerdict::HoldNotActive:
    case CheckoutVerdict::Proceed: break;
  }
  return errorResponse(409, "hold_not_active", "The hold was released.", {{"status", holdStatusName(check.hold.status)}});
}

ApiResponse Shop::getOrder(const std::string& orderId) {
  auto order = storage_.loadOrder(orderId);
  if (!order) return errorResponse(404, "order_not_found", "No order has this id.");
  return {200, R"({"ok":true,"order":)" + order->orderJson + R"(,"quote":)" + order->quoteJson + "}"};
}

ApiResponse Shop::listOrders(int64_t after, int limit) {
  int64_t last = after;
  auto orders = storage_.listOrders(after, limit, last);
  std::string body = R"({"next":)" + std::to_string(last) + R"(,"ok":true,"orders":[)";
  for (std::size_t i = 0; i < orders.size(); ++i) body += (i ? "," : "") + orders[i].orderJson;
  return {200, body + "]}"};
}

}  // namespace cartcore::server
