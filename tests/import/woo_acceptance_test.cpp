// SPDX-License-Identifier: MIT
// Acceptance: carts quoted on the imported REST fixture store cost what WooCommerce's own rules charge for them.
// Every expected figure is worked out by hand below from WooCommerce's code:
//   - coupons apply in the order fixed_product, percent, fixed_cart (WC_Cart_Totals::get_coupons_from_cart);
//   - with "calculate discounts sequentially" off, a percent coupon is taken from the item's price before coupons
//     and capped at what is left (WC_Discounts::apply_coupon_percent); fixed_product is the amount per unit capped at
//     the item (apply_coupon_fixed_product); fixed_cart splits its amount over the items (apply_coupon_fixed_cart);
//   - the sale price is the item's price while date_on_sale_from <= now <= date_on_sale_to (WC_Product::is_on_sale);
//   - tax is computed per line and rounded, 19 % DE standard, 7 % DE reduced, 7.25 % US-CA (WC_Tax, rounding per line);
//   - free shipping "min_amount" compares the total after coupons (WC_Shipping_Free_Shipping, ignore_discounts no),
//     and the shopper takes the free method when it is offered.
#include <boost/test/unit_test.hpp>

#include "import_support.hpp"

namespace cartcore::import::test {

BOOST_AUTO_TEST_SUITE(woo_acceptance)

// `lines` is a vector so that `{line(…)}` is a one-line array with every compiler: a braced `json` holding one `json`
// is a copy under Clang (CWG 2137) but an array under GCC.
json cart(const std::string& now, json destination, json coupons, std::vector<json> lines) {
  return {{"schemaVersion", 1}, {"currency", "USD"}, {"now", now}, {"destination", destination}, {"coupons", coupons}, {"lines", lines}};
}

json line(const std::string& variant, int quantity) { return {{"variant", variant}, {"quantity", quantity}}; }

BOOST_AUTO_TEST_CASE(sale_fixed_product_and_percent_coupons_in_germany) {
  // 28 Nov 2026, the black tee is on sale at 20.00 (regular 25.00). Cart: 2 black tees, 1 care guide (reduced rate).
  // Coupons TEN (10 %) and TEEFIVE (5.00 off each tee). WooCommerce applies TEEFIVE first (fixed_product):
  //   tees 2 x 20.00 = 40.00 - 2 x 5.00 = 30.00.
  // Then TEN, from the prices before coupons: tees floor(40.00 x 10 %) = 4.00 (capped at 30.00, fine), guide 1.00;
  //   the cart-wide 10 % of 50.00 = 5.00 equals 4.00 + 1.00, so no leftover cents.
  //   Items: tees 26.00 + guide 9.00 = 35.00.
  // Shipping: DHL Paket 4.90; free shipping needs 60.00 after coupons, 35.00 is short.
  // Tax: tees 26.00 x 19 % = 4.94; shipping 4.90 x 19 % = 0.931 -> 0.93; guide 9.00 x 7 % = 0.63. Total tax 6.50.
  // Grand total 35.00 + 4.90 + 6.50 = 46.40.
  json q = quote(restStore().config, cart("2026-11-28T12:00:00.000Z", {{"country", "DE"}}, {"ten", "teefive"},
                                          {line("TEE-BLK", 2), line("GUIDE", 1)}));
  BOOST_TEST(q["totals"]["total"] == "35.00");
  BOOST_TEST(findBy(q["lines"], "variant", std::string("TEE-BLK"))["total"] == "26.00");
  BOOST_TEST(findBy(q["lines"], "variant", std::string("GUIDE"))["total"] == "9.00");
  BOOST_TEST(q["shipping"]["amount"] == "4.90");
  BOOST_TEST(findBy(q["tax"]["rates"], "id", std::string("wc-tax-2"))["amount"] == "5.87");  // 4.94 + 0.93
  BOOST_TEST(findBy(q["tax"]["rates"], "id", std::string("wc-tax-3"))["amount"] == "0.63");
  BOOST_TEST(q["totals"]["tax"] == "6.50");
  BOOST_TEST(q["totals"]["grandTotal"] == "46.40");
}

BOOST_AUTO_TEST_CASE(after_the_sale_the_regular_price_returns) {
  // 1 Dec 2026 00:00:00 UTC is one second after the sale's last second: 2 black tees are 2 x 25.00 = 50.00.
  // Free shipping needs 60.00: DHL 4.90. Tax (50.00 + 4.90) x 19 % = 9.50 + 0.931 -> 9.50 + 0.93 = 10.43.
  json q = quote(restStore().config, cart("2026-12-01T00:00:00.000Z", {{"country", "DE"}}, json::array(), {line("TEE-BLK", 2)}));
  BOOST_TEST(q["totals"]["total"] == "50.00");
  BOOST_TEST(q["totals"]["tax"] == "10.43");
  BOOST_TEST(q["totals"]["grandTotal"] == "65.33");
  // One second earlier it is still on sale: 40.00.
  json onSale = quote(restStore().config, cart("2026-11-30T23:59:59.999Z", {{"country", "DE"}}, json::array(), {line("TEE-BLK", 2)}));
  BOOST_TEST(onSale["totals"]["total"] == "40.00");
}

BOOST_AUTO_TEST_CASE(fixed_cart_with_minimum_and_a_free_shipping_coupon_in_california) {
  // 5 Dec 2026. Cart: 1 white tee 25.00 + 2 totes 30.00 = 55.00 >= TAKE10's 50.00 minimum.
  // TAKE10 (fixed_cart 10.00): WooCommerce gives floor(1000 / 3 items) = 3.33 per item = 9.99, then the last cent to
  //   the dearest line: totes -6.67, tee -3.33. Items 55.00 - 10.00 = 45.00 (Cartcore splits 4.55 / 5.45 pro rata:
  //   the order total is the same, and both lines are in the standard class, so the tax is too).
  // SHIPFREE enables the US zone's "Free shipping (requires a coupon)": shipping 0.00.
  // Tax at 7.25 %: WooCommerce per line: totes 23.33 -> 1.691 -> 1.69, tee 21.67 -> 1.571 -> 1.57 = 3.26;
  //   on the class total: 45.00 x 7.25 % = 3.2625 -> 3.26. Grand total 45.00 + 0.00 + 3.26 = 48.26.
  json q = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "US"}, {"region", "CA"}}, {"TAKE10", "shipfree"},
                                          {line("TEE-WHT", 1), line("TOTE", 2)}));
  BOOST_TEST(q["totals"]["total"] == "45.00");
  BOOST_TEST(q["shipping"]["amount"] == "0.00");
  BOOST_TEST(q["shipping"]["freeBy"] == "coupon-shipfree-free-shipping");
  BOOST_TEST(findBy(q["tax"]["rates"], "id", std::string("wc-tax-1"))["amount"] == "3.26");
  BOOST_TEST(q["totals"]["grandTotal"] == "48.26");
  // Without SHIPFREE, USPS Ground 7.00 is taxed at 7.25 % = 0.5075 -> 0.51: tax 3.26 + 0.51 = 3.77, total 55.77.
  json paid = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "US"}, {"region", "CA"}}, {"TAKE10"},
                                             {line("TEE-WHT", 1), line("TOTE", 2)}));
  BOOST_TEST(paid["shipping"]["amount"] == "7.00");
  BOOST_TEST(paid["totals"]["tax"] == "3.77");
  BOOST_TEST(paid["totals"]["grandTotal"] == "55.77");
}

BOOST_AUTO_TEST_CASE(a_minimum_spend_not_reached) {
  // 1 tote 15.00 < 50.00: WooCommerce refuses TAKE10 ("The minimum spend for this coupon is 50.00"). New York has no
  // rate: no tax. USPS 7.00. Grand total 22.00.
  json q = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "US"}, {"region", "NY"}}, {"take10"}, {line("TOTE", 1)}));
  BOOST_TEST(q["totals"]["total"] == "15.00");
  BOOST_TEST(findBy(q["promotions"]["notApplied"], "id", std::string("coupon-take10"))["reason"] == "min_subtotal_not_met");
  BOOST_TEST(q["totals"]["tax"] == "0.00");
  BOOST_TEST(q["totals"]["grandTotal"] == "22.00");
}

BOOST_AUTO_TEST_CASE(an_individual_use_coupon_applies_alone_until_it_expires) {
  // New York, 5 Dec 2026: 1 tote 15.00 + 1 white tee 25.00 = 40.00 with SOLO20 (individual use) and TEN.
  // WooCommerce: SOLO20 removes TEN (or TEN is refused after it): 20 % of 40.00 = 8.00 -> 32.00. USPS 7.00, no tax.
  json q = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "US"}, {"region", "NY"}}, {"SOLO20", "TEN"},
                                          {line("TOTE", 1), line("TEE-WHT", 1)}));
  BOOST_TEST(q["totals"]["total"] == "32.00");
  BOOST_TEST(q["totals"]["grandTotal"] == "39.00");
  // 2 Jan 2027: SOLO20 expired on 31 Dec 2026 ("This coupon has expired"); TEN applies: 40.00 - 4.00 = 36.00.
  json later = quote(restStore().config, cart("2027-01-02T12:00:00.000Z", {{"country", "US"}, {"region", "NY"}}, {"SOLO20", "TEN"},
                                              {line("TOTE", 1), line("TEE-WHT", 1)}));
  BOOST_TEST(later["totals"]["total"] == "36.00");
  BOOST_TEST(findBy(later["promotions"]["notApplied"], "id", std::string("coupon-solo20"))["reason"] == "outside_window");
}

BOOST_AUTO_TEST_CASE(a_percent_coupon_excluding_sale_items_and_a_category) {
  // 28 Nov 2026, Germany: black tee on sale 20.00, tote 15.00, care guide 10.00 (Books) with NOSALE15 (15 %,
  // exclude sale items, excluded category Books). WooCommerce discounts only the tote: 15 % of 15.00 = 2.25.
  //   Items 20.00 + 12.75 + 10.00 = 42.75 (< 60.00: DHL 4.90).
  // Tax: standard lines tee 20.00 -> 3.80, tote 12.75 -> 2.4225 -> 2.42, shipping 0.931 -> 0.93 = 7.15;
  //   reduced guide 10.00 x 7 % = 0.70. Total 7.85. Grand total 42.75 + 4.90 + 7.85 = 55.50.
  json q = quote(restStore().config, cart("2026-11-28T12:00:00.000Z", {{"country", "DE"}}, {"nosale15"},
                                          {line("TEE-BLK", 1), line("TOTE", 1), line("GUIDE", 1)}));
  BOOST_TEST(q["totals"]["total"] == "42.75");
  BOOST_TEST(findBy(q["lines"], "variant", std::string("TOTE"))["total"] == "12.75");
  BOOST_TEST(q["totals"]["tax"] == "7.85");
  BOOST_TEST(q["totals"]["grandTotal"] == "55.50");
}

BOOST_AUTO_TEST_CASE(free_shipping_above_the_zone_minimum) {
  // Germany, no coupon: 3 totes 45.00 + 1 white tee 25.00 = 70.00 >= 60.00, so WooCommerce offers "Free shipping"
  // and the shopper takes it. Tax 70.00 x 19 % = 13.30. Grand total 83.30.
  json q = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "DE"}}, json::array(), {line("TOTE", 3), line("TEE-WHT", 1)}));
  BOOST_TEST(q["shipping"]["amount"] == "0.00");
  BOOST_TEST(q["shipping"]["freeBy"] == "threshold");
  BOOST_TEST(q["totals"]["grandTotal"] == "83.30");
}

BOOST_AUTO_TEST_CASE(the_rest_of_the_world_zone) {
  // Japan is in no zone of its own: "Locations not covered by your other zones" charges International 19.00, and
  // no rate matches Japan, so no tax. 1 tote 15.00 + 19.00 = 34.00.
  json q = quote(restStore().config, cart("2026-12-05T12:00:00.000Z", {{"country", "JP"}}, json::array(), {line("TOTE", 1)}));
  BOOST_TEST(q["shipping"]["method"] == "locations-not-covered-by-your-other-zones-flat-rate-51");
  BOOST_TEST(q["totals"]["tax"] == "0.00");
  BOOST_TEST(q["totals"]["grandTotal"] == "34.00");
}

BOOST_AUTO_TEST_CASE(an_email_restricted_coupon_needs_its_segment) {
  // LIMITED (5.00 off the order) is restricted to listed e-mails: without the segment it does not apply.
  json request = cart("2026-12-05T12:00:00.000Z", {{"country", "US"}, {"region", "NY"}}, {"limited"}, {line("TOTE", 1)});
  BOOST_TEST(quote(restStore().config, request)["totals"]["total"] == "15.00");
  request["customer"] = {{"segments", {"wc-coupon-907-customers"}}};
  BOOST_TEST(quote(restStore().config, request)["totals"]["total"] == "10.00");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace cartcore::import::test
