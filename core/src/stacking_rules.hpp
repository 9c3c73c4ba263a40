// SPDX-License-Identifier: MIT
// Conditional stacking as the config states it (docs/FORMAT.md "Conditional stacking"): a promotion's discount class,
// the classes it combines with, explicit pairs by id or tag, the condition under which it stacks at all, and its
// priority per customer segment. Parsed by config_stacking.cpp; the quote's stage is stages/stacking_choice.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "money.hpp"

namespace cartcore {

/** Shopify's discount classes: what a promotion discounts. */
enum class DiscountClass : uint8_t { Product = 0, Order = 1, Shipping = 2 };
inline constexpr uint8_t kAllDiscountClasses = 0b111;
inline constexpr uint8_t discountClassBit(DiscountClass c) { return static_cast<uint8_t>(1u << static_cast<unsigned>(c)); }

/** Promotions named by id (as indexes into CompiledStore::promotions) and by tag (indexes into CompiledStore::stackingTags). */
struct PromotionRefs {
  std::vector<uint32_t> promotions;  // sorted
  std::vector<uint32_t> tags;        // sorted
};

/** The condition under which a promotion stacks; when it fails, the promotion competes alone (as exclusive). */
struct StackingCondition {
  std::vector<std::string> segments;  // sorted; the customer is in any of them
  std::optional<Minor> minSubtotal;   // the items' total after price rules, before any promotion
  std::vector<std::string> coupons;   // normalized, sorted; any of them entered
};

struct StackingRules {
  DiscountClass discountClass = DiscountClass::Product;
  uint8_t combinesWith = kAllDiscountClasses;  // bits of discountClassBit; all when the config leaves it out
  std::vector<uint32_t> tags;                  // sorted indexes into CompiledStore::stackingTags
  std::optional<PromotionRefs> notWith;
  std::optional<PromotionRefs> onlyWith;
  std::optional<StackingCondition> stacksWhen;
  std::map<std::string, int64_t> priorityBySegment;

  /** True when any field beyond the class is set: only then can a quote meet a conflict. */
  bool restricts() const {
    return combinesWith != kAllDiscountClasses || notWith || onlyWith || stacksWhen;
  }
};

}  // namespace cartcore
