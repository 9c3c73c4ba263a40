// SPDX-License-Identifier: MIT
#include "timestamp.hpp"

#include <charconv>

#include "input_error.hpp"

namespace cartcore {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic, no <chrono> clock.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

EpochMillis parseTimestamp(std::string_view text, const std::string& pointer) {
  auto bad = [&]() -> EpochMillis {
    fail(ErrorCode::InvalidValue, pointer,
         "timestamp \"" + std::string(text) + "\" must be UTC ISO 8601, e.g. \"2026-11-27T09:00:00.000Z\"");
  };
  // Fixed layout: YYYY-MM-DDTHH:MM:SS then optional .mmm then Z.
  if (text.size() != 20 && text.size() != 24) bad();
  auto num = [&](std::size_t at, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') bad();
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') bad();
  int year = num(0, 4), month = num(5, 2), day = num(8, 2), hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  int millis = 0;
  if (text.size() == 24) {
    if (text[19] != '.') bad();
    millis = num(20, 3);
  }
  if (text.back() != 'Z') bad();
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) bad();
  int maxDay = kDaysInMonth[month - 1] + (month == 2 && isLeap(year) ? 1 : 0);
  if (day > maxDay) bad();
  int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
}

CivilTime civilTime(EpochMillis millis) {
  int64_t days = millis >= 0 ? millis / 86'400'000 : -((-millis + 86'399'999) / 86'400'000);
  int64_t rest = millis - days * 86'400'000;
  CivilTime t;
  civilFromDays(days, t.year, t.month, t.day);
  t.hour = static_cast<unsigned>(rest / 3'600'000);
  t.minute = static_cast<unsigned>(rest / 60'000 % 60);
  t.second = static_cast<unsigned>(rest / 1000 % 60);
  t.millis = static_cast<unsigned>(rest % 1000);
  return t;
}

namespace {

/** `value` in decimal, zero-padded on the left to `width` characters (a sign counts as one, as it always has). */
void appendPadded(std::string& out, int64_t value, std::size_t width) {
  char digits[20];
  const std::size_t length = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, value).ptr - digits);
  if (length < width) out.append(width - length, '0');
  out.append(digits, length);
}

}  // namespace

void appendTimestamp(std::string& out, EpochMillis millis) {
  const CivilTime t = civilTime(millis);
  appendPadded(out, t.year, 4);
  out.push_back('-');
  appendPadded(out, t.month, 2);
  out.push_back('-');
  appendPadded(out, t.day, 2);
  out.push_back('T');
  appendPadded(out, t.hour, 2);
  out.push_back(':');
  appendPadded(out, t.minute, 2);
  out.push_back(':');
  appendPadded(out, t.second, 2);
  out.push_back('.');
  appendPadded(out, t.millis, 3);
  out.push_back('Z');
}

std::string formatTimestamp(EpochMillis millis) {
  std::string text;
  text.reserve(24);
  appendTimestamp(text, millis);
  return text;
}

}  // namespace cartcore
