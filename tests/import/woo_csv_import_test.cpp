// SPDX-License-Identifier: MIT
// The admin's product CSV (fixtures/csv-store) and the messy inputs real stores produce.
#include <boost/test/unit_test.hpp>

#include "csv_table.hpp"
#include "import_support.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(woo_csv_import)

using OJson = nlohmann::ordered_json;

WooImportResult importCsv(const std::string& path, int utcOffsetMinutes = 0) {
  WooImportInputs inputs;
  inputs.csvPath = path;
  inputs.map.currency = "USD";
  inputs.read.utcOffsetMinutes = utcOffsetMinutes;
  return importWooCommerce(inputs);
}

OJson variantIn(const OJson& config, const std::string& id) {
  for (const auto& p : config["catalog"]["products"]) {
    for (const auto& v : p["variants"]) {
      if (v["id"] == id) return v;
    }
  }
  return OJson();
}

bool reported(const ImportReport& report, const std::string& code, const std::string& objectPart) {
  for (const auto& e : report.entries()) {
    if (e.code == code && e.object.find(objectPart) != std::string::npos) return true;
  }
  return false;
}

std::string fixtureCsv() { return readAll(fixture("csv-store/products.csv")); }

/** One more row for the fixture, by column label. */
std::string csvRow(const std::map<std::string, std::string>& cells) {
  auto header = parseCsv(fixtureCsv().substr(3), "fixture")[0].fields;
  std::string row;
  for (std::size_t i = 0; i < header.size(); ++i) {
    auto it = cells.find(header[i]);
    row += (i ? "," : "") + (it == cells.end() ? std::string() : it->second);
  }
  return row + "\n";
}

BOOST_AUTO_TEST_CASE(the_exporters_csv_imports_and_validates) {
  auto result = importCsv(fixture("csv-store/products.csv"), 60);
  auto validation = nlohmann::json::parse(validateConfigJson(result.config.dump()));
  BOOST_TEST(validation["ok"].get<bool>(), validation.dump());
  const auto& products = result.config["catalog"]["products"];
  BOOST_TEST(products.size() == 4u);  // tee, tote, guide, socks
  const auto& tee = products[0];
  BOOST_TEST(tee["categories"].dump() == R"(["clothing","tshirts"])");  // "Clothing > Tshirts"
  BOOST_TEST(tee["attributes"]["Fabric"] == "Organic cotton, recycled");  // "\," is a comma inside one value
  BOOST_TEST(tee["variants"].size() == 2u);
  auto black = variantIn(result.config, "TEE-BLK");
  BOOST_TEST(black["attributes"].dump() == R"({"Color":"Black"})");  // Size empty: "any"
  BOOST_TEST(black["weightGrams"] == 180);  // the parent's 0.18 kg ("Weight (kg)")
  BOOST_TEST(black["cost"] == "8.50");     // the parent's "Cost of goods"
  BOOST_TEST(black["lowStockLevel"] == 4);
  auto white = variantIn(result.config, "TEE-WHT");  // Parent "id:100"
  BOOST_TEST(white["cost"] == "7.25");              // "Meta: _wc_cog_cost"
  BOOST_TEST(white["weightGrams"] == 200);
  BOOST_TEST(variantIn(result.config, "-SOCKS")["price"] == "6.00");  // "'-SOCKS" was the exporter's guard
  BOOST_TEST(variantIn(result.config, "GUIDE")["price"] == "10.00");
  BOOST_TEST(products[2]["name"] == "Café Care Guide");
  BOOST_TEST(products[2]["categories"].dump() == R"(["books","accessories","gifts"])");
}

BOOST_AUTO_TEST_CASE(csv_sale_dates_are_local_time) {
  // "2026-11-27 0:00:00" to "2026-11-30 23:59:59" in a shop at UTC+01:00.
  auto result = importCsv(fixture("csv-store/products.csv"), 60);
  const auto& sale = result.config["priceRules"][0];
  BOOST_TEST(sale["startsAt"] == "2026-11-26T23:00:00.000Z");
  BOOST_TEST(sale["endsAt"] == "2026-11-30T23:00:00.000Z");
  BOOST_TEST(sale["unitPrice"] == "20.00");
}

BOOST_AUTO_TEST_CASE(messy_rows_are_named_in_the_report) {
  auto result = importCsv(fixture("csv-store/products.csv"));
  BOOST_TEST(reported(result.report, "broken_parent", "products.csv line 8 (ID 900"));
  BOOST_TEST(reported(result.report, "missing_price", "line 9 (ID 901"));
  BOOST_TEST(reported(result.report, "grouped_product", "line 11 (ID 903"));  // line 7 holds a quoted newline
  BOOST_TEST(reported(result.report, "not_published", "ID 904"));
  BOOST_TEST(variantIn(result.config, "ORPHAN").is_null());
}

BOOST_AUTO_TEST_CASE(a_windows_1252_resave_is_read_and_reported) {
  TempDir dir;
  std::string csv = fixtureCsv().substr(3);  // a spreadsheet drops the BOM
  std::size_t cafe = csv.find("Caf\xC3\xA9");
  BOOST_TEST_REQUIRE(cafe != std::string::npos);
  csv.replace(cafe, 5, "Caf\xE9");
  dir.write("latin.csv", csv);
  auto result = importCsv(dir.file("latin.csv"));
  BOOST_TEST(result.config["catalog"]["products"][2]["name"] == "Café Care Guide");
  BOOST_TEST(reported(result.report, "not_utf8", "latin.csv line 7"));
}

BOOST_AUTO_TEST_CASE(duplicate_skus_and_ids_are_warned_about) {
  TempDir dir;
  std::string csv = fixtureCsv();
  csv += csvRow({{"ID", "905"}, {"Type", "simple"}, {"SKU", "TOTE"}, {"Name", "Second Tote"}, {"Regular price", "14"}});
  csv += csvRow({{"ID", "200"}, {"Type", "simple"}, {"SKU", "TOTE-B"}, {"Name", "Tote again"}, {"Regular price", "14"}});
  dir.write("dupes.csv", csv);
  auto result = importCsv(dir.file("dupes.csv"));
  BOOST_TEST(reported(result.report, "duplicate_sku", "ID 905"));
  BOOST_TEST(variantIn(result.config, "TOTE-2")["sku"] == "TOTE");
  BOOST_TEST(reported(result.report, "duplicate_id", "ID 200"));
  BOOST_TEST(variantIn(result.config, "TOTE-B").is_null());
}

BOOST_AUTO_TEST_CASE(broken_files_stop_the_import_with_the_place_named) {
  TempDir dir;
  auto expectError = [&](const std::string& name, const std::string& bytes, const std::string& expected) {
    dir.write(name, bytes);
    try {
      importCsv(dir.file(name));
      BOOST_FAIL("expected an ImportError for " + name);
    } catch (const ImportError& e) {
      BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
    }
  };
  expectError("unclosed.csv", "ID,Type,Regular price\n1,simple,5\n2,simple,\"6\n3,simple,7\n", "unclosed.csv line 3");
  expectError("utf16.csv", std::string("\xFF\xFEI\0D\0", 6), "UTF-16");
  expectError("empty.csv", "", "empty file");
  expectError("notwoo.csv", "name,email\nAda,ada@example.com\n", "no \"Type\" column");
  dir.write("big.csv", fixtureCsv());
  WooImportInputs inputs;
  inputs.csvPath = dir.file("big.csv");
  inputs.map.currency = "USD";
  inputs.read.maxFileBytes = 1024;  // the fixture is larger
  BOOST_CHECK_THROW(importWooCommerce(inputs), ImportError);
  inputs.read.maxFileBytes = 1 << 20;
  inputs.read.maxCsvRows = 5;  // it has 10 rows
  BOOST_CHECK_THROW(importWooCommerce(inputs), ImportError);
}

BOOST_AUTO_TEST_CASE(a_csv_alone_needs_a_currency) {
  WooImportInputs inputs;
  inputs.csvPath = fixture("csv-store/products.csv");
  try {
    importWooCommerce(inputs);
    BOOST_FAIL("expected an ImportError");
  } catch (const ImportError& e) {
    BOOST_TEST(std::string(e.what()).find("--currency") != std::string::npos, e.what());
  }
  inputs.map.currency = "XYZ";
  BOOST_CHECK_THROW(importWooCommerce(inputs), ImportError);
}

BOOST_AUTO_TEST_CASE(localized_decimal_separators) {
  TempDir dir;
  std::string csv = "ID,Type,SKU,Name,Published,Regular price,Sale price,Weight (g)\n1,simple,MUG,Mug,1,\"12,50\",\"9,99\",350\n";
  dir.write("comma.csv", csv);
  WooImportInputs inputs;
  inputs.csvPath = dir.file("comma.csv");
  inputs.map.currency = "EUR";
  inputs.read.decimalSeparator = ',';
  auto result = importWooCommerce(inputs);
  BOOST_TEST(variantIn(result.config, "MUG")["price"] == "12.50");
  BOOST_TEST(variantIn(result.config, "MUG")["weightGrams"] == 350);
  BOOST_TEST(result.config["priceRules"][0]["unitPrice"] == "9.99");
  BOOST_TEST(result.config["priceRules"][0]["endsAt"] == "9999-12-31T23:59:59.000Z");  // no dates: always on sale
}

BOOST_AUTO_TEST_CASE(rest_and_csv_give_the_same_store) {
  // The same shop through both doors: the CSV (kg) and the REST files agree on prices, sale and coupons.
  WooImportInputs inputs;
  inputs.apiDirectory = fixture("rest-store");
  inputs.csvPath = fixture("csv-store/products.csv");
  auto both = importWooCommerce(inputs);
  BOOST_TEST(variantIn(both.config, "TEE-BLK")["price"] == variantIn(restStore().config, "TEE-BLK")["price"]);
  BOOST_TEST(both.config["promotions"].dump() == restStore().config["promotions"].dump());
  BOOST_TEST(both.config["catalog"]["products"][0]["categories"].dump() == R"(["clothing","tshirts"])");  // slugs of categories.json
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
