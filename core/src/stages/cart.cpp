// SPDX-License-Identifier: MIT
#include "stages/cart.hpp"

#include <algorithm>

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

std::string linePointer(const Cart& cart, const LineState& line) {
  return "/lines/" + std::to_string(line.line - cart.request.lines.data()) + "/variant";
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

const CompiledStore& storeForCurrency(const CompiledStore& base, const QuoteRequest& request, std::vector<QuoteWarning>& warnings,
                                      std::vector<Explanation>& warningsWhy) {
  const CompiledStore& store = storeInCurrency(base, request.currency, "/currency");
  const CurrencySettings& rates = base.currencies;
  if (request.currency != base.currency && rates.maxRateAgeMillis && request.now - *rates.ratesAsOf > *rates.maxRateAgeMillis) {
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
  return store;
}

Cart buildCart(const CompiledStore& store, const QuoteRequest& request) {
  Cart cart{store, request, {}, normalizedCoupons(request.coupons), {}};
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
    state.listUnit = store.variants[state.variant].price;
    state.baseUnit = state.listUnit;
    mulMoney(state.listUnit, line->quantity);  // reject overflowing lines up front
    state.groups.push_back({line->quantity, state.listUnit});
    cart.lines.push_back(std::move(state));
  }
  return cart;
}

}  // namespace cartcore
