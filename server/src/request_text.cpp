// SPDX-License-Identifier: MIT
#include "request_text.hpp"

#include <algorithm>

namespace cartcore::server {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skipSpace(std::string_view text, std::size_t at) {
  while (at < text.size() && isSpace(text[at])) ++at;
  return at;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** Reads the string starting at the quote `at`; returns one past its closing quote, or npos. Decodes into `out`. */
std::size_t readString(std::string_view text, std::size_t at, std::string* out) {
  ++at;  // the opening quote
  while (at < text.size()) {
    char c = text[at];
    if (c == '"') return at + 1;
    if (static_cast<unsigned char>(c) < 0x20) return std::string_view::npos;
    if (c != '\\') {
      if (out) out->push_back(c);
      ++at;
      continue;
    }
    if (at + 1 >= text.size()) return std::string_view::npos;
    char escaped = text[at + 1];
    if (escaped == 'u') {
      if (at + 5 >= text.size()) return std::string_view::npos;
      int code = 0;
      for (std::size_t k = at + 2; k < at + 6; ++k) {
        int digit = hexValue(text[k]);
        if (digit < 0) return std::string_view::npos;
        code = code * 16 + digit;
      }
      // Only ASCII keys are ever compared; anything else becomes a byte that is never part of one.
      if (out) out->push_back(code > 0 && code < 0x80 ? static_cast<char>(code) : '\xff');
      at += 6;
      continue;
    }
    static constexpr std::string_view kEscapes = "\"\\/bfnrt", kDecoded = "\"\\/\b\f\n\r\t";
    std::size_t which = kEscapes.find(escaped);
    if (which == std::string_view::npos) return std::string_view::npos;
    if (out) out->push_back(kDecoded[which]);
    at += 2;
  }
  return std::string_view::npos;
}

/** Skips one value starting at `at`; returns one past it (trailing spaces included for scalars), or npos. The open
 *  brackets live on a vector, not the call stack, so any depth costs linear time and no recursion. */
std::size_t skipValue(std::string_view text, std::size_t at) {
  std::vector<char> open;  // the closer each open bracket expects
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      at = readString(text, at, nullptr);
      if (at == std::string_view::npos || open.empty()) return at;
    } else if (c == '{' || c == '[') {
      open.push_back(c == '{' ? '}' : ']');
      ++at;
    } else if (c == '}' || c == ']') {
      if (open.empty()) return at;  // the enclosing object closes: a scalar value ended just before
      if (open.back() != c) return std::string_view::npos;
      open.pop_back();
      ++at;
      if (open.empty()) return at;
    } else if (c == ',' && open.empty()) {
      return at;
    } else {
      ++at;
    }
  }
  return open.empty() ? at : std::string_view::npos;
}

}  // namespace

std::optional<std::vector<JsonMember>> topLevelMembers(std::string_view text) {
  std::vector<JsonMember> members;
  std::size_t at = skipSpace(text, 0);
  if (at >= text.size() || text[at] != '{') return std::nullopt;
  at = skipSpace(text, at + 1);
  if (at < text.size() && text[at] == '}') return skipSpace(text, at + 1) == text.size() ? std::optional(members) : std::nullopt;
  for (;;) {
    if (at >= text.size() || text[at] != '"') return std::nullopt;
    JsonMember member;
    member.begin = at;
    at = readString(text, at, &member.key);
    if (at == std::string_view::npos) return std::nullopt;
    at = skipSpace(text, at);
    if (at >= text.size() || text[at] != ':') return std::nullopt;
    at = skipSpace(text, at + 1);
    member.valueBegin = at;
    std::size_t valueEnd = skipValue(text, at);
    if (valueEnd == std::string_view::npos || valueEnd == at) return std::nullopt;
    // Trailing spaces belong to the gap, not to the value.
    std::size_t trimmed = valueEnd;
    while (trimmed > at && isSpace(text[trimmed - 1])) --trimmed;
    member.end = trimmed;
    members.push_back(std::move(member));
    at = skipSpace(text, valueEnd);
    if (at >= text.size()) return std::nullopt;
    if (text[at] == '}') return skipSpace(text, at + 1) == text.size() ? std::optional(std::move(members)) : std::nullopt;
    if (text[at] != ',') return std::nullopt;
    at = skipSpace(text, at + 1);
  }
}

bool hasMember(const std::vector<JsonMember>& members, std::string_view key) {
  return std::any_of(members.begin(), members.end(), [&](const JsonMember& m) { return m.key == key; });
}

std::string rebuildObject(std::string_view text, const std::vector<JsonMember>& members, std::string_view prefix,
                          const std::vector<std::string_view>& drop) {
  std::string out;
  out.reserve(text.size() + prefix.size() + 2);
  out.push_back('{');
  out += prefix;
  bool first = prefix.empty();
  for (const auto& member : members) {
    if (std::find(drop.begin(), drop.end(), std::string_view(member.key)) != drop.end()) continue;
    if (!first) out.push_back(',');
    first = false;
    out += text.substr(member.begin, member.end - member.begin);
  }
  out.push_back('}');
  return out;
}

std::optional<std::string> prependMembers(std::string_view text, std::string_view prefix) {
  std::size_t open = skipSpace(text, 0);
  if (open >= text.size() || text[open] != '{') return std::nullopt;
  std::string_view rest = text.substr(open + 1);
  std::string out;
  out.reserve(text.size() + prefix.size() + 2);
  out.push_back('{');
  out += prefix;
  std::size_t next = skipSpace(rest, 0);
  if (!prefix.empty() && next < rest.size() && rest[next] != '}') out.push_back(',');
  out += rest;
  return out;
}

std::string_view memberValue(std::string_view text, const std::vector<JsonMember>& members, std::string_view key) {
  for (const auto& member : members)
    if (member.key == key) return text.substr(member.valueBegin, member.end - member.valueBegin);
  return {};
}

}  // namespace cartcore::server
