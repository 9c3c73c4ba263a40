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
