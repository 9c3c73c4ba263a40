// SPDX-License-Identifier: MIT
// Exact decimal arithmetic for imported amounts: WooCommerce keeps prices, weights and rates as decimal strings, and
// an import must never pass them through floating point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cartcore::import {

/** A non-negative decimal held exactly: value = mantissa / 10^scale. */
struct Decimal {
  int64_t mantissa = 0;
  int scale = 0;
};

/**
 * Parses "19.99", " 20 ", "19,5" (with decimalSeparator ','): digits, at most one separator, at most 18 significant
 * digits. Signs, exponents, thousands separators and anything else give nullopt.
 */
std::optional<Decimal> parseDecimal(std::string_view text, char decimalSeparator = '.');

/** The decimal text of a JSON value that is a string or a number (numbers through their shortest round-trip text). */
std::optional<std::string> decimalTextOf(const nlohmann::json& value);

/**
 * The amount in minor units at `exponent` decimals, rounded half away from zero when the text has more decimals
 * (`rounded` says so). nullopt when it does not fit int64.
 */
std::optional<int64_t> toMinor(const Decimal& value, int exponent, bool* rounded);

/** value × numerator / denominator, rounded half away from zero to an integer (`rounded` says so); nullopt past int64. */
std::optional<int64_t> scaleToInteger(const Decimal& value, int64_t numerator, int64_t denominator, bool* rounded);

/** Minor units as Cartcore's decimal string, e.g. 1999 at exponent 2 is "19.99". */
std::string formatMinor(int64_t minor, int exponent);

/** The shortest text of a decimal with at most `maxDecimals` decimals (rounded half away; `rounded` says so): "7.25". */
std::string formatTrimmed(const Decimal& value, int maxDecimals, bool* rounded);

/** Compares two decimals exactly: negative, zero or positive. */
int compareDecimals(const Decimal& a, const Decimal& b);

}  // namespace cartcore::import
