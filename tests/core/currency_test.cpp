// SPDX-License-Identifier: MIT
// Multi-currency: exact conversion, price endings, price lists, country mapping, stale rates, converted thresholds.
#include <boost/test/unit_test.hpp>

#include "currency.hpp"
#include "store.hpp"
#include "test_support.hpp"

using namespace cartcore::test;

namespace {

/** The tee shop with EUR at 0.92, JPY at 151.5 and KWD at 0.3075, and a DE/JP/KW country map. */
json multiCurrencyStore(json priceRules = json::array(), json promotions = json::array()) {
  json store = teeStore(std::move(priceRules), std::move(promotions));
  store["currencies"] = {{"rates", {{"EUR", "0.92"}, {"JPY", "151.5"}, {"KWD", "0.3075"}}},
                         {"asOf", "2026-11-27T00:00:00.000Z"},
                         {"countries", {{"DE", "EUR"}, {"JP", "JPY"}, {"KW", "KWD"}}}};
  return store;
}

json in(const char* currency, std::vector<std::pair<std::string, int64_t>> lines, json extra = json::object()) {
  json request = cart(std::move(lines), std::move(extra));
  request["currency"] = currency;
  return request;
}

int64_t scaledRate(const char* decimal) { return cartcore::parseMoney(decimal, cartcore::kRateDecimals, "/r"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(currency)

BOOST_AUTO_TEST_CASE(conversion_rescales_exponents_and_rounds_half_away_from_zero) {
  using cartcore::convertMoney;
  BOOST_TEST(convertMoney(2000, scaledRate("0.92"), 10, 2, 2) == 1840);   // 20.00 USD -> 18.40 EUR
  BOOST_TEST(convertMoney(2000, scaledRate("151.5"), 10, 2, 0) == 3030);  // 20.00 USD -> 3030 JPY
  BOOST_TEST(convertMoney(2000, scaledRate("0.3075"), 10, 2, 3) == 6150); // 20.00 USD -> 6.150 KWD
  BOOST_TEST(convertMoney(1500, scaledRate("0.30755"), 10, 2, 3) == 4613); // 4.61325 -> 4.613
  BOOST_TEST(convertMoney(1, scaledRate("0.5"), 10, 2, 2) == 1);          // 0.005 rounds away from zero
  BOOST_TEST(convertMoney(3, scaledRate("0.5"), 10, 2, 2) == 2);          // 0.015 -> 0.02
  BOOST_TEST(convertMoney(1, scaledRate("0.4999999999"), 10, 2, 2) == 0);
  BOOST_TEST(convertMoney(3030, scaledRate("0.0066"), 10, 0, 2) == 2000); // 3030 JPY x 0.0066 = 19.998 -> 20.00
  BOOST_TEST(convertMoney(0, scaledRate("151.5"), 10, 2, 0) == 0);
}

BOOST_AUTO_TEST_CASE(price_endings_only_round_up) {
  using cartcore::applyPriceEnding;
  BOOST_TEST(applyPriceEnding(1843, 99, 2) == 1899);
  BOOST_TEST(applyPriceEnding(1899, 99, 2) == 1899);
  BOOST_TEST(applyPriceEnding(1900, 99, 2) == 1999);
  BOOST_TEST(applyPriceEnding(1843, 0, 2) == 1900);  // whole units
  BOOST_TEST(applyPriceEnding(1800, 0, 2) == 1800);
  BOOST_TEST(applyPriceEnding(0, 99, 2) == 0);       // a free item stays free
  BOOST_TEST(applyPriceEnding(12345, 950, 3) == 12950);
}

BOOST_AUTO_TEST_CASE(prices_convert_at_the_rate_in_each_exponent) {
  json store = multiCurrencyStore();
  json q = quote(store, in("EUR", {{"tee-black-m", 2}, {"cap", 1}}));
  BOOST_TEST(q["currency"] == "EUR");
  BOOST_TEST(lineTotal(q, "tee-black-m") == "36.80");  // 2 x 18.40
  BOOST_TEST(lineTotal(q, "cap") == "13.80");          // 15.00 x 0.92
  BOOST_TEST(q["totals"]["total"] == "50.60");
  q = quote(store, in("JPY", {{"tee-black-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "3030");
  q = quote(store, in("KWD", {{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "4.613");  // 15.00 x 0.3075 = 4.6125 -> 4.613
}

BOOST_AUTO_TEST_CASE(endings_apply_to_converted_shelf_prices_but_not_to_price_lists) {
  json store = multiCurrencyStore();
  store["currencies"]["priceEndings"] = {{"EUR", "0.99"}};
  store["catalog"]["products"][0]["variants"][1]["prices"] = {{"EUR", "19.50"}};  // tee-black-xl
  json q = quote(store, in("EUR", {{"tee-black-m", 1}, {"tee-black-xl", 1}, {"cap", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "18.99");   // 18.40 -> 18.99
  BOOST_TEST(lineTotal(q, "cap") == "13.99");           // 13.80 -> 13.99
  BOOST_TEST(lineTotal(q, "tee-black-xl") == "19.50");  // the merchant's price list wins, untouched
  store["currencies"]["priceEndings"] = {{"EUR", "0.00"}};
  q = quote(store, in("EUR", {{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "19.00");
}

BOOST_AUTO_TEST_CASE(currency_comes_from_the_request_or_the_country_map) {
  json store = multiCurrencyStore();
  json request = cart({{"cap", 1}});
  request.erase("currency");
  request["country"] = "DE";
  BOOST_TEST(quote(store, request)["currency"] == "EUR");
  request["country"] = "JP";
  BOOST_TEST(quote(store, request)["totals"]["total"] == "2273");  // 15.00 x 151.5 = 2272.5 -> 2273
  request["country"] = "FR";  // not mapped: the store currency
  BOOST_TEST(quote(store, request)["currency"] == "USD");
  request["country"] = "DE";
  request["currency"] = "USD";  // a manual choice beats the country
  BOOST_TEST(quote(store, request)["currency"] == "USD");
}

BOOST_AUTO_TEST_CASE(thresholds_and_amounts_convert_at_the_rate_without_endings) {
  json spend = {{"id", "spend50"}, {"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", "50.00"}, {"amountOff", "5.00"}}}}};
  json store = multiCurrencyStore(json::array(), json::array({spend}));
  store["currencies"]["priceEndings"] = {{"EUR", "0.99"}};  // endings must not touch the threshold or the discount
  // 2 tees at 18.99 = 37.98 EUR; the threshold is 50.00 x 0.92 = 46.00 EUR.
  json q = quote(store, in("EUR", {{"tee-black-m", 2}}));
  BOOST_TEST(promotionOutcome(q, "spend50")["amountNeeded"] == "8.02");
  // 3 tees = 56.97 EUR reach it; 5.00 USD off is 4.60 EUR off.
  q = quote(store, in("EUR", {{"tee-black-m", 3}}));
  BOOST_TEST(promotionOutcome(q, "spend50")["amount"] == "4.60");
  BOOST_TEST(q["totals"]["total"] == "52.37");
  // A percentage is the same in every currency: 10% of 18.40 is 1.84.
  json tenOff = {{"id", "ten"}, {"type", "itemDiscount"}, {"selector", {{"products", {"tee"}}}}, {"discount", {{"percentOff", "10"}}}};
  q = quote(multiCurrencyStore(json::array(), json::array({tenOff})), in("EUR", {{"tee-black-m", 1}}));
  BOOST_TEST(lineTotal(q, "tee-black-m") == "16.56");
}

BOOST_AUTO_TEST_CASE(stale_rates_are_refused_or_used_with_a_warning) {
  json store = multiCurrencyStore();
  store["currencies"]["maxAgeMinutes"] = 60;  // rates from 00:00, the cart is at 09:30
  auto [code, pointer] = errorOf(store, in("EUR", {{"cap", 1}}));
  BOOST_TEST(code == "stale_rates");
  BOOST_TEST(pointer == "/currency");
  BOOST_TEST(quote(store, in("USD", {{"cap", 1}})).contains("warnings") == false);  // the store currency needs no rate
  store["currencies"]["staleRates"] = "warn";
  json q = quote(store, in("EUR", {{"cap", 1}}));
  BOOST_TEST(q["warnings"][0]["code"] == "stale_rates");
  BOOST_TEST(q["totals"]["total"] == "13.80");
  store["currencies"]["maxAgeMinutes"] = 570;  // exactly 9h30: not older than allowed
  BOOST_TEST(quote(store, in("EUR", {{"cap", 1}})).contains("warnings") == false);
}

BOOST_AUTO_TEST_CASE(bad_currency_input_names_the_field) {
  json store = multiCurrencyStore();
  BOOST_TEST((errorOf(store, in("GBP", {{"cap", 1}})) == std::pair<std::string, std::string>{"missing_rate", "/currency"}));
  BOOST_TEST((errorOf(teeStore(), in("EUR", {{"cap", 1}})) == std::pair<std::string, std::string>{"currency_mismatch", "/currency"}));
  json request = cart({{"cap", 1}});
  request.erase("currency");
  BOOST_TEST((errorOf(store, request) == std::pair<std::string, std::string>{"missing_field", "/currency"}));
  request["country"] = "de";
  BOOST_TEST((errorOf(store, request) == std::pair<std::string, std::string>{"invalid_value", "/country"}));

  auto configError = [](json config) { return errorOf(config, cart({{"cap", 1}})); };
  json bad = multiCurrencyStore();
  bad["catalog"]["products"][0]["variants"][0]["prices"] = {{"GBP", "15.00"}};
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"missing_rate", "/catalog/products/0/variants/0/prices/GBP"}));
  bad = multiCurrencyStore();
  bad["catalog"]["products"][0]["variants"][0]["prices"] = {{"EUR", "15.001"}};
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_value", "/catalog/products/0/variants/0/prices/EUR"}));
  bad = multiCurrencyStore();
  bad["currencies"]["countries"]["GB"] = "GBP";
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"missing_rate", "/currencies/countries/GB"}));
  bad = multiCurrencyStore();
  bad["currencies"]["rates"]["EUR"] = "0";
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_value", "/currencies/rates/EUR"}));
  bad["currencies"]["rates"]["EUR"] = 0.92;  // a float would not be exact
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_type", "/currencies/rates/EUR"}));
  bad = multiCurrencyStore();
  bad["currencies"]["rates"]["XXY"] = "1.5";
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"unknown_currency", "/currencies/rates/XXY"}));
  bad = multiCurrencyStore();
  bad["currencies"]["rates"]["USD"] = "1";
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_value", "/currencies/rates/USD"}));
  bad = multiCurrencyStore();
  bad["currencies"].erase("asOf");
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"missing_field", "/currencies/asOf"}));
  bad = multiCurrencyStore();
  bad["currencies"]["priceEndings"] = {{"EUR", "1.00"}};
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_value", "/currencies/priceEndings/EUR"}));
  bad = multiCurrencyStore();
  bad["currencies"]["staleRates"] = "ignore";
  BOOST_TEST((configError(bad) == std::pair<std::string, std::string>{"invalid_value", "/currencies/staleRates"}));
}

BOOST_AUTO_TEST_CASE(typed_api_rejects_a_currency_without_a_rate) {
  auto engine = cartcore::Engine::compile(multiCurrencyStore().dump());
  BOOST_REQUIRE(engine.ok());
  auto request = engine.value().parseRequest(in("EUR", {{"cap", 1}}).dump());
  BOOST_REQUIRE(request.ok());
  cartcore::QuoteRequest typed = request.value();
  typed.currency = "CHF";
  BOOST_TEST((engine.value().quote(typed).error().code == cartcore::ErrorCode::MissingRate));
}

BOOST_AUTO_TEST_SUITE_END()
