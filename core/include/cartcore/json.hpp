// SPDX-License-Identifier: MIT
// The one strict JSON reader: the engine parses configs and quote requests with it, and the server parses every
// other body (holds, checkout, admin) with it, so one set of rules holds on every path.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cartcore/result.hpp"

namespace cartcore {

/** Containers may nest this deep (the root object or array is level 1); the first one deeper is refused. */
inline constexpr std::size_t kMaxJsonDepth = 64;

/** What one parse accepts. */
struct JsonLimits {
  std::size_t maxBytes = 0;              // longer text is payload_too_large, before any parsing
  std::size_t maxDepth = kMaxJsonDepth;  // deeper nesting is invalid_value at the pointer of the first deeper container
};

/**
 * Parses untrusted JSON text into a DOM under Cartcore's rules, without exceptions:
 * - text longer than `limits.maxBytes`: payload_too_large (pointer "");
 * - not JSON (syntax, invalid UTF-8, trailing content): malformed_json (pointer "");
 * - a key repeated within one object: duplicate_id at that key's pointer (never "last one wins");
 * - a container nested deeper than `limits.maxDepth`: invalid_value at its pointer.
 * Parsing stops at the first violation, in text order. Cost: time linear in the text (times log of an object's key
 * count), memory proportional to the text (about 30 bytes per input byte at worst) and never more; no recursion, so
 * the stack stays flat whatever the input. The returned DOM nests at most `maxDepth` deep, so walking, copying or
 * dumping it recursively is bounded too.
 */
Result<nlohmann::json> parseStrictJson(std::string_view text, const JsonLimits& limits);

}  // namespace cartcore
