// SPDX-License-Identifier: MIT
// How promotions choose units and change their prices: picks of units from a line's groups, and the new groups a
// discount leaves. Shared by every promotion kind and by margin protection; no promotion logic lives here.
#pragma once

#include <span>
#include <vector>

#include "stages/cart.hpp"

namespace cartcore {

/** Equal prices merged, dearest first, empty groups dropped. */
void normalizeGroups(std::vector<UnitGroup>& groups);

/** One unit's price after a price change (never below zero, never above `price` for a fixed price). */
Minor changedUnitPrice(Minor price, const PriceChange& change);

/** Splits a discount over `count` equal units: the remainder cents go one each to some units, so nothing is lost. */
void splitDiscountOverUnits(int64_t count, Minor price, Minor discount, std::vector<UnitGroup>& out);

/** Units chosen from one group of one line. */
struct UnitPick {
  std::size_t line = 0;  // index into Cart::lines
  Minor price = 0;
  int64_t count = 0;
};

/** The effect of one promotion on one line: its new unit groups and how much it saves. */
struct LineChange {
  std::size_t line = 0;
  std::vector<UnitGroup> groups;
  Minor discount = 0;
};

/** Every unit of the given lines, one pick per group, in line then group order. */
std::vector<UnitPick> allUnits(std::span<const LineState> lines, std::span<const std::size_t> lineIndexes);

/** All units of the given lines as picks, ordered by price (ascending or descending), then by line. */
std::vector<UnitPick> unitPool(std::span<const LineState> lines, std::span<const std::size_t> lineIndexes, bool cheapestFirst);

/** Applies a per-unit price change to the picked units, leaving the rest of each group untouched. */
std::vector<LineChange> discountPicks(std::span<const LineState> lines, std::vector<UnitPick> picks, const PriceChange& change,
                                      Promotion::PercentBase base);

/** Spreads one discount over picked units pro rata to their value (largest remainder, in line order). */
std::vector<LineChange> spreadDiscount(std::span<const LineState> lines, Minor discount, std::vector<UnitPick> picks);

}  // namespace cartcore
