// SPDX-License-Identifier: MIT
// The compiled store: the validated catalog and rules, with every selector resolved to the variants it matches
// and inverted indexes from variant to rules, so a quote visits only the rules that can touch its lines.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cartcore/engine.hpp"
#include "json_reader.hpp"
#include "money.hpp"
#include "stacking_rules.hpp"
#include "variant_index.hpp"
#include "variant_set.hpp"

namespace cartcore {


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
  std::map<std::string, Minor> priceList;  // explicit prices in other currencies, in their minor units
  int64_t weightGrams = 0;
  int64_t lowStockLevel = 0;
  uint32_t configProduct = 0;  // where the config lists it: /catalog/products/{configProduct}/variants/{configVariant}
  uint32_t configVariant = 0;
};

/** The JSON pointer of a variant's field in the store config, e.g. ".../variants/2/price" for an error naming it. */
std::string variantConfigPointer(const VariantInfo& variant, std::string_view field);

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

/**
 * What a selector names, for the sentences that tell a shopper what to add: one product or variant, one attribute
 * value ("size XL"), one category, or, for anything broader or combined (all / any / not), nothing in particular.
 */
struct ItemNoun {
  enum class Kind : uint8_t { Generic, Product, Variant, Attribute, Category };
  Kind kind = Kind::Generic;
  std::string name;   // the product's or variant's name, the attribute, or the category
  std::string value;  // the attribute's value
  bool operator==(const ItemNoun&) const = default;
};

struct BundleComponent {
  VariantSet variants;
  ItemNoun noun;
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
  ItemNoun eligibleNoun;  // what `eligible` names (Generic for a buy-x-get-y whose two selectors differ)
  ItemNoun buyNoun;       // buyXGetY: what each selector names
  ItemNoun getNoun;
  bool cartWide = false;  // relevant to every cart: no selector (free shipping, store-wide spend) or every variant

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
  std::vector<std::string> shippingMethods;  // freeShipping: the methods it makes free; empty = all
  StackingRules stackingRules;  // conditional stacking (stacking_rules.hpp); the defaults combine with everything
};

/** Exchange rates are integers scaled by 10^kRateDecimals: "0.9215" is 9'215'000'000. */
inline constexpr int kRateDecimals = 10;

struct CurrencySettings {
  std::map<std::string, int64_t> rates;          // target units per store unit, scaled by 10^kRateDecimals
  std::optional<EpochMillis> ratesAsOf;
  std::optional<int64_t> maxRateAgeMillis;       // absent: rates never go stale
  bool refuseStaleRates = true;                  // "refuse" (error) or "warn" (quote with a warning)
  std::map<std::string, std::string> countries;  // ISO 3166 alpha-2 -> ISO 4217
  std::map<std::string, Minor> priceEndings;     // currency -> the minor units a converted price ends in
};

struct TaxRate {
  std::string id;
  std::string name;
  std::string country;
  std::string region;                   // empty: the whole country
  std::vector<std::string> taxClasses;  // sorted
  PartsPerMillion percent = 0;
};

struct TaxSettings {
  bool pricesIncludeTax = false;
  std::string shippingTaxClass;  // empty: shipping is not taxed
  std::vector<TaxRate> rates;    // sorted by id
  /** (country, region or "" for country-wide, tax class) -> indexes into rates, ascending: a lookup per class
      instead of a scan of every rate (a US store can hold ten thousand regional rates). */
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<uint32_t>> ratesByPlaceAndClass;
};

struct ShippingBand {
  int64_t bound = 0;  // weight: up to and including this many grams; subtotal: from this many minor units
  Minor amount = 0;
};

struct ShippingMethod {
  enum class Kind { Flat, Weight, Subtotal };
  std::string id;
  std::string name;
  Kind kind = Kind::Flat;
  std::vector<std::string> countries;  // sorted; empty = ships everywhere
  Minor flat = 0;
  std::vector<ShippingBand> bands;     // ascending bound
  std::optional<Minor> freeAbove;      // item total at or above which this method is free
};

struct MarginFloorValue {
  bool percent = true;  // true: minimum margin as a share of the net price (ppm); false: minor units per unit
  int64_t value = 0;
};

struct MarginOverride {
  TimeWindow window;
  MarginFloorValue value;
};

struct MarginFloor {
  std::string id;
  VariantSet variants;                  // when hasVariants
  bool hasVariants = false;
  std::vector<std::string> categories;  // sorted; empty = any
  std::vector<std::string> segments;    // sorted; empty = any
  int specificity = 0;                  // variant 4 + category 2 + segment 1: the most specific floor wins
  MarginFloorValue value;
  std::vector<MarginOverride> overrides;  // time-limited replacements, e.g. a launch period
};

struct MarginSettings {
  std::vector<MarginFloor> floors;  // sorted by id
  bool skipMissingCost = false;     // "skip" (warn) instead of "error" when a floor meets a variant with no cost
  std::optional<PartsPerMillion> maxOrderDiscount;
  std::string maxOrderDiscountText;  // the cap as the merchant wrote it ("20"), for the sentences that name it
  bool internal = true;             // "internal": quotes carry floor ids and margins; "shopper": clamps only
  // Each floor listed once, under its most selective dimension, so a line looks at the floors that could match it
  // instead of all of them: by variant, else by category, else by segment, else a store default. Floor indexes,
  // ascending (= id order).
  std::map<uint32_t, std::vector<uint32_t>> floorsByVariant;
  std::map<std::string, std::vector<uint32_t>> floorsByCategory;
  std::map<std::string, std::vector<uint32_t>> floorsBySegment;
  std::vector<uint32_t> defaultFloors;
};

struct CompiledStore {
  std::string name;
  std::string currency;
  int exponent = 2;
  std::vector<VariantInfo> variants;  // sorted by id
  VariantIndex variantIndex;         // id -> index into variants
  std::vector<PriceRule> priceRules;  // sorted by id
  std::vector<Promotion> promotions;  // sorted by priority (high first), then id
  // A rule selecting more than half the catalog ("broad": everything, "not …", a category holding most variants) is
  // listed once and checked against each line, instead of under each of the catalog's variants.
  std::vector<std::vector<uint32_t>> priceRulesByVariant;   // variant -> sorted price-rule indexes (not the broad ones)
  std::vector<uint32_t> broadPriceRules;                    // sorted
  // Member prices are listed apart, so a quote judges line by line only those its shopper's segments unlock; the
  // others touching the cart get one segment_not_eligible verdict each.
  std::vector<std::vector<uint32_t>> memberPricesByVariant;  // variant -> sorted member-price indexes (not the broad ones)
  std::vector<uint32_t> broadMemberPrices;                   // sorted
  std::map<std::string, std::vector<uint32_t>> memberPricesBySegment;  // segment -> sorted member-price indexes
  std::vector<std::vector<uint32_t>> promotionsByVariant;   // variant -> sorted promotion indexes (not broad or cart-wide)
  std::vector<uint32_t> cartWidePromotions;                 // sorted: no selector, or every variant: touch every line
  std::vector<uint32_t> broadPromotions;                    // sorted: most of the catalog; checked line by line
  std::map<std::string, std::vector<uint32_t>> promotionsByCoupon;
  CurrencySettings currencies;
  std::optional<TaxSettings> tax;
  std::vector<ShippingMethod> shippingMethods;  // sorted by id; empty = shipping not configured
  std::optional<MarginSettings> margins;
  int64_t maxCodesPerOrder = 0;  // 0 = no limit
  bool hasExclusive = false;     // some promotion uses stacking "exclusive" (priced alone as an alternative)
  bool honorEndedWindows = true; // holds.honorEndedWindows: a window open when a hold was quoted stays open for it
  std::vector<std::string> stackingTags;  // every promotion tag, sorted: StackingRules names them by index
  bool conditionalStacking = false;       // some promotion restricts what it stacks with (StackingRules::restricts)
  bool priorityBySegment = false;         // some promotion's priority depends on the customer's segments
  std::string configDigest;
};

/** Checks the store can price in `currency` (its own, or one with a rate); throws CurrencyMismatch / MissingRate naming `pointer`. */
void checkCurrency(const CompiledStore& store, const std::string& currency, const std::string& pointer);

/** Tax rates that apply to a class at a destination, by id. */
std::vector<const TaxRate*> taxRatesFor(const TaxSettings& tax, const std::string& country, const std::string& region,
                                        const std::string& taxClass);

/** Builds a CompiledStore from a parsed config document; throws InputError naming the bad field. */
CompiledStore compileStore(const Json& config);

/** Upper-cases ASCII and trims spaces, so "save10 " and "SAVE10" are the same code. */
std::string normalizeCoupon(std::string_view code);

}  // namespace cartcore
