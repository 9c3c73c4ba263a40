// SPDX-License-Identifier: MIT
#include "currency.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace cartcore {
namespace {

// ISO 4217 active codes with their minor-unit exponents, sorted for binary search. Constant data, not state.
constexpr std::pair<std::string_view, int> kCurrencies[] = {
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2}, {"AWG", 2},
    {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2},
    {"BOB", 2}, {"BRL", 2}, {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
    {"CHF", 2}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0},
    {"DKK", 2}, {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2}, {"FKP", 2},
    {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0}, {"GTQ", 2}, {"GYD", 2}, {"HKD", 2},
    {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0},
    {"JMD", 2}, {"JOD", 3}, {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2}, {"LSL", 2}, {"LYD", 3},
    {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2}, {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2},
    {"MVR", 2}, {"MWK", 2}, {"MXN", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
    {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2},
    {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2}, {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2},
    {"SDG", 2}, {"SEK", 2}, {"SGD", 2}, {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2},
    {"SVC", 2}, {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2}, {"TRY", 2},
    {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYU", 2}, {"UZS", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XOF", 0}, {"XPF", 0}, {"YER", 2}, {"ZAR", 2},
    {"ZMW", 2}, {"ZWL", 2}, {"CLF", 4}, {"UYW", 4}, {"HRK", 2}, {"SLL", 2},
};

}  // namespace

namespace {

/** A three-letter code as one integer, so the scan below compares words rather than calling memcmp per entry. */
constexpr uint32_t packedCode(std::string_view code) {
  return uint32_t(static_cast<unsigned char>(code[0])) << 16 | uint32_t(static_cast<unsigned char>(code[1])) << 8 |
         uint32_t(static_cast<unsigned char>(code[2]));
}

constexpr auto kPackedCodes = [] {
  std::array<uint32_t, std::size(kCurrencies)> packed{};
  for (std::size_t i = 0; i < packed.size(); ++i) packed[i] = packedCode(kCurrencies[i].first);
  return packed;
}();

}  // namespace

std::optional<int> currencyExponent(std::string_view code) {
  // A linear scan of ~150 packed three-letter codes: a few hundred instructions, once or twice per request.
  if (code.size() != 3) return std::nullopt;
  const uint32_t wanted = packedCode(code);
  for (std::size_t i = 0; i < kPackedCodes.size(); ++i) {
    if (kPackedCodes[i] == wanted) return kCurrencies[i].second;
  }
  return std::nullopt;
}

}  // namespace cartcore

#include "input_error.hpp"

namespace cartcore {
namespace {
__extension__ typedef __int128 Wide;  // products of a price and a scaled rate need up to ~110 bits
}  // namespace

int64_t powerOfTen(int exponent) {
  CARTCORE_ASSERT(exponent >= 0 && exponent <= 18);
  int64_t p = 1;
  for (int i = 0; i < exponent; ++i) p *= 10;
  return p;
}

int64_t convertMoney(int64_t amount, int64_t scaledRate, int rateDecimals, int fromExponent, int toExponent) {
  CARTCORE_ASSERT(amount >= 0 && scaledRate > 0);
  Wide numerator = static_cast<Wide>(amount) * scaledRate * powerOfTen(toExponent);
  Wide denominator = static_cast<Wide>(powerOfTen(rateDecimals)) * powerOfTen(fromExponent);
  Wide rounded = (numerator + denominator / 2) / denominator;  // non-negative, so half up is half away from zero
  if (rounded > INT64_MAX / 4) fail(ErrorCode::AmountOverflow, "", "a converted amount exceeds the supported range");
  return static_cast<int64_t>(rounded);
}

int64_t applyPriceEnding(int64_t amount, int64_t ending, int exponent) {
  if (amount <= 0) return amount;
  int64_t unit = powerOfTen(exponent);
  CARTCORE_ASSERT(ending >= 0 && ending < unit);
  int64_t candidate = amount - amount % unit + ending;
  return candidate >= amount ? candidate : candidate + unit;
}

}  // namespace cartcore
