// SPDX-License-Identifier: MIT
#include "money.hpp"

#include <algorithm>
#include <numeric>

#include "input_error.hpp"

namespace cartcore {
namespace {

// 128-bit intermediates make products of two int64 values exact before rounding (GCC and Clang, incl. wasm32).
__extension__ typedef __int128 Wide;

// Parses "123.45" into an integer scaled by 10^scale; rejects signs, exponents, spaces and excess decimals.
int64_t parseScaledDecimal(std::string_view text, int scale, const std::string& pointer, const char* what) {
  auto bad = [&](const std::string& why) -> int64_t {
    fail(ErrorCode::InvalidValue, pointer, std::string(what) + " \"" + std::string(text) + "\" " + why);
  };
  if (text.empty()) bad("is empty");
  std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty()) bad("needs digits before the decimal point");
  if (dot != std::string_view::npos && frac.empty()) bad("needs digits after the decimal point");
  if (whole.size() > 1 && whole[0] == '0') bad("has a leading zero");
  auto digits = [](std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  if (!digits(whole) || !digits(frac)) bad("must be a plain non-negative decimal such as \"12.34\"");
  if (static_cast<int>(frac.size()) > scale) {
    bad("has more than " + std::to_string(scale) + " decimal places");
  }
  Wide value = 0;
  for (char c : whole) {
    value = value * 10 + (c - '0');
    if (value > INT64_MAX) fail(ErrorCode::OutOfRange, pointer, std::string(what) + " is too large");
  }
  for (int i = 0; i < scale; ++i) {
    value = value * 10 + (i < static_cast<int>(frac.size()) ? frac[i] - '0' : 0);
    if (value > INT64_MAX) fail(ErrorCode::OutOfRange, pointer, std::string(what) + " is too large");
  }
  return static_cast<int64_t>(value);
}

}  // namespace

Minor parseMoney(std::string_view text, int exponent, const std::string& pointer) {
  Minor value = parseScaledDecimal(text, exponent, pointer, "amount");
  // Keep every amount far from the int64 edge so sums of many lines are checked, not clamped.
  constexpr Minor kMaxAmount = 1'000'000'000'000'000;  // 10^15 minor units: 10 trillion in a 2-decimal currency
  if (value > kMaxAmount) fail(ErrorCode::OutOfRange, pointer, "amount is too large");
  return value;
}

PartsPerMillion parsePercent(std::string_view text, const std::string& pointer) {
  int64_t hundredths = parseScaledDecimal(text, 4, pointer, "percentage");
  if (hundredths > 100'0000) fail(ErrorCode::OutOfRange, pointer, "percentage must be between 0 and 100");
  return hundredths;  // 4 decimals of a percent = millionths of the whole
}

std::string_view moneyChars(char (&buffer)[kMaxMoneyChars], Minor amount, int exponent) {
  CARTCORE_ASSERT(exponent >= 0 && exponent <= 18);  // so the digits and the point fit the buffer
  const bool negative = amount < 0;
  // Work in unsigned so INT64_MIN formats correctly; digits are written backwards, the point after `exponent` of them.
  uint64_t magnitude = negative ? uint64_t(0) - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  char* const end = buffer + kMaxMoneyChars;
  char* first = end;
  int written = 0;
  do {
    if (exponent > 0 && written == exponent) *--first = '.';
    *--first = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++written;
  } while (magnitude != 0 || written <= exponent);
  if (negative) *--first = '-';
  return {first, static_cast<std::size_t>(end - first)};
}

void appendMoney(std::string& out, Minor amount, int exponent) {
  char buffer[kMaxMoneyChars];
  out.append(moneyChars(buffer, amount, exponent));
}

std::string formatMoney(Minor amount, int exponent) {
  std::string text;
  appendMoney(text, amount, exponent);
  return text;
}

Minor addMoney(Minor a, Minor b, std::string_view pointer) {
  Minor out;
  if (__builtin_add_overflow(a, b, &out)) fail(ErrorCode::AmountOverflow, std::string(pointer), "a sum exceeds the supported range");
  return out;
}

Minor subMoney(Minor a, Minor b, std::string_view pointer) {
  Minor out;
  if (__builtin_sub_overflow(a, b, &out)) fail(ErrorCode::AmountOverflow, std::string(pointer), "a difference exceeds the supported range");
  return out;
}

Minor mulMoney(Minor a, int64_t b, std::string_view pointer) {
  Minor out;
  if (__builtin_mul_overflow(a, b, &out)) fail(ErrorCode::AmountOverflow, std::string(pointer), "a product exceeds the supported range");
  return out;
}

Minor addSaturating(Minor a, Minor b) {
  Minor out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN;
  return out;
}

Minor percentOf(Minor amount, PartsPerMillion ppm) {
  Wide scaled = static_cast<Wide>(amount) * ppm;
  Wide magnitude = scaled < 0 ? -scaled : scaled;
  Wide rounded = (magnitude + kWhole / 2) / kWhole;  // half away from zero
  if (rounded > INT64_MAX) fail(ErrorCode::AmountOverflow, "", "a percentage exceeds the supported range");
  return static_cast<Minor>(scaled < 0 ? -rounded : rounded);
}

Minor mulDivRound(Minor a, int64_t b, int64_t c) {
  CARTCORE_ASSERT(c > 0);
  Wide scaled = static_cast<Wide>(a) * b;
  Wide magnitude = scaled < 0 ? -scaled : scaled;
  Wide rounded = (magnitude + c / 2) / c;
  if (rounded > INT64_MAX) fail(ErrorCode::AmountOverflow, "", "a money product exceeds the supported range");
  return static_cast<Minor>(scaled < 0 ? -rounded : rounded);
}

Minor mulDivCeil(Minor a, int64_t b, int64_t c) {
  CARTCORE_ASSERT(a >= 0 && b >= 0 && c > 0);
  Wide rounded = (static_cast<Wide>(a) * b + c - 1) / c;
  if (rounded > INT64_MAX) fail(ErrorCode::AmountOverflow, "", "a money product exceeds the supported range");
  return static_cast<Minor>(rounded);
}

std::vector<Minor> allocateProRata(Minor total, const std::vector<Minor>& weights) {
  std::vector<Minor> parts(weights.size(), 0);
  Wide weightSum = 0;
  for (Minor w : weights) weightSum += w;
  if (weights.empty()) return parts;
  if (weightSum <= 0) {
    // Nothing to weigh by: spread evenly, remainder to the lowest indexes.
    Minor n = static_cast<Minor>(weights.size());
    for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = total / n + (static_cast<Minor>(i) < total % n ? 1 : 0);
    return parts;
  }
  std::vector<Wide> remainders(weights.size());
  Minor assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Wide exact = static_cast<Wide>(total) * weights[i];
    parts[i] = static_cast<Minor>(exact / weightSum);
    remainders[i] = exact % weightSum;
    assigned += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; assigned < total; ++k, ++assigned) parts[order[k % order.size()]] += 1;
  return parts;
}

}  // namespace cartcore
