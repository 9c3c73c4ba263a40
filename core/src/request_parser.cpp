// SPDX-License-Identifier: MIT
// Quote request JSON → QuoteRequest, validated against the compiled store.
#include <algorithm>
#include <map>
#include <type_traits>

#include "currency.hpp"
#include "input_error.hpp"
#include "locale.hpp"
#include "request_parser.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

std::string readCountry(const Json& value, const std::string& pointer) {
  std::string code = readString(value, pointer);
  if (!isCountryCode(code)) {
    fail(ErrorCode::InvalidValue, pointer, "a country is an ISO 3166-1 alpha-2 code in capitals, e.g. \"DE\"");
  }
  return code;
}

/** Available units as the engine takes them: 0 .. kMaxStockUnits (null only where `nullable`). */
std::optional<int64_t> readUnits(const Json& value, const std::string& pointer, bool nullable) {
  if (nullable && value.is_null()) return std::nullopt;
  return readInteger(value, pointer, 0, kMaxStockUnits);
}

/** A variant-id -> units object (`stock`, `heldFacts.stock`), every id in the catalog. */
template <class Units>
std::map<std::string, Units> readStockObject(const CompiledStore& store, const Json& value, const std::string& pointer, bool nullable) {
  if (!value.is_object()) fail(ErrorCode::InvalidType, pointer, "stock must be an object of variant id to available units");
  if (value.size() > store.variants.size()) fail(ErrorCode::TooManyItems, pointer, "more stock entries than catalog variants");
  std::map<std::string, Units> out;
  for (const auto& [variant, units] : value.items()) {
    std::string ptr = childPointer(pointer, variant);
    if (!store.variantIndex.count(variant)) fail(ErrorCode::UnknownReference, ptr, "no variant \"" + variant + "\" in the catalog");
    std::optional<int64_t> read = readUnits(units, ptr, nullable);
    if constexpr (std::is_same_v<Units, int64_t>) out[variant] = *read;
    else out[variant] = read;
  }
  return out;
}

/** The facts a hold's quote used (the core's own `heldFacts` output, handed back at checkout). */
HeldFacts readHeldFacts(const CompiledStore& store, const Json& value, EpochMillis now) {
  ObjectReader held(value, "/heldFacts");
  HeldFacts out;
  out.quotedAt = parseTimestamp(readString(held.required("quotedAt"), "/heldFacts/quotedAt"), "/heldFacts/quotedAt");
  if (out.quotedAt > now) fail(ErrorCode::InvalidValue, "/heldFacts/quotedAt", "a hold is quoted before it is re-priced: quotedAt is after now");
  if (const Json* stock = held.optional("stock")) {
    out.stock = readStockObject<std::optional<int64_t>>(store, *stock, "/heldFacts/stock", /*nullable=*/true);
  }
  held.finish();
  return out;
}

}  // namespace

bool isCountryCode(std::string_view text) {
  return text.size() == 2 && text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'A' && text[1] <= 'Z';
}

const std::string& currencyForCountry(const CompiledStore& store, const std::string& country) {
  auto mapped = store.currencies.countries.find(country);
  return mapped != store.currencies.countries.end() ? mapped->second : store.currency;
}

bool isShippingMethod(const CompiledStore& store, std::string_view id) {
  return std::any_of(store.shippingMethods.begin(), store.shippingMethods.end(), [&](const auto& m) { return m.id == id; });
}

std::optional<ExplainLevel> explainLevelNamed(std::string_view name) {
  if (name == "all") return ExplainLevel::All;
  if (name == "applied") return ExplainLevel::Applied;
  if (name == "none") return ExplainLevel::None;
  return std::nullopt;
}

std::optional<std::size_t> firstRepeatedLineId(const std::vector<CartLine>& lines) {
  std::vector<std::pair<std::string_view, std::size_t>> ids;  // sorted (id, position): repeats sit side by side
  ids.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) ids.emplace_back(lines[i].id, i);
  std::sort(ids.begin(), ids.end());
  std::optional<std::size_t> first;
  for (std::size_t k = 1; k < ids.size(); ++k) {
    if (ids[k].first == ids[k - 1].first && (!first || ids[k].second < *first)) first = ids[k].second;
  }
  return first;
}

QuoteRequest parseQuoteRequest(const CompiledStore& store, const Json& document) {
  ObjectReader root(document, "");
  QuoteRequest request;
  if (const Json* schema = root.optional("schemaVersion")) {
    if (readInteger(*schema, "/schemaVersion", 0, INT64_MAX) != 1) {
      fail(ErrorCode::UnsupportedSchemaVersion, "/schemaVersion", "only schemaVersion 1 is supported");
    }
  }
  if (const Json* country = root.optional("country")) request.country = readCountry(*country, "/country");
  // A manual choice wins; otherwise the country (e.g. the CDN's header) picks the currency through the store's map,
  // and an unmapped country shops in the store currency.
  if (const Json* currency = root.optional("currency")) {
    request.currency = readString(*currency, "/currency");
  } else if (!request.country.empty()) {
    request.currency = currencyForCountry(store, request.country);
  } else {
    fail(ErrorCode::MissingField, "/currency", "give a currency, or a country the store maps to one");
  }
  if (!currencyExponent(request.currency)) {
    fail(ErrorCode::UnknownCurrency, "/currency", "\"" + request.currency + "\" is not an ISO 4217 currency");
  }
  checkCurrency(store, request.currency, "/currency");  // currency_mismatch or missing_rate
  if (const Json* destination = root.optional("destination")) {
    ObjectReader d(*destination, "/destination");
    request.destinationCountry = readCountry(d.required("country"), "/destination/country");
    if (const Json* region = d.optional("region")) request.destinationRegion = readId(*region, "/destination/region");
    d.finish();
  } else {
    request.destinationCountry = request.country;
  }
  if (const Json* method = root.optional("shippingMethod")) {
    request.shippingMethod = readId(*method, "/shippingMethod");
    if (!isShippingMethod(store, request.shippingMethod)) fail(ErrorCode::UnknownReference, "/shippingMethod", "no shipping method \"" + request.shippingMethod + "\"");
  }
  if (const Json* best = root.optional("bestDeal")) request.bestDeal = readBool(*best, "/bestDeal");
  if (const Json* nudges = root.optional("nudges")) request.nudges = readBool(*nudges, "/nudges");
  if (const Json* locale = root.optional("locale")) {
    request.locale = readString(*locale, "/locale");
    checkLocaleTag(request.locale, "/locale");
  }
  if (const Json* explain = root.optional("explain")) {
    const auto level = explainLevelNamed(readString(*explain, "/explain"));
    if (!level) fail(ErrorCode::InvalidValue, "/explain", "explain is \"all\", \"applied\" or \"none\"");
    request.explain = *level;
  }
  request.now = parseTimestamp(readString(root.required("now"), "/now"), "/now");
  if (const Json* customer = root.optional("customer")) {
    ObjectReader c(*customer, "/customer");
    if (const Json* s = c.optional("segments")) request.segments = readIdList(*s, "/customer/segments", kMaxSegments, false);
    c.finish();
  }
  if (const Json* coupons = root.optional("coupons")) {
    const auto& list = readArray(*coupons, "/coupons", kMaxCouponsPerCart);
    for (std::size_t i = 0; i < list.size(); ++i) request.coupons.push_back(readString(list[i], childPointer("/coupons", i)));
  }
  const auto& lines = readArray(root.required("lines"), "/lines", kMaxCartLines);
  request.lines.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // Lines are read with pointers relative to the line and prefixed only on failure: building "/lines/7/quantity"
    // for every field of every line was a measurable share of a quote.
    try {
      ObjectReader line(lines[i], "");
      CartLine out;
      out.variant = readId(line.required("variant"), "/variant");
      if (!store.variantIndex.count(out.variant)) {
        fail(ErrorCode::UnknownReference, "/variant", "no variant \"" + out.variant + "\" in the catalog");
      }
      out.id = out.variant;
      if (const Json* id = line.optional("id")) out.id = readId(*id, "/id");
      out.quantity = readInteger(line.required("quantity"), "/quantity", 1, kMaxLineQuantity);
      line.finish();
      request.lines.push_back(std::move(out));
    } catch (InputError& e) {
      e.error.pointer = childPointer("/lines", i) + e.error.pointer;
      throw;
    }
  }
  if (auto repeat = firstRepeatedLineId(request.lines)) {
    const std::string& id = request.lines[*repeat].id;
    fail(ErrorCode::DuplicateId, childPointer(childPointer("/lines", *repeat), lines[*repeat].contains("id") ? "id" : "variant"),
         "line \"" + id + "\" appears twice; give each line a distinct id or merge the quantities");
  }
  if (const Json* stock = root.optional("stock")) request.stock = readStockObject<int64_t>(store, *stock, "/stock", /*nullable=*/false);
  if (const Json* held = root.optional("heldFacts")) request.heldFacts = readHeldFacts(store, *held, request.now);
  if (const Json* forHold = root.optional("forHold")) request.forHold = readBool(*forHold, "/forHold");
  root.finish();
  return request;
}

}  // namespace cartcore
