// SPDX-License-Identifier: MIT
// The explanations layer: reason codes, outcome lists per explain level, savings sentences, codes explained by their
// promotion, in the request's language.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>
#include <set>

#include "explanations.hpp"
#include "stage_support.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

constexpr Reason kLastReason = Reason::FreeShippingThreshold;

json storeWithOnePromotion() {
  return teeStore(json::array(), {{{"id", "tenth"}, {"name", "Ten off"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}},
                                   {"discount", {{"percentOff", "10"}}}}});
}

/** An applied promotion verdict saving 1.50 on one item, a failed one, an unknown code and a code it explains. */
PricedCart pricedByHand(std::optional<Minor> limitedFrom = std::nullopt) {
  PricedCart priced;
  priced.quote.currency = "USD";  // amounts are written in the quote's currency (the totals stage sets it)
  priced.quote.exponent = 2;
  RuleVerdict applied(0);
  applied.applied = true;
  applied.reason = Reason::Applied;
  applied.amount = 150;
  applied.limitedFrom = limitedFrom;
  applied.why = {Message::ItemDiscountApplied};
  applied.why.count = 1;
  priced.promotions.push_back(applied);
  RuleVerdict failed(0);
  failed.reason = Reason::MinSubtotalNotMet;
  failed.amountNeeded = 1240;
  failed.why = {Message::MinSubtotalNotMet};
  failed.why.amount = 1240;
  priced.promotions.push_back(failed);
  CouponVerdict unknown;
  unknown.code = "NOPE";
  unknown.status = "unknown";
  priced.coupons.push_back(unknown);
  CouponVerdict mirrored;
  mirrored.code = "TEN";
  mirrored.status = "applied";
  mirrored.reason = Reason::Applied;
  mirrored.promotion = 0;
  priced.coupons.push_back(mirrored);
  return priced;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explanations)

BOOST_AUTO_TEST_CASE(every_reason_has_its_own_snake_case_code) {
  std::set<std::string_view> codes;
  for (int r = 0; r <= static_cast<int>(kLastReason); ++r) {
    std::string_view code = reasonCode(static_cast<Reason>(r));
    BOOST_TEST(!code.empty());
    BOOST_TEST(code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
    codes.insert(code);
  }
  BOOST_TEST(codes.size() == static_cast<std::size_t>(kLastReason) + 1);
  BOOST_TEST(reasonCode(Reason::MinSubtotalNotMet) == "min_subtotal_not_met");
}

BOOST_AUTO_TEST_CASE(an_applied_promotion_states_its_saving_and_a_code_is_explained_by_its_promotion) {
  StageFixture f(storeWithOnePromotion(), test::cart({{"cap", 1}}));
  PricedCart priced = pricedByHand();
  explain(f.store, priced, Language::En, ExplainLevel::All);
  const Quote& q = priced.quote;
  BOOST_REQUIRE(q.promotions.size() == 2u);
  BOOST_TEST(q.promotions[0].message == "Applied to 1 item. You save 1.50 USD.");
  BOOST_TEST(q.promotions[0].reason == "applied");
  BOOST_TEST(q.promotions[0].id == "tenth");
  BOOST_TEST(q.promotions[0].kind == "promotion");
  BOOST_TEST(q.promotions[1].message == "Spend 12.40 USD more on eligible items to unlock this offer.");
  BOOST_TEST(q.coupons[0].message == "The code NOPE is not valid in this store.");
  BOOST_TEST(q.coupons[0].reason == "unknown_coupon");
  BOOST_TEST(q.coupons[1].message == q.promotions[0].message);
  BOOST_TEST(q.coupons[1].promotion == "tenth");
}

BOOST_AUTO_TEST_CASE(a_saving_limited_by_margin_protection_is_restated) {
  json store = storeWithOnePromotion();
  StageFixture shopper(store, test::cart({{"cap", 1}}));
  PricedCart priced = pricedByHand(300);
  explain(shopper.store, priced, Language::En, ExplainLevel::All);
  BOOST_TEST(priced.quote.promotions[0].message == "Applied to 1 item. You save 1.50 USD (limited from 3.00 USD).");
  store["marginFloors"] = {{"floors", {{{"id", "base"}, {"minMarginPercent", "10"}}}}};
  StageFixture internal(store, test::cart({{"cap", 1}}));
  priced = pricedByHand(300);
  explain(internal.store, priced, Language::De, ExplainLevel::All);
  BOOST_TEST(priced.quote.promotions[0].message ==
             "Angewendet auf 1 Artikel. Sie sparen 1,50\u00a0$ (durch den Margenschutz begrenzt, statt 3,00\u00a0$).");
}

BOOST_AUTO_TEST_CASE(the_level_decides_what_is_listed_but_every_code_keeps_its_status) {
  StageFixture f(storeWithOnePromotion(), test::cart({{"cap", 1}}));
  PricedCart applied = pricedByHand();
  explain(f.store, applied, Language::En, ExplainLevel::Applied);
  BOOST_TEST(applied.quote.explain == ExplainLevel::Applied);
  BOOST_REQUIRE(applied.quote.promotions.size() == 1u);
  BOOST_TEST(applied.quote.promotions[0].applied);
  BOOST_REQUIRE(applied.quote.coupons.size() == 2u);  // the digest covers both; the caller drops what is not shown
  BOOST_TEST(applied.quote.coupons[0].message.empty());
  BOOST_TEST(applied.quote.coupons[0].status == "unknown");
  BOOST_TEST(!applied.quote.coupons[1].message.empty());

  PricedCart none = pricedByHand();
  explain(f.store, none, Language::En, ExplainLevel::None);
  BOOST_TEST(none.quote.promotions.empty());
  BOOST_TEST(none.quote.coupons.size() == 2u);
  BOOST_TEST(none.quote.coupons[1].message.empty());
  BOOST_TEST(!explainShows(ExplainLevel::None, true));
  BOOST_TEST(explainShows(ExplainLevel::Applied, true));
  BOOST_TEST(!explainShows(ExplainLevel::Applied, false));
}

BOOST_AUTO_TEST_CASE(sentences_follow_the_language) {
  StageFixture f(storeWithOnePromotion(), test::cart({{"cap", 1}}));
  const std::pair<Language, const char*> expected[] = {
      {Language::De, "Noch 12,40\u00a0$ mit teilnehmenden Artikeln, dann gilt dieses Angebot."},
      {Language::Fr, "Plus que 12,40\u00a0$US d’achats sur les articles éligibles pour débloquer cette offre."},
      {Language::Es, "Te faltan 12,40\u00a0US$ en artículos participantes para desbloquear esta oferta."}};
  for (const auto& [language, sentence] : expected) {
    PricedCart priced = pricedByHand();
    explain(f.store, priced, language, ExplainLevel::All);
    BOOST_TEST(priced.quote.promotions[1].message == sentence);
    BOOST_TEST(priced.quote.promotions[1].reason == "min_subtotal_not_met");  // codes never change with the language
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Through the JSON facade: whatever the language and the level, the money and the digest are the same.

namespace {

json goldenInput(const std::string& name) {
  std::ifstream in(std::string(CARTCORE_GOLDEN_DIR) + "/" + name);
  return json::parse(in);
}

json quoteOf(const json& config, const json& request) {
  json response = json::parse(cartcore::quoteJson(config.dump(), request.dump()));
  if (!response["ok"].get<bool>()) BOOST_FAIL("unexpected error: " + response.dump());
  return response["quote"];
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explanations)

BOOST_AUTO_TEST_CASE(totals_lines_and_digest_are_the_same_in_every_language_and_at_every_level) {
  const json golden = goldenInput("explain/all.json");
  std::mt19937 random(12);  // a fixed seed: the same carts every run
  for (int round = 0; round < 12; ++round) {
    json request = golden["request"];
    for (auto& line : request["lines"]) line["quantity"] = 1 + static_cast<int>(random() % 4);
    if (round % 3 == 1) request["bestDeal"] = true;
    const json reference = quoteOf(golden["config"], request);
    for (const char* locale : {"en", "de-DE", "fr-CA", "es-419", "pt-BR"}) {
      for (const char* level : {"all", "applied", "none"}) {
        json variant = request;
        variant["locale"] = locale;
        variant["explain"] = level;
        const json q = quoteOf(golden["config"], variant);
        BOOST_TEST_CONTEXT("round " << round << " " << locale << " " << level) {
          BOOST_TEST(q["digest"] == reference["digest"]);
          BOOST_TEST(q["totals"] == reference["totals"]);
          BOOST_TEST(q["lines"] == reference["lines"]);
          BOOST_TEST(q["shipping"] == reference["shipping"]);
          BOOST_TEST(q["tax"] == reference["tax"]);
          BOOST_TEST(q.contains("bestDeal") == reference.contains("bestDeal"));
          if (reference.contains("bestDeal")) BOOST_TEST(q["bestDeal"] == reference["bestDeal"]);
          if (std::string(level) == "none") {
            BOOST_TEST(!q.contains("promotions"));
            BOOST_TEST(!q.contains("priceRules"));
            BOOST_TEST(!q.contains("coupons"));
            BOOST_TEST(!q.contains("nudges"));
            continue;
          }
          // Codes and amounts of what is listed match the full English quote, entry for entry.
          for (const char* list : {"priceRules", "promotions"}) {
            BOOST_TEST(q[list]["applied"].size() == reference[list]["applied"].size());
            for (std::size_t i = 0; i < q[list]["applied"].size(); ++i) {
              BOOST_TEST(q[list]["applied"][i]["reason"] == reference[list]["applied"][i]["reason"]);
              BOOST_TEST(q[list]["applied"][i]["amount"] == reference[list]["applied"][i]["amount"]);
            }
            if (std::string(level) == "applied") BOOST_TEST(!q[list].contains("notApplied"));
          }
          BOOST_TEST(q["nudges"].size() == reference["nudges"].size());
          for (std::size_t i = 0; i < q["nudges"].size(); ++i) {
            BOOST_TEST(q["nudges"][i]["reason"] == reference["nudges"][i]["reason"]);
            BOOST_TEST((q["nudges"][i].value("amountNeeded", "") == reference["nudges"][i].value("amountNeeded", "")));
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(locale_and_explain_are_checked_and_reported) {
  const json golden = goldenInput("explain/all.json");
  json request = golden["request"];
  request["locale"] = "de_DE";
  BOOST_TEST((errorOf(golden["config"], request) == std::pair<std::string, std::string>{"invalid_value", "/locale"}));
  request["locale"] = 7;
  BOOST_TEST((errorOf(golden["config"], request) == std::pair<std::string, std::string>{"invalid_type", "/locale"}));
  request.erase("locale");
  request["explain"] = "some";
  BOOST_TEST((errorOf(golden["config"], request) == std::pair<std::string, std::string>{"invalid_value", "/explain"}));
  request["explain"] = "applied";
  request["locale"] = "it-IT";
  json q = quoteOf(golden["config"], request);
  BOOST_TEST(q["locale"] == "en");
  BOOST_TEST(q["explain"] == "applied");
  BOOST_TEST(q["warnings"].back()["code"] == "unknown_locale");
  BOOST_TEST(q["warnings"].back()["pointer"] == "/locale");
  request.erase("locale");
  request.erase("explain");
  q = quoteOf(golden["config"], request);
  BOOST_TEST(!q.contains("locale"));  // a request without them quotes exactly as before
  BOOST_TEST(!q.contains("explain"));
}

BOOST_AUTO_TEST_CASE(the_typed_api_checks_a_hand_built_locale) {
  const json golden = goldenInput("explain/all.json");
  auto engine = Engine::compile(golden["config"].dump());
  BOOST_REQUIRE(engine);
  auto request = engine.value().parseRequest(golden["request"].dump());
  BOOST_REQUIRE(request);
  QuoteRequest typed = request.value();
  typed.locale = "not a tag";
  auto quoted = engine.value().quote(typed);
  BOOST_REQUIRE(!quoted);
  BOOST_TEST(quoted.error().pointer == "/locale");
  typed.locale = "fr";
  typed.explain = ExplainLevel::None;
  quoted = engine.value().quote(typed);
  BOOST_REQUIRE(quoted);
  BOOST_TEST(quoted.value().promotions.empty());
  BOOST_TEST(quoted.value().coupons.empty());
  BOOST_TEST(quoted.value().locale == "fr");
  BOOST_TEST((supportedLocales() == std::vector<std::string>{"en", "de", "fr", "es"}));
}

BOOST_AUTO_TEST_SUITE_END()
