// SPDX-License-Identifier: MIT
// Quote request JSON → QuoteRequest, validated against the compiled store.
#include <set>

#include "currency.hpp"
#include "input_error.hpp"
#include "request_parser.hpp"
#include "timestamp.hpp"

namespace cartcore {

QuoteRequest parseQuoteRequest(const CompiledStore& store, const Json& document) {
  ObjectReader root(document, "");
  QuoteRequest request;
  if (const Json* schema = root.optional("schemaVersion")) {
    if (readInteger(*schema, "/schemaVersion", 0, INT64_MAX) != 1) {
      fail(ErrorCode::UnsupportedSchemaVersion, "/schemaVersion", "only schemaVersion 1 is supported");
    }
  }
  request.currency = readString(root.required("currency"), "/currency");
  if (!currencyExponent(request.currency)) {
    fail(ErrorCode::UnknownCurrency, "/currency", "\"" + request.currency + "\" is not an ISO 4217 currency");
  }
  if (request.currency != store.currency) {
    fail(ErrorCode::CurrencyMismatch, "/currency", "this store prices in " + store.currency + ", not " + request.currency);
  }
  request.now = parseTimestamp(readString(root.required("now"), "/now"), "/now");
  if (const Json* customer = root.optional("customer")) {
    ObjectReader c(*customer, "/customer");
    if (const Json* s = c.optional("segments")) request.segments = readIdList(*s, "/customer/segments", 100, false);
    c.finish();
  }
  if (const Json* coupons = root.optional("coupons")) {
    const auto& list = readArray(*coupons, "/coupons", kMaxCouponsPerCart);
    for (std::size_t i = 0; i < list.size(); ++i) request.coupons.push_back(readString(list[i], childPointer("/coupons", i)));
  }
  const auto& lines = readArray(root.required("lines"), "/lines", kMaxCartLines);
  std::set<std::string> lineIds;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string ptr = childPointer("/lines", i);
    ObjectReader line(lines[i], ptr);
    CartLine out;
    out.variant = readId(line.required("variant"), line.pointerTo("variant"));
    if (!store.variantIndex.count(out.variant)) {
      fail(ErrorCode::UnknownReference, line.pointerTo("variant"), "no variant \"" + out.variant + "\" in the catalog");
    }
    out.id = out.variant;
    if (const Json* id = line.optional("id")) out.id = readId(*id, line.pointerTo("id"));
    out.quantity = readInteger(line.required("quantity"), line.pointerTo("quantity"), 1, kMaxLineQuantity);
    line.finish();
    if (!lineIds.insert(out.id).second) {
      fail(ErrorCode::DuplicateId, line.pointerTo(line.json().contains("id") ? "id" : "variant"),
           "line \"" + out.id + "\" appears twice; give each line a distinct id or merge the quantities");
    }
    request.lines.push_back(std::move(out));
  }
  if (const Json* stock = root.optional("stock")) {
    if (!stock->is_object()) fail(ErrorCode::InvalidType, "/stock", "stock must be an object of variant id to available units");
    if (stock->size() > store.variants.size()) fail(ErrorCode::TooManyItems, "/stock", "more stock entries than catalog variants");
    for (const auto& [variant, units] : stock->items()) {
      std::string ptr = childPointer("/stock", variant);
      if (!store.variantIndex.count(variant)) fail(ErrorCode::UnknownReference, ptr, "no variant \"" + variant + "\" in the catalog");
      request.stock[variant] = readInteger(units, ptr, 0, 1'000'000'000'000);
    }
  }
  root.finish();
  return request;
}

}  // namespace cartcore
