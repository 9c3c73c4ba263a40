// SPDX-License-Identifier: MIT
// The one strict JSON reader: the engine parses configs and quote requests with it, and the server parses every
// other body (holds, checkout, admin) with it, so one set of rules holds on every path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cartcore/result.hpp"

namespace cartcore {

/** Containers may nest this deep (the root object or array is level 1); the first one deeper is refused. */
inline constexpr std::size_t kMaxJsonDepth = 64;

/**
 * Every key Cartcore reads is a field name or an id (at most 200 bytes), so a longer key can only be refused. It is
 * refused as the parser reads it, at the pointer of the object holding it: a pointer or message quoting a 1 MiB key
 * would itself cost megabytes.
 */
inline constexpr std::size_t kMaxJsonKeyBytes = 200;

/** What one parse accepts. */
struct JsonLimits {
  std::size_t maxBytes = 0;              // longer text is payload_too_large, before any parsing
  std::size_t maxDepth = kMaxJsonDepth;  // deeper nesting is invalid_value at the pointer of the first deeper container
  std::size_t maxValues = SIZE_MAX;      // more values (scalars, objects, arrays) is payload_too_large: bounds the DOM
  std::size_t maxKeyBytes = kMaxJsonKeyBytes;  // a longer key is out_of_range at the pointer of its object
};

/**
 * Parses untrusted JSON text into a DOM under Cartcore's rules, without exceptions:
 * - text longer than `limits.maxBytes`: payload_too_large (pointer "");
 * - not JSON (syntax, invalid UTF-8, trailing content): malformed_json (pointer "");
 * - a key repeated within one object: duplicate_id at that key's pointer (never "last one wins");
 * - a container nested deeper than `limits.maxDepth`: invalid_value at its pointer;
 * - more than `limits.maxValues` values: payload_too_large (pointer "");
 * - a key longer than `limits.maxKeyBytes`: out_of_range at the pointer of the object holding it.
 * A document that ends inside a string or with a bracket still open is malformed_json before anything else in it
 * is judged (one pass that builds nothing: a truncated or hostile never-closed document costs no DOM), unless it
 * nests deeper than `limits.maxDepth`. Otherwise parsing stops at the first violation, in text order. Cost: time linear in the text (times log of an object's key
 * count); memory at most about 35 bytes per input byte (an array of empty objects, measured) and about 80 bytes per
 * value plus the strings' bytes; no recursion, so the stack stays flat whatever the input. The returned DOM nests
 * at most `maxDepth` deep, so walking, copying or dumping it recursively is bounded too.
 */
Result<nlohmann::json> parseStrictJson(std::string_view text, const JsonLimits& limits);

}  // namespace cartcore
