// SPDX-License-Identifier: MIT
// Strict reading of request bodies: the core's parser (size, depth 64, repeated keys) and typed field readers that
// name the JSON pointer of whatever is wrong. Every endpoint that takes a JSON body reads it through here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shop.hpp"

namespace cartcore::server {

/** A refusal of the caller's input. Thrown by the readers below; Api::handle answers it as is. */
struct RequestError {
  ApiResponse response;
  std::string detail;  // the pointer and message, for wrapping into another refusal
};

/** `errorResponse(400, code, message, {pointer})` thrown as a RequestError. */
[[noreturn]] void refuse(std::string_view code, const std::string& pointer, const std::string& message, int status = 400);

/** Parses a body with the core's strict reader (cartcore/json.hpp). An empty body reads as `{}` when `emptyIsObject`. */
nlohmann::json parseBody(std::string_view text, std::size_t maxBytes, bool emptyIsObject = false);

/** One JSON object of a request: fetch the known keys, then finish() refuses any other. */
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string pointer);
  const nlohmann::json* optional(std::string_view key);
  const nlohmann::json& required(std::string_view key);
  std::string pointerTo(std::string_view key) const;
  /** Refuses the first key (in sorted order) nobody asked for with unknown_field. */
  void finish() const;

 private:
  const nlohmann::json& object_;
  std::string pointer_;
  std::vector<std::string_view> asked_;
};

/** An integer in [min, max]; 2^64 - 1 is out of range here, never -1. */
int64_t readInteger(const nlohmann::json& value, const std::string& pointer, int64_t min, int64_t max);
/** A string of at most `maxBytes` bytes (and at least one when `nonEmpty`). */
std::string readString(const nlohmann::json& value, const std::string& pointer, std::size_t maxBytes,
                       bool nonEmpty = true);

}  // namespace cartcore::server
