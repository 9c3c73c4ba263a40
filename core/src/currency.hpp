// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string_view>

namespace cartcore {

/** The ISO 4217 minor-unit exponent of an active currency code (USD 2, JPY 0, KWD 3), or nullopt if unknown. */
std::optional<int> currencyExponent(std::string_view code);

}  // namespace cartcore
