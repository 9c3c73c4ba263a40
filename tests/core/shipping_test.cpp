// SPDX-License-Identifier: MIT
// The shipping stage alone: which methods serve the cart, what each costs, what makes one free, which is chosen.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/shipping.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

json shippingStore() {
  json store = teeStore();
  for (auto& v : store["catalog"]["products"][0]["variants"]) v["weightGrams"] = 400;
  store["shipping"] = {
      {"methods",
       {{{"id", "courier"}, {"name", "Courier"}, {"countries", {"DE"}}, {"subtotalBands", {{{"from", "0.00"}, {"amount", "6.00"}}, {{"from", "30.00"}, {"amount", "3.00"}}}}},
        {{"id", "freight"}, {"name", "Freight"}, {"weightBands", {{{"upToGrams", 1000}, {"amount", "5.00"}}}}},
        {{"id", "standard"}, {"name", "Standard"}, {"flat", "4.99"}, {"freeAbove", "50.00"}}}}};
  return store;
}

json to(const char* country, std::vector<std::pair<std::string, int64_t>> lines, json extra = json::object()) {
  json request = test::cart(std::move(lines), std::move(extra));
  request["destination"] = {{"country", country}};
  return request;
}

const ShippingOption* option(const ShippingQuote& s, const std::string& id) {
  for (const auto& o : s.options) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shipping)

BOOST_AUTO_TEST_CASE(prices_every_method_that_serves_the_cart_and_picks_the_cheapest) {
  StageFixture f(shippingStore(), to("DE", {{"tee-black-m", 2}}));
  Cart c = f.cart();
  ShippingQuote s = priceShipping(c, 4000);
  BOOST_REQUIRE(s.options.size() == 3u);
  BOOST_TEST(option(s, "courier")->amount == 300);  // 40.00 of items reach the 30.00 band
  BOOST_TEST(option(s, "freight")->amount == 500);  // 800 g
  BOOST_TEST(option(s, "standard")->amountToFree.value() == 1000);
  BOOST_TEST(s.chosen.id == "courier");
  BOOST_TEST(priceShipping(c, 2000).chosen.id == "standard");  // the bands see the item total passed in: 6.00 now
}

BOOST_AUTO_TEST_CASE(methods_that_cannot_serve_are_left_out) {
  StageFixture f(shippingStore(), to("FR", {{"tee-black-m", 3}}));  // 1,200 g is beyond the freight table
  Cart c = f.cart();
  ShippingQuote s = priceShipping(c, 6000);
  BOOST_REQUIRE(s.options.size() == 1u);
  BOOST_TEST(s.chosen.id == "standard");
  BOOST_TEST(s.chosen.freeBy == "threshold");
  BOOST_TEST(s.chosen.amount == 0);
  BOOST_TEST(s.chosen.listAmount == 499);
}

BOOST_AUTO_TEST_CASE(a_free_shipping_promotion_frees_the_methods_it_names) {
  json store = shippingStore();
  store["promotions"] = {{{"id", "free-std"}, {"type", "freeShipping"}, {"methods", {"standard"}}}};
  StageFixture f(store, to("DE", {{"tee-black-m", 1}}));
  Cart c = f.cart();
  c.freeShipping.push_back(&f.promotion("free-std"));
  ShippingQuote s = priceShipping(c, 2000);
  BOOST_TEST(option(s, "standard")->freeBy == "free-std");
  BOOST_TEST(!option(s, "standard")->amountToFree.has_value());
  BOOST_TEST(option(s, "courier")->amount == 600);
  BOOST_TEST(s.chosen.id == "standard");
}

BOOST_AUTO_TEST_CASE(an_unserved_request_names_the_field) {
  StageFixture f(shippingStore(), to("FR", {{"tee-black-m", 1}}, {{"shippingMethod", "courier"}}));
  Cart c = f.cart();
  BOOST_TEST((inputErrorOf([&] { priceShipping(c, 2000); }) == std::pair<std::string, std::string>{"shipping_unavailable", "/shippingMethod"}));
  json store = shippingStore();
  store["shipping"]["methods"] = json::array({store["shipping"]["methods"][0]});  // courier: DE only
  StageFixture g(store, to("FR", {{"tee-black-m", 1}}));
  Cart d = g.cart();
  BOOST_TEST((inputErrorOf([&] { priceShipping(d, 2000); }) == std::pair<std::string, std::string>{"shipping_unavailable", "/destination/country"}));
}

BOOST_AUTO_TEST_SUITE_END()
