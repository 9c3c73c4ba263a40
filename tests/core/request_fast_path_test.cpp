// SPDX-License-Identifier: MIT
// The DOM-free reader of everyday requests must give exactly the request the strict reader gives, or step aside.
#include <boost/test/unit_test.hpp>

#include "input_error.hpp"
#include "json_reader.hpp"
#include "request_fast_path.hpp"
#include "request_parser.hpp"
#include "store.hpp"
#include "test_support.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

bool sameLines(const std::vector<CartLine>& a, const std::vector<CartLine>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].variant != b[i].variant || a[i].quantity != b[i].quantity) return false;
  }
  return true;
}

bool sameRequest(const QuoteRequest& a, const QuoteRequest& b) {
  return a.currency == b.currency && a.now == b.now && a.country == b.country && a.destinationCountry == b.destinationCountry &&
         a.destinationRegion == b.destinationRegion && a.shippingMethod == b.shippingMethod && a.bestDeal == b.bestDeal &&
         a.nudges == b.nudges && a.locale == b.locale && a.explain == b.explain && a.segments == b.segments &&
         a.coupons == b.coupons && sameLines(a.lines, b.lines) && a.stock == b.stock && !a.heldFacts && !b.heldFacts &&
         a.forHold == b.forHold;
}

/** The strict reader's request, or nullopt when it refuses the text. */
std::optional<QuoteRequest> strictRequest(const CompiledStore& store, const std::string& text) {
  try {
    return parseQuoteRequest(store, parseJsonDocument(text, {kMaxRequestBytes}));
  } catch (const InputError&) {
    return std::nullopt;
  }
}

/** The fast reader either steps aside or agrees with the strict one, which must then accept the text. */
bool agrees(const CompiledStore& store, const std::string& text) {
  std::optional<QuoteRequest> fast = readEverydayRequest(store, text);
  if (!fast) return true;
  std::optional<QuoteRequest> strict = strictRequest(store, text);
  return strict && sameRequest(*fast, *strict);
}

json shippingStore() {
  json store = teeStore();
  store["shipping"] = {{"methods", {{{"id", "standard"}, {"flat", "4.99"}}}}};
  store["currencies"] = {{"rates", {{"EUR", "0.9"}}}, {"asOf", "2026-11-27T00:00:00.000Z"}, {"countries", {{"DE", "EUR"}}}};
  return store;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_fast_path)

BOOST_AUTO_TEST_CASE(everyday_requests_are_read_without_a_dom_and_match_the_strict_reader) {
  const CompiledStore store = compileStore(shippingStore());
  const std::vector<json> requests = {
      cart({{"cap", 1}}),
      cart({{"cap", 2}, {"hoodie-m", 1}}, {{"coupons", {"SAVE10", "", "ship"}}, {"explain", "applied"}, {"locale", "de-DE"}}),
      cart({{"tee-black-m", 3}}, {{"customer", {{"segments", {"vip", "staff", "vip"}}}}, {"nudges", true}, {"bestDeal", false}}),
      cart({{"cap", 1}}, {{"destination", {{"country", "DE"}, {"region", "BE"}}}, {"country", "FR"}, {"shippingMethod", "standard"}}),
      cart({{"cap", 1}}, {{"explain", "none"}, {"forHold", true}, {"customer", json::object()}, {"coupons", json::array()}}),
      cart({}),
      cart({{"cap", 1}}, {{"stock", {{"cap", 3}, {"hoodie-m", 0}, {"tee-white-xl", 1000000000000}}}}),
      cart({{"cap", 1}}, {{"stock", json::object()}}),
  };
  for (const json& request : requests) {
    const std::string text = request.dump(2);  // whitespace everywhere JSON allows it
    std::optional<QuoteRequest> fast = readEverydayRequest(store, text);
    BOOST_TEST_REQUIRE(fast.has_value(), text);
    std::optional<QuoteRequest> strict = strictRequest(store, text);
    BOOST_TEST_REQUIRE(strict.has_value(), text);
    BOOST_TEST(sameRequest(*fast, *strict), text);
  }
  // A country alone picks the currency through the store's map, as the strict reader does.
  json byCountry = cart({{"cap", 1}}, {{"country", "DE"}});
  byCountry.erase("currency");
  std::optional<QuoteRequest> fast = readEverydayRequest(store, byCountry.dump());
  BOOST_TEST_REQUIRE(fast.has_value());
  BOOST_TEST(fast->currency == "EUR");
  BOOST_TEST(agrees(store, byCountry.dump()));
  // Line ids default to the variant.
  json named = cart({{"cap", 1}, {"cap", 2}});
  named["lines"][1]["id"] = "gift";
  fast = readEverydayRequest(store, named.dump());
  BOOST_TEST_REQUIRE(fast.has_value());
  BOOST_TEST(fast->lines[0].id == "cap");
  BOOST_TEST(fast->lines[1].id == "gift");
  // A stock snapshot in any id order (the catalog's, reversed, mixed) reads to the same map as the strict reader's.
  for (const char* stock : {R"({"cap":1,"hoodie-m":2,"tee-black-m":3,"tee-white-xl":4})",
                            R"({"tee-white-xl":4,"tee-black-m":3,"hoodie-m":2,"cap":1})",
                            R"({"hoodie-m":2,"tee-white-xl":4,"cap":1,"tee-black-m":3})"}) {
    std::string text = cart({{"cap", 1}}).dump();
    text.insert(text.size() - 1, std::string(",\"stock\":") + stock);
    fast = readEverydayRequest(store, text);
    BOOST_TEST_REQUIRE(fast.has_value(), text);
    BOOST_TEST(fast->stock.size() == 4u);
    BOOST_TEST(fast->stock.at("tee-white-xl") == 4);
    BOOST_TEST(agrees(store, text), text);
  }
}

BOOST_AUTO_TEST_CASE(anything_unusual_or_wrong_is_left_to_the_strict_reader) {
  const CompiledStore store = compileStore(shippingStore());
  const std::string base = cart({{"cap", 1}}).dump();
  auto with = [&](const std::string& key, const std::string& rawValue) {
    return base.substr(0, base.size() - 1) + ",\"" + key + "\":" + rawValue + "}";
  };
  const std::vector<std::string> texts = {
      with("coupons", "[\"caf\\u00e9\"]"),           // an escape
      with("coupons", "[\"caf\xc3\xa9\"]"),          // UTF-8
      with("stock", "{\"sock\":3}"),                 // stock of a variant not in the catalog
      with("stock", "{\"cap\":3,\"cap\":4}"),          // a repeated variant
      with("stock", "{\"cap\":-1}"),
      with("stock", "{\"cap\":1000000000001}"),     // past kMaxStockUnits
      with("stock", "{\"cap\":1.5}"),
      with("stock", "{\"cap\":null}"),              // null is for held facts only
      with("stock", "{\"cap\":\"3\"}"),
      with("stock", "[]"),
      with("heldFacts", "{\"quotedAt\":\"2026-11-27T09:00:00.000Z\"}"),  // held facts take the strict reader
      with("currency", "\"USD\""),                   // a repeated key
      with("colour", "\"red\""),                     // an unknown key
      with("nudges", "null"),
      with("nudges", "1"),
      with("explain", "\"some\""),
      with("locale", "\"\""),
      with("customer", "{\"segments\":[\"\"]}"),
      with("shippingMethod", "\"express\""),
      with("country", "\"de\""),
      with("destination", "{\"region\":\"BE\"}"),
      base.substr(0, base.size() - 1) + ",}",       // a trailing comma
      base + "x",                                    // trailing text
      "[" + base + "]",
      cart({{"cap", 1}}, {{"schemaVersion", 2}}).dump(),
      cart({{"cap", 0}}).dump(),
      cart({{"cap", 100001}}).dump(),
      cart({{"sock", 1}}).dump(),
      cart({{"cap", 1}, {"cap", 1}}).dump(),
      cart({{"cap", 1}}, {{"now", "yesterday"}}).dump(),
      cart({{"cap", 1}}, {{"currency", "GBP"}}).dump(),  // no rate
      cart({{"cap", 1}}, {{"currency", "ABC"}}).dump(),
  };
  for (const std::string& text : texts) BOOST_TEST(!readEverydayRequest(store, text).has_value(), text);
  json missing = cart({{"cap", 1}});
  missing.erase("now");
  BOOST_TEST(!readEverydayRequest(store, missing.dump()).has_value());
  std::string quantity = base;
  quantity.replace(quantity.find("\"quantity\":1"), 12, "\"quantity\":01");  // a leading zero is not JSON
  BOOST_TEST(!readEverydayRequest(store, quantity).has_value());
  quantity.replace(quantity.find("\"quantity\":01"), 13, "\"quantity\":1.0");
  BOOST_TEST(!readEverydayRequest(store, quantity).has_value());
  quantity.replace(quantity.find("\"quantity\":1.0"), 14, "\"quantity\":1000000000000000000000");
  BOOST_TEST(!readEverydayRequest(store, quantity).has_value());
}

BOOST_AUTO_TEST_CASE(every_one_byte_edit_of_a_request_agrees_with_the_strict_reader) {
  const CompiledStore store = compileStore(shippingStore());
  const std::string base =
      cart({{"cap", 2}, {"hoodie-m", 1}}, {{"coupons", {"SAVE10"}}, {"customer", {{"segments", {"vip"}}}},
                                           {"destination", {{"country", "DE"}}}, {"explain", "applied"}, {"nudges", true},
                                           {"stock", {{"cap", 3}, {"hoodie-m", 12}}}})
          .dump();
  BOOST_TEST_REQUIRE(readEverydayRequest(store, base).has_value());
  const std::string replacements = "\"',:{}[]01-9aeEtfn .\\\x01\x80";
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    std::string removed = base;
    removed.erase(i, 1);
    BOOST_TEST(agrees(store, removed), removed);
    for (char c : replacements) {
      std::string edited = base;
      edited[i] = c;
      BOOST_TEST(agrees(store, edited), edited);
      accepted += readEverydayRequest(store, edited).has_value() ? 1 : 0;
    }
  }
  BOOST_TEST(accepted > 0u);  // some edits (a digit, a letter in a code) stay everyday requests
}

BOOST_AUTO_TEST_SUITE_END()
