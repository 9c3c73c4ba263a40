// SPDX-License-Identifier: MIT
// Exact bundle filling: which units of a cart make how many complete bundles. Components may select overlapping
// units, so filling one component at a time can miss an assignment; this finds the best one through a flow from
// components to the units they may use, working on slot capacities (a line's units at one price), never per unit.
// docs/FORMAT.md "Promotion kinds" (bundle) states what is maximised and the cost.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "money.hpp"
#include "work_meter.hpp"

namespace cartcore {

/** Units of one line at one price that a bundle may use, and the components that accept them. */
struct BundleSlot {
  uint64_t components = 0;  // bit c: component c accepts these units (at most 64 components)
  int64_t units = 0;
  Minor price = 0;  // current unit price
};

/** How a bundle is filled: `bundles` complete sets from `used` units of each slot, worth `value` together. */
struct BundleFilling {
  int64_t bundles = 0;
  std::vector<int64_t> used;  // per slot
  Minor value = 0;            // the current price of every used unit
  Minor saving = 0;
  /** When no bundle is complete: per component, the units one bundle still lacks (sum = units to add). */
  std::vector<int64_t> missing;
};

/** The shopper's saving on `bundles` complete sets whose units are worth `value` (may be zero or negative). */
using BundleSaving = std::function<Minor(int64_t bundles, Minor value)>;

/**
 * Fills bundles of `quantities[c]` units per component from `slots`, which must be in the order the shopper's units
 * are preferred in (dearest first, then line). Chooses the number of bundles, at most `maxBundles` (0: no limit),
 * that saves the shopper most (ties: fewer bundles; none when nothing saves); for that number, the units worth
 * most, taking earlier slots first among equals. Exact whatever the overlap between components. Spends its work
 * (each breadth-first search over components, slot kinds and their links) from `meter`.
 */
BundleFilling fillBundles(std::span<const int64_t> quantities, std::span<const BundleSlot> slots, int64_t maxBundles,
                          const BundleSaving& savingOf, WorkMeter& meter);

}  // namespace cartcore
