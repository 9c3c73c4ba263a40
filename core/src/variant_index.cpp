// SPDX-License-Identifier: MIT
#include "variant_index.hpp"

#include <stdexcept>

namespace cartcore {

uint32_t VariantIndex::hashOf(std::string_view id) {
  uint32_t hash = 2166136261u;  // FNV-1a, 32-bit
  for (const char c : id) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return hash;
}

const VariantIndex::Entry* VariantIndex::find(std::string_view id) const {
  if (slots_.empty()) return nullptr;
  const uint32_t hash = hashOf(id);
  const std::size_t mask = slots_.size() - 1;
  // At most half the slots are occupied, so every probe sequence reaches an empty slot.
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Entry& entry = slots_[i];
    if (entry.second == kEmpty) return nullptr;
    if (entry.hash == hash && keyOf(entry) == id) return &entry;
  }
}

uint32_t VariantIndex::at(std::string_view id) const {
  const Entry* entry = find(id);
  if (entry == nullptr) throw std::out_of_range("VariantIndex::at: unknown variant id");
  return entry->second;
}

bool VariantIndex::emplace(std::string_view id, uint32_t index) {
  if (find(id) != nullptr) return false;
  if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
  Entry entry{hashOf(id), static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(id.size()), index};
  keys_.append(id);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = entry.hash & mask;
  while (slots_[i].second != kEmpty) i = (i + 1) & mask;
  slots_[i] = entry;
  ++size_;
  return true;
}

void VariantIndex::rehash(std::size_t slotCount) {
  std::vector<Entry> old = std::move(slots_);
  slots_.assign(slotCount, Entry{});
  const std::size_t mask = slotCount - 1;
  for (const Entry& entry : old) {
    if (entry.second == kEmpty) continue;
    std::size_t i = entry.hash & mask;
    while (slots_[i].second != kEmpty) i = (i + 1) & mask;
    slots_[i] = entry;
  }
}

}  // namespace cartcore
