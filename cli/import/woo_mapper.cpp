// SPDX-License-Identifier: MIT
// WooStore → Cartcore config. WooCommerce's semantics that decide the mapping are cited where they matter:
// WC_Discounts (plugins/woocommerce/includes/class-wc-discounts.php), WC_Cart_Totals::get_coupons_from_cart and
// sort_coupons_callback (class-wc-cart-totals.php), WC_Coupon::is_valid_for_product (class-wc-coupon.php),
// WC_Product::is_on_sale (abstract-wc-product.php), WC_Shipping_Free_Shipping and WC_Tax. Whatever Cartcore cannot
// express exactly goes into the report, never silently into the config.
#include "woo_mapper.hpp"

#include <cartcore/engine.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "decimal.hpp"
#include "woo_dates.hpp"
#include "woo_readers.hpp"

namespace cartcore::import {

namespace {

using OJson = nlohmann::ordered_json;

constexpr const char* kBeginningOfTime = "1970-01-01T00:00:00.000Z";
constexpr const char* kEndOfTime = "9999-12-31T23:59:59.000Z";
constexpr const char* kNotTaxable = "not-taxable";  // tax status "none" (or "shipping": only shipping is taxed)

// ISO 3166-1 alpha-2, for the zone "Locations not covered by your other zones".
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC "
    "CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD "
    "GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH "
    "KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW "
    "MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC "
    "SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY "
    "UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string joined(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

bool isCountryCode(const std::string& code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

// The parser's limits (core/src/config_parser.cpp) that a large store can reach; the import stays within them.
constexpr std::size_t kMaxProducts = 100000;
constexpr std::size_t kMaxVariantsPerProduct = 1000;
constexpr std::size_t kMaxSelectorList = 10000;
constexpr std::size_t kMaxAttributes = 100;
constexpr std::size_t kMaxCategories = 100;
constexpr std::size_t kMaxShippingMethods = 100;
constexpr std::size_t kMaxTaxRates = 10000;

/** {"<form>": ids}, split into an "any" of lists when there are more ids than one selector list may hold. */
nlohmann::ordered_json idSelector(const char* form, const std::vector<std::string>& ids) {
  if (ids.size() <= kMaxSelectorList) return {{form, ids}};
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < ids.size(); i += kMaxSelectorList) {
    parts.push_back({{form, std::vector<std::string>(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                                    ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), i + kMaxSelectorList)))}});
  }
  return {{"any", parts}};
}

/** Selector for "any of these parts"; nullopt for none. */
std::optional<OJson> anyOf(std::vector<OJson> parts) {
  if (parts.empty()) return std::nullopt;
  if (parts.size() == 1) return parts[0];
  return OJson{{"any", parts}};
}

class Mapper {
 public:
  Mapper(const WooStore& store, const MapOptions& options, ImportReport& report) : store_(store), options_(options), report_(report) {}

  OJson run() {
    readStoreSettings();
    mapCatalog();
    mapShipping();  // before coupons: a free-shipping coupon names the methods it makes free
    mapCoupons();
    OJson config;
    config["schemaVersion"] = 1;
    config["store"] = {{"name", options_.storeName}, {"currency", currency_}};
    if (auto low = parseDecimal(setting(store_, "woocommerce_notify_low_stock_amount", "")); low && low->scale == 0) {
      config["store"]["lowStockLevel"] = low->mantissa;
    }
    config["catalog"] = {{"products", products_}};
    config["priceRules"] = priceRules_;
    config["promotions"] = promotions_;
    if (auto tax = mapTax()) config["tax"] = *tax;
    if (!shippingMethods_.empty()) config["shipping"] = {{"methods", shippingMethods_}};
    report_.count("products", static_cast<int64_t>(products_.size()));
    report_.count("variants", variantCount_);
    report_.count("sale price rules", static_cast<int64_t>(priceRules_.size()));
    report_.count("promotions", static_cast<int64_t>(promotions_.size()));
    report_.count("shipping methods", static_cast<int64_t>(shippingMethods_.size()));
    finishNotes();
    return config;
  }

  /** WooCommerce product or variation id -> the variant it became (after run()). */
  const std::map<int64_t, std::string>& variantsByWooId() const { return variantByWcId_; }

 private:
  void skip(const std::string& where, const char* code, const std::string& why) { report_.add(Severity::Skipped, where, code, why); }
  void approximate(const std::string& where, const char* code, const std::string& why) { report_.add(Severity::Approximated, where, code, why); }
  void warn(const std::string& where, const char* code, const std::string& why) { report_.add(Severity::Warning, where, code, why); }

  // ---- store ------------------------------------------------------------------------------------------------------

  void readStoreSettings() {
    currency_ = upper(options_.currency.empty() ? setting(store_, "woocommerce_currency", "") : options_.currency);
    if (currency_.empty()) {
      throw ImportError("the store currency is unknown: save settings/general.json (it holds woocommerce_currency) or pass --currency");
    }
    auto digits = currencyMinorDigits(currency_);
    if (!digits) throw ImportError("\"" + currency_ + "\" is not an ISO 4217 currency Cartcore knows");
    exponent_ = *digits;
    std::string wcDecimals = setting(store_, "woocommerce_price_num_decimals", "");
    if (!wcDecimals.empty() && wcDecimals != std::to_string(exponent_)) {
      approximate("store", "price_decimals", "WooCommerce shows prices with " + wcDecimals + " decimals; Cartcore uses " + currency_ +
                                                 "'s " + std::to_string(exponent_) + " (ISO 4217), rounding amounts half away from zero");
    }
    std::string unit = !options_.weightUnit.empty() ? options_.weightUnit
                       : !store_.weightUnitFromCsv.empty() ? store_.weightUnitFromCsv
                                                           : setting(store_, "woocommerce_weight_unit", "");
    weightUnit_ = unit.empty() ? "kg" : unit;
    // Exact factors to grams: 1 lb = 453.59237 g and 1 oz = 28.349523125 g by definition.
    if (weightUnit_ == "kg") weightFactor_ = {1000, 1};
    else if (weightUnit_ == "g") weightFactor_ = {1, 1};
    else if (weightUnit_ == "lbs" || weightUnit_ == "lb") weightFactor_ = {45359237, 100000};
    else if (weightUnit_ == "oz") weightFactor_ = {28349523125, 1000000000};
    else throw ImportError("weight unit \"" + weightUnit_ + "\" is not one of WooCommerce's (kg, g, lbs, oz)");
    weightUnitKnown_ = !unit.empty();
    sequentialDiscounts_ = setting(store_, "woocommerce_calc_discounts_sequentially", "no") == "yes";
  }

  std::string moneyText(int64_t minor) const { return formatMinor(minor, exponent_); }

  /** A WooCommerce amount in minor units; a value that is not a number is reported and gives nullopt. */
  std::optional<int64_t> money(const std::string& text, const std::string& where, const std::string& what) {
    auto d = parseDecimal(text);
    bool rounded = false;
    auto minor = d ? toMinor(*d, exponent_, &rounded) : std::nullopt;
    if (!minor) {
      warn(where, "unreadable_amount", "the " + what + " \"" + text + "\" is not a decimal number");
      return std::nullopt;
    }
    if (rounded) approximate(where, "amount_rounded", "the " + what + " " + text + " has more decimals than " + currency_ + " allows; rounded to " + moneyText(*minor));
    return minor;
  }

  static std::string uniqueId(std::string base, std::set<std::string>& used) {
    if (base.size() > 180) base.resize(180);
    if (base.empty()) base = "item";
    std::string id = base;
    for (int n = 2; !used.insert(id).second; ++n) id = base + "-" + std::to_string(n);
    return id;
  }

  // ---- catalog ----------------------------------------------------------------------------------------------------

  std::string taxClassOf(const WooProduct& product, const WooProduct* variation) {
    // A variation has its parent's tax status; its class is its own unless it is "parent".
    if (product.taxStatus == "none" || product.taxStatus == "shipping") return kNotTaxable;
    std::string c = variation ? variation->taxClass : product.taxClass;
    if (variation && c == "parent") c = product.taxClass;
    if (c.empty() || c == "standard" || c == "parent") c = "standard";
    return c;
  }

  void mapCatalog() {
    std::map<int64_t, std::vector<const WooProduct*>> variationsOf;
    for (const auto& p : store_.products) {
      if (p.type == "variation") variationsOf[p.parentId].push_back(&p);
    }
    for (const auto& p : store_.products) {
      if (p.type == "variation") continue;
      if (products_.size() == kMaxProducts) {
        throw ImportError("more than " + std::to_string(kMaxProducts) + " products, the most one config holds; split the store (e.g. by category)");
      }
      std::vector<const WooProduct*> variations;
      if (auto it = variationsOf.find(p.id); it != variationsOf.end()) {
        variations = std::move(it->second);
        variationsOf.erase(it);
      }
      if (p.status != "publish") {
        skip(p.where, "not_published", "its status is \"" + p.status + "\", so shoppers cannot buy it");
      } else if (p.type == "grouped") {
        skip(p.where, "grouped_product", "a grouped product has no price of its own; its member products are imported one by one");
      } else if (p.type == "external") {
        skip(p.where, "external_product", "an external (affiliate) product is bought on another site");
      } else if (p.type != "simple" && p.type != "variable") {
        skip(p.where, "unsupported_product_type", "\"" + p.type + "\" products come from a plugin whose pricing is not WooCommerce's");
      } else {
        mapProduct(p, variations);
      }
    }
    for (const auto& [parent, variations] : variationsOf) {
      for (const auto* v : variations) skip(v->where, "broken_parent", "its parent " + std::to_string(parent) + " is not a product in the export");
    }
  }

  void mapProduct(const WooProduct& p, const std::vector<const WooProduct*>& variations) {
    std::vector<const WooProduct*> sources;
    if (p.type == "simple") sources.push_back(&p);
    for (const auto* v : variations) {
      if (v->status != "publish") skip(v->where, "variation_disabled", "the variation is disabled (status \"" + v->status + "\")");
      else sources.push_back(v);
    }
    if (p.type == "variable" && sources.empty()) {
      skip(p.where, "no_variations", "a variable product without enabled variations cannot be bought");
      return;
    }
    std::string productId = uniqueId(p.slug.empty() ? slugify(p.name.empty() ? "product-" + std::to_string(p.id) : p.name) : p.slug, productIds_);
    std::string productName = p.name.empty() ? productId : p.name;
    std::string productTaxClass = taxClassOf(p, nullptr);
    std::set<std::string> axes;  // attributes the variations are chosen by
    for (const auto& a : p.attributes) {
      if (a.variation) axes.insert(a.name);
    }
    struct Sale {
      int64_t price;
      std::optional<EpochMillis> from, to;
      std::vector<std::string> variants;
    };
    std::vector<Sale> sales;
    OJson variants = OJson::array();
    std::set<std::string> anyAxes;
    for (const WooProduct* v : sources) {
      const bool isVariation = v != &p;
      if (variants.size() == kMaxVariantsPerProduct) {
        skip(v->where, "too_many_variations", "a product holds at most " + std::to_string(kMaxVariantsPerProduct) + " variants in Cartcore");
        continue;
      }
      if (v->regularPrice.empty()) {
        skip(v->where, "missing_price", "no regular price, so WooCommerce does not sell it either");
        continue;
      }
      auto price = money(v->regularPrice, v->where, "regular price");
      if (!price) {
        skip(v->where, "missing_price", "its regular price cannot be read");
        continue;
      }
      OJson variant;
      std::string base = !v->sku.empty() ? v->sku : isVariation ? productId + "-" + std::to_string(v->id) : productId;
      std::string variantId = uniqueId(base, variantIds_);
      if (!v->sku.empty() && !skus_.insert(v->sku).second) {
        warn(v->where, "duplicate_sku", "SKU \"" + v->sku + "\" is used by an earlier product too; this one is imported as variant \"" + variantId +
                                            "\", and stock updates by SKU would be ambiguous");
      }
      variant["id"] = variantId;
      if (!v->sku.empty() && v->sku.size() <= 200) variant["sku"] = v->sku;
      if (isVariation) {
        std::vector<std::string> options;
        OJson attributes = OJson::object();
        std::set<std::string> named;
        for (const auto& [name, option] : v->variationAttributes) {
          if (name.empty() || option.empty() || !named.insert(name).second) continue;
          attributes[name] = option;
          options.push_back(option);
        }
        for (const auto& axis : axes) {
          if (!named.count(axis)) anyAxes.insert(axis);
        }
        variant["name"] = options.empty() ? productName : productName + " - " + joined(options, ", ");
        if (!attributes.empty()) variant["attributes"] = attributes;
      }
      variant["price"] = moneyText(*price);
      std::optional<std::string> cost = v->cost ? v->cost : (isVariation ? p.cost : std::nullopt);
      if (cost) {
        if (auto c = money(*cost, v->where, "cost of goods")) variant["cost"] = moneyText(*c);
      }
      std::string weight = v->weight.empty() && isVariation ? p.weight : v->weight;
      if (!weight.empty()) {
        auto d = parseDecimal(weight);
        bool rounded = false;
        auto grams = d ? scaleToInteger(*d, weightFactor_.first, weightFactor_.second, &rounded) : std::nullopt;
        if (!grams || *grams > 100'000'000) {
          warn(v->where, "unreadable_weight", "the weight \"" + weight + "\" is not a number of " + weightUnit_ + " up to 100 t; left out");
        } else {
          variant["weightGrams"] = *grams;
          weightsRounded_ += rounded;
          weightsSeen_ = true;
        }
      }
      std::string taxClass = isVariation ? taxClassOf(p, v) : productTaxClass;
      taxClasses_.insert(taxClass);
      if (taxClass != productTaxClass) variant["taxClass"] = taxClass;
      std::optional<int64_t> low = v->lowStockAmount ? v->lowStockAmount : (isVariation ? p.lowStockAmount : std::nullopt);
      if (low && *low >= 0 && *low <= 1'000'000) variant["lowStockLevel"] = *low;
      if (!v->salePrice.empty()) {
        auto sale = money(v->salePrice, v->where, "sale price");
        if (!sale) {
          // reported by money()
        } else if (*sale >= *price) {
          // WC_Product::is_on_sale: on sale only when the sale price is below the regular price.
          warn(v->where, "sale_not_lower", "the sale price " + v->salePrice + " is not below the regular price " + v->regularPrice +
                                               "; WooCommerce does not show it as on sale either, so no sale is imported");
        } else if (v->saleDatesUnreadable) {
          skip(v->where, "sale_dates_unreadable", "the sale's dates cannot be read, so the sale is left out");
        } else if (v->saleFrom && v->saleTo && *v->saleTo < *v->saleFrom) {
          warn(v->where, "sale_dates_reversed", "the sale ends before it starts; left out");
        } else {
          auto same = std::find_if(sales.begin(), sales.end(), [&](const Sale& s) { return s.price == *sale && s.from == v->saleFrom && s.to == v->saleTo; });
          if (same == sales.end()) sales.push_back({*sale, v->saleFrom, v->saleTo, {variantId}});
          else same->variants.push_back(variantId);
          saleVariants_.insert(variantId);
          if (v->saleFrom || v->saleTo) datedSaleVariants_.insert(variantId);
        }
      }
      variantByWcId_[v->id] = variantId;
      variants.push_back(std::move(variant));
    }
    if (variants.empty()) {
      if (p.type == "variable") skip(p.where, "no_variants", "nothing in it can be bought (no variation has a price)");
      return;
    }
    OJson product;
    product["id"] = productId;
    product["name"] = productName;
    std::vector<std::string> categories;
    for (const auto& c : p.categories) {
      if (!c.empty() && c.size() <= 200 && std::find(categories.begin(), categories.end(), c) == categories.end()) categories.push_back(c);
    }
    if (categories.size() > kMaxCategories) {
      approximate(p.where, "too_many_categories", "only the first " + std::to_string(kMaxCategories) + " of its " + std::to_string(categories.size()) + " categories are kept");
      categories.resize(kMaxCategories);
    }
    if (!categories.empty()) product["categories"] = categories;
    categoriesInCatalog_.insert(categories.begin(), categories.end());
    OJson attributes = OJson::object();
    for (const auto& a : p.attributes) {
      if (a.variation || a.name.empty() || a.options.empty() || attributes.contains(a.name)) continue;
      if (attributes.size() == kMaxAttributes) {
        approximate(p.where, "too_many_attributes", "attribute \"" + a.name + "\" and any after it are left out: at most " + std::to_string(kMaxAttributes));
        break;
      }
      attributes[a.name] = joined(a.options, ", ");
      if (a.options.size() > 1) {
        approximate(p.where, "attribute_values_joined", "attribute \"" + a.name + "\" has " + std::to_string(a.options.size()) +
                                                             " values; Cartcore keeps one value per attribute, so they are joined as \"" +
                                                             joined(a.options, ", ") + "\" (a selector must match that text)");
      }
    }
    if (!attributes.empty()) product["attributes"] = attributes;
    if (productTaxClass != "standard") product["taxClass"] = productTaxClass;
    product["variants"] = variants;
    variantCount_ += static_cast<int64_t>(variants.size());
    if (!anyAxes.empty()) {
      approximate(p.where, "any_attribute", "variations that accept any " + joined({anyAxes.begin(), anyAxes.end()}, " or ") +
                                                " are imported without that attribute: the price is the same for every choice, but a selector on it will not match them");
    }
    productByWcId_[p.id] = productId;
    for (std::size_t i = 0; i < sales.size(); ++i) addSaleRule(productId, productName, sales[i].price, sales[i].from, sales[i].to, sales[i].variants,
                                                               sales.size() == 1 && sales[i].variants.size() == variants.size());
    products_.push_back(std::move(product));
  }

  void addSaleRule(const std::string& productId, const std::string& productName, int64_t price, std::optional<EpochMillis> from,
                   std::optional<EpochMillis> to, const std::vector<std::string>& variants, bool wholeProduct) {
    OJson rule;
    rule["id"] = uniqueId("sale-" + productId, ruleIds_);
    rule["name"] = "Sale: " + productName;
    rule["type"] = "flashSale";
    rule["selector"] = wholeProduct ? OJson{{"products", {productId}}} : OJson{{"variants", variants}};
    // WC_Product::is_on_sale: on sale from date_on_sale_from while time() <= date_on_sale_to (whole seconds), so
    // the half-open Cartcore window ends one second after the stored end. No dates: on sale indefinitely.
    rule["startsAt"] = from ? formatUtc(*from) : kBeginningOfTime;
    rule["endsAt"] = to ? formatUtc(*to + 1000) : kEndOfTime;
    rule["unitPrice"] = moneyText(price);
    priceRules_.push_back(std::move(rule));
  }

  // ---- shipping ---------------------------------------------------------------------------------------------------

  struct FreeMethodRule {
    std::string requirement;  // the "requires" setting
    std::string minAmount;
    bool ignoreDiscounts = false;
    std::string where;
    std::string title;
  };

  void mapShipping() {
    std::vector<const WooShippingZone*> zones;
    for (const auto& z : store_.zones) zones.push_back(&z);
    // WooCommerce matches the first zone in zone order; zone 0 is the fallback for every other location.
    std::stable_sort(zones.begin(), zones.end(), [](const WooShippingZone* a, const WooShippingZone* b) {
      if ((a->id == 0) != (b->id == 0)) return b->id == 0;
      return a->order != b->order ? a->order < b->order : a->id < b->id;
    });
    std::set<std::string> covered;  // countries an earlier zone serves in full
    for (const WooShippingZone* zone : zones) {
      std::set<std::string> countries;
      bool partial = false;
      if (zone->id == 0) {
        for (std::size_t i = 0; i + 2 <= kCountryCodes.size(); i += 3) {
          std::string code(kCountryCodes.substr(i, 2));
          if (!covered.count(code)) countries.insert(code);
        }
      }
      for (const auto& [type, code] : zone->locations) {
        if (type == "country" && isCountryCode(code)) {
          if (!covered.count(code)) countries.insert(code);
        } else if (type == "state" && code.size() > 3 && isCountryCode(code.substr(0, 2))) {
          countries.insert(code.substr(0, 2));
          partial = true;
          approximate(zone->where, "zone_state", "the zone serves the state " + code + "; Cartcore's shipping methods are per country, so its methods serve all of " +
                                                     code.substr(0, 2));
        } else if (type == "postcode") {
          partial = true;
          approximate(zone->where, "zone_postcode", "postcode " + code + " limits are ignored: the methods serve the zone's whole countries");
        } else {
          skip(zone->where, "zone_location", "location \"" + code + "\" (" + type + ") is not imported; list the zone's countries instead of a continent");
        }
      }
      if (!partial) covered.insert(countries.begin(), countries.end());
      if (countries.empty()) {
        if (!zone->methods.empty()) skip(zone->where, "zone_without_countries", "no country left for it to serve, so its methods are not imported");
        continue;
      }
      mapZoneMethods(*zone, {countries.begin(), countries.end()});
    }
  }

  void mapZoneMethods(const WooShippingZone& zone, const std::vector<std::string>& countries) {
    std::vector<std::size_t> paid;  // indexes into shippingMethods_
    std::vector<FreeMethodRule> frees;
    std::string zoneSlug = zone.name.empty() ? "zone-" + std::to_string(zone.id) : slugify(zone.name);
    auto setting = [](const WooShippingMethod& m, const char* id) {
      auto it = m.settings.find(id);
      return it == m.settings.end() ? std::string() : it->second;
    };
    for (const auto& m : zone.methods) {
      if (!m.enabled) {
        skip(m.where, "method_disabled", "disabled in WooCommerce");
        continue;
      }
      if (m.methodId == "flat_rate") {
        std::string cost = setting(m, "cost");
        auto d = parseDecimal(cost.empty() ? "0" : cost);
        bool rounded = false;
        auto minor = d ? toMinor(*d, exponent_, &rounded) : std::nullopt;
        if (!minor) {
          skip(m.where, "shipping_cost_formula", "the cost \"" + cost + "\" is a formula ([qty], [cost] or [fee]); Cartcore's methods are flat, by weight or by subtotal");
          continue;
        }
        for (const auto& [id, value] : m.settings) {
          if (id.rfind("class_cost_", 0) == 0 && !value.empty()) {
            approximate(m.where, "shipping_class_costs", "shipping-class costs are ignored: every cart pays the flat " + moneyText(*minor));
            break;
          }
        }
        (setting(m, "tax_status") == "none" ? untaxedShipping_ : taxedShipping_) = true;
        if (shippingMethods_.size() == kMaxShippingMethods) {
          skip(m.where, "too_many_shipping_methods", "a config holds at most " + std::to_string(kMaxShippingMethods) + " shipping methods");
          continue;
        }
        OJson method;
        method["id"] = uniqueId(zoneSlug + "-" + slugify(m.methodId) + "-" + std::to_string(m.instanceId), shippingIds_);
        method["name"] = m.title.empty() ? "Flat rate" : m.title;
        method["countries"] = countries;
        method["flat"] = moneyText(*minor);
        paid.push_back(shippingMethods_.size());
        shippingMethods_.push_back(std::move(method));
      } else if (m.methodId == "free_shipping") {
        frees.push_back({setting(m, "requires"), setting(m, "min_amount"), setting(m, "ignore_discounts") == "yes", m.where, m.title});
      } else if (m.methodId == "local_pickup" || m.methodId == "pickup_location") {
        skip(m.where, "local_pickup", "collection in person is not a delivery price; offer it outside the cart's shipping options");
      } else {
        skip(m.where, "unsupported_shipping_method", "\"" + m.methodId + "\" comes from a plugin whose rates are not WooCommerce's");
      }
    }
    std::vector<std::string> paidIds;
    for (std::size_t i : paid) paidIds.push_back(shippingMethods_[i]["id"]);
    for (const FreeMethodRule& rule : frees) {
      // WC_Shipping_Free_Shipping::is_available: "" always; min_amount, coupon, either (one of), both.
      bool needsMin = rule.requirement == "min_amount" || rule.requirement == "either" || rule.requirement == "both";
      bool needsCoupon = rule.requirement == "coupon" || rule.requirement == "either" || rule.requirement == "both";
      std::optional<int64_t> min;
      if (needsMin) {
        min = money(rule.minAmount.empty() ? "0" : rule.minAmount, rule.where, "minimum order amount");
        if (!min) continue;
        if (rule.ignoreDiscounts) approximate(rule.where, "free_shipping_ignores_discounts", "WooCommerce compares the minimum with the total before coupons; Cartcore with the total after them");
      }
      if (rule.requirement.empty()) {
        if (shippingMethods_.size() == kMaxShippingMethods) {
          skip(rule.where, "too_many_shipping_methods", "a config holds at most " + std::to_string(kMaxShippingMethods) + " shipping methods");
          continue;
        }
        OJson method;
        method["id"] = uniqueId(zoneSlug + "-free-shipping", shippingIds_);
        method["name"] = rule.title.empty() ? "Free shipping" : rule.title;
        method["countries"] = countries;
        method["flat"] = moneyText(0);
        shippingMethods_.push_back(std::move(method));
        approximate(rule.where, "free_shipping_always", "always available: WooCommerce lets the shopper choose, Cartcore picks the cheapest method unless the request names one");
        continue;
      }
      if (paidIds.empty()) {
        skip(rule.where, "free_shipping_alone", "a conditional free-shipping method in a zone without a paid method has nothing to make free");
        continue;
      }
      if (rule.requirement == "both") {
        for (const auto& id : paidIds) couponFreeWithMin_[*min].insert(id);
        continue;
      }
      if (needsMin) {
        // Below the minimum only the paid methods are offered; above it free shipping is, so the cheapest is free:
        // the zone's paid methods become free above the minimum.
        for (std::size_t i : paid) {
          auto [it, fresh] = freeAbove_.emplace(i, *min);
          if (!fresh) it->second = std::min(it->second, *min);  // two free-shipping methods: the lower minimum wins
          shippingMethods_[i]["freeAbove"] = moneyText(it->second);
        }
      }
      if (needsCoupon) couponFree_.insert(paidIds.begin(), paidIds.end());
    }
  }

  // ---- coupons ----------------------------------------------------------------------------------------------------

  struct CouponOrder {
    const WooCoupon* coupon;
    int sort;
    Decimal amount;
  };

  void mapCoupons() {
    std::vector<CouponOrder> coupons;
    std::set<std::string> codes;
    for (const auto& c : store_.coupons) {
      std::string code = upper(c.code);
      if (code.empty() || code.size() > 200) {
        skip(c.where, "coupon_code", "a coupon needs a code of 1 to 200 bytes");
        continue;
      }
      if (c.status != "publish") {
        skip(c.where, "not_published", "its status is \"" + c.status + "\", so shoppers cannot use it");
        continue;
      }
      if (!codes.insert(code).second) {
        skip(c.where, "duplicate_coupon_code", "another coupon has the same code (codes are case-insensitive); WooCommerce applies only one of them");
        continue;
      }
      int sort = c.discountType == "fixed_product" ? 1 : c.discountType == "percent" ? 2 : c.discountType == "fixed_cart" ? 3 : 0;
      if (sort == 0) {
        skip(c.where, "unsupported_coupon_type", "discount type \"" + c.discountType + "\" comes from a plugin");
        continue;
      }
      auto amount = parseDecimal(c.amount.empty() ? "0" : c.amount);
      if (!amount) {
        skip(c.where, "unreadable_amount", "the amount \"" + c.amount + "\" is not a decimal number");
        continue;
      }
      coupons.push_back({&c, sort, *amount});
    }
    // WooCommerce applies coupons one after another in a fixed order (WC_Cart_Totals::get_coupons_from_cart and
    // sort_coupons_callback): fixed_product, then percent, then fixed_cart; within a type the one limited to fewer
    // items first, then the smaller amount, then the newer coupon (higher id). Cartcore applies higher priority
    // first, so the order becomes descending priorities.
    std::stable_sort(coupons.begin(), coupons.end(), [](const CouponOrder& a, const CouponOrder& b) {
      if (a.sort != b.sort) return a.sort < b.sort;
      int64_t la = a.coupon->limitUsageToXItems.value_or(0), lb = b.coupon->limitUsageToXItems.value_or(0);
      if (la != lb) return la < lb;
      if (int cmp = compareDecimals(a.amount, b.amount); cmp != 0) return cmp < 0;
      return a.coupon->id > b.coupon->id;
    });
    int64_t priority = static_cast<int64_t>(coupons.size());
    for (const auto& c : coupons) mapCoupon(*c.coupon, c.amount, priority--);
    if (percentCoupons_) {
      approximate("percent coupons", "percent_rounding",
                  "WooCommerce floors each line's percentage and hands the leftover cents to the dearest lines; Cartcore rounds each line half away from zero, so a coupon's total can differ by a cent");
    }
  }

  /** The variants, products and categories a restriction list names that made it into the config. */
  std::vector<OJson> restrictionParts(const WooCoupon& c, const std::vector<int64_t>& productIds, const std::vector<int64_t>& categoryIds, bool& anyListed) {
    std::vector<std::string> products, variants, categories;
    anyListed = !productIds.empty() || !categoryIds.empty();
    for (int64_t id : productIds) {
      if (auto p = productByWcId_.find(id); p != productByWcId_.end()) products.push_back(p->second);
      else if (auto v = variantByWcId_.find(id); v != variantByWcId_.end()) variants.push_back(v->second);
      else approximate(c.where, "restriction_not_imported", "it names product " + std::to_string(id) + ", which is not in the config");
    }
    for (int64_t id : categoryIds) {
      auto cat = store_.categories.find(id);
      if (cat != store_.categories.end() && categoriesInCatalog_.count(cat->second.slug)) categories.push_back(cat->second.slug);
      else approximate(c.where, "restriction_not_imported", "it names category " + std::to_string(id) + ", which no imported product has (or products/categories.json was not saved)");
    }
    std::vector<OJson> parts;
    if (!products.empty()) parts.push_back(idSelector("products", products));
    if (!variants.empty()) parts.push_back(idSelector("variants", variants));
    if (!categories.empty()) parts.push_back(idSelector("categories", categories));
    return parts;
  }

  void mapCoupon(const WooCoupon& c, const Decimal& amount, int64_t priority) {
    OJson conditions = OJson::object();
    if (c.expiresAt) {
      // WC_Discounts::validate_coupon_expiry_date: expired once time() > date_expires.
      conditions["window"] = {{"startsAt", kBeginningOfTime}, {"endsAt", formatUtc(*c.expiresAt + 1000)}};
    }
    if (!c.emailRestrictions.empty()) {
      std::string segment = "wc-coupon-" + std::to_string(c.id) + "-customers";
      conditions["segments"] = {segment};
      approximate(c.where, "email_restrictions", "limited to " + std::to_string(c.emailRestrictions.size()) +
                                                     " e-mail address(es): it applies only when the request's customer has segment \"" + segment + "\"");
    }
    std::vector<std::string> unenforced;
    if (c.usageLimit) unenforced.push_back("a usage limit of " + std::to_string(*c.usageLimit));
    if (c.usageLimitPerUser) unenforced.push_back(std::to_string(*c.usageLimitPerUser) + " use(s) per customer");
    if (!unenforced.empty()) approximate(c.where, "usage_limits", joined(unenforced, " and ") + " is not enforced: a quote does not know past orders");
    if (c.limitUsageToXItems && *c.limitUsageToXItems > 0) {
      approximate(c.where, "limit_usage_to_x_items", "WooCommerce discounts at most " + std::to_string(*c.limitUsageToXItems) + " item(s); Cartcore discounts every eligible item");
    }
    OJson minimumConditions = conditions;
    if (auto min = parseDecimal(c.minimumAmount); min && min->mantissa > 0) {
      if (auto minor = money(c.minimumAmount, c.where, "minimum spend")) {
        minimumConditions["minSubtotal"] = moneyText(*minor);
        approximate(c.where, "minimum_spend", "WooCommerce checks the minimum spend " + moneyText(*minor) +
                                                  " on the cart subtotal before coupons; Cartcore on the eligible items after the coupons applied before it");
      }
    }
    if (auto max = parseDecimal(c.maximumAmount); max && max->mantissa > 0) {
      approximate(c.where, "maximum_spend", "the maximum spend " + c.maximumAmount + " is not enforced");
    }
    bool listed = false, excludedListed = false;
    auto include = anyOf(restrictionParts(c, c.productIds, c.categoryIds, listed));
    if (listed && !include) {
      skip(c.where, "restriction_not_imported", "none of the products or categories it is limited to are in the config");
      return;
    }
    std::vector<OJson> excludedParts = restrictionParts(c, c.excludedProductIds, c.excludedCategoryIds, excludedListed);
    bool productCoupon = c.discountType != "fixed_cart";
    if (c.excludeSaleItems && !saleVariants_.empty()) {
      excludedParts.push_back(idSelector("variants", std::vector<std::string>(saleVariants_.begin(), saleVariants_.end())));
      bool dated = !datedSaleVariants_.empty();
      if (!productCoupon || dated) {
        approximate(c.where, "exclude_sale_items", std::string(productCoupon ? "" : "WooCommerce refuses this cart coupon when the cart holds a sale item; ") +
                                                       "Cartcore leaves out every variant that has a sale price" +
                                                       (dated ? ", even outside the sale's dates" : ""));
      }
    }
    auto exclude = anyOf(excludedParts);
    std::optional<OJson> selector;
    if (include && exclude) selector = OJson{{"all", {*include, {{"not", *exclude}}}}};
    else if (include) selector = include;
    else if (exclude) selector = OJson{{"not", *exclude}};
    std::string code = c.code;
    std::string idBase = "coupon-" + slugify(code);
    bool hasDiscount = amount.mantissa > 0;
    if (hasDiscount) {
      OJson promo;
      promo["id"] = uniqueId(idBase, promotionIds_);
      promo["name"] = "";  // fixed key order for readers: id, name, type, priority, ...
      promo["type"] = "";
      promo["priority"] = priority;
      promo["coupons"] = {code};
      if (c.individualUse) {
        promo["stacking"] = "exclusive";
        approximate(c.where, "individual_use", "individual use: WooCommerce keeps the code entered last; Cartcore applies it alone only if it saves more than the other codes together"
                                                   + std::string(c.freeShipping ? ", and then its free shipping is blocked with the rest" : ""));
      }
      if (c.discountType == "percent") {
        bool rounded = false;
        std::string percent = formatTrimmed(amount, 4, &rounded);
        if (compareDecimals(amount, {100, 0}) > 0) {
          percent = "100";
          approximate(c.where, "percent_over_100", "a " + c.amount + " % coupon is capped at 100 %");
        }
        promo["name"] = upper(code) + ": " + percent + "% off";
        promo["type"] = "itemDiscount";
        // WC_Discounts::apply_coupon_percent: unless "calculate discounts sequentially" is on, a percentage is taken
        // from the item's price before any coupon, capped at what is left of it: Cartcore's percentBase "original".
        if (!sequentialDiscounts_) promo["percentBase"] = "original";
        promo["selector"] = selector.value_or(OJson{{"everything", true}});
        promo["discount"] = {{"percentOff", percent}};
        percentCoupons_ = true;
      } else {
        auto minor = money(c.amount, c.where, "coupon amount");
        if (!minor) return;
        if (c.discountType == "fixed_product") {
          // WC_Discounts::apply_coupon_fixed_product: the amount off each eligible unit, capped at its price.
          promo["name"] = upper(code) + ": " + moneyText(*minor) + " off each item";
          promo["type"] = "itemDiscount";
          promo["selector"] = selector.value_or(OJson{{"everything", true}});
          promo["discount"] = {{"amountOff", moneyText(*minor)}};
        } else {
          // WC_Discounts::apply_coupon_fixed_cart: the amount split over every item, at most the items' total.
          promo["name"] = upper(code) + ": " + moneyText(*minor) + " off the order";
          promo["type"] = "spendThreshold";
          if (selector) {
            promo["selector"] = *selector;
            approximate(c.where, "cart_coupon_restrictions", "WooCommerce only checks a cart coupon's product rules (the cart must hold a listed item, "
                                                             "and none excluded) and then discounts the whole cart; Cartcore discounts only the eligible items");
          }
          promo["tiers"] = {{{"minSubtotal", moneyText(0)}, {"amountOff", moneyText(*minor)}}};
          approximate(c.where, "fixed_cart_split", "WooCommerce splits the amount equally per item; Cartcore in proportion to line prices. "
                                                   "The order total is the same; lines of different tax classes may carry the tax differently");
        }
      }
      if (!minimumConditions.empty()) promo["conditions"] = minimumConditions;
      promotions_.push_back(std::move(promo));
    }
    if (c.freeShipping) {
      addFreeShippingCoupon(c, code, idBase, minimumConditions);
    } else if (!hasDiscount) {
      skip(c.where, "coupon_saves_nothing", "its amount is 0 and it gives no free shipping");
    }
  }

  void addFreeShippingCoupon(const WooCoupon& c, const std::string& code, const std::string& idBase, const OJson& conditions) {
    if (couponFree_.empty() && couponFreeWithMin_.empty()) {
      skip(c.where, "free_shipping_unused", "it grants free shipping, but no Free shipping method in the imported zones requires a coupon, so it has no effect in WooCommerce either");
      return;
    }
    auto add = [&](const std::set<std::string>& methods, const OJson& promoConditions) {
      OJson promo;
      promo["id"] = uniqueId(idBase + "-free-shipping", promotionIds_);
      promo["name"] = upper(code) + ": free shipping";
      promo["type"] = "freeShipping";
      promo["priority"] = 0;  // after every discount, so a minimum sees the discounted total as WooCommerce's does
      promo["coupons"] = {code};
      promo["methods"] = std::vector<std::string>(methods.begin(), methods.end());
      if (!promoConditions.empty()) promo["conditions"] = promoConditions;
      promotions_.push_back(std::move(promo));
    };
    if (!couponFree_.empty()) add(couponFree_, conditions);
    for (const auto& [min, methods] : couponFreeWithMin_) {
      OJson withMin = conditions;
      auto existing = withMin.contains("minSubtotal") ? parseDecimal(withMin["minSubtotal"].get<std::string>()) : std::nullopt;
      bool rounded = false;
      if (!existing || toMinor(*existing, exponent_, &rounded).value_or(0) < min) withMin["minSubtotal"] = moneyText(min);
      add(methods, withMin);
    }
  }

  // ---- tax --------------------------------------------------------------------------------------------------------

  std::optional<OJson> mapTax() {
    if (store_.taxRates.empty()) return std::nullopt;
    if (setting(store_, "woocommerce_calc_taxes", "yes") == "no") {
      skip("tax rates", "taxes_disabled", "\"Enable tax rates and calculations\" is off in WooCommerce, so its " +
                                              std::to_string(store_.taxRates.size()) + " rates are not imported");
      return std::nullopt;
    }
    if (setting(store_, "woocommerce_tax_based_on", "shipping") == "base") {
      approximate("tax settings", "tax_based_on_base", "WooCommerce taxes every order at the shop's address; Cartcore at the request's destination");
    }
    // "" is the standard class here, so an empty value is not "unset" (WooCommerce's default is "inherit").
    auto shippingSetting = store_.settings.find("woocommerce_shipping_tax_class");
    std::string shippingSource = shippingSetting == store_.settings.end() ? "inherit" : shippingSetting->second;
    if (shippingSource == "inherit") {
      shippingSource = "standard";
      if (taxedShipping_) approximate("tax settings", "shipping_tax_inherit", "shipping is taxed by the cart items' class in WooCommerce; Cartcore taxes it at the standard class");
    } else if (shippingSource.empty()) {
      shippingSource = "standard";
    }
    if (taxedShipping_ && untaxedShipping_) approximate("shipping methods", "shipping_tax_mixed", "some flat rates are taxable and some are not; Cartcore taxes every method");
    // Rates Cartcore can hold: a country, no postcode or city limits, a percentage.
    struct Accepted {
      const WooTaxRate* rate;
      std::string country, state, percent, taxClass;
    };
    std::vector<Accepted> accepted;
    for (const auto& r : store_.taxRates) {
      std::string country = upper(r.country);
      if (country.empty() || country == "*") {
        skip(r.where, "tax_every_country", "it applies to every country; Cartcore's rates name a country (add one rate per country you ship to)");
        continue;
      }
      if (!isCountryCode(country)) {
        skip(r.where, "tax_country", "\"" + r.country + "\" is not a two-letter country code");
        continue;
      }
      if (!r.postcodes.empty() || !r.cities.empty()) {
        skip(r.where, "tax_postcode", "it is limited to postcodes or cities, which Cartcore's destinations do not carry");
        continue;
      }
      auto d = parseDecimal(r.rate);
      if (!d || compareDecimals(*d, {100, 0}) > 0) {
        skip(r.where, "tax_rate", "the rate \"" + r.rate + "\" is not a percentage from 0 to 100");
        continue;
      }
      bool rounded = false;
      std::string percent = formatTrimmed(*d, 4, &rounded);
      if (rounded) approximate(r.where, "tax_rate_rounded", "the rate " + r.rate + " is rounded to " + percent + " % (4 decimals)");
      if (r.compound) approximate(r.where, "tax_compound", "a compound rate is applied to the net price here, not on top of the other taxes");
      accepted.push_back({&r, country, upper(r.state), percent, taxClassSlug(r.taxClass)});
    }
    // A rate with "shipping" off must not tax shipping: then shipping gets a class of its own holding only the rates
    // of its class that do (exact, not approximated).
    bool ownShippingClass = false;
    for (const auto& a : accepted) {
      if (a.taxClass == shippingSource && !a.rate->shipping) ownShippingClass = true;
    }
    std::string shippingClass = ownShippingClass ? "shipping" : shippingSource;
    OJson rates = OJson::array();
    std::set<std::string> ids;
    std::map<std::string, std::set<std::string>> countryLevel;  // country -> classes with a rate for the whole country
    std::set<std::string> countries;
    std::map<std::tuple<std::string, std::string, int64_t>, std::set<std::string>> samePriority;  // (country, class, priority) -> states
    for (const auto& a : accepted) {
      std::vector<std::string> classes{a.taxClass};
      if (ownShippingClass && a.taxClass == shippingSource && a.rate->shipping) classes.push_back(shippingClass);
      samePriority[{a.country, a.taxClass, a.rate->priority}].insert(a.state);
      OJson rate;
      rate["id"] = uniqueId("wc-tax-" + std::to_string(a.rate->id), ids);
      rate["name"] = a.rate->name.empty() ? "Tax" : a.rate->name;
      rate["country"] = a.country;
      if (!a.state.empty()) rate["region"] = a.state;
      rate["taxClasses"] = classes;
      rate["percent"] = a.percent;
      rates.push_back(std::move(rate));
      countries.insert(a.country);
      if (a.state.empty()) countryLevel[a.country].insert(classes.begin(), classes.end());
    }
    if (rates.empty()) return std::nullopt;
    for (const auto& [key, states] : samePriority) {
      if (states.size() > 1 && states.count("")) {
        approximate("tax rates for " + std::get<0>(key) + " (" + std::get<1>(key) + ")", "tax_same_priority",
                    "a country-wide rate and a state rate share priority " + std::to_string(std::get<2>(key)) +
                        ": WooCommerce applies only the state's in that state, Cartcore applies both there");
      }
    }
    // WooCommerce charges no tax where no rate matches; Cartcore refuses a class without a rate at the destination
    // (missing_tax_rate). So every country the store ships or taxes to gets an explicit 0 % for the classes it
    // has no country-wide rate for.
    std::set<std::string> classes = taxClasses_;
    bool shipsTaxed = taxedShipping_ && !shippingMethods_.empty();
    if (shipsTaxed) classes.insert(shippingClass);
    for (const auto& m : shippingMethods_) {
      for (const auto& country : m["countries"]) countries.insert(country.get<std::string>());
    }
    int64_t zeroRates = 0;
    for (const auto& country : countries) {
      std::vector<std::string> missing;
      for (const auto& c : classes) {
        if (!countryLevel[country].count(c)) missing.push_back(c);
      }
      if (missing.empty()) continue;
      rates.push_back({{"id", uniqueId("no-tax-" + country, ids)}, {"name", "No tax"}, {"country", country}, {"taxClasses", missing}, {"percent", "0"}});
      ++zeroRates;
    }
    if (rates.size() > kMaxTaxRates) {
      throw ImportError(std::to_string(rates.size()) + " tax rates (with the 0 % ones) is more than one config holds (" + std::to_string(kMaxTaxRates) + ")");
    }
    report_.count("tax rates", static_cast<int64_t>(rates.size()) - zeroRates);
    if (zeroRates > 0) report_.count("zero-rate entries", zeroRates);
    OJson tax;
    tax["pricesIncludeTax"] = setting(store_, "woocommerce_prices_include_tax", "no") == "yes";
    if (shipsTaxed) tax["shippingTaxClass"] = shippingClass;
    tax["rates"] = rates;
    return tax;
  }

  static std::string taxClassSlug(const std::string& wcClass) { return wcClass.empty() || wcClass == "standard" ? "standard" : wcClass; }

  const WooStore& store_;
  const MapOptions& options_;
  ImportReport& report_;
  std::string currency_;
  int exponent_ = 2;
  std::string weightUnit_;
  std::pair<int64_t, int64_t> weightFactor_{1000, 1};
  bool weightUnitKnown_ = false;
  bool weightsSeen_ = false;
  int64_t weightsRounded_ = 0;
  bool sequentialDiscounts_ = false;
  bool percentCoupons_ = false;
  bool taxedShipping_ = false, untaxedShipping_ = false;
  OJson products_ = OJson::array(), priceRules_ = OJson::array(), promotions_ = OJson::array();
  std::vector<OJson> shippingMethods_;
  std::set<std::string> productIds_, variantIds_, skus_, ruleIds_, promotionIds_, shippingIds_;
  int64_t variantCount_ = 0;
  std::map<int64_t, std::string> productByWcId_, variantByWcId_;
  std::set<std::string> categoriesInCatalog_, taxClasses_, saleVariants_, datedSaleVariants_;
  std::set<std::string> couponFree_;                           // methods a free-shipping coupon makes free
  std::map<int64_t, std::set<std::string>> couponFreeWithMin_;  // "both": coupon and a minimum
  std::map<std::size_t, int64_t> freeAbove_;  // shipping method index -> freeAbove in minor units

  void finishNotes() {
    if (weightsSeen_ && !weightUnitKnown_) {
      approximate("weights", "weight_unit_assumed", "the weight unit is unknown (no settings/products.json, no CSV weight header); kg assumed");
    }
    if (weightsRounded_ > 0) approximate("weights", "weight_rounded", std::to_string(weightsRounded_) + " weight(s) in " + weightUnit_ + " were rounded to whole grams");
  }
};

}  // namespace

nlohmann::ordered_json mapToConfig(const WooStore& store, const MapOptions& options, ImportReport& report,
                                   std::map<int64_t, std::string>* variantByWooId) {
  Mapper mapper(store, options, report);
  nlohmann::ordered_json config = mapper.run();
  if (variantByWooId) *variantByWooId = mapper.variantsByWooId();
  return config;
}

}  // namespace cartcore::import
