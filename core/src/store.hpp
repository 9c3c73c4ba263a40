// SPDX-License-Identifier: MIT
// The compiled store: the validated catalog and rules, with every selector resolved to the variants it matches
// and inverted indexes from variant to rules, so a quote visits only the rules that can touch its lines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cartcore/engine.hpp"
#include "json_reader.hpp"
#include "money.hpp"

namespace cartcore {

/** Sorted, unique variant indexes. */
using VariantSet = std::vector<uint32_t>;

bool contains(const VariantSet& set, uint32_t variant);

struct VariantInfo {
  std::string id;
  std::string productId;
  std::string sku;
  std::string name;
  std::string taxClass;
  std::map<std::string, std::string> attributes;  // product attributes overlaid by the variant's
  std::vector<std::string> categories;            // sorted, unique
  Minor price = 0;
  std::optional<Minor> cost;
  int64_t weightGrams = 0;
  int64_t lowStockLevel = 0;
};

/** How a rule changes one unit's price: a percentage, an amount off, or a fixed resulting price. */
struct PriceChange {
  enum class Kind { PercentOff, AmountOff, FixedPrice };
  Kind kind = Kind::PercentOff;
  int64_t value = 0;  // ppm for PercentOff, minor units otherwise
};

/** Half-open [start, end) in epoch milliseconds. */
struct TimeWindow {
  EpochMillis start = 0;
  EpochMillis end = 0;
  bool contains(EpochMillis t) const { return t >= start && t < end; }
};

struct QuantityTier {
  int64_t minQuantity = 0;
  PriceChange change;
};

struct PriceRule {
  enum class Type { Tiered, MemberPrice, FlashSale };
  std::string id;
  std::string name;
  Type type = Type::Tiered;
  VariantSet targets;
  bool mixAndMatch = false;
  std::vector<QuantityTier> tiers;  // ascending minQuantity
  std::vector<std::string> segments;
  std::optional<TimeWindow> window;
  PriceChange change;  // memberPrice and flashSale
};

struct StockGuard {
  VariantSet variants;
  int64_t minAvailable = 0;
};

struct Conditions {
  std::vector<std::string> segments;
  std::optional<TimeWindow> window;
  std::optional<Minor> minSubtotal;
  std::optional<int64_t> minQuantity;
  std::vector<std::string> currencies;
  std::optional<StockGuard> stockGuard;
};

struct BundleComponent {
  VariantSet variants;
  int64_t quantity = 1;
};

struct SpendTier {
  Minor minSubtotal = 0;
  PriceChange change;  // PercentOff or AmountOff on the eligible subtotal
};

struct Promotion {
  enum class Type { ItemDiscount, BuyXGetY, Bundle, SpendThreshold, FreeShipping };
  enum class Stacking { Stackable, Exclusive, StopAfter };
  enum class PercentBase { Current, Original };
  enum class UnitChoice { Cheapest, MostExpensive };

  std::string id;
  std::string name;
  Type type = Type::ItemDiscount;
  int64_t priority = 0;
  Stacking stacking = Stacking::Stackable;
  std::string exclusionGroup;
  PercentBase percentBase = PercentBase::Current;
  std::vector<std::string> coupons;  // normalized upper case; empty = no code needed
  Conditions conditions;

  VariantSet eligible;    // every variant this promotion can discount or count
  bool cartWide = false;  // relevant to every cart (free shipping, store-wide spend thresholds)

  PriceChange discount;  // itemDiscount; buyXGetY's "get" discount
  VariantSet buyVariants;
  VariantSet getVariants;
  int64_t buyQuantity = 0;
  int64_t getQuantity = 0;
  int64_t maxApplications = 0;  // 0 = unlimited
  UnitChoice discountedUnits = UnitChoice::Cheapest;
  std::vector<BundleComponent> components;
  std::optional<Minor> bundlePrice;
  PartsPerMillion bundlePercentOff = 0;
  std::vector<SpendTier> tiers;  // ascending minSubtotal
};

struct CompiledStore {
  std::string name;
  std::string currency;
  int exponent = 2;
  std::vector<VariantInfo> variants;  // sorted by id
  std::unordered_map<std::string, uint32_t> variantIndex;
  std::vector<PriceRule> priceRules;  // sorted by id
  std::vector<Promotion> promotions;  // sorted by priority (high first), then id
  std::vector<std::vector<uint32_t>> priceRulesByVariant;   // variant -> sorted price-rule indexes
  std::vector<std::vector<uint32_t>> promotionsByVariant;   // variant -> sorted promotion indexes
  std::vector<uint32_t> cartWidePromotions;                 // sorted
  std::map<std::string, std::vector<uint32_t>> promotionsByCoupon;
  std::string configDigest;
};

/** Builds a CompiledStore from a parsed config document; throws InputError naming the bad field. */
CompiledStore compileStore(const Json& config);

/** Upper-cases ASCII and trims spaces, so "save10 " and "SAVE10" are the same code. */
std::string normalizeCoupon(std::string_view code);

}  // namespace cartcore
