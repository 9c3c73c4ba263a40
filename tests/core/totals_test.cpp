// SPDX-License-Identifier: MIT
// The totals stage alone: quoted lines, item totals and the grand total.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/price_rules.hpp"
#include "stages/stacking.hpp"
#include "stages/totals.hpp"

using namespace cartcore;
using namespace cartcore::test;

BOOST_AUTO_TEST_SUITE(totals)

BOOST_AUTO_TEST_CASE(lines_and_item_totals_add_up) {
  json rule = {{"id", "cheap-caps"}, {"type", "flashSale"}, {"selector", {{"products", {"cap"}}}}, {"unitPrice", "12.00"},
               {"startsAt", "2026-11-27T09:00:00.000Z"}, {"endsAt", "2026-11-27T10:00:00.000Z"}};
  json promo = {{"id", "tenth"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}}};
  json ship = {{"id", "ship"}, {"type", "freeShipping"}};
  StageFixture f(teeStore(json::array({rule}), {promo, ship}), test::cart({{"cap", 2}, {"tee-black-m", 1}}, {{"stock", {{"cap", 3}, {"tee-black-m", 40}}}}));
  Cart c = f.cart();
  applyPriceRules(c);
  applyPromotions(c);
  Quote q;
  totalItems(c, q);
  BOOST_TEST(q.currency == "USD");
  BOOST_TEST(q.configDigest == f.store.configDigest);
  BOOST_REQUIRE(q.lines.size() == 2u);
  const QuotedLine& cap = q.lines[0];
  BOOST_TEST(cap.listTotal == 3000);
  BOOST_TEST(cap.total == 2160);  // 2 x 12.00, then 10 % off
  BOOST_TEST(cap.adjustments.size() == 2u);
  BOOST_TEST(cap.lowStockRemaining.value() == 3);           // below the store's level of 5
  BOOST_TEST(!q.lines[1].lowStockRemaining.has_value());   // 40 left
  BOOST_TEST(q.listSubtotal == 5000);
  BOOST_TEST(q.priceRuleSavings == 600);
  BOOST_TEST(q.promotionSavings == 440);
  BOOST_TEST(q.total == 3960);
  BOOST_TEST(q.freeShippingPromotion == "ship");
  BOOST_TEST(c.lines[0].adjustments.empty());  // moved into the quote
  totalOrder(q);
  BOOST_TEST(!q.grandTotal.has_value());  // neither shipping nor tax: the item total is what is paid
}

BOOST_AUTO_TEST_CASE(the_grand_total_adds_shipping_and_tax_unless_prices_include_it) {
  Quote q;
  q.total = 10000;
  q.shipping = ShippingQuote{};
  q.shipping->chosen.amount = 499;
  q.taxConfigured = true;
  q.taxTotal = 1900;
  totalOrder(q);
  BOOST_TEST(q.grandTotal.value() == 12399);
  q.taxIncluded = true;
  totalOrder(q);
  BOOST_TEST(q.grandTotal.value() == 10499);
}

BOOST_AUTO_TEST_SUITE_END()
