// SPDX-License-Identifier: MIT
// Variant id -> index into CompiledStore::variants, looked up twice per cart line on every quote (the request reader
// and the cart stage). An open-addressing table (linear probing over a power-of-two number of slots, at most half
// full) whose ids sit in one contiguous buffer: a lookup hashes the id once and compares it in place. It replaced a
// standard hash map of std::string keys, whose bucket, node and modulo cost two dependent cache misses and a
// division per lookup (5-8 % of a 10-rule quote natively and in WASM). Built once by the config compiler and never
// iterated, so no hash order can reach output. The hash is fixed (FNV-1a), so a catalog's ids probe the same way on
// every platform; a lookup's probes are bounded by the longest run of occupied slots, as a chain bounds a hash map's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartcore {

class VariantIndex {
 public:
  /** One id's slot. `second` is the variant's index, named as a map entry's value so lookups read the same. */
  struct Entry {
    uint32_t hash = 0;
    uint32_t keyOffset = 0;  // into keys_
    uint32_t keyLength = 0;
    uint32_t second = kEmpty;
  };

  /** Adds `id` -> `index`. Returns false, adding nothing, when `id` is already there. */
  bool emplace(std::string_view id, uint32_t index);
  /** The entry for `id`, or end() (a null pointer) when there is none. */
  const Entry* find(std::string_view id) const;
  const Entry* end() const { return nullptr; }
  std::size_t count(std::string_view id) const { return find(id) != nullptr ? 1 : 0; }
  /** The index of `id`; throws std::out_of_range when there is none, as a standard map's at() does. */
  uint32_t at(std::string_view id) const;
  std::size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;  // never a variant index: catalogs hold far fewer variants

  static uint32_t hashOf(std::string_view id);
  std::string_view keyOf(const Entry& entry) const { return std::string_view(keys_).substr(entry.keyOffset, entry.keyLength); }
  void rehash(std::size_t slotCount);

  std::vector<Entry> slots_;  // size 0 or a power of two
  std::string keys_;          // every id, back to back
  std::size_t size_ = 0;
};

}  // namespace cartcore
