// SPDX-License-Identifier: MIT
// The languages the message catalog speaks, and how each writes numbers, money, dates and lists. Nothing here reads
// the platform's locale: every convention is spelled out, so a German sentence is the same bytes natively and in
// WASM.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cartcore/engine.hpp"
#include "money.hpp"

namespace cartcore {

enum class Language : uint8_t { En, De, Fr, Es };
inline constexpr std::size_t kLanguageCount = 4;

/** "en", "de", "fr", "es". */
std::string_view languageCode(Language language);

/**
 * True for a well-formed BCP 47 tag (RFC 5646 syntax, simplified: a 2-8 letter language or the "x"/"i" prefixes,
 * then 1-8 letter/digit subtags, at most 35 characters), e.g. "de", "de-DE", "es-419", "zh-Hant-TW", "x-klingon".
 * It does not consult the registry.
 */
bool isWellFormedLanguageTag(std::string_view tag);

/** Throws InvalidValue naming `pointer` unless `tag` is well-formed. */
void checkLocaleTag(std::string_view tag, const std::string& pointer);

/** The catalog language of a well-formed tag, by its primary subtag ("de-AT" is German), or nullopt. */
std::optional<Language> catalogLanguage(std::string_view tag);

/** One language's conventions in one currency. English keeps the engine's plain forms: "12.40 USD", ISO times. */
class LocaleFormat {
 public:
  LocaleFormat(Language language, std::string_view currency, int exponent)
      : language_(language), currency_(currency), exponent_(exponent) {}

  Language language() const { return language_; }
  /** "12.40 USD" / "1.234,50 €" / "1 234,50 €" / "1234,50 €". */
  void money(std::string& out, Minor amount) const;
  /** A count with the language's digit grouping: "1000" / "1.000" / "1 000" / "1000". */
  void number(std::string& out, int64_t n) const;
  /** A UTC instant: ISO 8601 in English, else the language's date and 24-hour time, marked UTC. */
  void dateTime(std::string& out, EpochMillis t) const;
  /** "a, b or c" in the language. */
  void alternatives(std::string& out, const std::vector<std::string>& items) const;
  /** True when `n` takes the singular form (French counts 0 as singular). */
  bool singular(int64_t n) const;

 private:
  void groupedDigits(std::string& out, std::string_view digits) const;

  Language language_;
  std::string_view currency_;
  int exponent_;
};

}  // namespace cartcore
