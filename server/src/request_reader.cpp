// SPDX-License-Identifier: MIT
#include "request_reader.hpp"

#include <algorithm>

#include "cartcore/json.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {

std::string childPointer(const std::string& parent, std::string_view key) {
  std::string out = parent + '/';
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

}  // namespace

void refuse(std::string_view code, const std::string& pointer, const std::string& message, int status) {
  throw RequestError{errorResponse(status, code, message, {{"pointer", pointer}}),
                     pointer.empty() ? message : pointer + ": " + message};
}

json parseBody(std::string_view text, std::size_t maxBytes, bool emptyIsObject) {
  if (emptyIsObject && text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  auto parsed = cartcore::parseStrictJson(text, cartcore::JsonLimits{maxBytes});
  if (!parsed) {
    const cartcore::Error& error = parsed.error();
    refuse(cartcore::errorCodeName(error.code), error.pointer, error.message,
           error.code == cartcore::ErrorCode::PayloadTooLarge ? 413 : 400);
  }
  return std::move(parsed).value();
}

FieldReader::FieldReader(const json& object, std::string pointer) : object_(object), pointer_(std::move(pointer)) {
  if (!object_.is_object())
    refuse("invalid_type", pointer_, std::string("expected an object, got ") + object_.type_name());
}

const json* FieldReader::optional(std::string_view key) {
  asked_.push_back(key);
  auto found = object_.find(key);
  return found == object_.end() ? nullptr : &*found;
}

const json& FieldReader::required(std::string_view key) {
  const json* value = optional(key);
  if (!value) refuse("missing_field", pointerTo(key), "\"" + std::string(key) + "\" is required.");
  return *value;
}

std::string FieldReader::pointerTo(std::string_view key) const { return childPointer(pointer_, key); }

void FieldReader::finish() const {
  // Objects here have a handful of known keys, so the linear search per key is bounded by that handful.
  for (const auto& [key, value] : object_.items())
    if (std::find(asked_.begin(), asked_.end(), std::string_view(key)) == asked_.end())
      refuse("unknown_field", pointerTo(key), "\"" + key + "\" is not a known field here.");
}

int64_t readInteger(const json& value, const std::string& pointer, int64_t min, int64_t max) {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value.is_number_integer()) refuse("invalid_type", pointer, "expected " + range + ".");
  // Compare in the parsed type: nlohmann reads non-negative literals as unsigned, and converting 2^64 - 1 to
  // int64 first would wrap it to -1.
  if (value.is_number_unsigned()) {
    const uint64_t magnitude = value.get<uint64_t>();
    if (max < 0 || magnitude > static_cast<uint64_t>(max) || (min > 0 && magnitude < static_cast<uint64_t>(min)))
      refuse("out_of_range", pointer, "expected " + range + ".");
    return static_cast<int64_t>(magnitude);
  }
  const int64_t number = value.get<int64_t>();
  if (number < min || number > max) refuse("out_of_range", pointer, "expected " + range + ".");
  return number;
}

std::string readString(const json& value, const std::string& pointer, std::size_t maxBytes, bool nonEmpty) {
  if (!value.is_string()) refuse("invalid_type", pointer, std::string("expected a string, got ") + value.type_name() + ".");
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > maxBytes || (nonEmpty && text.empty()))
    refuse(text.empty() ? "invalid_value" : "out_of_range", pointer,
           "expected a string of " + std::string(nonEmpty ? "1" : "0") + " to " + std::to_string(maxBytes) + " bytes.");
  return text;
}

}  // namespace cartcore::server
