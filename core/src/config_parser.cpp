// SPDX-License-Identifier: MIT
// Store config → CompiledStore: strict validation with JSON pointers, selector resolution and rule indexing.
#include <algorithm>
#include <set>

#include "config_stacking.hpp"
#include "currency.hpp"
#include "input_error.hpp"
#include "sha256.hpp"
#include "store.hpp"
#include "timestamp.hpp"

namespace cartcore {

std::string normalizeCoupon(std::string_view code) {
  std::size_t first = code.find_first_not_of(' ');
  std::size_t last = code.find_last_not_of(' ');
  std::string out = first == std::string_view::npos ? std::string() : std::string(code.substr(first, last - first + 1));
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string variantConfigPointer(const VariantInfo& variant, std::string_view field) {
  return childPointer(childPointer(childPointer(childPointer("/catalog/products", variant.configProduct), "variants"), variant.configVariant), field);
}

namespace {

constexpr std::size_t kMaxProducts = 100000;
constexpr std::size_t kMaxVariantsPerProduct = 1000;
constexpr std::size_t kMaxRules = 100000;
constexpr std::size_t kMaxListItems = 10000;
constexpr int kMaxSelectorDepth = 16;
// Compile-time budgets (docs/FORMAT.md "Limits and cost"), each too_complex past it: the variant entries selectors
// touch while they are resolved (unions and intersections of catalog sets), and the entries the per-variant rule
// index holds (rules selecting more than half the catalog are listed once instead, see CompiledStore).
constexpr int64_t kMaxSelectorWork = 100'000'000;
constexpr int64_t kMaxIndexEntries = 20'000'000;
constexpr int64_t kMaxQuantityInRule = 1'000'000;

Minor largestConvertedAmount(const CompiledStore& store);

/** Indexes over the catalog that turn selector leaves into variant sets without scanning every variant. */
struct CatalogIndex {
  VariantSet everything;
  std::map<std::string, VariantSet> byProduct;
  std::map<std::string, VariantSet> byCategory;
  std::map<std::string, std::map<std::string, VariantSet>> byAttribute;  // name -> value -> variants
};

class ConfigCompiler {
 public:
  explicit ConfigCompiler(CompiledStore& store) : store_(store) {}

  void compile(const Json& config) {
    ObjectReader root(config, "");
    int64_t schema = readInteger(root.required("schemaVersion"), "/schemaVersion", 0, INT64_MAX);
    if (schema != 1) fail(ErrorCode::UnsupportedSchemaVersion, "/schemaVersion", "only schemaVersion 1 is supported");
    readStore(root.required("store"));
    // Rates first: a variant's price list may only name currencies that have one.
    if (const Json* currencies = root.optional("currencies")) readCurrencies(*currencies);
    readCatalog(root.required("catalog"));
    if (const Json* rules = root.optional("priceRules")) readPriceRules(*rules);
    // Shipping before promotions: a free-shipping promotion may name the methods it makes free.
    if (const Json* shipping = root.optional("shipping")) readShipping(*shipping);
    if (const Json* promotions = root.optional("promotions")) readPromotions(*promotions);
    if (const Json* tax = root.optional("tax")) readTax(*tax);
    if (const Json* floors = root.optional("marginFloors")) readMarginFloors(*floors);
    if (const Json* holds = root.optional("holds")) readHolds(*holds);
    root.finish();
    buildIndexes();
    stackingRules_.resolve(store_);  // after the indexes: stacksWhen's codes must unlock some promotion
    // The canonical dump (sorted keys, fixed formatting) is what the digest covers, so whitespace or key order in
    // the uploaded text never changes it.
    store_.configDigest = "sha256:" + sha256Hex(config.dump());
    // Amounts convert when a quote reads them (CartCurrency), not into a copy of the store per currency: 158 rates
    // once made 158 copies. Conversion only grows with the amount, so if the largest amount fits in every currency,
    // every amount does, and a quote can never meet an amount_overflow the config did not.
    const Minor largest = largestConvertedAmount(store_);
    std::vector<const VariantInfo*> listed;  // prices with a price list convert only where the list has no entry
    for (const auto& v : store_.variants) {
      if (!v.priceList.empty()) listed.push_back(&v);
    }
    for (const auto& [currency, rate] : store_.currencies.rates) {
      const int exponent = *currencyExponent(currency);
      Minor largestHere = largest;
      for (const VariantInfo* v : listed) {
        if (!v->priceList.count(currency)) largestHere = std::max(largestHere, v->price);
      }
      auto ending = store_.currencies.priceEndings.find(currency);
      const int64_t atRate = rate;  // clang 14 (Emscripten) cannot capture a structured binding
      auto fits = [&](Minor amount, bool shelfPrice) {
        try {
          Minor converted = convertMoney(amount, atRate, kRateDecimals, store_.exponent, exponent);
          if (shelfPrice && ending != store_.currencies.priceEndings.end()) applyPriceEnding(converted, ending->second, exponent);
          return true;
        } catch (InputError&) {
          return false;
        }
      };
      if (fits(largestHere, true)) continue;
      // Name the field to lower: a price or a cost too large for this rate, else the rate (every rule amount,
      // threshold and shipping amount converts with it). Only on this error, one pass over the catalog.
      std::string pointer = childPointer("/currencies/rates", currency);
      for (const auto& v : store_.variants) {
        if (!v.priceList.count(currency) && !fits(v.price, true)) pointer = variantConfigPointer(v, "price");
        else if (v.cost && !fits(*v.cost, false)) pointer = variantConfigPointer(v, "cost");
        else continue;
        break;
      }
      fail(ErrorCode::AmountOverflow, pointer, "this amount in " + currency + " at the configured rate exceeds the supported range");
    }
  }

 private:
  void readStore(const Json& value) {
    ObjectReader store(value, "/store");
    if (const Json* name = store.optional("name")) store_.name = readString(*name, store.pointerTo("name"));
    store_.currency = readString(store.required("currency"), "/store/currency");
    auto exponent = currencyExponent(store_.currency);
    if (!exponent) fail(ErrorCode::UnknownCurrency, "/store/currency", "\"" + store_.currency + "\" is not an ISO 4217 currency");
    store_.exponent = *exponent;
    if (const Json* level = store.optional("lowStockLevel")) {
      defaultLowStockLevel_ = readInteger(*level, "/store/lowStockLevel", 0, kMaxQuantityInRule);
    }
    if (const Json* codes = store.optional("maxCodesPerOrder")) {
      store_.maxCodesPerOrder = readInteger(*codes, "/store/maxCodesPerOrder", 1, static_cast<int64_t>(kMaxCouponsPerCart));
    }
    store.finish();
  }

  void readHolds(const Json& value) {
    ObjectReader holds(value, "/holds");
    if (const Json* honor = holds.optional("honorEndedWindows")) {
      store_.honorEndedWindows = readBool(*honor, "/holds/honorEndedWindows");
    }
    holds.finish();
  }

  // ---- currencies -----------------------------------------------------------------------------------------------

  std::string readCurrencyCode(const Json& value, const std::string& pointer) {
    std::string code = readString(value, pointer);
    if (!currencyExponent(code)) fail(ErrorCode::UnknownCurrency, pointer, "\"" + code + "\" is not an ISO 4217 currency");
    return code;
  }

  /** A rate is a positive decimal string with at most kRateDecimals decimals, e.g. "0.9215" or "151.2". */
  int64_t readRate(const Json& value, const std::string& pointer) {
    std::string text = readString(value, pointer);
    // parseMoney with exponent kRateDecimals gives exactly the scaled integer; it rejects signs and excess decimals.
    int64_t scaled = parseMoney(text, kRateDecimals, pointer);
    if (scaled == 0) fail(ErrorCode::InvalidValue, pointer, "a rate must be greater than zero");
    if (scaled > powerOfTen(5) * powerOfTen(kRateDecimals)) fail(ErrorCode::OutOfRange, pointer, "a rate must be at most 100000");
    return scaled;
  }

  void readCurrencies(const Json& value) {
    ObjectReader c(value, "/currencies");
    CurrencySettings& out = store_.currencies;
    const Json& rates = c.required("rates");
    if (!rates.is_object()) fail(ErrorCode::InvalidType, "/currencies/rates", "rates is an object of currency code to decimal string");
    if (rates.size() > 200) fail(ErrorCode::TooManyItems, "/currencies/rates", "at most 200 rates");
    for (const auto& [code, rate] : rates.items()) {
      std::string ptr = childPointer("/currencies/rates", code);
      if (!currencyExponent(code)) fail(ErrorCode::UnknownCurrency, ptr, "\"" + code + "\" is not an ISO 4217 currency");
      if (code == store_.currency) fail(ErrorCode::InvalidValue, ptr, "the store currency needs no rate");
      out.rates[code] = readRate(rate, ptr);
    }
    out.ratesAsOf = parseTimestamp(readString(c.required("asOf"), "/currencies/asOf"), "/currencies/asOf");
    if (const Json* age = c.optional("maxAgeMinutes")) {
      out.maxRateAgeMillis = readInteger(*age, "/currencies/maxAgeMinutes", 1, 525'600) * 60'000;
    }
    if (const Json* policy = c.optional("staleRates")) {
      std::string p = readString(*policy, "/currencies/staleRates");
      if (p != "refuse" && p != "warn") fail(ErrorCode::InvalidValue, "/currencies/staleRates", "staleRates is \"refuse\" or \"warn\"");
      out.refuseStaleRates = p == "refuse";
    }
    if (const Json* countries = c.optional("countries")) {
      if (!countries->is_object()) fail(ErrorCode::InvalidType, "/currencies/countries", "countries is an object of country code to currency");
      for (const auto& [country, currency] : countries->items()) {
        std::string ptr = childPointer("/currencies/countries", country);
        checkCountryCode(country, ptr);
        std::string code = readCurrencyCode(currency, ptr);
        requireRate(code, ptr);
        out.countries[country] = code;
      }
    }
    if (const Json* endings = c.optional("priceEndings")) {
      if (!endings->is_object()) fail(ErrorCode::InvalidType, "/currencies/priceEndings", "priceEndings is an object of currency to ending");
      for (const auto& [code, ending] : endings->items()) {
        std::string ptr = childPointer("/currencies/priceEndings", code);
        auto exponent = currencyExponent(code);
        if (!exponent) fail(ErrorCode::UnknownCurrency, ptr, "\"" + code + "\" is not an ISO 4217 currency");
        requireRate(code, ptr);
        Minor minor = parseMoney(readString(ending, ptr), *exponent, ptr);
        if (minor >= powerOfTen(*exponent)) fail(ErrorCode::InvalidValue, ptr, "an ending is below one whole unit, e.g. \"0.99\" or \"0.00\"");
        out.priceEndings[code] = minor;
      }
    }
    c.finish();
  }

  void requireRate(const std::string& currency, const std::string& pointer) {
    if (currency != store_.currency && !store_.currencies.rates.count(currency)) {
      fail(ErrorCode::MissingRate, pointer, "no exchange rate for " + currency + " in /currencies/rates");
    }
  }

  static void checkCountryCode(const std::string& code, const std::string& pointer) {
    if (code.size() != 2 || !(code[0] >= 'A' && code[0] <= 'Z') || !(code[1] >= 'A' && code[1] <= 'Z')) {
      fail(ErrorCode::InvalidValue, pointer, "a country is an ISO 3166-1 alpha-2 code in capitals, e.g. \"DE\"");
    }
  }

  std::map<std::string, Minor> readPriceList(const Json& value, const std::string& pointer) {
    if (!value.is_object()) fail(ErrorCode::InvalidType, pointer, "prices is an object of currency code to decimal string");
    std::map<std::string, Minor> out;
    for (const auto& [code, price] : value.items()) {
      std::string ptr = childPointer(pointer, code);
      auto exponent = currencyExponent(code);
      if (!exponent) fail(ErrorCode::UnknownCurrency, ptr, "\"" + code + "\" is not an ISO 4217 currency");
      if (code == store_.currency) fail(ErrorCode::InvalidValue, ptr, "the store-currency price is \"price\"");
      requireRate(code, ptr);  // rule amounts, shipping and costs still convert at the rate
      out[code] = parseMoney(readString(price, ptr), *exponent, ptr);
    }
    return out;
  }

  void readCatalog(const Json& value) {
    ObjectReader catalog(value, "/catalog");
    const auto& products = readArray(catalog.required("products"), "/catalog/products", kMaxProducts);
    catalog.finish();
    std::set<std::string> productIds;
    // Variants are collected first, then sorted by id so indexes do not depend on the config's order.
    struct Pending {
      VariantInfo info;
      std::string pointer;
    };
    std::vector<Pending> pending;
    for (std::size_t p = 0; p < products.size(); ++p) {
      std::string ptr = childPointer("/catalog/products", p);
      ObjectReader product(products[p], ptr);
      std::string productId = readId(product.required("id"), product.pointerTo("id"));
      if (!productIds.insert(productId).second) fail(ErrorCode::DuplicateId, product.pointerTo("id"), "product \"" + productId + "\" is defined twice");
      std::string productName = productId;
      if (const Json* name = product.optional("name")) productName = readString(*name, product.pointerTo("name"));
      productNames_[productId] = productName;
      std::vector<std::string> categories;
      if (const Json* c = product.optional("categories")) categories = readIdList(*c, product.pointerTo("categories"), 100, true);
      std::map<std::string, std::string> attributes;
      if (const Json* a = product.optional("attributes")) attributes = readAttributes(*a, product.pointerTo("attributes"));
      std::string taxClass = "standard";
      if (const Json* t = product.optional("taxClass")) taxClass = readId(*t, product.pointerTo("taxClass"));
      const auto& variants = readArray(product.required("variants"), product.pointerTo("variants"), kMaxVariantsPerProduct);
      if (variants.empty()) fail(ErrorCode::InvalidValue, product.pointerTo("variants"), "a product needs at least one variant");
      for (std::size_t v = 0; v < variants.size(); ++v) {
        std::string vptr = childPointer(product.pointerTo("variants"), v);
        ObjectReader variant(variants[v], vptr);
        VariantInfo info;
        info.id = readId(variant.required("id"), variant.pointerTo("id"));
        info.productId = productId;
        info.sku = info.id;
        if (const Json* sku = variant.optional("sku")) info.sku = readId(*sku, variant.pointerTo("sku"));
        info.name = productName;
        if (const Json* name = variant.optional("name")) info.name = readString(*name, variant.pointerTo("name"));
        info.attributes = attributes;
        if (const Json* a = variant.optional("attributes")) {
          for (auto& [k, val] : readAttributes(*a, variant.pointerTo("attributes"))) info.attributes[k] = val;
        }
        info.categories = categories;
        if (const Json* c = variant.optional("categories")) {
          for (auto& cat : readIdList(*c, variant.pointerTo("categories"), 100, true)) info.categories.push_back(cat);
        }
        std::sort(info.categories.begin(), info.categories.end());
        info.categories.erase(std::unique(info.categories.begin(), info.categories.end()), info.categories.end());
        info.price = parseMoney(readString(variant.required("price"), variant.pointerTo("price")), store_.exponent, variant.pointerTo("price"));
        if (const Json* cost = variant.optional("cost")) {
          info.cost = parseMoney(readString(*cost, variant.pointerTo("cost")), store_.exponent, variant.pointerTo("cost"));
        }
        if (const Json* prices = variant.optional("prices")) info.priceList = readPriceList(*prices, variant.pointerTo("prices"));
        info.taxClass = taxClass;
        if (const Json* t = variant.optional("taxClass")) info.taxClass = readId(*t, variant.pointerTo("taxClass"));
        if (const Json* w = variant.optional("weightGrams")) info.weightGrams = readInteger(*w, variant.pointerTo("weightGrams"), 0, 100'000'000);
        info.lowStockLevel = defaultLowStockLevel_;
        if (const Json* l = variant.optional("lowStockLevel")) info.lowStockLevel = readInteger(*l, variant.pointerTo("lowStockLevel"), 0, kMaxQuantityInRule);
        // Enforced by the server on holds (units one customer may hold and buy); validated here, never priced.
        if (const Json* limit = variant.optional("purchaseLimit")) readInteger(*limit, variant.pointerTo("purchaseLimit"), 1, kMaxLineQuantity);
        variant.finish();
        info.configProduct = static_cast<uint32_t>(p);
        info.configVariant = static_cast<uint32_t>(v);
        pending.push_back({std::move(info), vptr});
      }
      product.finish();
    }
    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) { return a.info.id < b.info.id; });
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (i > 0 && pending[i].info.id == store_.variants.back().id) {
        fail(ErrorCode::DuplicateId, pending[i].pointer + "/id", "variant \"" + pending[i].info.id + "\" is defined twice");
      }
      store_.variantIndex.emplace(pending[i].info.id, static_cast<uint32_t>(i));
      store_.variants.push_back(std::move(pending[i].info));
    }
    // Built as ascending lists, then stored sparsely: a category holding most of the catalog keeps its exceptions.
    const auto universe = static_cast<uint32_t>(store_.variants.size());
    std::map<std::string, std::vector<uint32_t>> byProduct, byCategory;
    std::map<std::string, std::map<std::string, std::vector<uint32_t>>> byAttribute;
    for (uint32_t i = 0; i < universe; ++i) {
      const VariantInfo& v = store_.variants[i];
      byProduct[v.productId].push_back(i);
      for (const auto& c : v.categories) byCategory[c].push_back(i);
      for (const auto& [k, val] : v.attributes) byAttribute[k][val].push_back(i);
    }
    index_.everything = VariantSet::all(universe);
    for (auto& [id, list] : byProduct) index_.byProduct.emplace(id, VariantSet::of(std::move(list), universe));
    for (auto& [id, list] : byCategory) index_.byCategory.emplace(id, VariantSet::of(std::move(list), universe));
    for (auto& [name, values] : byAttribute) {
      for (auto& [value, list] : values) index_.byAttribute[name].emplace(value, VariantSet::of(std::move(list), universe));
    }
  }

  std::map<std::string, std::string> readAttributes(const Json& value, const std::string& pointer) {
    if (!value.is_object()) fail(ErrorCode::InvalidType, pointer, "attributes must be an object of strings");
    if (value.size() > 100) fail(ErrorCode::TooManyItems, pointer, "at most 100 attributes");
    std::map<std::string, std::string> out;
    for (const auto& [k, val] : value.items()) {
      if (k.empty()) fail(ErrorCode::InvalidValue, pointer, "attribute names must not be empty");
      out[k] = readString(val, childPointer(pointer, k));
    }
    return out;
  }

  // ---- selectors ------------------------------------------------------------------------------------------------

  uint32_t universe() const { return static_cast<uint32_t>(store_.variants.size()); }

  /** A union (or intersection) of two selector sets, charged to the compile's selector budget. */
  VariantSet combineSets(const VariantSet& a, const VariantSet& b, bool isUnion, const std::string& pointer) {
    selectorWork_ += static_cast<int64_t>(a.storedCount() + b.storedCount()) + 1;
    if (selectorWork_ > kMaxSelectorWork) {
      fail(ErrorCode::TooComplex, pointer,
           "resolving this config's selectors touches more than " + std::to_string(kMaxSelectorWork) +
               " catalog entries; use fewer or narrower selectors (e.g. a category instead of many products)");
    }
    return isUnion ? unite(a, b) : intersect(a, b);
  }

  /** A variant as a shopper tells it apart: its own name, else the product's with its attribute values. */
  std::string variantNoun(const VariantInfo& variant) const {
    if (variant.name != productNames_.at(variant.productId) || variant.attributes.empty()) return variant.name;
    std::string values;
    for (const auto& [key, value] : variant.attributes) values += (values.empty() ? "" : ", ") + value;
    return variant.name + " (" + values + ")";
  }

  /** Reads a selector; `noun`, when given, receives what it names (see ItemNoun). */
  VariantSet readSelector(const Json& value, const std::string& pointer, ItemNoun* noun) {
    ItemNoun named;
    VariantSet result = readSelector(value, pointer, 0, &named);
    *noun = std::move(named);
    return result;
  }

  VariantSet readSelector(const Json& value, const std::string& pointer, int depth = 0, ItemNoun* noun = nullptr) {
    if (depth > kMaxSelectorDepth) fail(ErrorCode::OutOfRange, pointer, "selectors nest at most 16 deep");
    ObjectReader selector(value, pointer);
    VariantSet result = VariantSet::of({}, universe());
    int forms = 0;
    auto lookupAll = [&](const char* key, const std::map<std::string, VariantSet>& index, const char* what) {
      const Json* list = selector.optional(key);
      if (!list) return;
      ++forms;
      auto ids = readIdList(*list, selector.pointerTo(key), kMaxListItems, false);
      if (noun && ids.size() == 1) {
        bool product = std::string_view(key) == "products";
        *noun = {product ? ItemNoun::Kind::Product : ItemNoun::Kind::Category,
                 product && productNames_.count(ids[0]) ? productNames_.at(ids[0]) : ids[0], ""};
      }
      for (std::size_t i = 0; i < ids.size(); ++i) {
        auto it = index.find(ids[i]);
        if (it == index.end()) {
          fail(ErrorCode::UnknownReference, childPointer(selector.pointerTo(key), i), std::string("no ") + what + " \"" + ids[i] + "\" in the catalog");
        }
        result = combineSets(result, it->second, true, selector.pointerTo(key));
      }
    };
    if (const Json* everything = selector.optional("everything")) {
      ++forms;
      if (!readBool(*everything, selector.pointerTo("everything"))) {
        fail(ErrorCode::InvalidValue, selector.pointerTo("everything"), "use {\"everything\": true}");
      }
      result = index_.everything;
    }
    lookupAll("products", index_.byProduct, "product");
    lookupAll("categories", index_.byCategory, "category");
    if (const Json* list = selector.optional("variants")) {
      ++forms;
      auto ids = readIdList(*list, selector.pointerTo("variants"), kMaxListItems, false);
      std::vector<uint32_t> listed;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        auto it = store_.variantIndex.find(ids[i]);
        if (it == store_.variantIndex.end()) {
          fail(ErrorCode::UnknownReference, childPointer(selector.pointerTo("variants"), i), "no variant \"" + ids[i] + "\" in the catalog");
        }
        listed.push_back(it->second);
      }
      std::sort(listed.begin(), listed.end());
      listed.erase(std::unique(listed.begin(), listed.end()), listed.end());
      if (noun && listed.size() == 1) *noun = {ItemNoun::Kind::Variant, variantNoun(store_.variants[listed[0]]), ""};
      result = VariantSet::of(std::move(listed), universe());
    }
    if (const Json* attribute = selector.optional("attribute")) {
      ++forms;
      std::string name = readId(*attribute, selector.pointerTo("attribute"));
      result = readAttributePredicate(selector, name);
      if (noun) {  // one value names what to add ("size XL"); several, or notIn, do not
        if (const Json* equals = selector.optional("equals")) {
          *noun = {ItemNoun::Kind::Attribute, name, readString(*equals, selector.pointerTo("equals"))};
        } else if (const Json* in = selector.optional("in"); in && in->size() == 1) {
          *noun = {ItemNoun::Kind::Attribute, name, readString(readArray(*in, selector.pointerTo("in"), 1)[0], childPointer(selector.pointerTo("in"), 0))};
        }
      }
    }
    auto combine = [&](const char* key, bool isAll) {
      const Json* list = selector.optional(key);
      if (!list) return;
      ++forms;
      const auto& parts = readArray(*list, selector.pointerTo(key), 100);
      if (parts.empty()) fail(ErrorCode::InvalidValue, selector.pointerTo(key), std::string("\"") + key + "\" needs at least one selector");
      for (std::size_t i = 0; i < parts.size(); ++i) {
        VariantSet part = readSelector(parts[i], childPointer(selector.pointerTo(key), i), depth + 1);
        result = i == 0 ? part : combineSets(result, part, !isAll, selector.pointerTo(key));
      }
    };
    combine("all", true);
    combine("any", false);
    if (const Json* inner = selector.optional("not")) {
      ++forms;
      result = complement(readSelector(*inner, selector.pointerTo("not"), depth + 1));
    }
    if (forms == 0) {
      selector.finish();  // names the unknown key, if any
      fail(ErrorCode::InvalidValue, pointer, "a selector needs one of everything, products, variants, categories, attribute, all, any, not");
    }
    if (forms > 1) fail(ErrorCode::InvalidValue, pointer, "a selector takes exactly one form; combine forms with \"all\"");
    selector.finish();
    return result;
  }

  VariantSet readAttributePredicate(ObjectReader& selector, const std::string& name) {
    auto attribute = index_.byAttribute.find(name);
    if (attribute == index_.byAttribute.end()) {
      fail(ErrorCode::UnknownReference, selector.pointerTo("attribute"), "no variant has attribute \"" + name + "\"");
    }
    const auto& byValue = attribute->second;
    const Json* equals = selector.optional("equals");
    const Json* in = selector.optional("in");
    const Json* notIn = selector.optional("notIn");
    if ((equals != nullptr) + (in != nullptr) + (notIn != nullptr) != 1) {
      fail(ErrorCode::InvalidValue, selector.pointer(), "an attribute selector needs exactly one of equals, in, notIn");
    }
    std::vector<std::string> values;
    std::string listPointer;
    if (equals) {
      values.push_back(readString(*equals, selector.pointerTo("equals")));
      listPointer = selector.pointerTo("equals");
    } else {
      const char* key = in ? "in" : "notIn";
      listPointer = selector.pointerTo(key);
      const auto& list = readArray(in ? *in : *notIn, listPointer, kMaxListItems);
      for (std::size_t i = 0; i < list.size(); ++i) values.push_back(readString(list[i], childPointer(listPointer, i)));
    }
    VariantSet matched = VariantSet::of({}, universe());
    for (std::size_t i = 0; i < values.size(); ++i) {
      auto it = byValue.find(values[i]);
      if (it == byValue.end()) {
        // A value no variant has is almost always a typo; notIn tolerates it because excluding nothing is harmless.
        if (notIn) continue;
        fail(ErrorCode::UnknownReference, equals ? listPointer : childPointer(listPointer, i),
             "no variant has " + name + " = \"" + values[i] + "\"");
      }
      matched = combineSets(matched, it->second, true, listPointer);
    }
    return notIn ? complement(matched) : matched;
  }

  // ---- shared rule pieces ---------------------------------------------------------------------------------------

  /** The set's first variant when every variant in it belongs to one product (so at most kMaxVariantsPerProduct). */
  std::optional<uint32_t> singleProductVariant(const VariantSet& set) const {
    if (set.empty() || set.size() > kMaxVariantsPerProduct) return std::nullopt;
    const std::string& product = store_.variants[set.front()].productId;
    for (uint32_t v : set) {
      if (store_.variants[v].productId != product) return std::nullopt;
    }
    return set.front();
  }

  /** The product every variant of the set belongs to, as a noun; Generic when they span several. */
  ItemNoun oneProductNoun(const VariantSet& set) const {
    std::optional<uint32_t> variant = singleProductVariant(set);
    if (!variant) return {};
    return {ItemNoun::Kind::Product, productNames_.at(store_.variants[*variant].productId), ""};
  }

  /** Reads an object's "id", which must be new to `seen` (else DuplicateId naming the `noun`). */
  static std::string readUniqueId(ObjectReader& object, std::set<std::string>& seen, const char* noun) {
    std::string id = readId(object.required("id"), object.pointerTo("id"));
    if (!seen.insert(id).second) fail(ErrorCode::DuplicateId, object.pointerTo("id"), std::string(noun) + " \"" + id + "\" is defined twice");
    return id;
  }

  /** The optional display "name", which defaults to the id. */
  static std::string readName(ObjectReader& object, const std::string& id) {
    const Json* name = object.optional("name");
    return name ? readString(*name, object.pointerTo("name")) : id;
  }

  /** Reads exactly one of the given price-change keys from an object (e.g. percentOff / amountOff / unitPrice). */
  PriceChange readPriceChange(ObjectReader& object, const char* fixedKey, bool allowFixed = true) {
    const Json* percent = object.optional("percentOff");
    const Json* amount = object.optional("amountOff");
    const Json* fixed = allowFixed ? object.optional(fixedKey) : nullptr;
    if ((percent != nullptr) + (amount != nullptr) + (fixed != nullptr) != 1) {
      fail(ErrorCode::InvalidValue, object.pointer(),
           allowFixed ? std::string("needs exactly one of percentOff, amountOff, ") + fixedKey : "needs exactly one of percentOff, amountOff");
    }
    if (percent) return {PriceChange::Kind::PercentOff, parsePercent(readString(*percent, object.pointerTo("percentOff")), object.pointerTo("percentOff"))};
    if (amount) return {PriceChange::Kind::AmountOff, parseMoney(readString(*amount, object.pointerTo("amountOff")), store_.exponent, object.pointerTo("amountOff"))};
    return {PriceChange::Kind::FixedPrice, parseMoney(readString(*fixed, object.pointerTo(fixedKey)), store_.exponent, object.pointerTo(fixedKey))};
  }

  TimeWindow readWindow(const Json& startsAt, const std::string& startPtr, const Json& endsAt, const std::string& endPtr) {
    TimeWindow w{parseTimestamp(readString(startsAt, startPtr), startPtr), parseTimestamp(readString(endsAt, endPtr), endPtr)};
    if (w.end <= w.start) fail(ErrorCode::InvalidValue, endPtr, "endsAt must be after startsAt");
    return w;
  }

  std::vector<std::string> readSegments(const Json& value, const std::string& pointer) {
    auto segments = readIdList(value, pointer, 100, true);
    if (segments.empty()) fail(ErrorCode::InvalidValue, pointer, "list at least one segment, or leave the field out");
    std::sort(segments.begin(), segments.end());
    return segments;
  }

  // ---- price rules ----------------------------------------------------------------------------------------------

  void readPriceRules(const Json& value) {
    const auto& rules = readArray(value, "/priceRules", kMaxRules);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      std::string ptr = childPointer("/priceRules", i);
      ObjectReader rule(rules[i], ptr);
      PriceRule out;
      out.id = readUniqueId(rule, ids, "price rule");
      out.name = readName(rule, out.id);
      out.targets = readSelector(rule.required("selector"), rule.pointerTo("selector"));
      std::string type = readString(rule.required("type"), rule.pointerTo("type"));
      if (type == "tiered") {
        out.type = PriceRule::Type::Tiered;
        if (const Json* scope = rule.optional("scope")) {
          std::string s = readString(*scope, rule.pointerTo("scope"));
          if (s != "line" && s != "mixAndMatch") fail(ErrorCode::InvalidValue, rule.pointerTo("scope"), "scope is \"line\" or \"mixAndMatch\"");
          out.mixAndMatch = s == "mixAndMatch";
        }
        const auto& tiers = readArray(rule.required("tiers"), rule.pointerTo("tiers"), 100);
        if (tiers.empty()) fail(ErrorCode::InvalidValue, rule.pointerTo("tiers"), "a tiered rule needs at least one tier");
        for (std::size_t t = 0; t < tiers.size(); ++t) {
          ObjectReader tier(tiers[t], childPointer(rule.pointerTo("tiers"), t));
          QuantityTier q;
          q.minQuantity = readInteger(tier.required("minQuantity"), tier.pointerTo("minQuantity"), 1, kMaxQuantityInRule);
          q.change = readPriceChange(tier, "unitPrice");
          tier.finish();
          if (!out.tiers.empty() && q.minQuantity <= out.tiers.back().minQuantity) {
            fail(ErrorCode::InvalidValue, tier.pointerTo("minQuantity"), "tiers must be listed by increasing minQuantity");
          }
          out.tiers.push_back(q);
        }
      } else if (type == "memberPrice") {
        out.type = PriceRule::Type::MemberPrice;
        out.segments = readSegments(rule.required("segments"), rule.pointerTo("segments"));
        out.change = readPriceChange(rule, "unitPrice");
      } else if (type == "flashSale") {
        out.type = PriceRule::Type::FlashSale;
        out.window = readWindow(rule.required("startsAt"), rule.pointerTo("startsAt"), rule.required("endsAt"), rule.pointerTo("endsAt"));
        out.change = readPriceChange(rule, "unitPrice");
      } else {
        fail(ErrorCode::InvalidValue, rule.pointerTo("type"), "price rule type is tiered, memberPrice or flashSale");
      }
      rule.finish();
      store_.priceRules.push_back(std::move(out));
    }
    std::sort(store_.priceRules.begin(), store_.priceRules.end(), [](const PriceRule& a, const PriceRule& b) { return a.id < b.id; });
  }

  // ---- promotions -----------------------------------------------------------------------------------------------

  Conditions readConditions(const Json& value, const std::string& pointer) {
    ObjectReader c(value, pointer);
    Conditions out;
    if (const Json* s = c.optional("segments")) out.segments = readSegments(*s, c.pointerTo("segments"));
    if (const Json* w = c.optional("window")) {
      ObjectReader window(*w, c.pointerTo("window"));
      out.window = readWindow(window.required("startsAt"), window.pointerTo("startsAt"), window.required("endsAt"), window.pointerTo("endsAt"));
      window.finish();
    }
    if (const Json* m = c.optional("minSubtotal")) out.minSubtotal = parseMoney(readString(*m, c.pointerTo("minSubtotal")), store_.exponent, c.pointerTo("minSubtotal"));
    if (const Json* q = c.optional("minQuantity")) out.minQuantity = readInteger(*q, c.pointerTo("minQuantity"), 1, kMaxQuantityInRule);
    if (const Json* cur = c.optional("currencies")) {
      out.currencies = readIdList(*cur, c.pointerTo("currencies"), 200, true);
      for (std::size_t i = 0; i < out.currencies.size(); ++i) {
        if (!currencyExponent(out.currencies[i])) {
          fail(ErrorCode::UnknownCurrency, childPointer(c.pointerTo("currencies"), i), "\"" + out.currencies[i] + "\" is not an ISO 4217 currency");
        }
      }
    }
    if (const Json* g = c.optional("stockGuard")) {
      ObjectReader guard(*g, c.pointerTo("stockGuard"));
      StockGuard sg;
      sg.variants = readSelector(guard.required("selector"), guard.pointerTo("selector"));
      sg.minAvailable = readInteger(guard.required("minAvailable"), guard.pointerTo("minAvailable"), 1, kMaxQuantityInRule);
      guard.finish();
      out.stockGuard = std::move(sg);
    }
    c.finish();
    return out;
  }

  int64_t readMaxApplications(ObjectReader& promo) {
    const Json* m = promo.optional("maxApplications");
    return m ? readInteger(*m, promo.pointerTo("maxApplications"), 1, kMaxQuantityInRule) : 0;
  }

  void readPromotions(const Json& value) {
    const auto& promotions = readArray(value, "/promotions", kMaxRules);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < promotions.size(); ++i) {
      std::string ptr = childPointer("/promotions", i);
      ObjectReader promo(promotions[i], ptr);
      Promotion out;
      out.id = readUniqueId(promo, ids, "promotion");
      out.name = readName(promo, out.id);
      if (const Json* p = promo.optional("priority")) out.priority = readInteger(*p, promo.pointerTo("priority"), -1'000'000'000, 1'000'000'000);
      if (const Json* s = promo.optional("stacking")) {
        std::string stacking = readString(*s, promo.pointerTo("stacking"));
        if (stacking == "stackable") out.stacking = Promotion::Stacking::Stackable;
        else if (stacking == "exclusive") out.stacking = Promotion::Stacking::Exclusive;
        else if (stacking == "stopAfter") out.stacking = Promotion::Stacking::StopAfter;
        else fail(ErrorCode::InvalidValue, promo.pointerTo("stacking"), "stacking is stackable, exclusive or stopAfter");
      }
      if (const Json* g = promo.optional("exclusionGroup")) out.exclusionGroup = readId(*g, promo.pointerTo("exclusionGroup"));
      if (const Json* b = promo.optional("percentBase")) {
        std::string base = readString(*b, promo.pointerTo("percentBase"));
        if (base == "current") out.percentBase = Promotion::PercentBase::Current;
        else if (base == "original") out.percentBase = Promotion::PercentBase::Original;
        else fail(ErrorCode::InvalidValue, promo.pointerTo("percentBase"), "percentBase is current or original");
      }
      if (const Json* c = promo.optional("coupons")) {
        auto codes = readIdList(*c, promo.pointerTo("coupons"), 1000, false);
        for (std::size_t k = 0; k < codes.size(); ++k) {
          std::string code = normalizeCoupon(codes[k]);
          if (code.empty()) fail(ErrorCode::InvalidValue, childPointer(promo.pointerTo("coupons"), k), "a coupon code must not be blank");
          out.coupons.push_back(code);
        }
        std::sort(out.coupons.begin(), out.coupons.end());
        out.coupons.erase(std::unique(out.coupons.begin(), out.coupons.end()), out.coupons.end());
      }
      if (const Json* c = promo.optional("conditions")) out.conditions = readConditions(*c, promo.pointerTo("conditions"));

      std::string type = readString(promo.required("type"), promo.pointerTo("type"));
      if (type == "itemDiscount") {
        out.type = Promotion::Type::ItemDiscount;
        out.eligible = readSelector(promo.required("selector"), promo.pointerTo("selector"), &out.eligibleNoun);
        ObjectReader discount(promo.required("discount"), promo.pointerTo("discount"));
        out.discount = readPriceChange(discount, "fixedPrice");
        discount.finish();
      } else if (type == "buyXGetY") {
        out.type = Promotion::Type::BuyXGetY;
        ObjectReader buy(promo.required("buy"), promo.pointerTo("buy"));
        out.buyVariants = readSelector(buy.required("selector"), buy.pointerTo("selector"), &out.buyNoun);
        out.buyQuantity = readInteger(buy.required("quantity"), buy.pointerTo("quantity"), 1, kMaxQuantityInRule);
        buy.finish();
        ObjectReader get(promo.required("get"), promo.pointerTo("get"));
        out.getVariants = readSelector(get.required("selector"), get.pointerTo("selector"), &out.getNoun);
        out.getQuantity = readInteger(get.required("quantity"), get.pointerTo("quantity"), 1, kMaxQuantityInRule);
        out.discount = {PriceChange::Kind::PercentOff, kWhole};
        if (const Json* d = get.optional("discount")) {
          ObjectReader discount(*d, get.pointerTo("discount"));
          out.discount = readPriceChange(discount, "fixedPrice");
          discount.finish();
        }
        get.finish();
        out.maxApplications = readMaxApplications(promo);
        if (const Json* u = promo.optional("discountedUnits")) {
          std::string choice = readString(*u, promo.pointerTo("discountedUnits"));
          if (choice == "cheapest") out.discountedUnits = Promotion::UnitChoice::Cheapest;
          else if (choice == "mostExpensive") out.discountedUnits = Promotion::UnitChoice::MostExpensive;
          else fail(ErrorCode::InvalidValue, promo.pointerTo("discountedUnits"), "discountedUnits is cheapest or mostExpensive");
        }
        out.eligible = combineSets(out.buyVariants, out.getVariants, true, promo.pointer());
        if (out.buyNoun == out.getNoun) out.eligibleNoun = out.buyNoun;
      } else if (type == "bundle") {
        out.type = Promotion::Type::Bundle;
        const auto& components = readArray(promo.required("components"), promo.pointerTo("components"), 50);
        if (components.size() < 1) fail(ErrorCode::InvalidValue, promo.pointerTo("components"), "a bundle needs at least one component");
        for (std::size_t c = 0; c < components.size(); ++c) {
          ObjectReader component(components[c], childPointer(promo.pointerTo("components"), c));
          BundleComponent bc;
          bc.variants = readSelector(component.required("selector"), component.pointerTo("selector"), &bc.noun);
          if (const Json* q = component.optional("quantity")) bc.quantity = readInteger(*q, component.pointerTo("quantity"), 1, 1000);
          component.finish();
          out.eligible = combineSets(out.eligible, bc.variants, true, component.pointer());
          out.components.push_back(std::move(bc));
        }
        const Json* price = promo.optional("bundlePrice");
        const Json* percent = promo.optional("percentOff");
        if ((price != nullptr) == (percent != nullptr)) fail(ErrorCode::InvalidValue, ptr, "a bundle needs exactly one of bundlePrice, percentOff");
        if (price) out.bundlePrice = parseMoney(readString(*price, promo.pointerTo("bundlePrice")), store_.exponent, promo.pointerTo("bundlePrice"));
        if (percent) out.bundlePercentOff = parsePercent(readString(*percent, promo.pointerTo("percentOff")), promo.pointerTo("percentOff"));
        out.maxApplications = readMaxApplications(promo);
      } else if (type == "spendThreshold") {
        out.type = Promotion::Type::SpendThreshold;
        if (const Json* s = promo.optional("selector")) {
          out.eligible = readSelector(*s, promo.pointerTo("selector"), &out.eligibleNoun);
        } else {
          out.eligible = index_.everything;
          out.cartWide = true;
        }
        const auto& tiers = readArray(promo.required("tiers"), promo.pointerTo("tiers"), 100);
        if (tiers.empty()) fail(ErrorCode::InvalidValue, promo.pointerTo("tiers"), "a spend threshold needs at least one tier");
        for (std::size_t t = 0; t < tiers.size(); ++t) {
          ObjectReader tier(tiers[t], childPointer(promo.pointerTo("tiers"), t));
          SpendTier st;
          st.minSubtotal = parseMoney(readString(tier.required("minSubtotal"), tier.pointerTo("minSubtotal")), store_.exponent, tier.pointerTo("minSubtotal"));
          st.change = readPriceChange(tier, "", /*allowFixed=*/false);
          tier.finish();
          if (!out.tiers.empty() && st.minSubtotal <= out.tiers.back().minSubtotal) {
            fail(ErrorCode::InvalidValue, tier.pointerTo("minSubtotal"), "tiers must be listed by increasing minSubtotal");
          }
          out.tiers.push_back(st);
        }
      } else if (type == "freeShipping") {
        out.type = Promotion::Type::FreeShipping;
        if (const Json* m = promo.optional("methods")) {
          out.shippingMethods = readIdList(*m, promo.pointerTo("methods"), 100, true);
          for (std::size_t k = 0; k < out.shippingMethods.size(); ++k) {
            if (!findShippingMethod(out.shippingMethods[k])) {
              fail(ErrorCode::UnknownReference, childPointer(promo.pointerTo("methods"), k), "no shipping method \"" + out.shippingMethods[k] + "\"");
            }
          }
          std::sort(out.shippingMethods.begin(), out.shippingMethods.end());
        }
        if (const Json* s = promo.optional("selector")) {
          out.eligible = readSelector(*s, promo.pointerTo("selector"), &out.eligibleNoun);
        } else {
          out.eligible = index_.everything;
          out.cartWide = true;
        }
      } else {
        fail(ErrorCode::InvalidValue, promo.pointerTo("type"), "promotion type is itemDiscount, buyXGetY, bundle, spendThreshold or freeShipping");
      }
      stackingRules_.read(promo, out, store_.exponent);  // after the type: a promotion's class follows from it
      promo.finish();
      // A selector that names nothing in one phrase (a list of variants, an any-of) still names the product when
      // everything it counts belongs to one ("Add 1 more Tee"); for buyXGetY, eligible is buy and get together.
      if (out.eligibleNoun.kind == ItemNoun::Kind::Generic) out.eligibleNoun = oneProductNoun(out.eligible);
      if (out.type == Promotion::Type::BuyXGetY) {
        if (out.buyNoun.kind == ItemNoun::Kind::Generic) out.buyNoun = oneProductNoun(out.buyVariants);
        if (out.getNoun.kind == ItemNoun::Kind::Generic) out.getNoun = oneProductNoun(out.getVariants);
      }
      for (auto& component : out.components) {
        if (component.noun.kind == ItemNoun::Kind::Generic) component.noun = oneProductNoun(component.variants);
      }
      store_.promotions.push_back(std::move(out));
    }
    std::sort(store_.promotions.begin(), store_.promotions.end(), [](const Promotion& a, const Promotion& b) {
      return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
    });
  }

  // ---- shipping -------------------------------------------------------------------------------------------------

  const ShippingMethod* findShippingMethod(const std::string& id) const {
    for (const auto& m : store_.shippingMethods) {
      if (m.id == id) return &m;
    }
    return nullptr;
  }

  std::vector<std::string> readCountries(const Json& value, const std::string& pointer) {
    auto countries = readIdList(value, pointer, 300, true);
    if (countries.empty()) fail(ErrorCode::InvalidValue, pointer, "list at least one country, or leave the field out");
    for (std::size_t i = 0; i < countries.size(); ++i) checkCountryCode(countries[i], childPointer(pointer, i));
    std::sort(countries.begin(), countries.end());
    return countries;
  }

  void readShipping(const Json& value) {
    ObjectReader shipping(value, "/shipping");
    const auto& methods = readArray(shipping.required("methods"), "/shipping/methods", 100);
    shipping.finish();
    std::set<std::string> ids;
    for (std::size_t i = 0; i < methods.size(); ++i) {
      ObjectReader m(methods[i], childPointer("/shipping/methods", i));
      ShippingMethod out;
      out.id = readUniqueId(m, ids, "shipping method");
      out.name = readName(m, out.id);
      if (const Json* c = m.optional("countries")) out.countries = readCountries(*c, m.pointerTo("countries"));
      if (const Json* f = m.optional("freeAbove")) out.freeAbove = parseMoney(readString(*f, m.pointerTo("freeAbove")), store_.exponent, m.pointerTo("freeAbove"));
      const Json* flat = m.optional("flat");
      const Json* weight = m.optional("weightBands");
      const Json* subtotal = m.optional("subtotalBands");
      if ((flat != nullptr) + (weight != nullptr) + (subtotal != nullptr) != 1) {
        fail(ErrorCode::InvalidValue, m.pointer(), "a shipping method needs exactly one of flat, weightBands, subtotalBands");
      }
      if (flat) {
        out.kind = ShippingMethod::Kind::Flat;
        out.flat = parseMoney(readString(*flat, m.pointerTo("flat")), store_.exponent, m.pointerTo("flat"));
      } else {
        bool byWeight = weight != nullptr;
        out.kind = byWeight ? ShippingMethod::Kind::Weight : ShippingMethod::Kind::Subtotal;
        std::string listPtr = m.pointerTo(byWeight ? "weightBands" : "subtotalBands");
        const auto& bands = readArray(byWeight ? *weight : *subtotal, listPtr, 100);
        if (bands.empty()) fail(ErrorCode::InvalidValue, listPtr, "list at least one band");
        for (std::size_t b = 0; b < bands.size(); ++b) {
          ObjectReader band(bands[b], childPointer(listPtr, b));
          ShippingBand sb;
          const char* boundKey = byWeight ? "upToGrams" : "from";
          if (byWeight) sb.bound = readInteger(band.required(boundKey), band.pointerTo(boundKey), 0, 100'000'000'000);
          else sb.bound = parseMoney(readString(band.required(boundKey), band.pointerTo(boundKey)), store_.exponent, band.pointerTo(boundKey));
          sb.amount = parseMoney(readString(band.required("amount"), band.pointerTo("amount")), store_.exponent, band.pointerTo("amount"));
          band.finish();
          if (!out.bands.empty() && sb.bound <= out.bands.back().bound) {
            fail(ErrorCode::InvalidValue, band.pointerTo(boundKey), std::string("bands must be listed by increasing ") + boundKey);
          }
          if (!byWeight && b == 0 && sb.bound != 0) {
            fail(ErrorCode::InvalidValue, band.pointerTo(boundKey), "the first subtotal band starts at 0, so every cart has a price");
          }
          out.bands.push_back(sb);
        }
      }
      m.finish();
      store_.shippingMethods.push_back(std::move(out));
    }
    std::sort(store_.shippingMethods.begin(), store_.shippingMethods.end(), [](const ShippingMethod& a, const ShippingMethod& b) { return a.id < b.id; });
  }

  // ---- tax ------------------------------------------------------------------------------------------------------

  void readTax(const Json& value) {
    ObjectReader tax(value, "/tax");
    TaxSettings out;
    if (const Json* inc = tax.optional("pricesIncludeTax")) out.pricesIncludeTax = readBool(*inc, "/tax/pricesIncludeTax");
    if (const Json* s = tax.optional("shippingTaxClass")) out.shippingTaxClass = readId(*s, "/tax/shippingTaxClass");
    const auto& rates = readArray(tax.required("rates"), "/tax/rates", 10000);
    tax.finish();
    std::set<std::string> ids;
    for (std::size_t i = 0; i < rates.size(); ++i) {
      ObjectReader r(rates[i], childPointer("/tax/rates", i));
      TaxRate rate;
      rate.id = readUniqueId(r, ids, "tax rate");
      rate.name = readName(r, rate.id);
      rate.country = readString(r.required("country"), r.pointerTo("country"));
      checkCountryCode(rate.country, r.pointerTo("country"));
      if (const Json* region = r.optional("region")) rate.region = readId(*region, r.pointerTo("region"));
      rate.taxClasses = readIdList(r.required("taxClasses"), r.pointerTo("taxClasses"), 100, true);
      if (rate.taxClasses.empty()) fail(ErrorCode::InvalidValue, r.pointerTo("taxClasses"), "list at least one tax class");
      std::sort(rate.taxClasses.begin(), rate.taxClasses.end());
      rate.percent = parsePercent(readString(r.required("percent"), r.pointerTo("percent")), r.pointerTo("percent"));
      r.finish();
      out.rates.push_back(std::move(rate));
    }
    std::sort(out.rates.begin(), out.rates.end(), [](const TaxRate& a, const TaxRate& b) { return a.id < b.id; });
    for (uint32_t i = 0; i < out.rates.size(); ++i) {
      for (const auto& taxClass : out.rates[i].taxClasses) out.ratesByPlaceAndClass[{out.rates[i].country, out.rates[i].region, taxClass}].push_back(i);
    }
    store_.tax = std::move(out);
  }

  // ---- margin floors --------------------------------------------------------------------------------------------

  MarginFloorValue readFloorValue(ObjectReader& object) {
    const Json* percent = object.optional("minMarginPercent");
    const Json* amount = object.optional("minMarginAmount");
    if ((percent != nullptr) == (amount != nullptr)) {
      fail(ErrorCode::InvalidValue, object.pointer(), "needs exactly one of minMarginPercent, minMarginAmount");
    }
    if (percent) {
      PartsPerMillion p = parsePercent(readString(*percent, object.pointerTo("minMarginPercent")), object.pointerTo("minMarginPercent"));
      if (p >= kWhole) fail(ErrorCode::OutOfRange, object.pointerTo("minMarginPercent"), "a margin is below 100 % of the price");
      return {true, p};
    }
    return {false, parseMoney(readString(*amount, object.pointerTo("minMarginAmount")), store_.exponent, object.pointerTo("minMarginAmount"))};
  }

  void readMarginFloors(const Json& value) {
    ObjectReader m(value, "/marginFloors");
    MarginSettings out;
    if (const Json* policy = m.optional("missingCost")) {
      std::string p = readString(*policy, "/marginFloors/missingCost");
      if (p != "error" && p != "skip") fail(ErrorCode::InvalidValue, "/marginFloors/missingCost", "missingCost is \"error\" or \"skip\"");
      out.skipMissingCost = p == "skip";
    }
    if (const Json* cap = m.optional("maxOrderDiscountPercent")) {
      out.maxOrderDiscountText = readString(*cap, "/marginFloors/maxOrderDiscountPercent");
      out.maxOrderDiscount = parsePercent(out.maxOrderDiscountText, "/marginFloors/maxOrderDiscountPercent");
    }
    if (const Json* v = m.optional("visibility")) {
      std::string vis = readString(*v, "/marginFloors/visibility");
      if (vis != "internal" && vis != "shopper") fail(ErrorCode::InvalidValue, "/marginFloors/visibility", "visibility is \"internal\" or \"shopper\"");
      out.internal = vis == "internal";
    }
    const Json* floorsJson = m.optional("floors");
    if (floorsJson) {
      const auto& floors = readArray(*floorsJson, "/marginFloors/floors", kMaxRules);
      std::set<std::string> ids;
      for (std::size_t i = 0; i < floors.size(); ++i) {
        ObjectReader f(floors[i], childPointer("/marginFloors/floors", i));
        MarginFloor floor;
        floor.id = readUniqueId(f, ids, "margin floor");
        if (const Json* vs = f.optional("variants")) {
          auto list = readIdList(*vs, f.pointerTo("variants"), kMaxListItems, true);
          std::vector<uint32_t> variants;
          for (std::size_t k = 0; k < list.size(); ++k) {
            auto it = store_.variantIndex.find(list[k]);
            if (it == store_.variantIndex.end()) fail(ErrorCode::UnknownReference, childPointer(f.pointerTo("variants"), k), "no variant \"" + list[k] + "\" in the catalog");
            variants.push_back(it->second);
          }
          std::sort(variants.begin(), variants.end());
          floor.variants = VariantSet::of(std::move(variants), universe());
          floor.hasVariants = true;
          floor.specificity += 4;
        }
        if (const Json* cs = f.optional("categories")) {
          floor.categories = readIdList(*cs, f.pointerTo("categories"), 100, true);
          for (std::size_t k = 0; k < floor.categories.size(); ++k) {
            if (!index_.byCategory.count(floor.categories[k])) {
              fail(ErrorCode::UnknownReference, childPointer(f.pointerTo("categories"), k), "no category \"" + floor.categories[k] + "\" in the catalog");
            }
          }
          std::sort(floor.categories.begin(), floor.categories.end());
          floor.specificity += 2;
        }
        if (const Json* ss = f.optional("segments")) {
          floor.segments = readSegments(*ss, f.pointerTo("segments"));
          floor.specificity += 1;
        }
        floor.value = readFloorValue(f);
        if (const Json* os = f.optional("overrides")) {
          const auto& overrides = readArray(*os, f.pointerTo("overrides"), 100);
          for (std::size_t k = 0; k < overrides.size(); ++k) {
            ObjectReader o(overrides[k], childPointer(f.pointerTo("overrides"), k));
            MarginOverride mo;
            mo.window = readWindow(o.required("startsAt"), o.pointerTo("startsAt"), o.required("endsAt"), o.pointerTo("endsAt"));
            mo.value = readFloorValue(o);
            o.finish();
            floor.overrides.push_back(mo);
          }
        }
        f.finish();
        out.floors.push_back(std::move(floor));
      }
    }
    m.finish();
    if (out.floors.empty() && !out.maxOrderDiscount) {
      fail(ErrorCode::InvalidValue, "/marginFloors", "configure floors, maxOrderDiscountPercent, or leave marginFloors out");
    }
    std::sort(out.floors.begin(), out.floors.end(), [](const MarginFloor& a, const MarginFloor& b) { return a.id < b.id; });
    for (uint32_t f = 0; f < out.floors.size(); ++f) {
      const MarginFloor& floor = out.floors[f];
      if (floor.hasVariants) {
        for (uint32_t v : floor.variants) out.floorsByVariant[v].push_back(f);
      } else if (!floor.categories.empty()) {
        for (const auto& c : floor.categories) out.floorsByCategory[c].push_back(f);
      } else if (!floor.segments.empty()) {
        for (const auto& s : floor.segments) out.floorsBySegment[s].push_back(f);
      } else {
        out.defaultFloors.push_back(f);
      }
    }
    store_.margins = std::move(out);
  }

  /** Charges a rule's listed variants to the index budget (the rule's id names it in the error). */
  void chargeIndex(int64_t& entries, const VariantSet& set, const char* section, const std::string& id) {
    entries += static_cast<int64_t>(set.storedCount());
    if (entries > kMaxIndexEntries) {
      fail(ErrorCode::TooComplex, section,
           "the rules up to \"" + id + "\" list more than " + std::to_string(kMaxIndexEntries) +
               " variants in all; select broadly (a category, everything) rather than long lists, or use fewer rules");
    }
  }

  void buildIndexes() {
    int64_t entries = 0;
    store_.priceRulesByVariant.assign(store_.variants.size(), {});
    store_.memberPricesByVariant.assign(store_.variants.size(), {});
    store_.promotionsByVariant.assign(store_.variants.size(), {});
    for (uint32_t r = 0; r < store_.priceRules.size(); ++r) {
      const PriceRule& rule = store_.priceRules[r];
      const bool memberPrice = rule.type == PriceRule::Type::MemberPrice;
      if (memberPrice) {
        for (const auto& segment : rule.segments) store_.memberPricesBySegment[segment].push_back(r);  // unique segments
      }
      const VariantSet& targets = rule.targets;
      if (targets.isBroad()) {
        // Not repeated under each of the catalog's variants.
        (memberPrice ? store_.broadMemberPrices : store_.broadPriceRules).push_back(r);
        continue;
      }
      chargeIndex(entries, targets, "/priceRules", rule.id);
      auto& byVariant = memberPrice ? store_.memberPricesByVariant : store_.priceRulesByVariant;
      for (uint32_t v : targets) byVariant[v].push_back(r);
    }
    for (uint32_t p = 0; p < store_.promotions.size(); ++p) {
      const Promotion& promo = store_.promotions[p];
      if (promo.stacking == Promotion::Stacking::Exclusive) store_.hasExclusive = true;
      for (const auto& code : promo.coupons) store_.promotionsByCoupon[code].push_back(p);
      if (promo.cartWide || promo.eligible.isAll()) {
        // Relevant to every cart and touching every line: listed once, not under each of the catalog's variants.
        store_.cartWidePromotions.push_back(p);
        continue;
      }
      if (promo.eligible.isBroad()) {
        store_.broadPromotions.push_back(p);
        continue;
      }
      chargeIndex(entries, promo.eligible, "/promotions", promo.id);
      for (uint32_t v : promo.eligible) store_.promotionsByVariant[v].push_back(p);
    }
  }

  CompiledStore& store_;
  StackingRulesReader stackingRules_;
  CatalogIndex index_;
  int64_t selectorWork_ = 0;
  std::map<std::string, std::string> productNames_;  // product id -> name, for ItemNoun
  int64_t defaultLowStockLevel_ = 5;
};

/** The largest amount a quote in another currency converts: prices (without a price-list entry), costs, rule amounts,
    thresholds, shipping and amount floors. */
Minor largestConvertedAmount(const CompiledStore& store) {
  Minor largest = 0;
  auto consider = [&](Minor amount) { largest = std::max(largest, amount); };
  auto considerChange = [&](const PriceChange& change) {
    if (change.kind != PriceChange::Kind::PercentOff) consider(change.value);
  };
  for (const auto& v : store.variants) {
    if (v.priceList.empty()) consider(v.price);  // a price list's entries replace conversion (see the caller)
    if (v.cost) consider(*v.cost);
  }
  for (const auto& rule : store.priceRules) {
    considerChange(rule.change);
    for (const auto& tier : rule.tiers) considerChange(tier.change);
  }
  for (const auto& promo : store.promotions) {
    considerChange(promo.discount);
    if (promo.conditions.minSubtotal) consider(*promo.conditions.minSubtotal);
    if (promo.stackingRules.stacksWhen && promo.stackingRules.stacksWhen->minSubtotal) consider(*promo.stackingRules.stacksWhen->minSubtotal);
    if (promo.bundlePrice) consider(*promo.bundlePrice);
    for (const auto& tier : promo.tiers) {
      consider(tier.minSubtotal);
      considerChange(tier.change);
    }
  }
  for (const auto& method : store.shippingMethods) {
    consider(method.flat);
    if (method.freeAbove) consider(*method.freeAbove);
    for (const auto& band : method.bands) {
      consider(band.amount);
      if (method.kind == ShippingMethod::Kind::Subtotal) consider(band.bound);
    }
  }
  if (store.margins) {
    for (const auto& floor : store.margins->floors) {
      if (!floor.value.percent) consider(floor.value.value);
      for (const auto& o : floor.overrides) {
        if (!o.value.percent) consider(o.value.value);
      }
    }
  }
  return largest;
}

}  // namespace

void checkCurrency(const CompiledStore& store, const std::string& currency, const std::string& pointer) {
  if (currency == store.currency || store.currencies.rates.count(currency)) return;
  if (store.currencies.rates.empty()) {
    fail(ErrorCode::CurrencyMismatch, pointer, "this store prices in " + store.currency + ", not " + currency);
  }
  fail(ErrorCode::MissingRate, pointer, "this store has no exchange rate for " + currency);
}

std::vector<const TaxRate*> taxRatesFor(const TaxSettings& tax, const std::string& country, const std::string& region,
                                        const std::string& taxClass) {
  // The country-wide rates and (with a region) the region's, merged back into id order.
  static const std::vector<uint32_t> kNone;
  auto ratesAt = [&](const std::string& place) -> const std::vector<uint32_t>& {
    auto it = tax.ratesByPlaceAndClass.find({country, place, taxClass});
    return it == tax.ratesByPlaceAndClass.end() ? kNone : it->second;
  };
  const auto& countryWide = ratesAt("");
  const auto& regional = region.empty() ? kNone : ratesAt(region);
  std::vector<uint32_t> indexes;
  std::merge(countryWide.begin(), countryWide.end(), regional.begin(), regional.end(), std::back_inserter(indexes));
  std::vector<const TaxRate*> out;
  out.reserve(indexes.size());
  for (uint32_t i : indexes) out.push_back(&tax.rates[i]);
  return out;
}

CompiledStore compileStore(const Json& config) {
  CompiledStore store;
  ConfigCompiler(store).compile(config);
  return store;
}

}  // namespace cartcore
