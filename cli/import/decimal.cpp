// SPDX-License-Identifier: MIT
#include "decimal.hpp"

namespace cartcore::import {

namespace {

// 128-bit intermediates: a mantissa of 18 digits times a conversion factor of 11 digits still fits.
__extension__ typedef __int128 Wide;

constexpr int kMaxDigits = 18;  // 10^18 < 2^63: every parsed mantissa fits int64

Wide pow10(int n) {
  Wide p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

/** numerator / denominator (both non-negative, denominator > 0) rounded half away from zero. */
Wide divRound(Wide numerator, Wide denominator) {
  Wide q = numerator / denominator;
  if ((numerator % denominator) * 2 >= denominator) ++q;
  return q;
}

std::optional<int64_t> fitInt64(Wide v) {
  if (v > static_cast<Wide>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

}  // namespace

std::optional<Decimal> parseDecimal(std::string_view text, char decimalSeparator) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  Decimal out;
  bool seenSeparator = false;
  int digits = 0;
  bool leading = true;  // leading zeros do not count against the digit budget
  for (char c : text) {
    if (c == decimalSeparator && !seenSeparator) {
      seenSeparator = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (leading && c == '0' && !seenSeparator) continue;
    leading = false;
    if (++digits > kMaxDigits) return std::nullopt;
    out.mantissa = out.mantissa * 10 + (c - '0');
    if (seenSeparator) ++out.scale;
  }
  // "5." and ".5" are accepted as 5 and 0.5; a lone separator is not a number.
  if (text.size() == 1 && seenSeparator) return std::nullopt;
  return out;
}

std::optional<std::string> decimalTextOf(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  // nlohmann prints a double as the shortest text that reads back to the same double, so a number written with at
  // most 15 significant digits (every price or cost in practice) comes back as exactly the digits that were sent.
  if (value.is_number()) return value.dump();
  return std::nullopt;
}

std::optional<int64_t> toMinor(const Decimal& value, int exponent, bool* rounded) {
  if (rounded) *rounded = false;
  if (value.scale <= exponent) return fitInt64(static_cast<Wide>(value.mantissa) * pow10(exponent - value.scale));
  Wide divisor = pow10(value.scale - exponent);
  if (rounded && value.mantissa % divisor != 0) *rounded = true;
  return fitInt64(divRound(value.mantissa, divisor));
}

std::optional<int64_t> scaleToInteger(const Decimal& value, int64_t numerator, int64_t denominator, bool* rounded) {
  Wide product = static_cast<Wide>(value.mantissa) * numerator;
  Wide divisor = pow10(value.scale) * denominator;
  if (rounded) *rounded = product % divisor != 0;
  return fitInt64(divRound(product, divisor));
}

std::string formatMinor(int64_t minor, int exponent) {
  bool negative = minor < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    if (digits.size() <= static_cast<std::size_t>(exponent)) digits.insert(0, static_cast<std::size_t>(exponent) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(exponent), ".");
  }
  return negative ? "-" + digits : digits;
}

std::string formatTrimmed(const Decimal& value, int maxDecimals, bool* rounded) {
  int64_t minor = toMinor(value, maxDecimals, rounded).value_or(0);
  std::string text = formatMinor(minor, maxDecimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

int compareDecimals(const Decimal& a, const Decimal& b) {
  int scale = a.scale > b.scale ? a.scale : b.scale;
  Wide x = static_cast<Wide>(a.mantissa) * pow10(scale - a.scale);
  Wide y = static_cast<Wide>(b.mantissa) * pow10(scale - b.scale);
  return x < y ? -1 : (x > y ? 1 : 0);
}

}  // namespace cartcore::import
