// SPDX-License-Identifier: MIT
#include "stages/tax.hpp"

#include <map>

#include "input_error.hpp"

namespace cartcore {

TaxQuote priceTax(const Cart& cart, std::span<const Minor> lineTotals, std::optional<Minor> shippingAmount) {
  const TaxSettings& tax = *cart.store.tax;
  const std::string& country = cart.request.destinationCountry;
  const std::string& region = cart.request.destinationRegion;
  if (country.empty()) {
    fail(ErrorCode::MissingField, "/destination", "this store charges tax: give destination.country (or country)");
  }
  TaxQuote out;
  out.included = tax.pricesIncludeTax;
  // Taxable amounts: every line, then shipping when it is taxed. Grouped by class, since a class decides the rates.
  std::vector<Minor> amounts(lineTotals.begin(), lineTotals.end());
  std::map<std::string, std::vector<std::size_t>> byClass;
  for (std::size_t i = 0; i < cart.lines.size(); ++i) byClass[cart.store.variants[cart.lines[i].variant].taxClass].push_back(i);
  const std::size_t shippingIndex = amounts.size();
  const bool shippingTaxed = shippingAmount && !tax.shippingTaxClass.empty();
  if (shippingTaxed) {
    amounts.push_back(*shippingAmount);
    byClass[tax.shippingTaxClass].push_back(shippingIndex);
  }
  std::vector<Minor> taxOf(amounts.size(), 0);
  std::map<std::string, Minor> byRate;  // rate id -> amount
  for (const auto& [taxClass, members] : byClass) {
    auto rates = taxRatesFor(tax, country, region, taxClass);
    cart.meter.spend(static_cast<int64_t>(1 + members.size() * (1 + rates.size())));
    if (rates.empty()) {
      std::string pointer = members.front() == shippingIndex ? "/tax/shippingTaxClass" : linePointer(cart, cart.lines[members.front()]);
      fail(ErrorCode::MissingTaxRate, pointer,
           "tax class \"" + taxClass + "\" has no rate for " + country + (region.empty() ? "" : "/" + region) +
               "; add one (0 % for exempt goods)");
    }
    Minor groupAmount = 0;
    PartsPerMillion combined = 0;
    std::vector<Minor> weights;
    for (std::size_t m : members) {
      groupAmount = addMoney(groupAmount, amounts[m]);
      weights.push_back(amounts[m]);
    }
    for (const TaxRate* r : rates) combined = addMoney(combined, r->percent, "/tax/rates");
    for (const TaxRate* r : rates) {
      // Rounded once per rate and class on the class's whole amount, then split over its lines by largest
      // remainder, so the lines' shares sum exactly to the rate's total.
      Minor total = tax.pricesIncludeTax ? mulDivRound(groupAmount, r->percent, kWhole + combined) : percentOf(groupAmount, r->percent);
      std::vector<Minor> parts = allocateProRata(total, weights);
      for (std::size_t k = 0; k < members.size(); ++k) {
        const std::size_t m = members[k];
        // A line's tax over all its rates; shipping's overflow is named at the method, a line's at its quantity.
        taxOf[m] = addMoney(taxOf[m], parts[k], m == shippingIndex ? "/shippingMethod" : lineQuantityPointer(cart.request, *cart.lines[m].line));
      }
      byRate[r->id] = addMoney(byRate[r->id], total);
    }
  }
  for (const auto& rate : tax.rates) {
    auto it = byRate.find(rate.id);
    if (it == byRate.end()) continue;
    out.rates.push_back({rate.id, rate.name, rate.percent, it->second});
    out.total = addMoney(out.total, it->second);
  }
  out.lineTax.assign(taxOf.begin(), taxOf.begin() + static_cast<std::ptrdiff_t>(cart.lines.size()));
  if (shippingTaxed) out.shippingTax = taxOf[shippingIndex];
  return out;
}

void addTax(const Cart& cart, Quote& quote) {
  std::vector<Minor> lineTotals;
  lineTotals.reserve(quote.lines.size());
  for (const auto& line : quote.lines) lineTotals.push_back(line.total);
  TaxQuote tax = priceTax(cart, lineTotals, quote.shipping ? std::optional<Minor>(quote.shipping->chosen.amount) : std::nullopt);
  quote.taxConfigured = true;
  quote.taxIncluded = tax.included;
  quote.taxes = std::move(tax.rates);
  quote.taxTotal = tax.total;
  for (std::size_t i = 0; i < quote.lines.size(); ++i) quote.lines[i].tax = tax.lineTax[i];
  if (quote.shipping) quote.shipping->tax = tax.shippingTax;
}

}  // namespace cartcore
