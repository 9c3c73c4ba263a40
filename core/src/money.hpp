// SPDX-License-Identifier: MIT
// Integer money: int64 minor units, checked arithmetic, explicit rounding and exact splits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartcore {

using Minor = int64_t;

/** Percentages are held in millionths of the whole: 1'000'000 is 100 %, so "12.3456" is exact. */
using PartsPerMillion = int64_t;
inline constexpr PartsPerMillion kWhole = 1'000'000;

/** Parses a non-negative decimal string with at most `exponent` decimals; throws InputError naming `pointer`. */
Minor parseMoney(std::string_view text, int exponent, const std::string& pointer);

/** Parses "0" .. "100" with at most 4 decimals. */
PartsPerMillion parsePercent(std::string_view text, const std::string& pointer);

/** Formats minor units as a decimal string, e.g. -1234 at exponent 2 is "-12.34". */
std::string formatMoney(Minor amount, int exponent);
/** formatMoney() appended to `out`, without a string of its own. */
void appendMoney(std::string& out, Minor amount, int exponent);
/** Room for any formatMoney() text: 20 digits, a point and a sign (exponent at most 18). */
inline constexpr std::size_t kMaxMoneyChars = 24;
/** formatMoney() written into the end of `buffer`; the view points into it. */
std::string_view moneyChars(char (&buffer)[kMaxMoneyChars], Minor amount, int exponent);

/**
 * Checked arithmetic for every sum, difference and product of money, quantities and times: throws
 * InputError(AmountOverflow) naming `pointer` (the field the amount comes from; "" = the whole input) before any
 * value wraps, never undefined behaviour.
 */
Minor addMoney(Minor a, Minor b, std::string_view pointer = "");
Minor subMoney(Minor a, Minor b, std::string_view pointer = "");
Minor mulMoney(Minor a, int64_t b, std::string_view pointer = "");
/** a + b clamped to the int64 range: for bounds and estimates, where "at least this much" is still true. */
Minor addSaturating(Minor a, Minor b);

/** amount × ppm / 1e6, rounded half away from zero. */
Minor percentOf(Minor amount, PartsPerMillion ppm);

/** a × b / c in 128-bit, rounded half away from zero; c > 0. Throws AmountOverflow past int64. */
Minor mulDivRound(Minor a, int64_t b, int64_t c);

/** a × b / c in 128-bit, rounded up (towards +infinity); a, b >= 0, c > 0. Throws AmountOverflow past int64. */
Minor mulDivCeil(Minor a, int64_t b, int64_t c);

/**
 * Splits `total` over `weights` pro rata with the largest-remainder method. The parts sum to `total` exactly;
 * equal remainders go to the lower index, so callers order weights deterministically first.
 */
std::vector<Minor> allocateProRata(Minor total, const std::vector<Minor>& weights);

}  // namespace cartcore
