// SPDX-License-Identifier: MIT
#include "stages/unit_picks.hpp"

#include <algorithm>

#include "input_error.hpp"

namespace cartcore {
namespace {

/** The discount a per-unit price change gives `count` units now priced `price` (and `basePrice` before promotions). */
Minor unitChangeDiscount(int64_t count, Minor price, Minor basePrice, const PriceChange& change, Promotion::PercentBase base) {
  Minor current = mulMoney(price, count);
  switch (change.kind) {
    case PriceChange::Kind::PercentOff: {
      Minor from = base == Promotion::PercentBase::Original ? mulMoney(basePrice, count) : current;
      return std::min(current, percentOf(from, change.value));  // an "original" percentage never goes below zero
    }
    case PriceChange::Kind::AmountOff: return mulMoney(std::min(price, change.value), count);
    case PriceChange::Kind::FixedPrice: return mulMoney(std::max<Minor>(0, price - change.value), count);
  }
  return 0;
}

/** Sorts picks by line, dearest first, merging duplicates: the order every change below walks them in. */
std::vector<UnitPick> byLineDearestFirst(std::vector<UnitPick> picks) {
  std::sort(picks.begin(), picks.end(), [](const UnitPick& a, const UnitPick& b) {
    return a.line != b.line ? a.line < b.line : a.price > b.price;
  });
  // Merged in place: `kept` picks stay at the front, each later pick joins the last kept one or follows it.
  std::size_t kept = 0;
  for (const auto& p : picks) {
    if (kept > 0 && picks[kept - 1].line == p.line && picks[kept - 1].price == p.price) picks[kept - 1].count += p.count;
    else picks[kept++] = p;
  }
  picks.resize(kept);
  return picks;
}

/**
 * Rebuilds the groups of each picked line: untouched units keep their price, picked units lose `discountFor(pick)`,
 * split evenly over them. Picks must be sorted by byLineDearestFirst, as lines' groups are.
 */
template <class DiscountFor>
std::vector<LineChange> changePicks(std::span<const LineState> lines, const std::vector<UnitPick>& picks, DiscountFor&& discountFor) {
  std::vector<LineChange> changes;
  std::size_t pickedLines = 0;  // one change per picked line: the list is sized once
  for (std::size_t i = 0; i < picks.size(); ++i) pickedLines += i == 0 || picks[i].line != picks[i - 1].line ? 1 : 0;
  changes.reserve(pickedLines);
  for (std::size_t i = 0; i < picks.size();) {
    const LineState& line = lines[picks[i].line];
    LineChange lc{picks[i].line, {}, 0};
    lc.groups.reserve(line.groups.size() + 2);
    for (const auto& g : line.groups) {
      int64_t picked = 0;
      const UnitPick* pick = nullptr;
      if (i < picks.size() && picks[i].line == lc.line && picks[i].price == g.price) {
        pick = &picks[i++];
        picked = pick->count;
      }
      if (picked < g.count) lc.groups.push_back({g.count - picked, g.price});
      if (!pick) continue;
      Minor d = discountFor(*pick, line);
      splitDiscountOverUnits(picked, g.price, d, lc.groups);
      lc.discount = addMoney(lc.discount, d, "/lines");
    }
    CARTCORE_ASSERT(i == picks.size() || picks[i].line != lc.line);  // every pick matched a group
    normalizeGroups(lc.groups);
    changes.push_back(std::move(lc));
  }
  return changes;
}

}  // namespace

void normalizeGroups(std::vector<UnitGroup>& groups) {
  std::sort(groups.begin(), groups.end(), [](const UnitGroup& a, const UnitGroup& b) { return a.price > b.price; });
  std::size_t kept = 0;  // merged in place, as byLineDearestFirst does
  for (const auto& g : groups) {
    if (g.count == 0) continue;
    if (kept > 0 && groups[kept - 1].price == g.price) groups[kept - 1].count += g.count;
    else groups[kept++] = g;
  }
  groups.resize(kept);
}

Minor changedUnitPrice(Minor price, const PriceChange& change) {
  switch (change.kind) {
    case PriceChange::Kind::PercentOff: return price - percentOf(price, change.value);
    case PriceChange::Kind::AmountOff: return std::max<Minor>(0, price - change.value);
    case PriceChange::Kind::FixedPrice: return std::min(price, change.value);
  }
  return price;
}

void splitDiscountOverUnits(int64_t count, Minor price, Minor discount, std::vector<UnitGroup>& out) {
  CARTCORE_ASSERT(discount >= 0 && count > 0);
  Minor each = discount / count;
  int64_t extra = discount % count;
  out.push_back({count - extra, price - each});
  if (extra > 0) out.push_back({extra, price - each - 1});
}

std::vector<UnitPick> allUnits(std::span<const LineState> lines, std::span<const std::size_t> lineIndexes) {
  std::size_t groups = 0;
  for (std::size_t i : lineIndexes) groups += lines[i].groups.size();
  std::vector<UnitPick> picks;
  picks.reserve(groups);
  for (std::size_t i : lineIndexes) {
    for (const auto& g : lines[i].groups) picks.push_back({i, g.price, g.count});
  }
  return picks;
}

std::vector<UnitPick> unitPool(std::span<const LineState> lines, std::span<const std::size_t> lineIndexes, bool cheapestFirst) {
  std::vector<UnitPick> pool = allUnits(lines, lineIndexes);
  std::stable_sort(pool.begin(), pool.end(), [&](const UnitPick& a, const UnitPick& b) {
    if (a.price != b.price) return cheapestFirst ? a.price < b.price : a.price > b.price;
    return a.line < b.line;
  });
  return pool;
}

std::vector<LineChange> discountPicks(std::span<const LineState> lines, std::vector<UnitPick> picks, const PriceChange& change,
                                      Promotion::PercentBase base) {
  return changePicks(lines, byLineDearestFirst(std::move(picks)), [&](const UnitPick& pick, const LineState& line) {
    return unitChangeDiscount(pick.count, pick.price, line.baseUnit, change, base);
  });
}

std::vector<LineChange> spreadDiscount(std::span<const LineState> lines, Minor discount, std::vector<UnitPick> picks) {
  picks = byLineDearestFirst(std::move(picks));
  std::vector<Minor> weights;
  weights.reserve(picks.size());
  for (const auto& p : picks) weights.push_back(mulMoney(p.price, p.count));
  std::vector<Minor> parts = allocateProRata(discount, weights);
  return changePicks(lines, picks, [&](const UnitPick& pick, const LineState&) { return parts[&pick - picks.data()]; });
}

}  // namespace cartcore
