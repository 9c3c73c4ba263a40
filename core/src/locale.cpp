// SPDX-License-Identifier: MIT
#include "locale.hpp"

#include <charconv>

#include "input_error.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

constexpr std::string_view kNoBreakSpace = "\u00a0";        // before a currency symbol
constexpr std::string_view kNarrowNoBreakSpace = "\u202f";  // French digit groups

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isAlpha(c) || (c >= '0' && c <= '9'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/** The symbol CLDR gives a currency in a language, or the ISO code. */
std::string_view currencySymbol(Language language, std::string_view code) {
  if (code == "EUR") return "€";
  if (code == "CHF") return "CHF";
  if (code == "USD") return language == Language::De ? "$" : language == Language::Fr ? "$US" : "US$";
  if (code == "GBP") return language == Language::De ? "£" : language == Language::Fr ? "£GB" : "GBP";
  if (code == "JPY" && language == Language::De) return "¥";
  return code;
}

void appendTwoDigits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10 % 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

std::string_view languageCode(Language language) {
  switch (language) {
    case Language::En: return "en";
    case Language::De: return "de";
    case Language::Fr: return "fr";
    case Language::Es: return "es";
  }
  return "en";
}

bool isWellFormedLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  std::size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    std::size_t end = tag.find('-', start);
    if (end == std::string_view::npos) end = tag.size();
    std::string_view subtag = tag.substr(start, end - start);
    if (subtag.empty() || subtag.size() > 8) return false;
    for (char c : subtag) {
      if (first ? !isAlpha(c) : !isAlnum(c)) return false;
    }
    // A one-letter first subtag is only private use ("x-…") or a grandfathered "i-…" tag.
    if (first && subtag.size() < 2 && lower(subtag[0]) != 'x' && lower(subtag[0]) != 'i') return false;
    first = false;
    start = end + 1;
  }
  return true;
}

void checkLocaleTag(std::string_view tag, const std::string& pointer) {
  if (!isWellFormedLanguageTag(tag)) {
    fail(ErrorCode::InvalidValue, pointer, "a locale is a BCP 47 language tag such as \"de-DE\" or \"fr\"");
  }
}

std::optional<Language> catalogLanguage(std::string_view tag) {
  if (!isWellFormedLanguageTag(tag)) return std::nullopt;
  std::string_view primary = tag.substr(0, tag.find('-'));
  if (primary.size() != 2) return std::nullopt;
  const char code[2] = {lower(primary[0]), lower(primary[1])};
  for (Language language : {Language::En, Language::De, Language::Fr, Language::Es}) {
    if (languageCode(language) == std::string_view(code, 2)) return language;
  }
  return std::nullopt;
}

void LocaleFormat::groupedDigits(std::string& out, std::string_view digits) const {
  // German and French group every integer; Spanish only from five digits on (CLDR minimum grouping digits 2).
  const bool group = language_ == Language::De || language_ == Language::Fr || (language_ == Language::Es && digits.size() >= 5);
  if (!group) {
    out.append(digits);
    return;
  }
  const std::string_view separator = language_ == Language::Fr ? kNarrowNoBreakSpace : ".";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.append(separator);
    out.push_back(digits[i]);
  }
}

void LocaleFormat::money(std::string& out, Minor amount) const {
  if (language_ == Language::En) {
    appendMoney(out, amount, exponent_);
    out.push_back(' ');
    out.append(currency_);
    return;
  }
  char buffer[kMaxMoneyChars];
  std::string_view digits = moneyChars(buffer, amount, exponent_);
  if (!digits.empty() && digits.front() == '-') {
    out.push_back('-');
    digits.remove_prefix(1);
  }
  const std::size_t dot = digits.find('.');
  groupedDigits(out, digits.substr(0, dot));
  if (dot != std::string_view::npos) {
    out.push_back(',');
    out.append(digits.substr(dot + 1));
  }
  out.append(kNoBreakSpace);
  out.append(currencySymbol(language_, currency_));
}

void LocaleFormat::number(std::string& out, int64_t n) const {
  char buffer[20];
  const std::string_view digits(buffer, static_cast<std::size_t>(std::to_chars(buffer, buffer + sizeof buffer, n).ptr - buffer));
  if (language_ == Language::En || n < 0) {
    out.append(digits);
    return;
  }
  groupedDigits(out, digits);
}

void LocaleFormat::dateTime(std::string& out, EpochMillis t) const {
  if (language_ == Language::En) {
    appendTimestamp(out, t);
    return;
  }
  const CivilTime c = civilTime(t);
  const char dateSeparator = language_ == Language::De ? '.' : '/';
  appendTwoDigits(out, c.day);
  out.push_back(dateSeparator);
  appendTwoDigits(out, c.month);
  out.push_back(dateSeparator);
  char year[20];
  out.append(year, std::to_chars(year, year + sizeof year, c.year).ptr);
  switch (language_) {
    case Language::De: out.append(" um "); break;
    case Language::Fr: out.append(" à "); break;
    default: out.append(" a las "); break;
  }
  appendTwoDigits(out, c.hour);
  out.push_back(':');
  appendTwoDigits(out, c.minute);
  if (c.second != 0) {  // an offer ending at 23:59:59 says so, rather than a minute early
    out.push_back(':');
    appendTwoDigits(out, c.second);
  }
  out.append(language_ == Language::De ? " Uhr UTC" : " UTC");
}

void LocaleFormat::alternatives(std::string& out, const std::vector<std::string>& items) const {
  std::string_view lastSeparator = " or ";
  switch (language_) {
    case Language::En: break;
    case Language::De: lastSeparator = " oder "; break;
    case Language::Fr: lastSeparator = " ou "; break;
    case Language::Es: lastSeparator = " o "; break;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(i + 1 == items.size() ? lastSeparator : ", ");
    out.append(items[i]);
  }
}

bool LocaleFormat::singular(int64_t n) const { return language_ == Language::Fr ? (n == 0 || n == 1) : n == 1; }

}  // namespace cartcore
