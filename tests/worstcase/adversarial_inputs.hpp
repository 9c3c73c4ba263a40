// SPDX-License-Identifier: MIT
// Generated adversarial inputs for the worst-case suite: each case builds a store config and (for quote cases) a
// request at a scale n, where the full scale sits at a documented limit. Everything is deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cartcore::worstcase {

struct Inputs {
  std::string config;
  std::string request;  // empty for compile cases
};

struct Case {
  std::string name;         // short id, e.g. "best-deal-tied"
  std::string description;  // what is adversarial about it, for the table
  bool compileOnly = false; // measure Engine::compile; otherwise compile untimed, then measure quoteJson
  int64_t fullScale = 0;    // n at the documented limit
  std::string scaleUnit;    // what n counts, e.g. "lines"
  bool checkGrowth = true;  // compare time at n with time at n/2 (false where cost is not meant to grow with n)
  std::string expected;     // the outcome at full scale: "ok" or an error code
  std::function<Inputs(int64_t n)> generate;
};

/** Every case, in the order of the table. */
std::vector<Case> adversarialCases();

}  // namespace cartcore::worstcase
