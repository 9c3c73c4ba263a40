// SPDX-License-Identifier: MIT
#include "woo_dates.hpp"

namespace cartcore::import {

namespace {

// Days from 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

/** Reads 1..maxDigits digits at `at`, advancing it; -1 when there are none. */
int readNumber(std::string_view s, std::size_t& at, std::size_t maxDigits) {
  int value = 0;
  std::size_t start = at;
  while (at < s.size() && at - start < maxDigits && s[at] >= '0' && s[at] <= '9') value = value * 10 + (s[at++] - '0');
  return at == start ? -1 : value;
}

}  // namespace

std::optional<int64_t> parseWooDate(std::string_view text, int utcOffsetMinutes) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  std::size_t at = 0;
  int year = readNumber(text, at, 4);
  if (year < 1970 || at != 4 || at >= text.size() || text[at++] != '-') return std::nullopt;
  int month = readNumber(text, at, 2);
  if (month < 1 || month > 12 || at >= text.size() || text[at++] != '-') return std::nullopt;
  int day = readNumber(text, at, 2);
  static constexpr int kDaysInMonth[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day < 1 || day > kDaysInMonth[month - 1]) return std::nullopt;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (at < text.size()) {
    if (text[at] != 'T' && text[at] != ' ') return std::nullopt;
    ++at;
    hour = readNumber(text, at, 2);
    if (hour < 0 || hour > 23 || at >= text.size() || text[at++] != ':') return std::nullopt;
    minute = readNumber(text, at, 2);
    if (minute < 0 || minute > 59) return std::nullopt;
    if (at < text.size()) {
      if (text[at++] != ':') return std::nullopt;
      second = readNumber(text, at, 2);
      if (second < 0 || second > 59) return std::nullopt;
    }
    if (at != text.size()) return std::nullopt;
  }
  int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = ((days * 24 + hour) * 60 + minute - utcOffsetMinutes) * 60 + second;
  return seconds * 1000;
}

std::string formatUtc(int64_t epochMillis) {
  int64_t days = epochMillis >= 0 ? epochMillis / 86'400'000 : -((-epochMillis + 86'399'999) / 86'400'000);
  int64_t rest = epochMillis - days * 86'400'000;
  int64_t y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  auto padded = [](int64_t value, std::size_t width) {
    std::string digits = std::to_string(value);
    return std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
  };
  return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(d, 2) + "T" + padded(rest / 3'600'000, 2) + ":" +
         padded(rest / 60'000 % 60, 2) + ":" + padded(rest / 1000 % 60, 2) + "." + padded(rest % 1000, 3) + "Z";
}

std::optional<int> parseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "+00:00" || text == "0") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return std::nullopt;
  std::size_t at = 1;
  int hours = readNumber(text, at, 2);
  if (at != 3 || hours < 0 || hours > 14) return std::nullopt;
  at = 4;
  int minutes = readNumber(text, at, 2);
  if (at != 6 || minutes < 0 || minutes > 59) return std::nullopt;
  int total = hours * 60 + minutes;
  return text[0] == '-' ? -total : total;
}

}  // namespace cartcore::import
