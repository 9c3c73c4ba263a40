// SPDX-License-Identifier: MIT
// The public facade: every entry point catches everything, so no exception crosses into callers or into JS.
#include "cartcore/engine.hpp"

#include "cartcore/version.hpp"
#include "currency.hpp"
#include "input_error.hpp"
#include "locale.hpp"
#include "pricing.hpp"
#include "quote_json.hpp"
#include "request_fast_path.hpp"
#include "request_parser.hpp"
#include "store.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

template <class F>
auto guarded(F&& body) -> Result<decltype(body())> {
  try {
    return body();
  } catch (const InputError& e) {
    return e.error;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::PayloadTooLarge, "", "the input needs more memory than is available"};
  } catch (const std::exception& e) {
    return Error{ErrorCode::Internal, "", std::string("internal error: ") + e.what()};
  } catch (...) {
    return Error{ErrorCode::Internal, "", "internal error"};
  }
}

}  // namespace

Engine::Engine(std::shared_ptr<const CompiledStore> store) : store_(std::move(store)) {}

Result<Engine> Engine::compile(std::string_view configJson) {
  auto compiled = guarded([&] {
    const ParsedJson config = parseJsonDocument(configJson, {kMaxConfigBytes, kMaxJsonDepth, kMaxConfigValues});
    return std::make_shared<const CompiledStore>(compileStore(config));
  });
  if (!compiled) return compiled.error();
  return Engine(std::move(compiled).value());
}

Result<QuoteRequest> Engine::parseRequest(std::string_view requestJson) const {
  return guarded([&] {
    // Most requests are plain: read them without a DOM. Anything else, and every error, takes the strict reader.
    if (auto everyday = readEverydayRequest(*store_, requestJson)) return std::move(*everyday);
    return parseQuoteRequest(*store_, parseJsonDocument(requestJson, {kMaxRequestBytes}));
  });
}

namespace {

/** The typed API may be called with hand-built requests, so it re-checks what the JSON readers check: every bound
    the pipeline's arithmetic relies on. */
void checkTypedRequest(const CompiledStore& store, const QuoteRequest& request) {
  checkCurrency(store, request.currency, "/currency");  // currency_mismatch or missing_rate
  if (request.now < kEarliestTimestamp || request.now > kLatestTimestamp) {
    fail(ErrorCode::OutOfRange, "/now", "now must lie between the years 0000 and 9999");
  }
  if (request.coupons.size() > kMaxCouponsPerCart) fail(ErrorCode::TooManyItems, "/coupons", "too many coupons");
  if (request.segments.size() > kMaxSegments) fail(ErrorCode::TooManyItems, "/customer/segments", "too many segments");
  if (request.stock.size() > store.variants.size()) fail(ErrorCode::TooManyItems, "/stock", "more stock entries than catalog variants");
  for (const auto& [variant, units] : request.stock) {
    if (units < 0 || units > kMaxStockUnits) fail(ErrorCode::OutOfRange, "/stock", "stock of \"" + variant + "\" out of range");
  }
  if (request.lines.size() > kMaxCartLines) fail(ErrorCode::TooManyItems, "/lines", "too many lines");
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const CartLine& line = request.lines[i];
    std::string ptr = "/lines/" + std::to_string(i);
    if (!store.variantIndex.count(line.variant)) fail(ErrorCode::UnknownReference, ptr + "/variant", "no variant \"" + line.variant + "\"");
    if (line.quantity < 1 || line.quantity > kMaxLineQuantity) fail(ErrorCode::OutOfRange, ptr + "/quantity", "quantity out of range");
  }
  if (auto repeat = firstRepeatedLineId(request.lines)) {
    const std::string& id = request.lines[*repeat].id;
    fail(ErrorCode::DuplicateId, "/lines/" + std::to_string(*repeat) + "/id", "line \"" + id + "\" appears twice");
  }
  if (!request.locale.empty()) checkLocaleTag(request.locale, "/locale");
}

}  // namespace

Result<Quote> Engine::quote(const QuoteRequest& request) const {
  return guarded([&] {
    checkTypedRequest(*store_, request);
    return priceCart(*store_, request);
  });
}

std::string renderQuote(const Quote& quote) { return renderQuoteJson(quote); }

std::string renderError(const Error& error) {
  Json out = {{"ok", false},
              {"error", {{"code", errorCodeName(error.code)}, {"pointer", error.pointer}, {"message", error.message}}}};
  // Replace invalid UTF-8 (e.g. echoed from a malformed id) instead of throwing while reporting an error.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Engine::quoteJson(std::string_view requestJson) const {
  try {
    auto request = parseRequest(requestJson);
    if (!request) return renderError(request.error());
    // The readers checked everything checkTypedRequest would; the quote is written straight from its verdicts.
    auto rendered = guarded([&] { return priceCartJson(*store_, request.value()); });
    if (!rendered) return renderError(rendered.error());
    return std::move(rendered).value();
  } catch (...) {
    return renderError(Error{ErrorCode::Internal, "", "internal error while rendering the quote"});
  }
}

const std::string& Engine::configDigest() const { return store_->configDigest; }
const std::string& Engine::currency() const { return store_->currency; }
bool Engine::hasVariant(std::string_view variantId) const { return store_->variantIndex.count(std::string(variantId)) > 0; }

std::vector<std::string> Engine::variantIds() const {
  std::vector<std::string> ids;
  ids.reserve(store_->variants.size());
  for (const auto& v : store_->variants) ids.push_back(v.id);
  return ids;
}

std::string quoteJson(std::string_view configJson, std::string_view requestJson) {
  auto engine = Engine::compile(configJson);
  if (!engine) return renderError(engine.error());
  return engine.value().quoteJson(requestJson);
}

std::optional<int> currencyMinorDigits(std::string_view code) { return currencyExponent(code); }

std::string validateConfigJson(std::string_view configJson) {
  try {
    auto engine = Engine::compile(configJson);
    if (!engine) return renderError(engine.error());
    Json out = {{"ok", true}, {"configDigest", engine.value().configDigest()}, {"currency", engine.value().currency()},
                {"variants", engine.value().variantIds().size()}};
    return out.dump();
  } catch (...) {
    return renderError(Error{ErrorCode::Internal, "", "internal error while validating"});
  }
}

std::vector<std::string> supportedLocales() {
  std::vector<std::string> codes;
  for (Language language : {Language::En, Language::De, Language::Fr, Language::Es}) codes.emplace_back(languageCode(language));
  return codes;
}

std::string_view version() { return CARTCORE_VERSION; }

}  // namespace cartcore
