// SPDX-License-Identifier: MIT
// The message catalog: every message in every language, well-formed, saying the same facts; and each language's
// way of writing money, numbers, times and alternatives.
#include <boost/test/unit_test.hpp>

#include <set>

#include "locale.hpp"
#include "message_catalog.hpp"
#include "stage_support.hpp"
#include "timestamp.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

constexpr Language kLanguages[] = {Language::En, Language::De, Language::Fr, Language::Es};
constexpr Message kLastMessage = Message::UnknownLocale;

std::string rendered(const Explanation& why, Language language, std::string_view currency = "EUR", int exponent = 2) {
  std::string out;
  appendMessage(out, why, LocaleFormat(language, currency, exponent));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_catalog)

BOOST_AUTO_TEST_CASE(every_message_has_four_well_formed_translations_with_the_same_facts) {
  for (int m = 1; m <= static_cast<int>(kLastMessage); ++m) {
    const auto message = static_cast<Message>(m);
    std::vector<std::string_view> english;
    BOOST_TEST_CONTEXT("message " << m) {
      BOOST_TEST(templatePlaceholders(messageTemplate(message, Language::En), english));
      for (Language language : kLanguages) {
        const std::string_view text = messageTemplate(message, language);
        std::vector<std::string_view> names;
        BOOST_TEST_CONTEXT(languageCode(language) << ": " << text) {
          // A sentence, or a fragment that {items} / {spendItems} puts into one ("1 more Tee", "eligible items").
          const bool fragment = message >= Message::ItemsGeneric && message <= Message::SpendOnCategory;
          BOOST_TEST(text.size() > (fragment ? 3u : 10u));
          BOOST_TEST(templatePlaceholders(text, names));
          BOOST_TEST(names == english, boost::test_tools::per_element());  // no language drops or adds a fact
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_templates_are_caught) {
  std::vector<std::string_view> names;
  BOOST_TEST(templatePlaceholders("Add {count|# item|# items} for {name}.", names));
  BOOST_TEST((names == std::vector<std::string_view>{"count", "name"}));
  BOOST_TEST(!templatePlaceholders("Add {count", names));
  BOOST_TEST(!templatePlaceholders("Add } here", names));
  BOOST_TEST(!templatePlaceholders("Add {cuont}", names));
  BOOST_TEST(!templatePlaceholders("Add {name|one|other}", names));  // plurals only on counts
  BOOST_TEST(!templatePlaceholders("Add {count|one}", names));
  BOOST_TEST(!templatePlaceholders("Add {count|one|two|three}", names));
}

BOOST_AUTO_TEST_CASE(every_message_renders_a_distinct_sentence_in_every_language) {
  StageFixture f(teeStore(), test::cart({{"cap", 1}}));
  const std::vector<std::string> segments{"gold", "vip"};
  for (Language language : kLanguages) {
    std::set<std::string> sentences;
    for (int m = 1; m <= static_cast<int>(kLastMessage); ++m) {
      Explanation why{static_cast<Message>(m)};
      why.count = 2;
      why.count2 = 3;
      why.count3 = 4;
      why.amount = 1250;
      why.amount2 = 990;
      why.time = 1'795'773'600'000;  // 2026-11-27T10:00:00Z
      why.name = "Summer";
      why.name2 = "Tee";
      why.variant = &f.store.variants.front();
      why.segments = &segments;
      std::string sentence = rendered(why, language);
      // The Items* and SpendOn* rows are phrases ({items}, {spendItems}) inside a sentence, not sentences.
      const bool phrase = why.message >= Message::ItemsGeneric && why.message <= Message::SpendOnCategory;
      BOOST_TEST_CONTEXT(languageCode(language) << ": " << sentence) {
        BOOST_TEST(sentence.find('{') == std::string::npos);
        BOOST_TEST(sentence.find('#') == std::string::npos);
        BOOST_TEST((sentence.back() == '.') != phrase);
      }
      if (!phrase) sentences.insert(sentence);
    }
    constexpr auto kPhrases = static_cast<std::size_t>(Message::SpendOnCategory) - static_cast<std::size_t>(Message::ItemsGeneric) + 1;
    BOOST_TEST(sentences.size() == static_cast<std::size_t>(kLastMessage) - kPhrases);
  }
}

BOOST_AUTO_TEST_CASE(plural_forms_follow_each_language) {
  Explanation why{Message::MinQuantityNotMet};
  why.count = 1;
  BOOST_TEST(rendered(why, Language::En) == "Add 1 more item to unlock this offer.");
  BOOST_TEST(rendered(why, Language::Fr) == "Ajoutez encore 1 article pour débloquer cette offre.");
  BOOST_TEST(rendered(why, Language::Es) == "Añade 1 artículo más para desbloquear esta oferta.");
  why.count = 2;
  BOOST_TEST(rendered(why, Language::En) == "Add 2 more items to unlock this offer.");
  BOOST_TEST(rendered(why, Language::Fr) == "Ajoutez encore 2 articles pour débloquer cette offre.");
  BOOST_TEST(rendered(why, Language::Es) == "Añade 2 artículos más para desbloquear esta oferta.");
  ItemNoun tee{ItemNoun::Kind::Product, "Tee", ""};
  Explanation free{Message::NudgeAddNamedForFree};
  free.count = 2;
  free.count2 = 1;
  free.items = &tee;
  BOOST_TEST(rendered(free, Language::En) == "Add 2 more Tees to get one free.");
  BOOST_TEST(rendered(free, Language::Fr) == "Ajoutez encore 2\u00a0× Tee pour en obtenir un gratuit.");
  free.count2 = 2;
  BOOST_TEST(rendered(free, Language::Fr) == "Ajoutez encore 2\u00a0× Tee pour en obtenir 2 gratuits.");
  BOOST_TEST(rendered(free, Language::De) == "Legen Sie noch 2\u00a0× Tee in den Warenkorb, dann sind 2 gratis.");
}

BOOST_AUTO_TEST_CASE(items_are_named_by_what_the_selector_names) {
  Explanation why{Message::MinQuantityNotMet};
  why.count = 1;
  ItemNoun noun{ItemNoun::Kind::Attribute, "size", "XL"};
  why.items = &noun;
  BOOST_TEST(rendered(why, Language::En) == "Add 1 more item in size XL to unlock this offer.");
  BOOST_TEST(rendered(why, Language::De) == "Legen Sie noch 1 Artikel mit size XL in den Warenkorb, um dieses Angebot freizuschalten.");
  noun = {ItemNoun::Kind::Category, "tees", ""};
  why.count = 2;
  BOOST_TEST(rendered(why, Language::En) == "Add 2 more items from tees to unlock this offer.");
  BOOST_TEST(rendered(why, Language::Es) == "Añade 2 artículos más de la categoría tees para desbloquear esta oferta.");
  noun = {ItemNoun::Kind::Variant, "Classic Tee (white, M)", ""};
  BOOST_TEST(rendered(why, Language::En) == "Add 2 more Classic Tee (white, M) to unlock this offer.");
  BOOST_TEST(rendered(why, Language::Fr) == "Ajoutez encore 2\u00a0× Classic Tee (white, M) pour débloquer cette offre.");
  noun = {ItemNoun::Kind::Product, "Mug", ""};
  BOOST_TEST(rendered(why, Language::En) == "Add 2 more Mugs to unlock this offer.");
  noun = {};  // too complex to name: the generic phrase
  BOOST_TEST(rendered(why, Language::En) == "Add 2 more items to unlock this offer.");
}

BOOST_AUTO_TEST_CASE(money_is_written_the_language_way) {
  auto money = [](Language language, Minor amount, std::string_view currency = "EUR", int exponent = 2) {
    std::string out;
    LocaleFormat(language, currency, exponent).money(out, amount);
    return out;
  };
  BOOST_TEST(money(Language::En, 123456) == "1234.56 EUR");  // English keeps the engine's plain form
  BOOST_TEST(money(Language::De, 1240) == "12,40\u00a0€");
  BOOST_TEST(money(Language::De, 123456) == "1.234,56\u00a0€");
  BOOST_TEST(money(Language::Fr, 123456) == "1\u202f234,56\u00a0€");
  BOOST_TEST(money(Language::Es, 123456) == "1234,56\u00a0€");     // Spanish groups from five digits
  BOOST_TEST(money(Language::Es, 1234567) == "12.345,67\u00a0€");
  BOOST_TEST(money(Language::De, 150000, "JPY", 0) == "150.000\u00a0¥");
  BOOST_TEST(money(Language::Fr, 1999, "USD") == "19,99\u00a0$US");
  BOOST_TEST(money(Language::Es, 5, "KWD", 3) == "0,005\u00a0KWD");
  BOOST_TEST(money(Language::De, 0) == "0,00\u00a0€");
}

BOOST_AUTO_TEST_CASE(times_are_written_the_language_way_in_utc) {
  const EpochMillis t = parseTimestamp("2026-11-27T10:00:00.000Z", "");
  auto time = [](Language language, EpochMillis at) {
    std::string out;
    LocaleFormat(language, "EUR", 2).dateTime(out, at);
    return out;
  };
  BOOST_TEST(time(Language::En, t) == "2026-11-27T10:00:00.000Z");
  BOOST_TEST(time(Language::De, t) == "27.11.2026 um 10:00 Uhr UTC");
  BOOST_TEST(time(Language::Fr, t) == "27/11/2026 à 10:00 UTC");
  BOOST_TEST(time(Language::Es, t) == "27/11/2026 a las 10:00 UTC");
  BOOST_TEST(time(Language::Fr, t - 1000) == "27/11/2026 à 09:59:59 UTC");  // seconds when they matter
  Explanation ends{Message::OfferStarts};
  ends.time = t;
  BOOST_TEST(rendered(ends, Language::Fr) == "Offre valable à partir du 27/11/2026 à 10:00 UTC.");
}

BOOST_AUTO_TEST_CASE(alternatives_and_numbers) {
  const std::vector<std::string> three{"gold", "staff", "vip"};
  std::string out;
  LocaleFormat(Language::De, "EUR", 2).alternatives(out, three);
  BOOST_TEST(out == "gold, staff oder vip");
  out.clear();
  LocaleFormat(Language::Es, "EUR", 2).alternatives(out, {"vip"});
  BOOST_TEST(out == "vip");
  out.clear();
  LocaleFormat(Language::De, "EUR", 2).number(out, 100000);
  BOOST_TEST(out == "100.000");
  out.clear();
  LocaleFormat(Language::En, "EUR", 2).number(out, 100000);
  BOOST_TEST(out == "100000");
}

BOOST_AUTO_TEST_CASE(language_tags_are_checked_and_matched_by_their_primary_subtag) {
  for (const char* good : {"de", "de-DE", "DE-de", "es-419", "zh-Hant-TW", "fr-CA", "x-private", "sgn-BE-FR"}) {
    BOOST_TEST_CONTEXT(good) { BOOST_TEST(isWellFormedLanguageTag(good)); }
  }
  for (const char* bad : {"", "d", "de_DE", "de-", "-de", "de--DE", "1de", "de-DE-toolongsubtag", "de DE", "de-ÄT"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!isWellFormedLanguageTag(bad)); }
  }
  BOOST_TEST(!isWellFormedLanguageTag(std::string(36, 'a')));
  BOOST_TEST((catalogLanguage("de-AT") == Language::De));
  BOOST_TEST((catalogLanguage("FR") == Language::Fr));
  BOOST_TEST((catalogLanguage("es-419") == Language::Es));
  BOOST_TEST((catalogLanguage("en-GB") == Language::En));
  BOOST_TEST(!catalogLanguage("it-IT").has_value());
  BOOST_TEST(!catalogLanguage("deu").has_value());  // three-letter codes are not in the catalog
  BOOST_TEST((inputErrorOf([] { checkLocaleTag("de_DE", "/locale"); }) == std::pair<std::string, std::string>{"invalid_value", "/locale"}));
}

BOOST_AUTO_TEST_SUITE_END()
