// SPDX-License-Identifier: MIT
// Strict, pointer-tracking access to untrusted JSON: every failure names the JSON pointer of the offending field,
// and unknown keys are rejected so a typo never silently disables a rule.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cartcore/json.hpp"

namespace cartcore {

using Json = nlohmann::json;

/**
 * Frees a document's containers children first, without recursion. nlohmann's destructor first moves every member of
 * an object or array onto a stack of its own (so that it never recurses), which is about a third of the time to free
 * a wide document: an object of 80,000 keys, ~38 ms, ~24 ms freed this way. If the list of containers cannot be
 * allocated, the ordinary destructor frees what is left.
 */
void releaseDocument(Json& document) noexcept;

/** A document the strict reader parsed, freed by releaseDocument when it goes; reads as the Json it holds. */
class ParsedJson {
 public:
  explicit ParsedJson(Json document) : document_(std::move(document)) {}
  ~ParsedJson() { releaseDocument(document_); }
  ParsedJson(const ParsedJson&) = delete;
  ParsedJson& operator=(const ParsedJson&) = delete;

  operator const Json&() const { return document_; }  // NOLINT: read wherever a document is read

 private:
  Json document_;
};

/** parseStrictJson (cartcore/json.hpp), throwing InputError on failure. */
ParsedJson parseJsonDocument(std::string_view text, const JsonLimits& limits);

/** Appends an escaped reference token (RFC 6901) to a pointer. */
std::string childPointer(const std::string& parent, std::string_view key);
std::string childPointer(const std::string& parent, std::size_t index);

std::string readString(const Json& value, const std::string& pointer);
/** The longest identifier, in bytes. */
inline constexpr std::size_t kMaxIdBytes = 200;
static_assert(kMaxIdBytes <= kMaxJsonKeyBytes, "an id is also a key (a stock entry's variant): the reader must let it through");

/** A non-empty identifier of at most kMaxIdBytes. */
std::string readId(const Json& value, const std::string& pointer);
int64_t readInteger(const Json& value, const std::string& pointer, int64_t min, int64_t max);
bool readBool(const Json& value, const std::string& pointer);
/** Checks the value is an array of at most maxItems entries. */
const Json::array_t& readArray(const Json& value, const std::string& pointer, std::size_t maxItems);
/** An array of ids, rejecting duplicates when `unique`. */
std::vector<std::string> readIdList(const Json& value, const std::string& pointer, std::size_t maxItems, bool unique);

#ifdef CARTCORE_KEY_AUDIT
/**
 * Test-only, never in a shipped build: the schema drift test (tests/schema) compiles the core with CARTCORE_KEY_AUDIT
 * and defines this to learn every key the parser accepts at every object, which docs/store-config.schema.json must
 * list, and no more.
 */
void auditAskedKey(const std::string& objectPointer, std::string_view key);
#endif

/** One JSON object being read: callers fetch the keys they know, then finish() rejects the rest. */
class ObjectReader {
 public:
  ObjectReader(const Json& value, std::string pointer);

  const Json& required(std::string_view key);
  const Json* optional(std::string_view key);
  std::string pointerTo(std::string_view key) const { return childPointer(pointer_, key); }
  const std::string& pointer() const { return pointer_; }
  const Json& json() const { return value_; }
  /** Fails with UnknownField on the first key (in sorted order) that no required/optional call asked for. */
  void finish() const;

 private:
  const Json& value_;
  std::string pointer_;
  // The keys asked for: inline for the usual handful, so reading a small object allocates nothing.
  std::array<std::string_view, 32> seen_{};
  std::size_t seenCount_ = 0;
  std::vector<std::string_view> seenOverflow_;
};

}  // namespace cartcore
