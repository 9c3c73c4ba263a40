// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analytics_records.hpp"
#include "cartcore/engine.hpp"
#include "outbox.hpp"

namespace cartcore::server {

/**
 * The last state this instance saw for every stock guard (on/off) and every variant's availability (ok/low/out),
 * so a switch is written when a quote or hold sees the state change, never once per quote. The storage
 * deduplicates again per subject, so instances sharing one database record each crossing once.
 */
class StockWatch {
 public:
  /**
   * Compares what `available` (units per variant in the general pool) says with what was last seen, for every
   * guarded promotion and for `variants` (low-stock levels from `facts`, the "N left" display's), remembers the new
   * states and returns the switches. A config version other than the last one seen starts the memory afresh (the
   * storage still knows the last recorded states).
   */
  std::vector<StockSwitch> observe(int64_t configVersion, const std::vector<cartcore::PromotionSummary>& promotions,
                                   const VariantFactsMap& facts, const std::map<std::string, int64_t>& available,
                                   const std::vector<std::string>& variants, int64_t now);
  /** Forgets subjects whose switch could not be written, so the next observation tries again. */
  void forget(const std::vector<StockSwitch>& switches);

 private:
  std::mutex mutex_;
  int64_t version_ = -1;
  std::map<std::string, std::string> guards_;  // promotion id -> "on" / "off"
  std::map<std::string, std::string> stock_;   // variant id -> "ok" / "low" / "out"
};

}  // namespace cartcore::server
