// SPDX-License-Identifier: MIT
// WooCommerce's date texts ("2026-11-27T00:00:00" in the REST API, "2026-11-27 0:00:00" in the CSV) as UTC instants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartcore::import {

/**
 * Reads "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD H:MM:SS" (an optional trailing "Z"), as a time
 * `utcOffsetMinutes` ahead of UTC (0 for the REST API's *_gmt fields). nullopt when it is not such a date.
 */
std::optional<int64_t> parseWooDate(std::string_view text, int utcOffsetMinutes);

/** Cartcore's timestamp text, "2026-11-27T09:00:00.000Z". */
std::string formatUtc(int64_t epochMillis);

/** Reads "+02:00", "-05:30" or "Z"; nullopt otherwise. */
std::optional<int> parseUtcOffset(std::string_view text);

}  // namespace cartcore::import
