// SPDX-License-Identifier: MIT
// REST API v3 responses → WooStore. Field names and shapes follow the REST API reference
// (woocommerce/woocommerce-rest-api-docs, source/includes/wp-api-v3/_products.md, _product-variations.md,
// _coupons.md, _taxes.md, _shipping-zones.md, _shipping-zone-locations.md, _shipping-zone-methods.md, _settings.md).
#include <filesystem>
#include <set>

#include "decimal.hpp"
#include "text_input.hpp"
#include "woo_dates.hpp"
#include "woo_readers.hpp"

namespace cartcore::import {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

/** A saved response, or nullopt when the file does not exist. */
std::optional<Json> readJsonFile(const fs::path& path, const ReadOptions& options, ImportReport& report) {
  if (!fs::exists(path)) return std::nullopt;
  DecodedText text = decodeText(readFileLimited(path.string(), options.maxFileBytes), path.string());
  if (text.windows1252Line) {
    report.add(Severity::Warning, path.string() + " line " + std::to_string(*text.windows1252Line), "not_utf8",
               std::to_string(text.windows1252Bytes) + " byte(s) are not UTF-8 and were read as Windows-1252; check the names");
  }
  try {
    return Json::parse(text.utf8);
  } catch (const Json::parse_error& e) {
    throw ImportError(path.string() + ": not valid JSON (" + e.what() + ")");
  }
}

/** The array a list endpoint answers with; a saved error response is named as such. */
const Json& requireArray(const Json& json, const fs::path& path) {
  if (json.is_array()) return json;
  if (json.is_object() && json.contains("code") && json.contains("message")) {
    throw ImportError(path.string() + ": holds a WooCommerce error response (" + json["code"].dump() + ": " + json["message"].dump() +
                      "), not the endpoint's data; save it again with an API key that can read it");
  }
  throw ImportError(path.string() + ": expected the endpoint's JSON array, got " + json.type_name());
}

std::string textOf(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null() || it->is_boolean()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return decimalTextOf(*it).value_or("");
  return "";
}

std::optional<int64_t> intOf(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(s);
  }
  return std::nullopt;
}

bool boolOf(const Json& object, const char* key, bool fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_string()) return *it == "yes" || *it == "true" || *it == "1";
  return fallback;
}

std::vector<int64_t> idsOf(const Json& object, const char* key) {
  std::vector<int64_t> ids;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return ids;
  for (const auto& v : *it) {
    if (v.is_number_integer()) ids.push_back(v.get<int64_t>());
  }
  return ids;
}

std::vector<std::string> stringsOf(const Json& object, const char* key) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end()) return out;
  if (it->is_string() && !it->get_ref<const std::string&>().empty()) out.push_back(*it);
  if (it->is_array()) {
    for (const auto& v : *it) {
      if (v.is_string() && !v.get_ref<const std::string&>().empty()) out.push_back(v);
    }
  }
  return out;
}

/** A date from the *_gmt field, else the site-local one at the configured offset. */
std::optional<int64_t> dateOf(const Json& object, const char* key, int utcOffsetMinutes, bool& unreadable) {
  std::string gmt = textOf(object, (std::string(key) + "_gmt").c_str());
  std::string local = textOf(object, key);
  if (gmt.empty() && local.empty()) return std::nullopt;
  auto parsed = gmt.empty() ? parseWooDate(local, utcOffsetMinutes) : parseWooDate(gmt, 0);
  if (!parsed) unreadable = true;
  return parsed;
}

class RestReader {
 public:
  RestReader(fs::path directory, const ReadOptions& options, WooStore& store, ImportReport& report)
      : dir_(std::move(directory)), options_(options), store_(store), report_(report) {}

  void readSettings() {
    for (const char* group : {"general", "products", "tax"}) {
      fs::path path = dir_ / "settings" / (std::string(group) + ".json");
      auto json = readJsonFile(path, options_, report_);
      if (!json) continue;
      for (const auto& item : requireArray(*json, path)) {
        if (!item.is_object()) continue;
        std::string id = textOf(item, "id");
        if (!id.empty()) store_.settings[id] = textOf(item, "value");
      }
    }
  }

  void readCategories() {
    fs::path path = dir_ / "products" / "categories.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) return;
    for (const auto& c : requireArray(*json, path)) {
      auto id = intOf(c, "id");
      std::string slug = textOf(c, "slug");
      if (!id || slug.empty()) continue;
      store_.categories[*id] = {slug, textOf(c, "name"), intOf(c, "parent").value_or(0)};
    }
    haveCategoryFile_ = true;
  }

  /** A category's slug and its ancestors' (WooCommerce matches coupon categories on ancestors too). */
  void addCategoryWithAncestors(int64_t id, const std::string& fallbackSlug, std::vector<std::string>& out, const std::string& where) {
    auto it = store_.categories.find(id);
    if (it == store_.categories.end()) {
      if (!fallbackSlug.empty()) out.push_back(fallbackSlug);
      if (haveCategoryFile_ && unknownCategories_.insert(id).second) {
        report_.add(Severity::Warning, where, "unknown_category",
                    "category " + std::to_string(id) + " (\"" + fallbackSlug + "\") is not in products/categories.json, so its parents are not added");
      }
      return;
    }
    std::set<int64_t> seen;  // a parent loop in the data must not loop forever
    for (int64_t at = id; at != 0 && seen.insert(at).second;) {
      auto c = store_.categories.find(at);
      if (c == store_.categories.end()) break;
      out.push_back(c->second.slug);
      at = c->second.parent;
    }
  }

  WooProduct readProductFields(const Json& p, const std::string& where) {
    WooProduct out;
    out.where = where;
    out.id = intOf(p, "id").value_or(0);
    out.type = textOf(p, "type");
    if (out.type.empty()) out.type = "simple";
    if (std::string s = textOf(p, "status"); !s.empty()) out.status = s;
    out.name = textOf(p, "name");
    out.slug = textOf(p, "slug");
    out.sku = textOf(p, "sku");
    out.regularPrice = textOf(p, "regular_price");
    out.salePrice = textOf(p, "sale_price");
    out.saleFrom = dateOf(p, "date_on_sale_from", options_.utcOffsetMinutes, out.saleDatesUnreadable);
    out.saleTo = dateOf(p, "date_on_sale_to", options_.utcOffsetMinutes, out.saleDatesUnreadable);
    if (std::string s = textOf(p, "tax_status"); !s.empty()) out.taxStatus = s;
    out.taxClass = textOf(p, "tax_class");
    out.lowStockAmount = intOf(p, "low_stock_amount");
    out.weight = textOf(p, "weight");
    if (auto manage = p.find("manage_stock"); manage != p.end()) {
      if (manage->is_boolean()) out.manageStock = manage->get<bool>() ? "true" : "false";
      else if (*manage == "parent") out.manageStock = "parent";
    }
    out.stockQuantity = intOf(p, "stock_quantity");
    // Core Cost of Goods Sold (WooCommerce 9.5+): total_value is the effective cost, a variation's "additive" value
    // already added to its parent's. 0 is what WooCommerce reports when no cost was entered.
    if (auto cogs = p.find("cost_of_goods_sold"); cogs != p.end() && cogs->is_object()) {
      std::string total = textOf(*cogs, "total_value");
      auto d = parseDecimal(total);
      if (d && d->mantissa > 0) out.cost = total;
    }
    if (!out.cost) {
      std::vector<std::pair<std::string, std::string>> meta;
      if (auto m = p.find("meta_data"); m != p.end() && m->is_array()) {
        for (const auto& entry : *m) {
          if (entry.is_object()) meta.emplace_back(textOf(entry, "key"), textOf(entry, "value"));
        }
      }
      out.cost = costFromMeta(meta);
    }
    return out;
  }

  void readProducts() {
    fs::path path = dir_ / "products.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) {
      report_.add(Severity::Warning, path.string(), "no_products", "no products.json: the config has no products");
      return;
    }
    for (const auto& p : requireArray(*json, path)) {
      if (!p.is_object()) continue;
      std::string where = "product " + textOf(p, "id") + " \"" + textOf(p, "name") + "\"";
      WooProduct product = readProductFields(p, where);
      if (auto cats = p.find("categories"); cats != p.end() && cats->is_array()) {
        for (const auto& c : *cats) {
          if (c.is_object()) addCategoryWithAncestors(intOf(c, "id").value_or(0), textOf(c, "slug"), product.categories, where);
        }
      }
      if (auto attrs = p.find("attributes"); attrs != p.end() && attrs->is_array()) {
        for (const auto& a : *attrs) {
          if (!a.is_object()) continue;
          WooAttribute attribute{textOf(a, "name"), stringsOf(a, "options"), boolOf(a, "variation", false)};
          if (!attribute.name.empty()) product.attributes.push_back(std::move(attribute));
        }
      }
      // Variations of an unpublished product are not read: the product is skipped as a whole.
      bool variable = product.type == "variable" && product.status == "publish";
      int64_t id = product.id;
      store_.products.push_back(std::move(product));
      if (variable) readVariations(id, where);
    }
  }

  void readVariations(int64_t productId, const std::string& productWhere) {
    fs::path path = dir_ / "products" / std::to_string(productId) / "variations.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) {
      report_.add(Severity::Skipped, productWhere, "variations_missing",
                  "a variable product, but " + path.string() + " was not saved, so it has no variants to sell");
      return;
    }
    for (const auto& v : requireArray(*json, path)) {
      if (!v.is_object()) continue;
      std::string where = "variation " + textOf(v, "id") + " of " + productWhere;
      WooProduct variation = readProductFields(v, where);
      variation.type = "variation";
      variation.parentId = productId;
      if (auto attrs = v.find("attributes"); attrs != v.end() && attrs->is_array()) {
        for (const auto& a : *attrs) {
          // An "any" attribute is absent from the variation, or has an empty option.
          if (a.is_object() && !textOf(a, "option").empty()) variation.variationAttributes.emplace_back(textOf(a, "name"), textOf(a, "option"));
        }
      }
      store_.products.push_back(std::move(variation));
    }
  }

  void readCoupons() {
    fs::path path = dir_ / "coupons.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) return;
    for (const auto& c : requireArray(*json, path)) {
      if (!c.is_object()) continue;
      WooCoupon out;
      out.id = intOf(c, "id").value_or(0);
      out.code = textOf(c, "code");
      out.where = "coupon " + std::to_string(out.id) + " \"" + out.code + "\"";
      if (std::string s = textOf(c, "status"); !s.empty()) out.status = s;
      if (std::string t = textOf(c, "discount_type"); !t.empty()) out.discountType = t;
      out.amount = textOf(c, "amount");
      out.description = textOf(c, "description");
      bool unreadable = false;
      out.expiresAt = dateOf(c, "date_expires", options_.utcOffsetMinutes, unreadable);
      if (unreadable) report_.add(Severity::Warning, out.where, "unreadable_date", "the expiry date cannot be read, so the coupon does not expire");
      out.individualUse = boolOf(c, "individual_use", false);
      out.freeShipping = boolOf(c, "free_shipping", false);
      out.excludeSaleItems = boolOf(c, "exclude_sale_items", false);
      out.productIds = idsOf(c, "product_ids");
      out.excludedProductIds = idsOf(c, "excluded_product_ids");
      out.categoryIds = idsOf(c, "product_categories");
      out.excludedCategoryIds = idsOf(c, "excluded_product_categories");
      out.minimumAmount = textOf(c, "minimum_amount");
      out.maximumAmount = textOf(c, "maximum_amount");
      out.usageLimit = intOf(c, "usage_limit");
      out.usageLimitPerUser = intOf(c, "usage_limit_per_user");
      out.limitUsageToXItems = intOf(c, "limit_usage_to_x_items");
      out.emailRestrictions = stringsOf(c, "email_restrictions");
      store_.coupons.push_back(std::move(out));
    }
  }

  void readTaxRates() {
    fs::path path = dir_ / "taxes.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) return;
    for (const auto& t : requireArray(*json, path)) {
      if (!t.is_object()) continue;
      WooTaxRate out;
      out.id = intOf(t, "id").value_or(0);
      out.where = "tax rate " + std::to_string(out.id) + " \"" + textOf(t, "name") + "\"";
      out.country = textOf(t, "country");
      out.state = textOf(t, "state");
      out.postcodes = stringsOf(t, t.contains("postcodes") ? "postcodes" : "postcode");
      out.cities = stringsOf(t, t.contains("cities") ? "cities" : "city");
      out.rate = textOf(t, "rate");
      out.name = textOf(t, "name");
      out.priority = intOf(t, "priority").value_or(1);
      out.compound = boolOf(t, "compound", false);
      out.shipping = boolOf(t, "shipping", true);
      if (std::string c = textOf(t, "class"); !c.empty()) out.taxClass = c;
      store_.taxRates.push_back(std::move(out));
    }
  }

  void readShippingZones() {
    fs::path path = dir_ / "shipping" / "zones.json";
    auto json = readJsonFile(path, options_, report_);
    if (!json) return;
    for (const auto& z : requireArray(*json, path)) {
      if (!z.is_object()) continue;
      WooShippingZone zone;
      zone.id = intOf(z, "id").value_or(0);
      zone.name = textOf(z, "name");
      zone.order = intOf(z, "order").value_or(0);
      zone.where = "shipping zone " + std::to_string(zone.id) + " \"" + zone.name + "\"";
      fs::path zoneDir = dir_ / "shipping" / "zones" / std::to_string(zone.id);
      if (auto locations = readJsonFile(zoneDir / "locations.json", options_, report_)) {
        for (const auto& l : requireArray(*locations, zoneDir / "locations.json")) {
          if (l.is_object()) zone.locations.emplace_back(textOf(l, "type"), textOf(l, "code"));
        }
      } else if (zone.id != 0) {
        report_.add(Severity::Warning, zone.where, "zone_locations_missing",
                    (zoneDir / "locations.json").string() + " was not saved, so the zone serves no location");
      }
      if (auto methods = readJsonFile(zoneDir / "methods.json", options_, report_)) {
        for (const auto& m : requireArray(*methods, zoneDir / "methods.json")) {
          if (!m.is_object()) continue;
          WooShippingMethod method;
          method.instanceId = intOf(m, "instance_id").value_or(0);
          method.methodId = textOf(m, "method_id");
          method.title = textOf(m, "title");
          method.enabled = boolOf(m, "enabled", true);
          method.where = "shipping method " + std::to_string(method.instanceId) + " \"" + method.title + "\" in " + zone.where;
          if (auto settings = m.find("settings"); settings != m.end() && settings->is_object()) {
            for (const auto& [id, s] : settings->items()) {
              if (s.is_object()) method.settings[id] = textOf(s, "value");
            }
          }
          zone.methods.push_back(std::move(method));
        }
      }
      store_.zones.push_back(std::move(zone));
    }
  }

 private:
  fs::path dir_;
  const ReadOptions& options_;
  WooStore& store_;
  ImportReport& report_;
  bool haveCategoryFile_ = false;
  std::set<int64_t> unknownCategories_;
};

}  // namespace

std::optional<std::string> costFromMeta(const std::vector<std::pair<std::string, std::string>>& meta) {
  // The meta keys of the widely used cost plugins, most specific first: WooCommerce Cost of Goods (SkyVerge),
  // Cost of Goods for WooCommerce (WPFactory), and the purchase price of ATUM and similar inventory plugins.
  for (const char* key : {"_wc_cog_cost", "_alg_wc_cog_cost", "_purchase_price"}) {
    for (const auto& [k, v] : meta) {
      auto d = parseDecimal(v);
      if (k == key && d && d->mantissa > 0) return v;
    }
  }
  return std::nullopt;
}

void readRestExport(const std::string& directory, bool withProducts, const ReadOptions& options, WooStore& store, ImportReport& report) {
  if (!fs::is_directory(directory)) throw ImportError(directory + ": not a directory of saved REST API responses");
  RestReader reader(directory, options, store, report);
  reader.readSettings();
  reader.readCategories();
  if (withProducts) reader.readProducts();
  reader.readCoupons();
  reader.readTaxRates();
  reader.readShippingZones();
}

}  // namespace cartcore::import
