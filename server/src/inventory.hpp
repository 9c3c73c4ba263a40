// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

namespace cartcore::server {

/** Units set aside for one customer segment (e.g. "vip"), and how many of them active holds have taken. */
struct TierPool {
  int64_t reserved = 0;
  int64_t held = 0;
};

/**
 * One variant's stock. `onHand` counts physical units not yet sold; holds take units from the general pool or
 * from a tier pool, and a checkout removes them from `onHand` (and from the tier reserve they came from).
 */
struct StockLevel {
  int64_t onHand = 0;
  int64_t heldGeneral = 0;
  std::map<std::string, TierPool> tiers;     // by segment
  std::optional<int64_t> lowStockLevel;      // merchant override; else the config's level
  std::optional<int64_t> wooProductId;       // WooCommerce ids for stock webhooks
  std::optional<int64_t> wooVariationId;

  int64_t held() const;
  int64_t reservedTotal() const;
  /** Units neither held nor sold (never negative, even after an ERP correction below the held count). */
  int64_t unheld() const;
  int64_t freeGeneral() const;
  /** Units a shopper in these segments could hold now: general pool plus their tiers' unheld reserve. */
  int64_t available(const std::vector<std::string>& segments) const;
};

/** Where a hold took its units: pool "" is the general pool, otherwise a segment's tier pool. */
struct Allocation {
  std::string variant;
  std::string pool;
  int64_t quantity = 0;
};

/** What a hold's allocation does to a level: take its units, give them back, or sell them (checkout). */
void takeHeld(StockLevel& level, const Allocation& allocation);
void returnHeld(StockLevel& level, const Allocation& allocation);
void sellHeld(StockLevel& level, const Allocation& allocation);

struct Shortage {
  std::string variant;
  int64_t requested = 0;
  int64_t available = 0;
};

/**
 * The live stock levels, mirrored in memory from SQLite. Writers change SQLite first and apply the same change
 * here only after COMMIT, while holding the store's write lock; quotes read under a shared lock, so a quote sees
 * the latest committed stock, never a periodic copy.
 */
class Inventory {
 public:
  void replaceAll(std::map<std::string, StockLevel> levels);
  StockLevel level(const std::string& variant) const;
  std::map<std::string, StockLevel> all() const;

  /** Plans a hold: every demanded unit gets a pool, or nothing does and `shortages` says why. Changes nothing. */
  bool plan(const std::map<std::string, int64_t>& demand, const std::vector<std::string>& segments,
            std::vector<Allocation>& allocations, std::vector<Shortage>& shortages) const;

  void applyHold(const std::vector<Allocation>& allocations);
  void applyRelease(const std::vector<Allocation>& allocations);
  /** A committed checkout: held units leave onHand and the tier reserve they used. */
  void applyCommit(const std::vector<Allocation>& allocations);
  void setLevel(const std::string& variant, const StockLevel& level);

  /** The engine's stock snapshot for these variants as seen by these segments, counting `ownHold` as available. */
  std::map<std::string, int64_t> snapshot(const std::vector<std::string>& variants,
                                          const std::vector<std::string>& segments,
                                          const std::vector<Allocation>& ownHold = {}) const;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, StockLevel> levels_;
};

}  // namespace cartcore::server
