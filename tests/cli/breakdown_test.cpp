// SPDX-License-Identifier: MIT
// The CLI's plain-text breakdown (`cartcore explain`): it reads as a receipt, saying each figure once.
#include "breakdown.hpp"

#include <boost/test/unit_test.hpp>

using nlohmann::json;

namespace {

json taxedQuote(const char* rateName, const char* percent) {
  return {{"ok", true},
          {"quote",
           {{"currency", "EUR"},
            {"lines", json::array()},
            {"totals", {{"listSubtotal", "10.00"}, {"priceRuleSavings", "0.00"}, {"promotionSavings", "0.00"}, {"total", "10.00"}}},
            {"tax", {{"included", true}, {"rates", {{{"name", rateName}, {"percent", percent}, {"amount", "1.60"}}}}}},
            {"freeShipping", nullptr},
            {"priceRules", {{"applied", json::array()}, {"notApplied", json::array()}}},
            {"promotions", {{"applied", json::array()}, {"notApplied", json::array()}}},
            {"coupons", json::array()},
            {"digest", "sha256:0"}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(breakdown)

BOOST_AUTO_TEST_CASE(a_rate_named_with_its_percent_is_not_given_it_twice) {
  std::string text = cartcore::cli::renderBreakdown(taxedQuote("MwSt. 19%", "19"));
  BOOST_TEST(text.find("tax MwSt. 19% 1.60 (included)\n") != std::string::npos, text);
  BOOST_TEST(cartcore::cli::renderBreakdown(taxedQuote("TVA 5,5 %", "5.5")).find("TVA 5,5 % 5.5% 1.60") != std::string::npos);
  BOOST_TEST(cartcore::cli::renderBreakdown(taxedQuote("VAT 7 %", "7")).find("tax VAT 7 % 1.60") != std::string::npos);
  BOOST_TEST(cartcore::cli::renderBreakdown(taxedQuote("Sales tax", "8.875")).find("tax Sales tax 8.875% 1.60") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
