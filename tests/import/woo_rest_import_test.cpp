// SPDX-License-Identifier: MIT
// The REST fixture store (fixtures/rest-store, see its README) mapped field by field.
#include <boost/test/unit_test.hpp>

#include "import_support.hpp"
#include "json_schema.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(woo_rest_import)

using OJson = nlohmann::ordered_json;

const OJson& variant(const std::string& id) {
  for (const auto& p : restStore().config["catalog"]["products"]) {
    for (const auto& v : p["variants"]) {
      if (v["id"] == id) return v;
    }
  }
  BOOST_FAIL("no variant " + id);
  static OJson none;
  return none;
}

const OJson& product(const std::string& id) {
  for (const auto& p : restStore().config["catalog"]["products"]) {
    if (p["id"] == id) return p;
  }
  BOOST_FAIL("no product " + id);
  static OJson none;
  return none;
}

bool reported(const std::string& code, const std::string& objectPart) {
  for (const auto& e : restStore().report.entries()) {
    if (e.code == code && e.object.find(objectPart) != std::string::npos) return true;
  }
  return false;
}

BOOST_AUTO_TEST_CASE(the_imported_config_validates) {
  auto result = nlohmann::json::parse(validateConfigJson(restStore().config.dump()));
  BOOST_TEST(result["ok"].get<bool>(), result.dump());
  BOOST_TEST(result["variants"] == 5);
  BOOST_TEST(restStore().config["store"]["currency"] == "USD");
  BOOST_TEST(restStore().config["store"]["lowStockLevel"] == 3);  // woocommerce_notify_low_stock_amount
}

BOOST_AUTO_TEST_CASE(stock_links_name_the_object_that_holds_each_variants_stock) {
  const auto& stock = restStore().stock;
  // A variation with its own stock: the variation, with WooCommerce's level.
  BOOST_TEST(stock.at("TEE-BLK").productId == 100);
  BOOST_TEST((stock.at("TEE-BLK").variationId == std::optional<int64_t>(101)));
  BOOST_TEST((stock.at("TEE-BLK").onHand == std::optional<int64_t>(12)));
  // manage_stock "parent": the tee itself, which does not count stock here, so 0 split over one variation.
  BOOST_TEST(stock.at("TEE-WHT").productId == 100);
  BOOST_TEST(!stock.at("TEE-WHT").variationId);
  BOOST_TEST(reported("parent_stock_split", "product 100"));
  BOOST_TEST((stock.at("TOTE").onHand == std::optional<int64_t>(40)));
  // No stock management: linked, but no level to start from.
  BOOST_TEST(stock.at("GUIDE").productId == 300);
  BOOST_TEST(!stock.at("GUIDE").onHand);
  BOOST_TEST(reported("stock_not_managed", "product 300"));
  auto document = stockDocument(stock);
  BOOST_TEST(document["levels"]["TEE-WHT"].dump() == R"({"wooProductId":100,"wooVariationId":null,"onHand":0})");
}

BOOST_AUTO_TEST_CASE(what_the_importer_writes_validates_against_the_json_schema) {
  // A merchant opens the imported config in an editor that knows docs/store-config.schema.json.
  std::ifstream in(std::string(CARTCORE_SOURCE_DIR) + "/docs/store-config.schema.json");
  schema::SchemaValidator schema(nlohmann::json::parse(in));
  auto restErrors = schema.validate(nlohmann::json::parse(restStore().config.dump()));
  BOOST_TEST(restErrors.empty(), (restErrors.empty() ? "" : restErrors.front()));
  WooImportInputs inputs;
  inputs.apiDirectory = fixture("rest-store");
  inputs.csvPath = fixture("csv-store/products.csv");
  auto csvErrors = schema.validate(nlohmann::json::parse(importWooCommerce(inputs).config.dump()));
  BOOST_TEST(csvErrors.empty(), (csvErrors.empty() ? "" : csvErrors.front()));
}

BOOST_AUTO_TEST_CASE(a_variable_product_becomes_variants_without_its_any_axis) {
  const auto& tee = product("loopback-tee");
  BOOST_TEST(tee["variants"].size() == 2u);  // the private (disabled) green variation is left out
  BOOST_TEST(reported("variation_disabled", "variation 103"));
  const auto& black = variant("TEE-BLK");
  BOOST_TEST(black["name"] == "Loopback Tee - Black");
  BOOST_TEST(black["attributes"].size() == 1u);  // Color only: the variation accepts any Size
  BOOST_TEST(black["attributes"]["Color"] == "Black");
  BOOST_TEST(reported("any_attribute", "product 100"));
  // The custom (non-variation) attribute stays on the product.
  BOOST_TEST(tee["attributes"]["Fabric"] == "Organic cotton");
  BOOST_TEST(!tee["attributes"].contains("Size"));
}

BOOST_AUTO_TEST_CASE(categories_carry_their_ancestors) {
  const auto& categories = product("loopback-tee")["categories"];
  BOOST_TEST(categories.size() == 2u);
  BOOST_TEST(categories[0] == "tshirts");
  BOOST_TEST(categories[1] == "clothing");  // Tshirts' parent, from products/categories.json
}

BOOST_AUTO_TEST_CASE(weights_in_lbs_become_grams) {
  BOOST_TEST(variant("TEE-BLK")["weightGrams"] == 181);  // inherits the parent's 0.4 lb = 181.44 g
  BOOST_TEST(variant("TEE-WHT")["weightGrams"] == 204);  // its own 0.45 lb = 204.12 g
  BOOST_TEST(variant("TOTE")["weightGrams"] == 454);     // 1.0 lb = 453.59 g
  BOOST_TEST(!variant("TOTE-2").contains("weightGrams"));
  BOOST_TEST(reported("weight_rounded", "weights"));
}

BOOST_AUTO_TEST_CASE(costs_come_from_core_cogs_or_the_cost_plugins) {
  BOOST_TEST(variant("TEE-BLK")["cost"] == "8.50");  // its own COGS is 0 (unset): the parent's core COGS
  BOOST_TEST(variant("TEE-WHT")["cost"] == "7.25");  // _wc_cog_cost (Cost of Goods by SkyVerge)
  BOOST_TEST(variant("TOTE")["cost"] == "5.10");     // _alg_wc_cog_cost (WPFactory)
  BOOST_TEST(variant("TOTE-2")["cost"] == "2.00");   // _purchase_price (ATUM)
  BOOST_TEST(!variant("GUIDE").contains("cost"));
}

BOOST_AUTO_TEST_CASE(low_stock_amounts_and_tax_classes) {
  BOOST_TEST(variant("TEE-BLK")["lowStockLevel"] == 4);
  BOOST_TEST(!variant("TEE-WHT").contains("lowStockLevel"));  // none set: the store's level applies
  BOOST_TEST(variant("TOTE")["lowStockLevel"] == 5);
  BOOST_TEST(product("garment-care-guide")["taxClass"] == "reduced-rate");
  BOOST_TEST(!product("loopback-tee").contains("taxClass"));  // standard, and "parent" on the variations
}

BOOST_AUTO_TEST_CASE(a_dated_sale_becomes_a_flash_sale_rule) {
  const auto& rules = restStore().config["priceRules"];
  BOOST_TEST_REQUIRE(rules.size() == 1u);
  const auto& sale = rules[0];
  BOOST_TEST(sale["type"] == "flashSale");
  BOOST_TEST(sale["selector"]["variants"][0] == "TEE-BLK");
  BOOST_TEST(sale["unitPrice"] == "20.00");
  BOOST_TEST(variant("TEE-BLK")["price"] == "25.00");  // the regular price stays the list price
  BOOST_TEST(sale["startsAt"] == "2026-11-27T00:00:00.000Z");
  // On sale while time() <= 2026-11-30T23:59:59, so the half-open window ends one second later.
  BOOST_TEST(sale["endsAt"] == "2026-12-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(what_cannot_be_sold_is_skipped_with_a_reason) {
  BOOST_TEST(reported("grouped_product", "product 400"));
  BOOST_TEST(reported("external_product", "product 500"));
  BOOST_TEST(reported("not_published", "product 600"));
  BOOST_TEST(reported("missing_price", "product 700"));
  BOOST_TEST(reported("duplicate_sku", "product 800"));
  BOOST_TEST(variant("TOTE-2")["sku"] == "TOTE");  // the duplicate keeps its SKU under a distinct id
  BOOST_TEST(reported("attribute_values_joined", "product 200"));
  BOOST_TEST(product("canvas-tote")["attributes"]["Material"] == "Canvas, Leather");
}

BOOST_AUTO_TEST_CASE(coupons_are_ordered_as_woocommerce_applies_them) {
  // fixed_product, then percent (smaller amount first), then fixed_cart (smaller amount first): Cartcore applies
  // higher priorities first.
  const auto& promotions = restStore().config["promotions"];
  auto priority = [&](const std::string& id) { return findBy(promotions, "id", id)["priority"].get<int64_t>(); };
  BOOST_TEST(priority("coupon-teefive") > priority("coupon-ten"));
  BOOST_TEST(priority("coupon-ten") > priority("coupon-nosale15"));
  BOOST_TEST(priority("coupon-nosale15") > priority("coupon-solo20"));
  BOOST_TEST(priority("coupon-solo20") > priority("coupon-limited"));
  BOOST_TEST(priority("coupon-limited") > priority("coupon-take10"));
  BOOST_TEST(priority("coupon-take10") > priority("coupon-shipfree-free-shipping"));
}

BOOST_AUTO_TEST_CASE(each_coupon_type_maps_to_its_promotion) {
  const auto& promotions = restStore().config["promotions"];
  auto ten = findBy(promotions, "id", "coupon-ten");
  BOOST_TEST(ten["type"] == "itemDiscount");
  BOOST_TEST(ten["discount"]["percentOff"] == "10");
  BOOST_TEST(ten["percentBase"] == "original");  // woocommerce_calc_discounts_sequentially = no
  BOOST_TEST(ten["coupons"][0] == "ten");
  auto teefive = findBy(promotions, "id", "coupon-teefive");
  BOOST_TEST(teefive["discount"]["amountOff"] == "5.00");
  BOOST_TEST(teefive["selector"]["products"][0] == "loopback-tee");
  auto take10 = findBy(promotions, "id", "coupon-take10");
  BOOST_TEST(take10["type"] == "spendThreshold");
  BOOST_TEST(take10["tiers"][0]["amountOff"] == "10.00");
  BOOST_TEST(take10["conditions"]["minSubtotal"] == "50.00");
  BOOST_TEST(!take10.contains("selector"));  // the whole cart
  auto solo = findBy(promotions, "id", "coupon-solo20");
  BOOST_TEST(solo["stacking"] == "exclusive");
  BOOST_TEST(solo["conditions"]["window"]["endsAt"] == "2026-12-31T00:00:01.000Z");
  auto nosale = findBy(promotions, "id", "coupon-nosale15");
  BOOST_TEST(nosale["selector"].dump() == R"({"not":{"any":[{"categories":["books"]},{"variants":["TEE-BLK"]}]}})");
  auto ship = findBy(promotions, "id", "coupon-shipfree-free-shipping");
  BOOST_TEST(ship["type"] == "freeShipping");
  BOOST_TEST(ship["methods"].dump() == R"(["united-states-flat-rate-41"])");
  BOOST_TEST(findBy(promotions, "id", "coupon-shipfree").is_null());  // amount 0: no discount promotion
  auto limited = findBy(promotions, "id", "coupon-limited");
  BOOST_TEST(limited["conditions"]["segments"][0] == "wc-coupon-907-customers");
  BOOST_TEST(reported("usage_limits", "coupon 907"));
  BOOST_TEST(reported("maximum_spend", "coupon 907"));
  BOOST_TEST(reported("individual_use", "coupon 904"));
  BOOST_TEST(reported("exclude_sale_items", "coupon 906"));
}

BOOST_AUTO_TEST_CASE(tax_rates_by_class_country_and_state) {
  const auto& tax = restStore().config["tax"];
  BOOST_TEST(tax["pricesIncludeTax"] == false);
  BOOST_TEST(tax["shippingTaxClass"] == "standard");
  auto ca = findBy(tax["rates"], "id", "wc-tax-1");
  BOOST_TEST(ca["country"] == "US");
  BOOST_TEST(ca["region"] == "CA");
  BOOST_TEST(ca["percent"] == "7.25");
  auto reduced = findBy(tax["rates"], "id", "wc-tax-3");
  BOOST_TEST(reduced["taxClasses"].dump() == R"(["reduced-rate"])");
  BOOST_TEST(findBy(tax["rates"], "id", "wc-tax-4").is_null());  // the postcode rate
  BOOST_TEST(reported("tax_postcode", "tax rate 4"));
  // Destinations without a WooCommerce rate are taxed 0, as WooCommerce taxes them: explicit 0 % rates.
  auto us = findBy(tax["rates"], "id", "no-tax-US");
  BOOST_TEST(us["percent"] == "0");
  BOOST_TEST(us["taxClasses"].dump() == R"(["reduced-rate","standard"])");
  auto de = findBy(tax["rates"], "id", "no-tax-DE");
  BOOST_TEST(de.is_null());  // DE has country-wide rates for both classes
}

BOOST_AUTO_TEST_CASE(shipping_zones_become_methods_by_country) {
  const auto& methods = restStore().config["shipping"]["methods"];
  BOOST_TEST(methods.size() == 3u);
  auto dhl = findBy(methods, "id", "germany-flat-rate-31");
  BOOST_TEST(dhl["countries"].dump() == R"(["DE"])");
  BOOST_TEST(dhl["flat"] == "4.90");
  BOOST_TEST(dhl["freeAbove"] == "60.00");  // the zone's free-shipping method needs a 60.00 minimum
  auto usps = findBy(methods, "id", "united-states-flat-rate-41");
  BOOST_TEST(!usps.contains("freeAbove"));  // free only with a coupon
  auto world = findBy(methods, "id", "locations-not-covered-by-your-other-zones-flat-rate-51");
  BOOST_TEST(world["flat"] == "19.00");
  std::string countries = world["countries"].dump();
  BOOST_TEST(countries.find("\"JP\"") != std::string::npos);
  BOOST_TEST(countries.find("\"DE\"") == std::string::npos);  // served by an earlier zone
  BOOST_TEST(countries.find("\"US\"") == std::string::npos);
  BOOST_TEST(reported("shipping_cost_formula", "method 42"));
  BOOST_TEST(reported("local_pickup", "method 44"));
  BOOST_TEST(reported("method_disabled", "method 45"));
}

BOOST_AUTO_TEST_CASE(the_same_store_imports_to_the_same_bytes) {
  WooImportInputs inputs;
  inputs.apiDirectory = fixture("rest-store");
  BOOST_TEST(importWooCommerce(inputs).config.dump() == restStore().config.dump());
  BOOST_TEST(importWooCommerce(inputs).report.toJson().dump() == restStore().report.toJson().dump());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
