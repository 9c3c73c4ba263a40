// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "test_support.hpp"

using namespace cartcore::test;

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(compiled_engine_is_reused_and_matches_one_shot) {
  json store = teeStore(json::array(), {{{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}}}});
  auto engine = cartcore::Engine::compile(store.dump());
  BOOST_REQUIRE(engine.ok());
  for (int i = 1; i <= 3; ++i) {
    std::string request = cart({{"cap", i}}).dump();
    BOOST_TEST(engine.value().quoteJson(request) == cartcore::quoteJson(store.dump(), request));
  }
}

BOOST_AUTO_TEST_CASE(line_order_never_changes_the_bytes) {
  json bogo = {{"id", "bogo"}, {"type", "buyXGetY"}, {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}},
               {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
  json spend = {{"id", "spend"}, {"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", "10.00"}, {"amountOff", "7.77"}}}}};
  json store = teeStore(json::array(), {bogo, spend});
  json request = cart({{"tee-black-m", 3}, {"tee-white-xl", 2}, {"cap", 1}, {"hoodie-m", 2}, {"tee-black-xl", 1}});
  std::string reference = cartcore::quoteJson(store.dump(), request.dump());
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(request["lines"].begin(), request["lines"].end(), rng);
    BOOST_TEST(cartcore::quoteJson(store.dump(), request.dump()) == reference);
  }
}

BOOST_AUTO_TEST_CASE(typed_api_round_trip_and_stock_injection) {
  json guard = {{"id", "p"}, {"type", "itemDiscount"}, {"selector", {{"products", {"cap"}}}}, {"discount", {{"amountOff", "1.00"}}},
                {"conditions", {{"stockGuard", {{"selector", {{"variants", {"cap"}}}}, {"minAvailable", 2}}}}}};
  auto engine = cartcore::Engine::compile(teeStore(json::array(), json::array({guard})).dump());
  BOOST_REQUIRE(engine.ok());
  auto request = engine.value().parseRequest(cart({{"cap", 2}}).dump());
  BOOST_REQUIRE(request.ok());
  cartcore::QuoteRequest live = request.value();
  live.stock["cap"] = 50;  // what a server does: inject authoritative stock
  auto quoted = engine.value().quote(live);
  BOOST_REQUIRE(quoted.ok());
  BOOST_TEST(quoted.value().total == 2800);
  BOOST_TEST(quoted.value().promotionSavings == 200);
  live.stock["cap"] = 1;
  auto paused = engine.value().quote(live);
  BOOST_TEST(paused.value().total == 3000);
  BOOST_TEST(paused.value().digest != quoted.value().digest);
}

BOOST_AUTO_TEST_CASE(typed_api_validates_hand_built_requests) {
  auto engine = cartcore::Engine::compile(teeStore().dump());
  cartcore::QuoteRequest request;
  request.currency = "USD";
  request.lines.push_back({"a", "cap", 0});
  auto result = engine.value().quote(request);
  BOOST_TEST(!result.ok());
  BOOST_TEST(result.error().pointer == "/lines/0/quantity");
  request.lines[0] = {"a", "ghost", 1};
  BOOST_TEST((engine.value().quote(request).error().code == cartcore::ErrorCode::UnknownReference));
  request.lines = {{"a", "cap", 1}, {"b", "cap", 1}, {"a", "hoodie-m", 1}};
  auto repeated = engine.value().quote(request);
  BOOST_TEST((repeated.error().code == cartcore::ErrorCode::DuplicateId));
  BOOST_TEST(repeated.error().pointer == "/lines/2/id");
  request.currency = "EUR";
  BOOST_TEST((engine.value().quote(request).error().code == cartcore::ErrorCode::CurrencyMismatch));
}

BOOST_AUTO_TEST_CASE(digest_ignores_explanations_but_not_prices) {
  json store = teeStore();
  json a = quote(store, cart({{"cap", 1}}, {{"stock", {{"cap", 3}}}}));
  json b = quote(store, cart({{"cap", 1}}, {{"stock", {{"cap", 2}}}}));
  BOOST_TEST(a["digest"] == b["digest"]);  // only "N left" changed
  json c = quote(store, cart({{"cap", 2}}));
  BOOST_TEST(a["digest"] != c["digest"]);
  store["catalog"]["products"][2]["variants"][0]["price"] = "15.01";
  BOOST_TEST(quote(store, cart({{"cap", 1}}))["configDigest"] != a["configDigest"]);
}

BOOST_AUTO_TEST_CASE(error_codes_have_stable_names) {
  BOOST_TEST(cartcore::errorCodeName(cartcore::ErrorCode::UnknownField) == "unknown_field");
  BOOST_TEST(cartcore::errorCodeName(cartcore::ErrorCode::AmountOverflow) == "amount_overflow");
  BOOST_TEST(cartcore::errorCodeName(cartcore::ErrorCode::Internal) == "internal_error");
  BOOST_TEST(!cartcore::version().empty());
}

BOOST_AUTO_TEST_CASE(cost_grows_with_touching_rules_not_all_rules) {
  // 2,000 promotions on hoodies and one on caps: a cap-only cart lists exactly the one that can touch it.
  json promotions = json::array();
  for (int i = 0; i < 2000; ++i) {
    promotions.push_back({{"id", "h" + std::to_string(i)}, {"type", "itemDiscount"}, {"selector", {{"products", {"hoodie"}}}},
                          {"discount", {{"percentOff", "1"}}}, {"exclusionGroup", "h"}});
  }
  promotions.push_back({{"id", "c"}, {"type", "itemDiscount"}, {"selector", {{"products", {"cap"}}}}, {"discount", {{"percentOff", "1"}}}});
  json q = quote(teeStore(json::array(), promotions), cart({{"cap", 1}}));
  BOOST_TEST(q["promotions"]["applied"].size() == 1u);
  BOOST_TEST(q["promotions"]["notApplied"].empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(quote_json)

// The quote writer must emit exactly what nlohmann's dump() would for the same document: parse + dump is identity.
BOOST_AUTO_TEST_CASE(writer_output_is_canonical_nlohmann_json) {
  json store = teeStore(json::array(), {{{"id", "p\"q\\r/s"}, {"name", "Tab\there, newline\nthere, bell\x07, nul-free \xc3\xa9\xe2\x82\xac\xf0\x9f\x8e\x81"},
                                          {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}},
                                          {"coupons", {"C\x1f" "ODE"}}}});
  std::string out = cartcore::quoteJson(store.dump(), cart({{"cap", 2}, {"tee-black-m", 1}}, {{"coupons", {"c\x1fode", "nope"}}, {"stock", {{"cap", 1}}}}).dump());
  BOOST_TEST(json::parse(out).dump() == out);
  BOOST_TEST(out.find("\\u001f") != std::string::npos);
  BOOST_TEST(out.find("\\t") != std::string::npos);
  BOOST_TEST(out.find("\xf0\x9f\x8e\x81") != std::string::npos);  // UTF-8 passes through unescaped
}

// The JSON facade writes outcome lists and code sentences straight from the verdicts (no RuleOutcome, sentences
// escaped in place): the bytes must be those of the typed quote rendered, at every level, with names that need
// escaping inside the sentences.
BOOST_AUTO_TEST_CASE(the_json_path_writes_the_bytes_of_the_typed_quote_rendered) {
  json tenth = {{"id", "tenth"}, {"name", "Ten \"off\"\\ now\n"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}},
                {"discount", {{"percentOff", "10"}}}, {"coupons", {"SAVE"}}};
  json spend = {{"id", "spend"}, {"name", "Big \"spender\""}, {"type", "spendThreshold"},
                {"tiers", {{{"minSubtotal", "500.00"}, {"amountOff", "7.77"}}}}};
  json bulk = {{"id", "bulk"}, {"name", "Bulk\ttees"}, {"type", "tiered"}, {"selector", {{"categories", {"tees"}}}},
               {"tiers", {{{"minQuantity", 2}, {"percentOff", "5"}}}}};
  auto engine = cartcore::Engine::compile(teeStore(json::array({bulk}), json::array({tenth, spend})).dump());
  BOOST_REQUIRE(engine.ok());
  for (const char* level : {"all", "applied", "none"}) {
    for (const char* locale : {"en", "fr"}) {
      json request = cart({{"cap", 1}, {"tee-black-m", 3}}, {{"coupons", {"save", "no\"pe"}}, {"explain", level}, {"locale", locale}});
      auto parsed = engine.value().parseRequest(request.dump());
      BOOST_REQUIRE(parsed.ok());
      auto typed = engine.value().quote(parsed.value());
      BOOST_REQUIRE(typed.ok());
      const std::string out = engine.value().quoteJson(request.dump());
      BOOST_TEST_CONTEXT("explain " << level << ", locale " << locale) {
        BOOST_TEST(out == cartcore::renderQuote(typed.value()));
        BOOST_TEST(json::parse(out).dump() == out);
        // An unknown code's sentence names it: its quote is escaped in place.
        BOOST_TEST((level != std::string("all") || locale != std::string("en") || out.find("NO\\\"PE is not valid") != std::string::npos));
      }
    }
  }
}

// The writer passes plain text eight bytes at a time: a byte to escape at any offset of any length of string (and
// next to the highest plain bytes) comes out as nlohmann writes it.
BOOST_AUTO_TEST_CASE(escapes_at_every_offset_are_written_like_nlohmann) {
  for (char plain : {'a', '\x7f'}) {
    for (std::size_t length = 1; length <= 19; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        for (char special : {'"', '\\', '\x01', '\x1f', '\n'}) {
          std::string text(length, plain);
          text[at] = special;
          cartcore::Quote q;
          q.lines.emplace_back().name = text;
          const std::string out = cartcore::renderQuote(q);
          BOOST_TEST_CONTEXT("length " << length << " at " << at << " byte " << int(special)) {
            BOOST_TEST(out.find("\"name\":" + json(text).dump()) != std::string::npos);
            BOOST_TEST(json::parse(out).dump() == out);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
