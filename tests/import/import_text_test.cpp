// SPDX-License-Identifier: MIT
// The importer's text layer: exact decimals, weights, dates, CSV records and file encodings.
#include <boost/test/unit_test.hpp>

#include "csv_table.hpp"
#include "decimal.hpp"
#include "import_report.hpp"
#include "import_support.hpp"
#include "text_input.hpp"
#include "woo_dates.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(import_text)

std::optional<int64_t> minor(const std::string& text, int exponent, bool* rounded = nullptr) {
  auto d = parseDecimal(text);
  return d ? toMinor(*d, exponent, rounded) : std::nullopt;
}

BOOST_AUTO_TEST_CASE(money_is_parsed_exactly_without_floating_point) {
  BOOST_TEST(*minor("19.99", 2) == 1999);
  BOOST_TEST(*minor(" 20 ", 2) == 2000);
  BOOST_TEST(*minor("5.", 2) == 500);
  BOOST_TEST(*minor(".5", 2) == 50);
  BOOST_TEST(*minor("0.10", 2) == 10);  // 0.1 has no exact double; here it is exactly 10 cents
  BOOST_TEST(*minor("1500", 0) == 1500);
  BOOST_TEST(*minor("1.250", 3) == 1250);
  // Up to 18 significant digits are exact; past int64 is refused, never wrapped.
  BOOST_TEST(*minor("9999999999999999.99", 2) == 999'999'999'999'999'999);
  BOOST_TEST(!minor("9999999999999999.99", 3));  // 9.99e18 minor units > INT64_MAX
  BOOST_TEST(!minor("1234567890123456789", 0));  // 19 digits
  BOOST_TEST(*minor("0000000000000000000000012.50", 2) == 1250);  // leading zeros are free
  for (const char* bad : {"", " ", "-5", "+5", "1e3", "1,234.56", "12.3.4", "abc", "."}) BOOST_TEST(!parseDecimal(bad), bad);
  BOOST_TEST(!minor("19,99", 2));  // not with the default separator
  BOOST_TEST(toMinor(*parseDecimal("19,99", ','), 2, nullptr).value() == 1999);
}

BOOST_AUTO_TEST_CASE(extra_decimals_round_half_away_from_zero_and_say_so) {
  bool rounded = false;
  BOOST_TEST(*minor("19.995", 2, &rounded) == 2000);
  BOOST_TEST(rounded);
  BOOST_TEST(*minor("19.994999", 2, &rounded) == 1999);
  BOOST_TEST(rounded);
  BOOST_TEST(*minor("19.990000", 2, &rounded) == 1999);
  BOOST_TEST(!rounded);
  BOOST_TEST(formatTrimmed(*parseDecimal("7.2500"), 4, &rounded) == "7.25");
  BOOST_TEST(formatTrimmed(*parseDecimal("20.0000"), 4, &rounded) == "20");
  BOOST_TEST(formatTrimmed(*parseDecimal("8.87549"), 4, &rounded) == "8.8755");
  BOOST_TEST(rounded);
  BOOST_TEST(formatMinor(5, 2) == "0.05");
  BOOST_TEST(formatMinor(1500, 0) == "1500");
  BOOST_TEST(formatMinor(-1234, 2) == "-12.34");
}

BOOST_AUTO_TEST_CASE(json_numbers_keep_their_written_digits) {
  // COGS arrives as a JSON number; its shortest round-trip text is the decimal that was written.
  for (const char* text : {"8.5", "12.3456", "0.1", "56.78", "19.99"}) {
    BOOST_TEST(*decimalTextOf(nlohmann::json::parse(text)) == text);
  }
  BOOST_TEST(*decimalTextOf(nlohmann::json("7.25")) == "7.25");
  BOOST_TEST(!decimalTextOf(nlohmann::json(nullptr)));
}

BOOST_AUTO_TEST_CASE(weights_convert_to_grams_with_exact_factors) {
  bool rounded = false;
  BOOST_TEST(*scaleToInteger(*parseDecimal("0.4"), 1000, 1, &rounded) == 400);  // kg
  BOOST_TEST(!rounded);
  // 1 lb = 453.59237 g: 0.4 lb = 181.436948 g -> 181; 2.5 lb = 1133.980925 -> 1134.
  BOOST_TEST(*scaleToInteger(*parseDecimal("0.4"), 45359237, 100000, &rounded) == 181);
  BOOST_TEST(rounded);
  BOOST_TEST(*scaleToInteger(*parseDecimal("2.5"), 45359237, 100000, &rounded) == 1134);
  // 1 oz = 28.349523125 g: 16 oz is exactly 1 lb (453.59237 g).
  BOOST_TEST(*scaleToInteger(*parseDecimal("16"), 28349523125, 1000000000, &rounded) == 454);
  BOOST_TEST(*scaleToInteger(*parseDecimal("100000"), 1000, 1, &rounded) == 100'000'000);
}

BOOST_AUTO_TEST_CASE(woocommerce_dates_become_utc_instants) {
  BOOST_TEST(formatUtc(*parseWooDate("2026-11-27T00:00:00", 0)) == "2026-11-27T00:00:00.000Z");
  BOOST_TEST(formatUtc(*parseWooDate("2026-11-30 23:59:59", 0)) == "2026-11-30T23:59:59.000Z");
  BOOST_TEST(formatUtc(*parseWooDate("2026-11-27 0:00:00", 60)) == "2026-11-26T23:00:00.000Z");  // the CSV's 'G' hour
  BOOST_TEST(formatUtc(*parseWooDate("2026-11-27", -300)) == "2026-11-27T05:00:00.000Z");
  BOOST_TEST(formatUtc(*parseWooDate("2024-02-29T12:00:00Z", 0)) == "2024-02-29T12:00:00.000Z");
  for (const char* bad : {"", "27/11/2026", "2026-13-01", "2025-02-29", "2026-11-27T25:00:00", "2026-11-27T10:00:00+02:00", "1969-12-31"}) {
    BOOST_TEST(!parseWooDate(bad, 0), bad);
  }
  BOOST_TEST(*parseUtcOffset("+01:00") == 60);
  BOOST_TEST(*parseUtcOffset("-05:30") == -330);
  BOOST_TEST(!parseUtcOffset("+1"));
}

BOOST_AUTO_TEST_CASE(csv_records_keep_quoted_newlines_and_doubled_quotes) {
  auto records = parseCsv("a,b,c\r\n1,\"two, \"\"2\"\"\nlines\",3\n\n4,,\"\"\n", "t.csv");
  BOOST_TEST_REQUIRE(records.size() == 3u);
  BOOST_TEST(records[1].fields[1] == "two, \"2\"\nlines");
  BOOST_TEST(records[1].line == 2u);
  BOOST_TEST(records[2].line == 5u);  // the blank line 4 is skipped, and line 3 belonged to the quoted field
  BOOST_TEST(records[2].fields.size() == 3u);
  BOOST_TEST(records[2].fields[2] == "");
  auto noFinalNewline = parseCsv("x,y\n1,2", "t.csv");
  BOOST_TEST(noFinalNewline.size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_unclosed_quote_is_an_error_naming_its_line) {
  try {
    parseCsv("ID,Name\n1,ok\n2,\"broken\n3,never closed\n", "shop.csv");
    BOOST_FAIL("expected an ImportError");
  } catch (const ImportError& e) {
    BOOST_TEST(std::string(e.what()).find("shop.csv line 3") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(csv_limits_stop_huge_inputs) {
  std::string many = "h\n";
  for (int i = 0; i < 20; ++i) many += "x\n";
  BOOST_CHECK_THROW(parseCsv(many, "t.csv", {10, 100}), ImportError);
  BOOST_CHECK_NO_THROW(parseCsv(many, "t.csv", {21, 100}));
  BOOST_CHECK_THROW(parseCsv("h\n" + std::string(200, 'y') + "\n", "t.csv", {10, 100}), ImportError);
}

BOOST_AUTO_TEST_CASE(multi_value_cells_split_like_woocommerce) {
  auto values = splitCellValues("Black, White\\, Cream ,, Red");
  BOOST_TEST_REQUIRE(values.size() == 3u);
  BOOST_TEST(values[0] == "Black");
  BOOST_TEST(values[1] == "White, Cream");
  BOOST_TEST(values[2] == "Red");
  BOOST_TEST(splitCellValues("").empty());
}

BOOST_AUTO_TEST_CASE(encodings_bom_utf16_and_windows_1252) {
  auto plain = decodeText("\xEF\xBB\xBFName\nCaf\xC3\xA9\n", "t.csv");
  BOOST_TEST(plain.utf8 == "Name\nCaf\xC3\xA9\n");
  BOOST_TEST(!plain.windows1252Line);
  // A spreadsheet re-save on Windows: é is the single byte E9, the euro sign 80; valid UTF-8 around them stays.
  auto latin = decodeText("Name\nCaf\xE9 \x80 5\nna\xC3\xAFve\n", "t.csv");
  BOOST_TEST(latin.utf8 == "Name\nCaf\xC3\xA9 \xE2\x82\xAC 5\nna\xC3\xAFve\n");
  BOOST_TEST(*latin.windows1252Line == 2u);
  BOOST_TEST(latin.windows1252Bytes == 2u);
  BOOST_CHECK_THROW(decodeText("\xFF\xFEN\0a\0", "t.csv"), ImportError);
  BOOST_CHECK_THROW(decodeText("\xFE\xFF\0N", "t.csv"), ImportError);
  // Overlong and surrogate encodings are not UTF-8 either.
  BOOST_TEST(decodeText("\xC0\xAF", "t").windows1252Bytes == 2u);
  BOOST_TEST(decodeText("\xED\xA0\x80", "t").windows1252Bytes == 3u);
}

BOOST_AUTO_TEST_CASE(a_file_over_the_limit_is_refused_before_it_is_read) {
  TempDir dir;
  dir.write("big.csv", std::string(4096, 'x'));
  try {
    readFileLimited(dir.file("big.csv"), 1024);
    BOOST_FAIL("expected an ImportError");
  } catch (const ImportError& e) {
    BOOST_TEST(std::string(e.what()).find("4096 bytes") != std::string::npos, e.what());
  }
  BOOST_TEST(readFileLimited(dir.file("big.csv"), 4096).size() == 4096u);
  BOOST_CHECK_THROW(readFileLimited(dir.file("missing.csv"), 4096), ImportError);
}

BOOST_AUTO_TEST_CASE(the_report_reads_as_text_and_json) {
  ImportReport report;
  report.count("products", 2);
  report.add(Severity::Skipped, "product 4 \"Gift\"", "grouped_product", "no price");
  report.add(Severity::Approximated, "coupon 9", "usage_limits", "not enforced");
  auto j = report.toJson();
  BOOST_TEST(j["summary"]["products"] == 2);
  BOOST_TEST(j["summary"]["skipped"] == 1);
  BOOST_TEST(j["summary"]["approximated"] == 1);
  BOOST_TEST(j["entries"][0]["code"] == "grouped_product");
  std::string text = report.toText();
  BOOST_TEST(text.find("Imported: 2 products.") == 0u, text);
  BOOST_TEST(text.find("Skipped (not in the config): 1") != std::string::npos, text);
  BOOST_TEST(text.find("- coupon 9: not enforced [usage_limits]") != std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
