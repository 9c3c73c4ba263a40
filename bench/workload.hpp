// SPDX-License-Identifier: MIT
// The benchmark workload, shared by the native and WASM benchmarks: a seeded store with N rules and 10-line carts.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cartcore::bench {

/** A store config (JSON) with `ruleCount` rules over a 2,000-variant apparel catalog; the same seed gives the same bytes. */
std::string makeStore(int ruleCount, unsigned seed = 1);

/** `count` quote requests (JSON), each a 10-line cart over the same catalog. */
std::vector<std::string> makeCarts(int count, unsigned seed = 2);

/**
 * makeStore plus the checkout features on: weights, DE VAT (19 % / 7 % for a quarter of the products, shipping taxed),
 * three shipping methods (flat with a free threshold, weight bands, a DE-only express) and margin floors (store-wide
 * 15 %, 25 % on two categories, a 40 % order discount cap).
 */
std::string makeCheckoutStore(int ruleCount, unsigned seed = 1);

/** makeCarts shipping to DE, as the checkout store needs a destination for tax. */
std::vector<std::string> makeCheckoutCarts(int count, unsigned seed = 2);

/**
 * A store with `codes` coupon promotions of mixed kinds and a 10-line cart holding all of them, for the best-deal
 * search. `grouped`: the same kinds and draws, but each code's selector is one of four disjoint sets of the cart's
 * products, spend thresholds count only that set and nothing is exclusive, so the codes split into four groups.
 */
std::pair<std::string, std::string> makeBestDealCase(int codes, int maxCodesPerOrder, bool grouped = false);

}  // namespace cartcore::bench
