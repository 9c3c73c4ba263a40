// SPDX-License-Identifier: MIT
// The work a quote does, counted in units of one rule judged against one line (or a comparable step: a stock-guard
// variant checked, a floor or tax rate considered, an adjustment written). Every loop of the pipeline whose length
// the store or the request decides spends from it, so a quote's cost is bounded by kQuoteWorkBudget whatever the
// input, and a request past it is refused with too_complex instead of running for minutes.
#pragma once

#include <cstdint>
#include <string>

#include "input_error.hpp"

namespace cartcore {

class WorkMeter {
 public:
  explicit WorkMeter(int64_t budget) : budget_(budget) {}

  /** Spends `units`; past the budget, fails with TooComplex (pointer /lines: the cart meets the store's rules). */
  void spend(int64_t units) {
    spent_ += units;
    if (spent_ > budget_) {
      fail(ErrorCode::TooComplex, "/lines",
           "pricing this cart against this store needs more than " + std::to_string(budget_) +
               " rule-line evaluations (the limit for one quote); fewer lines, or fewer rules that apply to them, fit");
    }
  }
  int64_t spent() const { return spent_; }

 private:
  int64_t budget_;
  int64_t spent_ = 0;
};

}  // namespace cartcore
