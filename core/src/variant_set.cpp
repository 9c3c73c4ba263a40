// SPDX-License-Identifier: MIT
#include "variant_set.hpp"

#include <algorithm>

#include "input_error.hpp"

namespace cartcore {
namespace {

const std::vector<uint32_t> kNone;

std::vector<uint32_t> merged(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<uint32_t> common(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<uint32_t> without(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

/** Every index below `universe` that is not in `sorted`. */
std::vector<uint32_t> flipped(const std::vector<uint32_t>& sorted, uint32_t universe) {
  std::vector<uint32_t> out;
  out.reserve(universe - sorted.size());
  auto next = sorted.begin();
  for (uint32_t v = 0; v < universe; ++v) {
    if (next != sorted.end() && *next == v) ++next;
    else out.push_back(v);
  }
  return out;
}

}  // namespace

VariantSet::VariantSet(std::vector<uint32_t> indexes, bool excluding, uint32_t universe)
    : indexes_(indexes.empty() ? nullptr : std::make_shared<std::vector<uint32_t>>(std::move(indexes))),
      excluding_(excluding),
      universe_(universe) {}

VariantSet VariantSet::normalized(std::vector<uint32_t> indexes, bool excluding, uint32_t universe) {
  // Store whichever side is smaller, so no set holds more than half the catalog.
  if (indexes.size() > universe / 2 + 1) return VariantSet(flipped(indexes, universe), !excluding, universe);
  return VariantSet(std::move(indexes), excluding, universe);
}

VariantSet VariantSet::all(uint32_t universe) { return VariantSet({}, true, universe); }

VariantSet VariantSet::of(std::vector<uint32_t> sortedMembers, uint32_t universe) {
  return normalized(std::move(sortedMembers), false, universe);
}

const std::vector<uint32_t>& VariantSet::stored() const { return indexes_ ? *indexes_ : kNone; }

bool VariantSet::contains(uint32_t variant) const {
  const auto& s = stored();
  bool listed = std::binary_search(s.begin(), s.end(), variant);
  return excluding_ ? variant < universe_ && !listed : listed;
}

std::size_t VariantSet::size() const { return excluding_ ? universe_ - stored().size() : stored().size(); }

void VariantSet::Iterator::skipExceptions() {
  while (exception_ != exceptionsEnd_ && *exception_ <= value_) {
    if (*exception_ == value_) ++value_;
    ++exception_;
  }
}

VariantSet::Iterator& VariantSet::Iterator::operator++() {
  if (excluding_) {
    ++value_;
    skipExceptions();
  } else {
    ++member_;
  }
  return *this;
}

VariantSet::Iterator VariantSet::begin() const {
  Iterator it;
  it.excluding_ = excluding_;
  const auto& s = stored();
  if (excluding_) {
    it.exception_ = s.data();
    it.exceptionsEnd_ = s.data() + s.size();
    it.skipExceptions();
  } else {
    it.member_ = s.data();
  }
  return it;
}

VariantSet::Iterator VariantSet::end() const {
  Iterator it;
  it.excluding_ = excluding_;
  const auto& s = stored();
  if (excluding_) it.value_ = universe_;
  else it.member_ = s.data() + s.size();
  return it;
}

void VariantSet::push_back(uint32_t variant) {
  CARTCORE_ASSERT(!excluding_ && (stored().empty() || stored().back() < variant));
  if (!indexes_) indexes_ = std::make_shared<std::vector<uint32_t>>();
  else if (indexes_.use_count() > 1) indexes_ = std::make_shared<std::vector<uint32_t>>(*indexes_);  // copy on write
  indexes_->push_back(variant);
  if (variant >= universe_) universe_ = variant + 1;
}

VariantSet unite(const VariantSet& a, const VariantSet& b) {
  if (b.empty() && a.universe_ >= b.universe_) return a;  // shares a's storage: a one-category selector costs nothing
  if (a.empty() && b.universe_ >= a.universe_) return b;
  const uint32_t universe = std::max(a.universe_, b.universe_);
  if (!a.excluding_ && !b.excluding_) return VariantSet::normalized(merged(a.stored(), b.stored()), false, universe);
  if (a.excluding_ && b.excluding_) return VariantSet::normalized(common(a.stored(), b.stored()), true, universe);
  const VariantSet& allBut = a.excluding_ ? a : b;
  const VariantSet& members = a.excluding_ ? b : a;
  return VariantSet::normalized(without(allBut.stored(), members.stored()), true, universe);
}

VariantSet intersect(const VariantSet& a, const VariantSet& b) {
  const uint32_t universe = std::max(a.universe_, b.universe_);
  if (!a.excluding_ && !b.excluding_) return VariantSet::normalized(common(a.stored(), b.stored()), false, universe);
  if (a.excluding_ && b.excluding_) return VariantSet::normalized(merged(a.stored(), b.stored()), true, universe);
  const VariantSet& allBut = a.excluding_ ? a : b;
  const VariantSet& members = a.excluding_ ? b : a;
  return VariantSet::normalized(without(members.stored(), allBut.stored()), false, universe);
}

VariantSet complement(const VariantSet& a) { return VariantSet(a.stored(), !a.excluding_, a.universe_); }

bool operator==(const VariantSet& a, const VariantSet& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());  // by members, whatever the representation
}

}  // namespace cartcore
