// SPDX-License-Identifier: MIT
// Edits the top level of a JSON object's text without parsing it into a tree or serializing it again: the server
// adds "now" and a default currency to a cart and drops the fields it owns, copying every other byte as sent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cartcore::server {

/** One member of a top-level JSON object: its decoded key and where its `"key": value` text sits. */
struct JsonMember {
  std::string key;         // unescaped; a key with non-ASCII escapes decodes to bytes no ASCII key equals
  std::size_t begin = 0;       // the opening quote of the key
  std::size_t valueBegin = 0;  // the value's first byte
  std::size_t end = 0;         // one past the value's last byte
};

/**
 * The members of the object `text` holds, in order; nothing if the text is not shaped like an object.
 * One linear pass with no recursion and no tree, so nesting depth costs nothing. It checks the shape it needs
 * (keys, colons, commas, balanced brackets outside strings), not every token: validate text with a strict parser
 * before trusting an edit that removes members.
 */
std::optional<std::vector<JsonMember>> topLevelMembers(std::string_view text);

/** True when some member has this key. */
bool hasMember(const std::vector<JsonMember>& members, std::string_view key);

/**
 * `{` + `prefix` (members written by the server, e.g. `"now":"…"`, possibly empty) + every member of `text` whose
 * key is not in `drop`, byte for byte + `}`.
 */
std::string rebuildObject(std::string_view text, const std::vector<JsonMember>& members, std::string_view prefix,
                          const std::vector<std::string_view>& drop);

/**
 * `prefix` inserted as the first members of the object `text`, keeping every other byte. Inserting after the
 * opening brace cannot turn malformed text into well-formed text, so this needs no prior validation.
 */
std::optional<std::string> prependMembers(std::string_view text, std::string_view prefix);

/** The text of the value of top-level member `key` ("" if absent). */
std::string_view memberValue(std::string_view text, const std::vector<JsonMember>& members, std::string_view key);

}  // namespace cartcore::server
