// SPDX-License-Identifier: MIT
#include "stages/shipping.hpp"

#include <algorithm>

#include "input_error.hpp"

namespace cartcore {

ShippingQuote priceShipping(const Cart& cart, Minor itemTotal) {
  const CompiledStore& store = cart.store;
  int64_t weight = 0;
  for (const auto& line : cart.lines) weight = addMoney(weight, mulMoney(store.variants[line.variant].weightGrams, line.quantity()));
  const Minor items = itemTotal;
  const std::string& country = cart.request.destinationCountry;
  ShippingQuote shipping;
  for (const auto& method : store.shippingMethods) {
    if (!method.countries.empty() && !std::binary_search(method.countries.begin(), method.countries.end(), country)) continue;
    ShippingOption option;
    option.id = method.id;
    option.name = method.name;
    switch (method.kind) {
      case ShippingMethod::Kind::Flat: option.listAmount = cart.currency.amount(method.flat); break;
      case ShippingMethod::Kind::Weight: {
        auto band = std::find_if(method.bands.begin(), method.bands.end(), [&](const ShippingBand& b) { return weight <= b.bound; });
        if (band == method.bands.end()) continue;  // heavier than the table covers: not offered
        option.listAmount = cart.currency.amount(band->amount);
        break;
      }
      case ShippingMethod::Kind::Subtotal:
        for (const auto& band : method.bands) {
          if (items >= cart.currency.amount(band.bound)) option.listAmount = cart.currency.amount(band.amount);
        }
        break;
    }
    for (const Promotion* promo : cart.freeShipping) {
      if (promo->shippingMethods.empty() || std::binary_search(promo->shippingMethods.begin(), promo->shippingMethods.end(), method.id)) {
        option.freeBy = promo->id;
        break;
      }
    }
    if (option.freeBy.empty() && method.freeAbove) {
      const Minor freeAbove = cart.currency.amount(*method.freeAbove);
      if (items >= freeAbove) option.freeBy = "threshold";
      else if (option.listAmount > 0) option.amountToFree = freeAbove - items;
    }
    option.amount = option.freeBy.empty() ? option.listAmount : 0;
    shipping.options.push_back(std::move(option));
  }
  const std::string& requested = cart.request.shippingMethod;
  const ShippingOption* chosen = nullptr;
  if (!requested.empty()) {
    for (const auto& o : shipping.options) {
      if (o.id == requested) chosen = &o;
    }
    if (!chosen) {
      fail(ErrorCode::ShippingUnavailable, "/shippingMethod",
           "shipping method \"" + requested + "\" does not serve this cart" + (country.empty() ? "" : " to " + country));
    }
  } else {
    for (const auto& o : shipping.options) {
      if (!chosen || o.amount < chosen->amount) chosen = &o;  // the cheapest; ties keep the id sorting first
    }
    if (!chosen) {
      fail(ErrorCode::ShippingUnavailable, country.empty() ? "/country" : "/destination/country",
           country.empty() ? "no shipping method serves this cart without a destination country"
                           : "no shipping method serves this cart to " + country);
    }
  }
  shipping.chosen = *chosen;
  return shipping;
}

}  // namespace cartcore
