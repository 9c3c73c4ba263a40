// SPDX-License-Identifier: MIT
// The benchmark workload, shared by the native and WASM benchmarks: a seeded store with N rules and 10-line carts.
#pragma once

#include <string>
#include <vector>

namespace cartcore::bench {

/** A store config (JSON) with `ruleCount` rules over a 2,000-variant apparel catalog; the same seed gives the same bytes. */
std::string makeStore(int ruleCount, unsigned seed = 1);

/** `count` quote requests (JSON), each a 10-line cart over the same catalog. */
std::vector<std::string> makeCarts(int count, unsigned seed = 2);

}  // namespace cartcore::bench
