// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

#include "cartcore/engine.hpp"

namespace cartcore {

/** Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (UTC only) into epoch milliseconds; throws InputError naming `pointer`. */
EpochMillis parseTimestamp(std::string_view text, const std::string& pointer);

/** Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
std::string formatTimestamp(EpochMillis millis);

}  // namespace cartcore
