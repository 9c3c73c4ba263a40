// SPDX-License-Identifier: MIT
// The work a quote does, counted in units of one rule judged against one line (or a step of comparable cost: a floor
// or tax rate considered; costlier steps count several units, below). Every loop of the pipeline whose length
// the store or the request decides spends from it, so a quote's cost is bounded by kQuoteWorkBudget whatever the
// input, and a request past it is refused with too_complex instead of running for minutes.
#pragma once

#include <cstdint>
#include <string>

#include "input_error.hpp"

namespace cartcore {

// Steps that cost several times a rule judged on a line are charged as several units, so that a unit costs roughly
// the same (~20-50 ns) whatever kind of work exhausts the budget, and kQuoteWorkBudget bounds time, not just steps.
// Measured on the worst-case suite's inputs (bench/RESULTS.md, "Worst cases"): a stock-guard variant check is two
// ordered-map lookups by id (the snapshot, and the record of facts read, which a hold keeps), ~150-300 ns in a
// 60,000-entry snapshot; an adjustment written is a 104-byte record of three strings appended to the line's list,
// ~200-400 ns once lines carry hundreds of them (allocation, moves, fresh pages), where judging a rule on a line costs
// 20-60 ns.
/** Units one stock-guard variant check costs. */
inline constexpr int64_t kStockCheckUnits = 8;
/** Units one adjustment written on a line costs (on top of the line change's 1). */
inline constexpr int64_t kAdjustmentUnits = 8;

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
