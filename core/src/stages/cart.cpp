// SPDX-License-Identifier: MIT
#include "stages/cart.hpp"

#include <algorithm>

#include "currency.hpp"
#include "input_error.hpp"
#include "timestamp.hpp"

namespace cartcore {

Minor LineState::total() const {
  Minor sum = 0;
  for (const auto& g : groups) sum = addMoney(sum, mulMoney(g.price, g.count));
  return sum;
}

bool Cart::customerHasSegment(const std::vector<std::string>& wanted) const {
  for (const auto& s : request.segments) {
    if (std::binary_search(wanted.begin(), wanted.end(), s)) return true;
  }
  return false;
}

bool Cart::couponEntered(const std::string& code) const { return std::binary_search(coupons.begin(), coupons.end(), code); }

std::optional<int64_t> Cart::availableStock(const VariantInfo& variant, int64_t threshold, bool exactBelow) const {
  StockFact fact;
  bool fromHold = false;
  if (request.heldFacts) {
    auto held = request.heldFacts->stock.find(variant.id);
    fromHold = held != request.heldFacts->stock.end();
    if (fromHold) fact.units = held->second;
  }
  if (!fromHold) {
    auto live = request.stock.find(variant.id);
    if (live != request.stock.end()) fact.units = live->second;
    fact.live = fact.units.has_value();
  }
  if (fact.live) {
    if (*fact.units >= threshold) fact.band.atLeast = threshold;
    else if (exactBelow) fact.band = {*fact.units, *fact.units};
    else fact.band.atMost = threshold - 1;
  }
  // Only a hold keeps the record (pricing.cpp): an everyday quote skips a map entry per variant read.
  if (request.forHold) mergeStockFact(stockRead, variant.id, fact);
  return fact.units;
}

void mergeStockFact(std::map<std::string, StockFact>& into, const std::string& variant, const StockFact& fact) {
  auto [it, inserted] = into.try_emplace(variant, fact);
  if (inserted) return;
  StockBand& band = it->second.band;
  band.atLeast = std::max(band.atLeast, fact.band.atLeast);
  band.atMost = std::min(band.atMost, fact.band.atMost);
}

void mergeStockFacts(std::map<std::string, StockFact>& into, const std::map<std::string, StockFact>& from) {
  for (const auto& [variant, fact] : from) mergeStockFact(into, variant, fact);
}

bool Cart::windowOpen(const TimeWindow& window) const {
  if (window.contains(request.now)) return true;
  return store.honorEndedWindows && request.heldFacts && window.contains(request.heldFacts->quotedAt) && request.now >= window.end;
}

std::string linePointer(const Cart& cart, const LineState& line) {
  return "/lines/" + std::to_string(line.line - cart.request.lines.data()) + "/variant";
}

std::string lineQuantityPointer(const QuoteRequest& request, const CartLine& line) {
  return "/lines/" + std::to_string(&line - request.lines.data()) + "/quantity";
}

std::vector<std::string> normalizedCoupons(const std::vector<std::string>& entered) {
  std::vector<std::string> codes;
  codes.reserve(entered.size());
  for (const auto& code : entered) {
    std::string normalized = normalizeCoupon(code);
    if (!normalized.empty()) codes.push_back(std::move(normalized));
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

CartCurrency::CartCurrency(const CompiledStore& store, const std::string& code)
    : code_(&store.currency), exponent_(store.exponent), storeExponent_(store.exponent) {
  if (code == store.currency) return;
  checkCurrency(store, code, "/currency");
  auto rate = store.currencies.rates.find(code);
  code_ = &rate->first;
  exponent_ = *currencyExponent(code);
  rate_ = rate->second;
  auto ending = store.currencies.priceEndings.find(code);
  if (ending != store.currencies.priceEndings.end()) ending_ = ending->second;
}

Minor CartCurrency::amount(Minor storeAmount) const {
  return rate_ == 0 ? storeAmount : convertMoney(storeAmount, rate_, kRateDecimals, storeExponent_, exponent_);
}

PriceChange CartCurrency::change(PriceChange change) const {
  if (change.kind != PriceChange::Kind::PercentOff) change.value = amount(change.value);
  return change;
}

Minor CartCurrency::shelfPrice(const VariantInfo& variant) const {
  if (rate_ == 0) return variant.price;
  auto listed = variant.priceList.find(*code_);
  if (listed != variant.priceList.end()) return listed->second;
  Minor converted = amount(variant.price);
  return ending_ ? applyPriceEnding(converted, *ending_, exponent_) : converted;
}

void checkRates(const CompiledStore& base, const QuoteRequest& request, std::vector<QuoteWarning>& warnings,
                std::vector<Explanation>& warningsWhy) {
  checkCurrency(base, request.currency, "/currency");
  const CurrencySettings& rates = base.currencies;
  // Checked like every difference of times (Engine::quote also keeps `now` within the years 0000-9999).
  if (request.currency != base.currency && rates.maxRateAgeMillis && subMoney(request.now, *rates.ratesAsOf) > *rates.maxRateAgeMillis) {
    if (rates.refuseStaleRates) {
      fail(ErrorCode::StaleRates, "/currency",
           "exchange rates from " + formatTimestamp(*rates.ratesAsOf) + " are older than the " +
               std::to_string(*rates.maxRateAgeMillis / 60'000) + " minutes allowed; prices in " + request.currency + " are refused");
    }
    warnings.push_back({"stale_rates", "/currency", "", ""});
    Explanation why{Message::StaleRates};
    why.name = request.currency;
    why.time = *rates.ratesAsOf;
    why.count = *rates.maxRateAgeMillis / 60'000;
    warningsWhy.push_back(why);
  }
}

Cart buildCart(const CompiledStore& store, const QuoteRequest& request) {
  Cart cart{store, request, CartCurrency(store, request.currency), {}, normalizedCoupons(request.coupons), {}};
  cart.meter.spend(static_cast<int64_t>(request.lines.size() + cart.coupons.size()));
  std::vector<const CartLine*> ordered;
  ordered.reserve(request.lines.size());
  for (const auto& line : request.lines) ordered.push_back(&line);
  // Line order in the request must not matter: everything downstream walks lines by id.
  std::sort(ordered.begin(), ordered.end(), [](const CartLine* a, const CartLine* b) { return a->id < b->id; });
  cart.lines.reserve(ordered.size());
  for (const CartLine* line : ordered) {
    LineState state;
    state.line = line;
    state.variant = store.variantIndex.at(line->variant);
    state.listUnit = cart.currency.shelfPrice(store.variants[state.variant]);
    state.baseUnit = state.listUnit;
    // Reject a line whose total cannot be held up front, naming it.
    Minor listTotal;
    if (__builtin_mul_overflow(state.listUnit, line->quantity, &listTotal)) {
      mulMoney(state.listUnit, line->quantity, lineQuantityPointer(request, *line));  // throws, naming the line
    }
    state.groups.push_back({line->quantity, state.listUnit});
    cart.lines.push_back(std::move(state));
  }
  return cart;
}

}  // namespace cartcore
