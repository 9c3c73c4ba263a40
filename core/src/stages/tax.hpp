// SPDX-License-Identifier: MIT
// Pipeline stage "tax": every rate at the destination on each line's tax class (and shipping's), rounded once per rate
// and class, then split over the lines so their shares sum exactly to each rate's total.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

struct TaxQuote {
  bool included = false;            // prices include tax
  std::vector<TaxAmount> rates;     // per rate, by id
  Minor total = 0;
  std::vector<Minor> lineTax;       // one per cart line
  std::optional<Minor> shippingTax; // when shipping is taxed
};

/**
 * Taxes lines costing `lineTotals` (one per Cart::lines entry) and shipping costing `shippingAmount` (when shipping
 * is quoted). Throws MissingField at /destination without a country, MissingTaxRate naming the line (or
 * /tax/shippingTaxClass) whose class has no rate there.
 */
TaxQuote priceTax(const Cart& cart, std::span<const Minor> lineTotals, std::optional<Minor> shippingAmount);

/** Taxes the quoted lines and the chosen shipping, and records the result in the quote (tax, lines' and shipping's shares). */
void addTax(const Cart& cart, Quote& quote);

}  // namespace cartcore
