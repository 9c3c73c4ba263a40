// SPDX-License-Identifier: MIT
#include "json_reader.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "cartcore/json.hpp"
#include "input_error.hpp"

namespace cartcore {

namespace {

/**
 * Builds the DOM from SAX events and enforces the reader's rules as it goes, stopping at the first violation: a
 * repeated key (the object being built already holds it, so the check costs one map insertion), a container past
 * the depth limit. Nothing recurses: the open containers are a stack of at most maxDepth frames, and the path is
 * turned into a JSON pointer only when an error is reported.
 */
class StrictDomBuilder {
 public:
  explicit StrictDomBuilder(const JsonLimits& limits)
      : maxDepth_(limits.maxDepth), maxValues_(limits.maxValues), maxKeyBytes_(limits.maxKeyBytes) {}

  // The SAX interface nlohmann::json::sax_parse calls (its names, not ours).
  bool null() { return addValue(nullptr); }
  bool boolean(bool value) { return addValue(value); }
  bool number_integer(Json::number_integer_t value) { return addValue(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return addValue(value); }
  bool number_float(Json::number_float_t value, const Json::string_t&) { return addValue(value); }
  bool string(Json::string_t& value) { return addValue(std::move(value)); }
  bool binary(Json::binary_t&) { return malformed(); }  // only binary formats produce these
  bool start_object(std::size_t) { return openContainer(Json::value_t::object); }
  bool start_array(std::size_t) { return openContainer(Json::value_t::array); }
  bool end_object() { return closeContainer(); }
  bool end_array() { return closeContainer(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return malformed(); }

  bool key(Json::string_t& key) {
    if (key.size() > maxKeyBytes_) {
      return fail(ErrorCode::OutOfRange, pointerTo(frames_.size() - 1), "an object key must be at most " +
                  std::to_string(maxKeyBytes_) + " bytes (a field name or an id); this one is " + std::to_string(key.size()));
    }
    Frame& frame = frames_.back();
    auto [slot, inserted] = frame.container->get_ref<Json::object_t&>().emplace(std::move(key), nullptr);
    frame.key = &slot->first;  // map nodes are stable: the key lives as long as the document
    if (!inserted) {
      return fail(ErrorCode::DuplicateId, pointerTo(frames_.size()), "this key appears twice in the same object; JSON keys must be unique");
    }
    objectSlot_ = &slot->second;
    return true;
  }

  ~StrictDomBuilder() { releaseDocument(root_); }  // a refused document; a read one has been moved out

  Json& document() { return root_; }
  const std::optional<Error>& error() const { return error_; }

 private:
  struct Frame {
    Json* container = nullptr;
    std::size_t nextIndex = 0;         // arrays: the index the next element gets
    const std::string* key = nullptr;  // objects: the key being read
  };

  /** Puts a value where the text has it: the root, the end of the open array, or the slot the last key made. */
  Json* placeValue(Json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& parent = frames_.back();
    if (parent.container->is_array()) {
      ++parent.nextIndex;
      auto& array = parent.container->get_ref<Json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();
    }
    *objectSlot_ = std::move(value);
    return objectSlot_;
  }

  template <class Value>
  bool addValue(Value&& value) {
    if (!countValue()) return false;
    placeValue(Json(std::forward<Value>(value)));
    return true;
  }

  /** Every value costs a DOM node (up to ~80 bytes for an empty object), so their number bounds the memory. */
  bool countValue() {
    if (++values_ <= maxValues_) return true;
    return fail(ErrorCode::PayloadTooLarge, "", "the document holds more than " + std::to_string(maxValues_) + " JSON values");
  }

  bool openContainer(Json::value_t type) {
    if (!countValue()) return false;
    if (frames_.size() >= maxDepth_) {
      // Name the container that goes too deep: count it in its parent array first, so the pointer ends at its index.
      if (frames_.back().container->is_array()) ++frames_.back().nextIndex;
      return fail(ErrorCode::InvalidValue, pointerTo(frames_.size()),
                  "JSON may nest at most " + std::to_string(maxDepth_) + " levels deep; this value is deeper");
    }
    Json* container = placeValue(Json(type));
    frames_.push_back({container, 0, nullptr});
    return true;
  }

  bool closeContainer() {
    frames_.pop_back();
    return true;
  }

  /**
   * The pointer of the value being read now (openFrames = every open container), or of an open container itself
   * (openFrames = the containers around it), from the keys and indexes of those containers.
   */
  std::string pointerTo(std::size_t openFrames) const {
    std::string pointer;
    for (std::size_t i = 0; i < openFrames; ++i) {
      const Frame& frame = frames_[i];
      if (frame.container->is_array()) pointer = childPointer(pointer, frame.nextIndex - 1);
      else if (frame.key) pointer = childPointer(pointer, *frame.key);
    }
    return pointer;
  }

  bool malformed() { return fail(ErrorCode::MalformedJson, "", "the document is not valid JSON"); }

  bool fail(ErrorCode code, std::string pointer, std::string message) {
    if (!error_) error_ = Error{code, std::move(pointer), std::move(message)};
    return false;  // stops the parser at once
  }

  std::size_t maxDepth_;
  std::size_t maxValues_;
  std::size_t maxKeyBytes_;
  std::size_t values_ = 0;
  Json root_;
  std::vector<Frame> frames_;  // open containers, outermost first; never more than maxDepth_
  Json* objectSlot_ = nullptr;
  std::optional<Error> error_;
};

/**
 * True when the text ends inside a string or with brackets still open, found by one pass that builds nothing; the
 * parser would otherwise build the DOM of everything before the end (a never-closed 1 MiB request of `[],` is
 * ~350,000 nodes and 28 MB) only to refuse it. Brackets inside strings do not count; a backslash in a string skips
 * the character after it, so an escaped quote does not end the string. Nesting past maxDepth and stray closers are
 * left to the parser, which stops at the first deeper container and names it (invalid_value) or refuses the text.
 */
bool endsUnclosed(std::string_view text, std::size_t maxDepth) {
  std::size_t depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') ++i;
      else if (c == '"') inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth) return false;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return false;
      --depth;
    }
  }
  return inString || depth > 0;
}

}  // namespace

Result<Json> parseStrictJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return Error{ErrorCode::PayloadTooLarge, "",
                 "document is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(limits.maxBytes)};
  }
  if (endsUnclosed(text, limits.maxDepth)) return Error{ErrorCode::MalformedJson, "", "the document is not valid JSON"};
  try {
    StrictDomBuilder builder(limits);
    bool parsed = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json, /*strict=*/true);
    if (builder.error()) return *builder.error();
    if (!parsed) return Error{ErrorCode::MalformedJson, "", "the document is not valid JSON"};
    return std::move(builder.document());
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::PayloadTooLarge, "", "the document needs more memory than is available"};
  } catch (const std::exception&) {
    // The SAX parser reports bad text through parse_error; anything thrown is still text we cannot read.
    return Error{ErrorCode::MalformedJson, "", "the document is not valid JSON"};
  }
}

ParsedJson parseJsonDocument(std::string_view text, const JsonLimits& limits) {
  Result<Json> parsed = parseStrictJson(text, limits);
  if (!parsed) throw InputError(parsed.error());
  return ParsedJson(std::move(parsed).value());
}

void releaseDocument(Json& document) noexcept {
  try {
    // Every non-empty container, parents before their children; cleared from the back, each container's members are
    // scalars or emptied containers by the time it is cleared, so nothing is moved and nothing recurses.
    std::vector<Json*> containers;
    if (!document.empty() && document.is_structured()) containers.push_back(&document);
    for (std::size_t i = 0; i < containers.size(); ++i) {
      for (Json& member : *containers[i]) {
        if (member.is_structured() && !member.empty()) containers.push_back(&member);
      }
    }
    for (auto container = containers.rbegin(); container != containers.rend(); ++container) (*container)->clear();
  } catch (const std::bad_alloc&) {
    // Too little memory for the list: the destructor frees the rest its own way.
  }
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
  if (id.size() > kMaxIdBytes) fail(ErrorCode::OutOfRange, pointer, "an id must be at most 200 bytes");
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
#ifdef CARTCORE_KEY_AUDIT
  auditAskedKey(pointer_, key);
#endif
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
