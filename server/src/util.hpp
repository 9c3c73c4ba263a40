// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartcore::server {

/** "2026-11-27T09:30:00.000Z" for epoch milliseconds (UTC). */
std::string isoTime(int64_t epochMillis);
/** Parses the ISO form above (milliseconds optional); false if malformed. */
bool parseIsoTime(std::string_view text, int64_t& epochMillis);
/** A prefix, the time in hex, then 128 random bits (seeded from the OS entropy source): hold ids are capabilities. */
std::string randomId(std::string_view prefix);
/** Minor units as a decimal string with `exponent` decimals, e.g. (1999, 2) -> "19.99". */
std::string formatMinor(int64_t minor, int exponent);
/** FNV-1a 64-bit in hex: a cheap fingerprint to tell a retried request from a different one under the same key. */
std::string fingerprint(std::string_view text);
/** True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
bool isValidUtf8(std::string_view text);
/** RFC 3986 percent-decoding (of a path segment or a query value); nothing for a broken escape or bytes that are
 *  not UTF-8 once decoded. */
std::optional<std::string> percentDecode(std::string_view text);
/** Compares secrets in time independent of where they differ. */
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cartcore::server
