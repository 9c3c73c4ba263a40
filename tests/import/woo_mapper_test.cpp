// SPDX-License-Identifier: MIT
// The mapper's decisions one at a time, on stores built in code: the cases the fixture store does not exercise.
#include <boost/test/unit_test.hpp>

#include "import_support.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(woo_mapper)

using OJson = nlohmann::ordered_json;

WooProduct simple(int64_t id, const std::string& sku, const std::string& price) {
  WooProduct p;
  p.id = id;
  p.sku = sku;
  p.name = sku;
  p.slug = "p-" + std::to_string(id);
  p.regularPrice = price;
  p.where = "product " + std::to_string(id);
  return p;
}

WooStore baseStore() {
  WooStore store;
  store.settings["woocommerce_currency"] = "EUR";
  store.settings["woocommerce_weight_unit"] = "kg";
  store.products.push_back(simple(1, "A", "10.00"));
  store.products.push_back(simple(2, "B", "20.00"));
  return store;
}

WooCoupon coupon(int64_t id, const std::string& code, const std::string& type, const std::string& amount) {
  WooCoupon c;
  c.id = id;
  c.code = code;
  c.discountType = type;
  c.amount = amount;
  c.where = "coupon " + std::to_string(id);
  return c;
}

WooShippingZone zone(int64_t id, const std::string& name, std::vector<std::pair<std::string, std::string>> locations) {
  WooShippingZone z;
  z.id = id;
  z.name = name;
  z.order = id;
  z.locations = std::move(locations);
  z.where = "zone " + std::to_string(id);
  return z;
}

WooShippingMethod method(int64_t instance, const std::string& methodId, std::map<std::string, std::string> settings) {
  WooShippingMethod m;
  m.instanceId = instance;
  m.methodId = methodId;
  m.title = methodId;
  m.settings = std::move(settings);
  m.where = "method " + std::to_string(instance);
  return m;
}

WooTaxRate taxRate(int64_t id, const std::string& country, const std::string& state, const std::string& rate, const std::string& taxClass = "standard") {
  WooTaxRate r;
  r.id = id;
  r.country = country;
  r.state = state;
  r.rate = rate;
  r.taxClass = taxClass;
  r.where = "tax rate " + std::to_string(id);
  return r;
}

struct Mapped {
  OJson config;
  ImportReport report;
  bool has(const std::string& code) const { return report.has(code); }
};

Mapped map(const WooStore& store, MapOptions options = {}) {
  Mapped m;
  m.config = mapToConfig(store, options, m.report);
  auto verdict = nlohmann::json::parse(validateConfigJson(m.config.dump()));
  BOOST_TEST(verdict["ok"].get<bool>(), verdict.dump());
  return m;
}

BOOST_AUTO_TEST_CASE(a_rate_that_does_not_tax_shipping_gives_shipping_its_own_class) {
  WooStore store = baseStore();
  store.settings["woocommerce_shipping_tax_class"] = "";
  store.taxRates.push_back(taxRate(1, "DE", "", "19"));
  store.taxRates.push_back(taxRate(2, "DE", "", "2"));
  store.taxRates.back().shipping = false;  // a levy on goods only
  store.zones.push_back(zone(1, "DE", {{"country", "DE"}}));
  store.zones.back().methods.push_back(method(7, "flat_rate", {{"cost", "5.00"}}));
  Mapped m = map(store);
  BOOST_TEST(m.config["tax"]["shippingTaxClass"] == "shipping");
  BOOST_TEST(findBy(m.config["tax"]["rates"], "id", "wc-tax-1")["taxClasses"].dump() == R"(["standard","shipping"])");
  BOOST_TEST(findBy(m.config["tax"]["rates"], "id", "wc-tax-2")["taxClasses"].dump() == R"(["standard"])");
  // 1 x A (10.00) to DE: items 10.00 x 21 % = 2.10; shipping 5.00 x 19 % only = 0.95.
  json q = quote(m.config, {{"schemaVersion", 1}, {"currency", "EUR"}, {"now", "2026-12-01T00:00:00.000Z"},
                            {"destination", {{"country", "DE"}}}, {"lines", {{{"variant", "A"}, {"quantity", 1}}}}});
  BOOST_TEST(q["totals"]["tax"] == "3.05");
}

BOOST_AUTO_TEST_CASE(taxes_switched_off_in_woocommerce_are_not_imported) {
  WooStore store = baseStore();
  store.settings["woocommerce_calc_taxes"] = "no";
  store.taxRates.push_back(taxRate(1, "DE", "", "19"));
  Mapped m = map(store);
  BOOST_TEST(!m.config.contains("tax"));
  BOOST_TEST(m.has("taxes_disabled"));
}

BOOST_AUTO_TEST_CASE(tax_rates_cartcore_cannot_hold) {
  WooStore store = baseStore();
  store.settings["woocommerce_prices_include_tax"] = "yes";
  store.taxRates.push_back(taxRate(1, "", "", "5"));           // every country
  store.taxRates.push_back(taxRate(2, "US", "", "4"));
  store.taxRates.push_back(taxRate(3, "US", "NY", "4.5"));      // same priority as the country rate
  store.taxRates.push_back(taxRate(4, "US", "", "1.23456"));    // 5 decimals
  store.taxRates.back().priority = 2;
  store.taxRates.back().compound = true;
  store.taxRates.push_back(taxRate(5, "USA", "", "4"));
  Mapped m = map(store);
  BOOST_TEST(m.config["tax"]["pricesIncludeTax"] == true);
  BOOST_TEST(m.has("tax_every_country"));
  BOOST_TEST(m.has("tax_same_priority"));
  BOOST_TEST(m.has("tax_rate_rounded"));
  BOOST_TEST(m.has("tax_compound"));
  BOOST_TEST(m.has("tax_country"));
  BOOST_TEST(findBy(m.config["tax"]["rates"], "id", "wc-tax-4")["percent"] == "1.2346");
}

BOOST_AUTO_TEST_CASE(zones_by_state_continent_and_order) {
  WooStore store = baseStore();
  store.zones.push_back(zone(1, "California", {{"state", "US:CA"}}));
  store.zones.back().methods.push_back(method(1, "flat_rate", {{"cost", "3.00"}}));
  store.zones.push_back(zone(2, "US and Europe", {{"country", "US"}, {"continent", "EU"}}));
  store.zones.back().methods.push_back(method(2, "flat_rate", {{"cost", "6.00"}}));
  store.zones.push_back(zone(3, "US again", {{"country", "US"}}));
  store.zones.back().methods.push_back(method(3, "flat_rate", {{"cost", "9.00"}}));
  Mapped m = map(store);
  const auto& methods = m.config["shipping"]["methods"];
  BOOST_TEST(m.has("zone_state"));
  BOOST_TEST(m.has("zone_location"));  // the continent
  BOOST_TEST(findBy(methods, "id", "california-flat-rate-1")["countries"].dump() == R"(["US"])");
  BOOST_TEST(findBy(methods, "id", "us-and-europe-flat-rate-2")["countries"].dump() == R"(["US"])");
  // Zone 2 serves all of the US, so WooCommerce never reaches zone 3 for a US address.
  BOOST_TEST(findBy(methods, "id", "us-again-flat-rate-3").is_null());
  BOOST_TEST(m.has("zone_without_countries"));
}

BOOST_AUTO_TEST_CASE(free_shipping_requirements) {
  WooStore store = baseStore();
  auto add = [&](int64_t id, const std::string& country, const std::string& requirement, const std::string& min) {
    store.zones.push_back(zone(id, country, {{"country", country}}));
    store.zones.back().methods.push_back(method(id * 10, "flat_rate", {{"cost", "5.00"}}));
    store.zones.back().methods.push_back(method(id * 10 + 1, "free_shipping", {{"requires", requirement}, {"min_amount", min}}));
  };
  add(1, "DE", "either", "50.00");
  add(2, "FR", "both", "80.00");
  add(3, "IT", "", "");
  store.coupons.push_back(coupon(9, "SHIP", "fixed_cart", "0"));
  store.coupons.back().freeShipping = true;
  Mapped m = map(store);
  const auto& methods = m.config["shipping"]["methods"];
  BOOST_TEST(findBy(methods, "id", "de-flat-rate-10")["freeAbove"] == "50.00");
  BOOST_TEST(!findBy(methods, "id", "fr-flat-rate-20").contains("freeAbove"));
  BOOST_TEST(findBy(methods, "id", "it-free-shipping")["flat"] == "0.00");
  BOOST_TEST(m.has("free_shipping_always"));
  const auto& promotions = m.config["promotions"];
  auto either = findBy(promotions, "id", "coupon-ship-free-shipping");
  BOOST_TEST(either["methods"].dump() == R"(["de-flat-rate-10"])");
  auto both = findBy(promotions, "id", "coupon-ship-free-shipping-2");
  BOOST_TEST(both["methods"].dump() == R"(["fr-flat-rate-20"])");
  BOOST_TEST(both["conditions"]["minSubtotal"] == "80.00");
}

BOOST_AUTO_TEST_CASE(a_free_shipping_coupon_without_a_coupon_method_does_nothing) {
  WooStore store = baseStore();
  store.coupons.push_back(coupon(9, "SHIP", "percent", "0"));
  store.coupons.back().freeShipping = true;
  Mapped m = map(store);
  BOOST_TEST(m.has("free_shipping_unused"));
  BOOST_TEST(m.config["promotions"].empty());
}

BOOST_AUTO_TEST_CASE(coupon_details) {
  WooStore store = baseStore();
  store.settings["woocommerce_calc_discounts_sequentially"] = "yes";
  store.products.push_back(simple(3, "", "30.00"));
  store.products.back().type = "variable";
  WooProduct v = simple(31, "V-RED", "30.00");
  v.type = "variation";
  v.parentId = 3;
  v.variationAttributes = {{"Color", "Red"}};
  store.products.push_back(v);
  store.coupons.push_back(coupon(1, "Big", "percent", "150"));
  store.coupons.push_back(coupon(2, "big", "percent", "10"));  // same code, other case
  store.coupons.push_back(coupon(3, "POINTS", "points_discount", "5"));
  store.coupons.push_back(coupon(4, "DRAFT", "percent", "5"));
  store.coupons.back().status = "draft";
  store.coupons.push_back(coupon(5, "RED", "fixed_product", "2.00"));
  store.coupons.back().productIds = {31};  // a variation id
  store.coupons.push_back(coupon(6, "CATS", "percent", "5"));
  store.coupons.back().categoryIds = {77};  // no such category
  store.coupons.push_back(coupon(7, "CARTA", "fixed_cart", "5.00"));
  store.coupons.back().productIds = {1};
  store.coupons.back().limitUsageToXItems = 2;
  Mapped m = map(store);
  const auto& promotions = m.config["promotions"];
  auto big = findBy(promotions, "id", "coupon-big");
  BOOST_TEST(big["discount"]["percentOff"] == "100");
  BOOST_TEST(!big.contains("percentBase"));  // sequential: each coupon on the price the previous left
  BOOST_TEST(m.has("percent_over_100"));
  BOOST_TEST(m.has("duplicate_coupon_code"));
  BOOST_TEST(m.has("unsupported_coupon_type"));
  BOOST_TEST(m.has("not_published"));
  BOOST_TEST(findBy(promotions, "id", "coupon-red")["selector"].dump() == R"({"variants":["V-RED"]})");
  BOOST_TEST(findBy(promotions, "id", "coupon-cats").is_null());
  BOOST_TEST(m.has("restriction_not_imported"));
  BOOST_TEST(findBy(promotions, "id", "coupon-carta")["selector"].dump() == R"({"products":["p-1"]})");
  BOOST_TEST(m.has("cart_coupon_restrictions"));
  BOOST_TEST(m.has("limit_usage_to_x_items"));
}

BOOST_AUTO_TEST_CASE(prices_sales_and_weights_that_look_wrong) {
  WooStore store = baseStore();
  store.products[0].salePrice = "12.00";  // above the regular 10.00
  store.products[1].salePrice = "15.00";
  store.products[1].saleFrom = 2'000'000'000'000;
  store.products[1].saleTo = 1'000'000'000'000;  // ends before it starts
  store.products.push_back(simple(3, "C", "9.999"));
  store.products.back().weight = "heavy";
  store.products.push_back(simple(4, "D", "ten"));
  store.products.push_back(simple(5, "E", "5.00"));
  store.products.back().type = "variable";  // no variations
  Mapped m = map(store);
  BOOST_TEST(m.has("sale_not_lower"));
  BOOST_TEST(m.has("sale_dates_reversed"));
  BOOST_TEST(m.config["priceRules"].empty());
  BOOST_TEST(m.has("amount_rounded"));
  BOOST_TEST(m.has("unreadable_weight"));
  BOOST_TEST(m.has("unreadable_amount"));
  BOOST_TEST(m.has("no_variations"));
  BOOST_TEST(m.config["catalog"]["products"].size() == 3u);  // A, B and C (10.00 rounded from 9.999)
}

BOOST_AUTO_TEST_CASE(currency_and_weight_unit_must_be_known) {
  WooStore store = baseStore();
  store.products[0].weight = "2";
  store.settings.erase("woocommerce_weight_unit");
  Mapped m = map(store);
  BOOST_TEST(m.has("weight_unit_assumed"));
  store.settings["woocommerce_weight_unit"] = "stone";
  ImportReport report;
  BOOST_CHECK_THROW(mapToConfig(store, {}, report), ImportError);
  store.settings["woocommerce_weight_unit"] = "oz";
  store.settings["woocommerce_currency"] = "";
  BOOST_CHECK_THROW(mapToConfig(store, {}, report), ImportError);
  MapOptions jpy;
  jpy.currency = "jpy";
  store.settings["woocommerce_price_num_decimals"] = "2";
  store.products[0].regularPrice = "1500";
  store.products[1].regularPrice = "1500.50";
  Mapped yen = map(store, jpy);
  BOOST_TEST(yen.config["store"]["currency"] == "JPY");
  BOOST_TEST(yen.has("price_decimals"));
  BOOST_TEST(yen.config["catalog"]["products"][1]["variants"][0]["price"] == "1501");
  BOOST_TEST(yen.config["catalog"]["products"][0]["variants"][0]["weightGrams"] == 57);  // 2 oz = 56.7 g
}

BOOST_AUTO_TEST_CASE(a_large_store_stays_within_the_parsers_limits) {
  // 10,001 products on sale: a coupon excluding sale items lists more variants than one selector list may hold.
  WooStore store = baseStore();
  store.products.clear();
  for (int i = 0; i < 10'001; ++i) {
    store.products.push_back(simple(i + 1, "S" + std::to_string(i), "10.00"));
    store.products.back().salePrice = "8.00";
  }
  // And a variable product with 1,001 variations, one more than a Cartcore product holds.
  WooProduct big = simple(50'000, "BIG", "");
  big.type = "variable";
  store.products.push_back(big);
  for (int i = 0; i < 1001; ++i) {
    WooProduct v = simple(60'000 + i, "BIG-" + std::to_string(i), "5.00");
    v.type = "variation";
    v.parentId = 50'000;
    store.products.push_back(v);
  }
  store.coupons.push_back(coupon(1, "FULLPRICE", "percent", "10"));
  store.coupons.back().excludeSaleItems = true;
  Mapped m = map(store);  // validates
  const auto& selector = m.config["promotions"][0]["selector"]["not"];
  BOOST_TEST(selector["any"].size() == 2u);  // 10,000 + 1 variant ids
  BOOST_TEST(m.has("too_many_variations"));
  BOOST_TEST(m.config["catalog"]["products"].back()["variants"].size() == 1000u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
