// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

#include "cartcore/engine.hpp"

namespace cartcore {

/** The earliest and latest instants a timestamp can name: 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
inline constexpr EpochMillis kEarliestTimestamp = -62'167'219'200'000;
inline constexpr EpochMillis kLatestTimestamp = 253'402'300'799'999;

/** Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (UTC only) into epoch milliseconds; throws InputError naming `pointer`. */
EpochMillis parseTimestamp(std::string_view text, const std::string& pointer);

/** Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
std::string formatTimestamp(EpochMillis millis);
/** formatTimestamp() appended to `out`, without a string of its own. */
void appendTimestamp(std::string& out, EpochMillis millis);

/** A UTC instant as calendar fields (proleptic Gregorian). */
struct CivilTime {
  int64_t year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  unsigned millis = 0;
};

CivilTime civilTime(EpochMillis millis);

}  // namespace cartcore
