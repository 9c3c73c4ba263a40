// SPDX-License-Identifier: MIT
// A set of catalog variant indexes, stored sparsely: either its members or, when that is smaller, the variants it
// leaves out. "Everything" on a 100,000-variant catalog is an empty exception list, not 100,000 entries. The storage
// is immutable and shared, so copying a set (e.g. into a currency view of the store) costs a reference count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <vector>

namespace cartcore {

class VariantSet {
 public:
  /** The empty set. */
  VariantSet() = default;
  /** Every variant of a catalog of `universe` variants. */
  static VariantSet all(uint32_t universe);
  /** The given variants (sorted, unique) of a catalog of `universe` variants. */
  static VariantSet of(std::vector<uint32_t> sortedMembers, uint32_t universe);

  bool contains(uint32_t variant) const;
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  /** True when the set is every variant of the catalog. */
  bool isAll() const { return excluding_ && stored().empty(); }
  /** True when stored as "every variant except a few" (more than half the catalog): too broad to list per variant. */
  bool isBroad() const { return excluding_; }
  /** How many indexes the set stores (members or exceptions): what it costs in memory. */
  std::size_t storedCount() const { return stored().size(); }

  /** Iterates the members in ascending order (skipping exceptions when stored as "all except"). */
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = uint32_t;
    using difference_type = std::ptrdiff_t;
    using pointer = const uint32_t*;
    using reference = uint32_t;
    Iterator() = default;
    uint32_t operator*() const { return excluding_ ? value_ : *member_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const { return excluding_ ? value_ == other.value_ : member_ == other.member_; }

   private:
    friend class VariantSet;
    void skipExceptions();
    bool excluding_ = false;
    const uint32_t* member_ = nullptr;     // members: the current one
    uint32_t value_ = 0;                   // all-except: the current variant
    const uint32_t* exception_ = nullptr;  // all-except: the next exception at or after value_
    const uint32_t* exceptionsEnd_ = nullptr;
  };
  Iterator begin() const;
  Iterator end() const;
  uint32_t front() const { return *begin(); }

  /** Appends a member greater than every current one (builds member lists, e.g. through std::back_inserter). */
  void push_back(uint32_t variant);
  using value_type = uint32_t;

  friend VariantSet unite(const VariantSet& a, const VariantSet& b);
  friend VariantSet intersect(const VariantSet& a, const VariantSet& b);
  /** Every variant of the catalog that is not in `a`. */
  friend VariantSet complement(const VariantSet& a);
  friend bool operator==(const VariantSet& a, const VariantSet& b);

 private:
  VariantSet(std::vector<uint32_t> indexes, bool excluding, uint32_t universe);
  const std::vector<uint32_t>& stored() const;
  /** Picks the smaller of the two representations. */
  static VariantSet normalized(std::vector<uint32_t> indexes, bool excluding, uint32_t universe);

  std::shared_ptr<std::vector<uint32_t>> indexes_;  // sorted, unique; null = none; shared, so never changed once shared
  bool excluding_ = false;  // false: indexes_ are the members; true: every variant except indexes_
  uint32_t universe_ = 0;   // the catalog's variant count (needed to iterate or count an "all except" set)
};

/** True when `variant` is in `set` (O(log n)). */
inline bool contains(const VariantSet& set, uint32_t variant) { return set.contains(variant); }

}  // namespace cartcore
