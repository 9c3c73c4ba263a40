// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string_view>

namespace cartcore {

/** The ISO 4217 minor-unit exponent of an active currency code (USD 2, JPY 0, KWD 3), or nullopt if unknown. */
std::optional<int> currencyExponent(std::string_view code);

}  // namespace cartcore

#include <cstdint>
#include <string>

namespace cartcore {

/**
 * Converts minor units between currencies: amount × rate / 10^rateDecimals, rescaled from `fromExponent` to
 * `toExponent` and rounded half away from zero, once, in 128-bit integers. Throws AmountOverflow past int64.
 */
int64_t convertMoney(int64_t amount, int64_t scaledRate, int rateDecimals, int fromExponent, int toExponent);

/**
 * Moves a positive price up to the nearest amount whose part below one major unit is `ending` (minor units), e.g.
 * 18.43 with ending 99 becomes 18.99 and 19.00 becomes 19.99; ending 0 rounds up to whole units. Zero stays zero,
 * and a price never moves down, so an ending never undercuts the converted price.
 */
int64_t applyPriceEnding(int64_t amount, int64_t ending, int exponent);

/** 10^exponent for exponents 0..18. */
int64_t powerOfTen(int exponent);

}  // namespace cartcore
