// SPDX-License-Identifier: MIT
// What the commerce service records for merchant analytics: an order's facts (written by the checkout's own
// transaction) and the stock switches quotes and holds see.
#include <algorithm>
#include <iostream>

#include "shop.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {
// A day is rolled up only an hour after it ended: an order is stamped with the time its checkout was priced, a
// moment before it commits. (One that still lands behind the watermark is added to the rollups as it commits.)
constexpr int64_t kRollupGraceMillis = 60LL * 60 * 1000;
constexpr int kRollupDaysPerCall = 366;  // one transaction per day; a year of backlog per call
}  // namespace

int Shop::rollUpAnalytics() {
  return storage_.rollUpAnalytics(clock_.nowMillis() - kRollupGraceMillis, kRollupDaysPerCall);
}

void Shop::watchStock(const CatalogState& catalog, const std::map<std::string, int64_t>* seen,
                      const std::vector<std::string>& variants) {
  if (!options_.recordAnalytics || (catalog.guardedVariants.empty() && variants.empty())) return;
  std::map<std::string, int64_t> general;
  if (!seen) {
    // Switches follow the general pool (what a shopper without a tier reserve sees), so a VIP's quote, which
    // counts its reserve, does not make guards flap.
    std::vector<std::string> wanted = catalog.guardedVariants;
    wanted.insert(wanted.end(), variants.begin(), variants.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    general = storage_.availability(wanted, {});
    seen = &general;
  }
  std::vector<StockSwitch> switches = stockWatch_.observe(catalog.version, catalog.guardedPromotions, catalog.facts,
                                                          *seen, variants, clock_.nowMillis());
  if (switches.empty()) return;
  try {
    std::vector<StockSwitch> recorded = storage_.recordStockSwitches(switches);
    if (!recorded.empty() && onStockSwitches) onStockSwitches(recorded);
  } catch (const std::exception& e) {
    // The quote or hold that saw the switch still stands; the next one that sees it records it.
    stockWatch_.forget(switches);
    std::cerr << "cartcore-server: could not record stock switches: " << e.what() << "\n";
  }
}

OrderAnalytics Shop::orderAnalytics(const CatalogState& catalog, const cartcore::Quote& quote,
                                    const cartcore::QuoteRequest& request) const {
  OrderAnalytics out;
  out.recorded = options_.recordAnalytics;
  if (!out.recorded) return out;
  out.configVersion = catalog.version;
  out.facts = analytics::orderFacts(quote, catalog.reporting->catalog(quote.currency));
  // Replay prices the cart again with the stock its quote saw: the cart's variants and every guarded one decide
  // the quote (guards and "N left"); the rest of the catalog does not.
  json stock = json::object();
  auto keep = [&](const std::string& variant) {
    if (auto it = request.stock.find(variant); it != request.stock.end()) stock[variant] = it->second;
  };
  for (const auto& line : request.lines) keep(line.variant);
  for (const auto& variant : catalog.guardedVariants) keep(variant);
  out.stockJson = stock.dump();
  // Segments come from the verified customer context, not the cart's own claim: replay must use these.
  out.segmentsJson = json(request.segments).dump();
  return out;
}

}  // namespace cartcore::server
