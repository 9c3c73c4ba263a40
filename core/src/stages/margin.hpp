// SPDX-License-Identifier: MIT
// Pipeline stage "margin protection": promotion discounts give way where a line would fall below its margin floor, or
// the order's discount above the store's cap; the promotions' savings are restated.
#pragma once

#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

struct MarginProtection {
  MarginReport report;                    // clamps and the order cap; figures come later (reportMargins)
  std::vector<Explanation> clampsWhy;     // one per report.clamps entry
  std::vector<QuoteWarning> warnings;     // missing_cost, when the store skips floors without a cost
  std::vector<Explanation> warningsWhy;   // one per warnings entry
};

/**
 * Gives back promotion discounts (last applied first) so every line keeps its floor and the order stays within the
 * cap; lowers the affected verdicts' amounts (limitedFrom says from what). Throws MissingCost naming the line when a
 * floor meets a variant without a cost and the store's policy is "error".
 */
MarginProtection protectMargins(Cart& cart, std::vector<RuleVerdict>& promotions);

/** Margin figures per line with a known cost and for the order, once tax is known (internal visibility). */
void reportMargins(const Cart& cart, const std::vector<QuotedLine>& lines, bool taxIncluded, MarginReport& report);

}  // namespace cartcore
