// SPDX-License-Identifier: MIT
#include "json_reader.hpp"

#include <algorithm>
#include <set>

#include "input_error.hpp"

namespace cartcore {

Json parseJsonDocument(std::string_view text, std::size_t maxBytes) {
  if (text.size() > maxBytes) {
    fail(ErrorCode::PayloadTooLarge, "", "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                                             std::to_string(maxBytes));
  }
  Json document = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) fail(ErrorCode::MalformedJson, "", "the document is not valid JSON");
  return document;
}

std::string childPointer(const std::string& parent, std::string_view key) {
  std::string out = parent;
  out.push_back('/');
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

std::string childPointer(const std::string& parent, std::size_t index) { return parent + "/" + std::to_string(index); }

static const char* typeName(const Json& value) { return value.type_name(); }

std::string readString(const Json& value, const std::string& pointer) {
  if (!value.is_string()) fail(ErrorCode::InvalidType, pointer, std::string("expected a string, got ") + typeName(value));
  return value.get_ref<const std::string&>();
}

std::string readId(const Json& value, const std::string& pointer) {
  std::string id = readString(value, pointer);
  if (id.empty()) fail(ErrorCode::InvalidValue, pointer, "an id must not be empty");
  if (id.size() > 200) fail(ErrorCode::OutOfRange, pointer, "an id must be at most 200 bytes");
  return id;
}

int64_t readInteger(const Json& value, const std::string& pointer, int64_t min, int64_t max) {
  if (!value.is_number_integer()) {
    fail(ErrorCode::InvalidType, pointer, std::string("expected an integer, got ") +
                                              (value.is_number_float() ? "a fractional number" : typeName(value)));
  }
  // Large unsigned values do not fit int64; treat them as out of range rather than wrapping.
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    fail(ErrorCode::OutOfRange, pointer, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  int64_t n = value.get<int64_t>();
  if (n < min || n > max) {
    fail(ErrorCode::OutOfRange, pointer, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                             ", got " + std::to_string(n));
  }
  return n;
}

bool readBool(const Json& value, const std::string& pointer) {
  if (!value.is_boolean()) fail(ErrorCode::InvalidType, pointer, std::string("expected a boolean, got ") + typeName(value));
  return value.get<bool>();
}

const Json::array_t& readArray(const Json& value, const std::string& pointer, std::size_t maxItems) {
  if (!value.is_array()) fail(ErrorCode::InvalidType, pointer, std::string("expected an array, got ") + typeName(value));
  const auto& array = value.get_ref<const Json::array_t&>();
  if (array.size() > maxItems) {
    fail(ErrorCode::TooManyItems, pointer, "has " + std::to_string(array.size()) + " entries; the limit is " +
                                               std::to_string(maxItems));
  }
  return array;
}

std::vector<std::string> readIdList(const Json& value, const std::string& pointer, std::size_t maxItems, bool unique) {
  const auto& array = readArray(value, pointer, maxItems);
  std::vector<std::string> ids;
  ids.reserve(array.size());
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < array.size(); ++i) {
    ids.push_back(readId(array[i], childPointer(pointer, i)));
  }
  if (unique) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (!seen.insert(ids[i]).second) fail(ErrorCode::DuplicateId, childPointer(pointer, i), "\"" + ids[i] + "\" is listed twice");
    }
  }
  return ids;
}

ObjectReader::ObjectReader(const Json& value, std::string pointer) : value_(value), pointer_(std::move(pointer)) {
  if (!value_.is_object()) fail(ErrorCode::InvalidType, pointer_, std::string("expected an object, got ") + typeName(value_));
}

const Json& ObjectReader::required(std::string_view key) {
  const Json* found = optional(key);
  if (!found) fail(ErrorCode::MissingField, pointerTo(key), "\"" + std::string(key) + "\" is required");
  return *found;
}

const Json* ObjectReader::optional(std::string_view key) {
  if (seenCount_ < seen_.size()) seen_[seenCount_++] = key;
  else seenOverflow_.push_back(key);
  auto it = value_.find(key);
  return it == value_.end() ? nullptr : &*it;
}

void ObjectReader::finish() const {
  for (const auto& [key, _] : value_.items()) {
    auto asked = seen_.begin() + static_cast<std::ptrdiff_t>(seenCount_);
    if (std::find(seen_.begin(), asked, std::string_view(key)) == asked &&
        std::find(seenOverflow_.begin(), seenOverflow_.end(), std::string_view(key)) == seenOverflow_.end()) {
      fail(ErrorCode::UnknownField, pointerTo(key), "\"" + key + "\" is not a known field here");
    }
  }
}

}  // namespace cartcore
