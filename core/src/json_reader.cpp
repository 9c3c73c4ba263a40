// SPDX-License-Identifier: MIT
#include "json_reader.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "input_error.hpp"

namespace cartcore {

namespace {

/**
 * Watches the parser's events for a key repeated within one object. nlohmann keeps the last value silently, and
 * {"quantity": 1, "quantity": 100} must be an error, not a guess. Frames are reused across objects, so a document
 * costs no allocations beyond its longest keys.
 */
class DuplicateKeyGuard {
 public:
  bool onEvent(Json::parse_event_t event, const Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start: enterChild(false); break;
      case Json::parse_event_t::array_start: enterChild(true); break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end: --depth_; break;
      case Json::parse_event_t::key: {
        Frame& frame = frames_[depth_ - 1];
        const auto& key = parsed.get_ref<const std::string&>();
        if (duplicatePointer_.empty() && std::find(frame.keys.begin(), frame.keys.end(), key) != frame.keys.end()) {
          frame.key = key;
          duplicatePointer_ = pointerToCurrent();
        }
        frame.keys.push_back(key);
        frame.key = key;
        break;
      }
      case Json::parse_event_t::value: enterChild(std::nullopt); break;
    }
    return true;
  }

  /** The pointer of the first repeated key, or "" if none. */
  const std::string& duplicatePointer() const { return duplicatePointer_; }

 private:
  struct Frame {
    bool isArray = false;
    std::size_t index = 0;  // arrays: the element being read, plus one
    std::string key;        // objects: the key being read
    std::vector<std::string> keys;
  };

  // A value, object or array begins: count it in a parent array, and open a frame for a container.
  void enterChild(std::optional<bool> containerIsArray) {
    if (depth_ > 0 && frames_[depth_ - 1].isArray) ++frames_[depth_ - 1].index;
    if (!containerIsArray) return;
    if (frames_.size() <= depth_) frames_.emplace_back();
    Frame& frame = frames_[depth_++];
    frame.isArray = *containerIsArray;
    frame.index = 0;
    frame.keys.clear();
  }

  std::string pointerToCurrent() const {
    std::string pointer;
    for (std::size_t d = 0; d < depth_; ++d) {
      pointer = frames_[d].isArray ? childPointer(pointer, frames_[d].index - 1) : childPointer(pointer, frames_[d].key);
    }
    return pointer;
  }

  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
  std::string duplicatePointer_;
};

}  // namespace

Json parseJsonDocument(std::string_view text, std::size_t maxBytes) {
  if (text.size() > maxBytes) {
    fail(ErrorCode::PayloadTooLarge, "", "document is " + std::to_string(text.size()) + " bytes; the limit is " +
                                             std::to_string(maxBytes));
  }
  DuplicateKeyGuard guard;
  Json document = Json::parse(
      text.begin(), text.end(), [&](int, Json::parse_event_t event, Json& parsed) { return guard.onEvent(event, parsed); },
      /*allow_exceptions=*/false);
  if (document.is_discarded()) fail(ErrorCode::MalformedJson, "", "the document is not valid JSON");
  if (!guard.duplicatePointer().empty()) {
    fail(ErrorCode::DuplicateId, guard.duplicatePointer(), "this key appears twice in the same object; JSON keys must be unique");
  }
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
                                              (value.is_number_float() ? "a fractional or out-of-range number" : typeName(value)));
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
