// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include "input_error.hpp"
#include "money.hpp"

using namespace cartcore;

namespace {
ErrorCode codeOf(auto&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.error.code;
  }
  BOOST_FAIL("expected an InputError");
  return ErrorCode::Internal;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(parses_amounts_at_each_exponent) {
  BOOST_TEST(parseMoney("12.34", 2, "/p") == 1234);
  BOOST_TEST(parseMoney("12.3", 2, "/p") == 1230);
  BOOST_TEST(parseMoney("12", 2, "/p") == 1200);
  BOOST_TEST(parseMoney("0", 2, "/p") == 0);
  BOOST_TEST(parseMoney("1500", 0, "/p") == 1500);
  BOOST_TEST(parseMoney("1.250", 3, "/p") == 1250);
  BOOST_TEST(parseMoney("0.05", 2, "/p") == 5);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_and_overprecise_amounts) {
  for (const char* bad : {"", "-1.00", "+1", "1e3", " 1.00", "1.", ".5", "01.00", "1,00", "abc", "1.2.3"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST((codeOf([&] { parseMoney(bad, 2, "/p"); }) == ErrorCode::InvalidValue)); }
  }
  BOOST_TEST((codeOf([] { parseMoney("1.234", 2, "/p"); }) == ErrorCode::InvalidValue));
  BOOST_TEST((codeOf([] { parseMoney("1.5", 0, "/p"); }) == ErrorCode::InvalidValue));
  BOOST_TEST((codeOf([] { parseMoney("99999999999999999999", 2, "/p"); }) == ErrorCode::OutOfRange));
  BOOST_TEST((codeOf([] { parseMoney("10000000000000000.01", 2, "/p"); }) == ErrorCode::OutOfRange));
}

BOOST_AUTO_TEST_CASE(error_names_the_pointer) {
  try {
    parseMoney("x", 2, "/catalog/products/0/variants/1/price");
    BOOST_FAIL("no error");
  } catch (const InputError& e) {
    BOOST_TEST(e.error.pointer == "/catalog/products/0/variants/1/price");
  }
}

BOOST_AUTO_TEST_CASE(percentages_are_exact_millionths) {
  BOOST_TEST(parsePercent("100", "/p") == 1'000'000);
  BOOST_TEST(parsePercent("12.5", "/p") == 125'000);
  BOOST_TEST(parsePercent("0.0001", "/p") == 1);
  BOOST_TEST((codeOf([] { parsePercent("100.0001", "/p"); }) == ErrorCode::OutOfRange));
  BOOST_TEST((codeOf([] { parsePercent("12.34567", "/p"); }) == ErrorCode::InvalidValue));
}

BOOST_AUTO_TEST_CASE(formats_all_exponents_and_signs) {
  BOOST_TEST(formatMoney(1234, 2) == "12.34");
  BOOST_TEST(formatMoney(5, 2) == "0.05");
  BOOST_TEST(formatMoney(-5, 2) == "-0.05");
  BOOST_TEST(formatMoney(0, 2) == "0.00");
  BOOST_TEST(formatMoney(1500, 0) == "1500");
  BOOST_TEST(formatMoney(1, 3) == "0.001");
  BOOST_TEST(formatMoney(INT64_MIN, 2) == "-92233720368547758.08");
  BOOST_TEST(formatMoney(INT64_MAX, 0) == "9223372036854775807");
  BOOST_TEST(formatMoney(-123456, 4) == "-12.3456");
  BOOST_TEST(formatMoney(100, 2) == "1.00");
  std::string out = "x";
  appendMoney(out, -7, 3);
  BOOST_TEST(out == "x-0.007");
}

BOOST_AUTO_TEST_CASE(overflow_is_an_error_not_a_wrap) {
  BOOST_TEST((codeOf([] { addMoney(INT64_MAX, 1); }) == ErrorCode::AmountOverflow));
  BOOST_TEST((codeOf([] { mulMoney(INT64_MAX / 2, 3); }) == ErrorCode::AmountOverflow));
  BOOST_TEST(mulMoney(1'000'000'000, 1'000'000) == 1'000'000'000'000'000);
}

BOOST_AUTO_TEST_CASE(percent_rounds_half_away_from_zero) {
  BOOST_TEST(percentOf(999, 100'000) == 100);   // 99.9 -> 100
  BOOST_TEST(percentOf(25, 100'000) == 3);      // 2.5 -> 3
  BOOST_TEST(percentOf(24, 100'000) == 2);      // 2.4 -> 2
  BOOST_TEST(percentOf(-25, 100'000) == -3);    // symmetric
  BOOST_TEST(percentOf(1234, 1'000'000) == 1234);
  BOOST_TEST(percentOf(INT64_MAX, 1'000'000) == INT64_MAX);  // 128-bit intermediate, no overflow
}

BOOST_AUTO_TEST_CASE(pro_rata_split_sums_back_exactly) {
  auto parts = allocateProRata(100, {1, 1, 1});
  BOOST_TEST(parts == (std::vector<Minor>{34, 33, 33}), boost::test_tools::per_element());
  parts = allocateProRata(1300, {1500, 5800});
  BOOST_TEST(parts == (std::vector<Minor>{267, 1033}), boost::test_tools::per_element());
  parts = allocateProRata(7, {0, 0});
  BOOST_TEST(parts == (std::vector<Minor>{4, 3}), boost::test_tools::per_element());
  BOOST_TEST(allocateProRata(5, {}).empty());
  // Randomized: every split sums to the total and no part exceeds its weight when total <= sum of weights.
  uint64_t seed = 42;
  auto next = [&] { seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; return seed >> 33; };
  for (int round = 0; round < 2000; ++round) {
    std::vector<Minor> weights(1 + next() % 7);
    Minor sum = 0;
    for (auto& w : weights) sum += (w = static_cast<Minor>(next() % 5000));
    Minor total = sum == 0 ? 0 : static_cast<Minor>(next() % (sum + 1));
    auto split = allocateProRata(total, weights);
    Minor back = 0;
    for (std::size_t i = 0; i < split.size(); ++i) {
      back += split[i];
      BOOST_TEST(split[i] <= weights[i]);
      BOOST_TEST(split[i] >= 0);
    }
    BOOST_TEST(back == total);
  }
}

BOOST_AUTO_TEST_SUITE_END()
