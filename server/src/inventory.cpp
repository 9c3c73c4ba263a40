// SPDX-License-Identifier: MIT
#include "inventory.hpp"

#include <algorithm>
#include <mutex>

namespace cartcore::server {

int64_t StockLevel::held() const {
  int64_t total = heldGeneral;
  for (const auto& [segment, pool] : tiers) total += pool.held;
  return total;
}

int64_t StockLevel::reservedTotal() const {
  int64_t total = 0;
  for (const auto& [segment, pool] : tiers) total += std::max(pool.reserved, pool.held);
  return total;
}

int64_t StockLevel::unheld() const { return std::max<int64_t>(0, onHand - held()); }

int64_t StockLevel::freeGeneral() const {
  // Reserved-but-held units are already inside held(); count each tier once, as max(reserved, held).
  return std::max<int64_t>(0, onHand - heldGeneral - reservedTotal());
}

int64_t StockLevel::available(const std::vector<std::string>& segments) const {
  int64_t total = freeGeneral();
  for (const auto& segment : segments) {
    auto it = tiers.find(segment);
    if (it != tiers.end()) total += std::max<int64_t>(0, it->second.reserved - it->second.held);
  }
  // Reserves larger than the physical stock must not create units that do not exist.
  return std::min(total, unheld());
}

void Inventory::replaceAll(std::map<std::string, StockLevel> levels) {
  std::unique_lock lock(mutex_);
  levels_ = std::move(levels);
}

StockLevel Inventory::level(const std::string& variant) const {
  std::shared_lock lock(mutex_);
  auto it = levels_.find(variant);
  return it == levels_.end() ? StockLevel{} : it->second;
}

std::map<std::string, StockLevel> Inventory::all() const {
  std::shared_lock lock(mutex_);
  return levels_;
}

bool Inventory::plan(const std::map<std::string, int64_t>& demand, const std::vector<std::string>& segments,
                     std::vector<Allocation>& allocations, std::vector<Shortage>& shortages) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> sortedSegments(segments);
  std::sort(sortedSegments.begin(), sortedSegments.end());
  sortedSegments.erase(std::unique(sortedSegments.begin(), sortedSegments.end()), sortedSegments.end());
  for (const auto& [variant, quantity] : demand) {
    auto it = levels_.find(variant);
    const StockLevel empty;
    const StockLevel& level = it == levels_.end() ? empty : it->second;
    int64_t available = level.available(sortedSegments);
    if (quantity > available) {
      shortages.push_back({variant, quantity, available});
      continue;
    }
    // A segment's own reserve is used first, so its holds do not drain the general pool other shoppers need.
    int64_t remaining = quantity;
    for (const auto& segment : sortedSegments) {
      auto tier = level.tiers.find(segment);
      if (tier == level.tiers.end() || remaining == 0) continue;
      int64_t take = std::min(remaining, std::max<int64_t>(0, tier->second.reserved - tier->second.held));
      if (take > 0) allocations.push_back({variant, segment, take});
      remaining -= take;
    }
    if (remaining > 0) allocations.push_back({variant, "", remaining});
  }
  return shortages.empty();
}

void takeHeld(StockLevel& level, const Allocation& a) {
  if (a.pool.empty())
    level.heldGeneral += a.quantity;
  else
    level.tiers[a.pool].held += a.quantity;
}

void returnHeld(StockLevel& level, const Allocation& a) {
  int64_t& held = a.pool.empty() ? level.heldGeneral : level.tiers[a.pool].held;
  held = std::max<int64_t>(0, held - a.quantity);
}

void sellHeld(StockLevel& level, const Allocation& a) {
  level.onHand -= a.quantity;
  returnHeld(level, a);
  if (a.pool.empty()) return;
  TierPool& pool = level.tiers[a.pool];
  pool.reserved = std::max<int64_t>(0, pool.reserved - a.quantity);
  // Mirror the store, which deletes a reserve row once it reaches zero.
  if (pool.reserved == 0 && pool.held == 0) level.tiers.erase(a.pool);
}

void Inventory::applyHold(const std::vector<Allocation>& allocations) {
  std::unique_lock lock(mutex_);
  for (const auto& a : allocations) takeHeld(levels_[a.variant], a);
}

void Inventory::applyRelease(const std::vector<Allocation>& allocations) {
  std::unique_lock lock(mutex_);
  for (const auto& a : allocations) returnHeld(levels_[a.variant], a);
}

void Inventory::applyCommit(const std::vector<Allocation>& allocations) {
  std::unique_lock lock(mutex_);
  for (const auto& a : allocations) sellHeld(levels_[a.variant], a);
}

void Inventory::setLevel(const std::string& variant, const StockLevel& level) {
  std::unique_lock lock(mutex_);
  levels_[variant] = level;
}

std::map<std::string, int64_t> Inventory::snapshot(const std::vector<std::string>& variants,
                                                   const std::vector<std::string>& segments,
                                                   const std::vector<Allocation>& ownHold) const {
  std::map<std::string, int64_t> result;
  std::shared_lock lock(mutex_);
  for (const auto& variant : variants) {  // variants arrive sorted, so each insert lands at the end
    auto it = levels_.find(variant);
    result.emplace_hint(result.end(), variant, it == levels_.end() ? 0 : it->second.available(segments));
  }
  for (const auto& a : ownHold) result[a.variant] += a.quantity;
  return result;
}

}  // namespace cartcore::server
