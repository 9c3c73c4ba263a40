// SPDX-License-Identifier: MIT
// A WooCommerce store as the importer reads it, whichever source it came from (REST API v3 JSON or the admin's
// product CSV). Readers fill it; the mapper turns it into a Cartcore config. Amounts stay decimal text here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cartcore::import {

/** Milliseconds since the Unix epoch, UTC. */
using EpochMillis = int64_t;

struct WooAttribute {
  std::string name;                  // as the shop shows it, e.g. "Color"
  std::vector<std::string> options;  // the product's values
  bool variation = false;            // used to define variations
};

/** A product or a variation (type "variation", with parentId). */
struct WooProduct {
  std::string where;  // names it in the report, e.g. `product 42 "Hoodie"` or `products.csv line 7 (ID 42)`
  int64_t id = 0;
  int64_t parentId = 0;
  std::string type = "simple";  // simple, variable, variation, grouped, external (or a plugin's type)
  std::string status = "publish";
  std::string name;
  std::string slug;
  std::string sku;
  std::string regularPrice;  // decimal text; "" when not set
  std::string salePrice;     // decimal text; "" when not set
  std::optional<EpochMillis> saleFrom;
  std::optional<EpochMillis> saleTo;  // the last second on sale (WooCommerce stores 23:59:59 of the end day)
  bool saleDatesUnreadable = false;
  std::string taxStatus = "taxable";  // taxable, shipping, none
  std::string taxClass;               // "" is the standard class; "parent" on a variation inherits
  std::optional<int64_t> lowStockAmount;
  std::string weight;                 // decimal text in the store's weight unit; "" when not set
  std::vector<std::string> categories;  // category slugs, each with its ancestors
  std::vector<WooAttribute> attributes;  // products
  std::vector<std::pair<std::string, std::string>> variationAttributes;  // variations: name -> chosen option
  std::optional<std::string> cost;  // decimal text: core COGS, or a cost plugin's meta key
  // Stock: "true" when the object counts its own stock, "parent" for a variation whose product keeps it, else
  // "false" (WooCommerce ignores stock_quantity then).
  std::string manageStock = "false";
  std::optional<int64_t> stockQuantity;
};

struct WooCoupon {
  std::string where;
  int64_t id = 0;
  std::string code;
  std::string status = "publish";
  std::string discountType = "fixed_cart";  // percent, fixed_cart, fixed_product
  std::string amount;
  std::string description;
  std::optional<EpochMillis> expiresAt;
  bool individualUse = false;
  bool freeShipping = false;
  bool excludeSaleItems = false;
  std::vector<int64_t> productIds, excludedProductIds;
  std::vector<int64_t> categoryIds, excludedCategoryIds;
  std::string minimumAmount, maximumAmount;
  std::optional<int64_t> usageLimit, usageLimitPerUser, limitUsageToXItems;
  std::vector<std::string> emailRestrictions;
};

struct WooTaxRate {
  std::string where;
  int64_t id = 0;
  std::string country;  // "" applies to every country
  std::string state;
  std::vector<std::string> postcodes, cities;
  std::string rate;  // decimal text, e.g. "20.0000"
  std::string name;
  int64_t priority = 1;
  bool compound = false;
  bool shipping = true;
  std::string taxClass = "standard";
};

struct WooShippingMethod {
  std::string where;
  int64_t instanceId = 0;
  std::string methodId;  // flat_rate, free_shipping, local_pickup, or a plugin's
  std::string title;
  bool enabled = true;
  std::map<std::string, std::string> settings;  // setting id -> value
};

struct WooShippingZone {
  std::string where;
  int64_t id = 0;  // 0 is "Locations not covered by your other zones"
  std::string name;
  int64_t order = 0;
  std::vector<std::pair<std::string, std::string>> locations;  // (type, code): country "DE", state "US:CA", ...
  std::vector<WooShippingMethod> methods;
};

struct WooCategory {
  std::string slug;
  std::string name;
  int64_t parent = 0;
};

struct WooStore {
  std::map<std::string, std::string> settings;  // e.g. woocommerce_currency -> "USD"
  std::vector<WooProduct> products;             // products and variations, in source order
  std::map<int64_t, WooCategory> categories;     // from products/categories.json, when saved
  std::vector<WooCoupon> coupons;
  std::vector<WooTaxRate> taxRates;
  std::vector<WooShippingZone> zones;
  std::string weightUnitFromCsv;  // the unit named in the CSV's "Weight (kg)" header, if any
};

/** The value of a setting, or `fallback`. */
inline std::string setting(const WooStore& store, const std::string& id, const std::string& fallback) {
  auto it = store.settings.find(id);
  return it == store.settings.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace cartcore::import
