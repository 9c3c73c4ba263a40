// SPDX-License-Identifier: MIT
// The tax stage alone: rates per class at the destination, rounded once per rate and class, split exactly.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/tax.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

/** Tees standard (19 % in DE), caps reduced (7 %); shipping taxed as standard when `shippingTaxed`. */
json taxedStore(bool inclusive, bool shippingTaxed = false) {
  json store = teeStore();
  store["catalog"]["products"][2]["taxClass"] = "reduced";
  store["tax"] = {{"pricesIncludeTax", inclusive},
                  {"rates", {{{"id", "de-vat"}, {"name", "VAT 19%"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "19"}},
                             {{"id", "de-vat-reduced"}, {"name", "VAT 7%"}, {"country", "DE"}, {"taxClasses", {"reduced"}}, {"percent", "7"}}}}};
  if (shippingTaxed) store["tax"]["shippingTaxClass"] = "standard";
  return store;
}

json to(const char* country, std::vector<std::pair<std::string, int64_t>> lines) {
  json request = test::cart(std::move(lines));
  if (country) request["destination"] = {{"country", country}};
  return request;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tax)

BOOST_AUTO_TEST_CASE(each_rate_is_rounded_once_per_class_and_its_shares_sum_exactly) {
  StageFixture f(taxedStore(false), to("DE", {{"cap", 1}, {"tee-black-m", 1}, {"tee-white-m", 1}}));
  Cart c = f.cart();
  // Lines by id: cap, tee-black-m, tee-white-m. Two tees at 10.01 each: 19 % of 20.02 = 3.8038 -> 3.80, split 1.90 each.
  const std::vector<Minor> totals{1500, 1001, 1001};
  TaxQuote t = priceTax(c, totals, std::nullopt);
  BOOST_TEST(!t.included);
  BOOST_REQUIRE(t.rates.size() == 2u);
  BOOST_TEST(t.rates[0].id == "de-vat");
  BOOST_TEST(t.rates[0].amount == 380);
  BOOST_TEST(t.rates[1].amount == 105);
  BOOST_TEST(t.total == 485);
  BOOST_TEST((t.lineTax == std::vector<Minor>{105, 190, 190}));
  BOOST_TEST(!t.shippingTax.has_value());
}

BOOST_AUTO_TEST_CASE(inclusive_prices_hold_their_tax_and_taxed_shipping_takes_its_share) {
  StageFixture f(taxedStore(true, true), to("DE", {{"tee-black-m", 1}}));
  Cart c = f.cart();
  const std::vector<Minor> totals{2000};
  TaxQuote t = priceTax(c, totals, Minor{499});
  BOOST_TEST(t.included);
  // 19/119 of 24.99 = 3.99
  BOOST_TEST(t.total == 399);
  BOOST_TEST(t.lineTax[0] + t.shippingTax.value() == 399);
  BOOST_TEST(t.lineTax[0] == 319);  // 20.00 of 24.99, largest remainder
}

BOOST_AUTO_TEST_CASE(a_missing_destination_or_rate_names_the_field) {
  StageFixture f(taxedStore(false), to(nullptr, {{"tee-black-m", 1}}));
  Cart c = f.cart();
  const std::vector<Minor> totals{2000};
  BOOST_TEST((inputErrorOf([&] { priceTax(c, totals, std::nullopt); }) == std::pair<std::string, std::string>{"missing_field", "/destination"}));
  StageFixture g(taxedStore(false), to("FR", {{"hoodie-m", 1}, {"tee-black-m", 1}}));
  Cart d = g.cart();
  const std::vector<Minor> two{5500, 2000};
  BOOST_TEST((inputErrorOf([&] { priceTax(d, two, std::nullopt); }) == std::pair<std::string, std::string>{"missing_tax_rate", "/lines/0/variant"}));
}

BOOST_AUTO_TEST_SUITE_END()
