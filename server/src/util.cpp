// SPDX-License-Identifier: MIT
#include "util.hpp"

#include <chrono>
#include <cstdio>
#include <sys/random.h>

namespace cartcore::server {

std::string isoTime(int64_t epochMillis) {
  using namespace std::chrono;
  sys_days days = floor<std::chrono::days>(sys_time<milliseconds>(milliseconds(epochMillis)));
  year_month_day ymd(days);
  int64_t msOfDay = epochMillis - duration_cast<milliseconds>(days.time_since_epoch()).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(msOfDay / 3600000), static_cast<long long>(msOfDay / 60000 % 60),
                static_cast<long long>(msOfDay / 1000 % 60), static_cast<long long>(msOfDay % 1000));
  return buf;
}

bool parseIsoTime(std::string_view text, int64_t& epochMillis) {
  int y, mo, d, h, mi, s, ms = 0, consumed = 0;
  std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) return false;
  std::string_view rest = text.substr(static_cast<std::size_t>(consumed));
  if (rest.size() == 5 && rest[0] == '.') {
    if (std::sscanf(std::string(rest.substr(1, 3)).c_str(), "%3d", &ms) != 1) return false;
    rest = rest.substr(4);
  }
  if (rest != "Z") return false;
  using namespace std::chrono;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return false;
  epochMillis = duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count() +
                ((static_cast<int64_t>(h) * 60 + mi) * 60 + s) * 1000 + ms;
  return true;
}

std::string randomId(std::string_view prefix) {
  // getrandom(2) draws from the kernel CSPRNG: a hold id is a capability, so it must not be predictable from ids
  // a client has already seen (a seeded std::mt19937 would be, after a few hundred of them).
  unsigned char random[16];
  std::size_t filled = 0;
  while (filled < sizeof random) {
    ssize_t got = getrandom(random + filled, sizeof random - filled, 0);
    if (got > 0) filled += static_cast<std::size_t>(got);
  }
  // The wall-clock prefix makes new ids sort after old ones, so inserts land on the rightmost B-tree page of
  // each index instead of a random one: fewer page splits and far fewer distinct pages for the checkpoint to copy.
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[64];
  int used = std::snprintf(buf, sizeof buf, "%011llx", static_cast<unsigned long long>(millis));
  for (unsigned char byte : random) used += std::snprintf(buf + used, sizeof buf - static_cast<std::size_t>(used), "%02x", byte);
  return std::string(prefix) + buf;
}

std::string formatMinor(int64_t minor, int exponent) {
  bool negative = minor < 0;
  // Work in unsigned so INT64_MIN does not overflow on negation.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  std::string out = negative ? "-" : "";
  if (exponent <= 0) return out + digits;
  const auto decimals = static_cast<std::size_t>(exponent);
  if (digits.size() <= decimals) digits = std::string(decimals + 1 - digits.size(), '0') + digits;
  return out + digits.substr(0, digits.size() - decimals) + "." + digits.substr(digits.size() - decimals);
}

std::string fingerprint(std::string_view text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The ranges of RFC 3629 section 4: the second byte's range rules out overlongs and surrogates.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead == 0xE0) length = 3, low = 0xA0;
    else if (lead == 0xED) length = 3, high = 0x9F;
    else if (lead >= 0xE1 && lead <= 0xEF) length = 3;
    else if (lead == 0xF0) length = 4, low = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
    else if (lead == 0xF4) length = 4, high = 0x8F;
    else return false;
    if (i + length > text.size()) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

namespace {
int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // "%" or "%F" at the end
    int high = hexDigit(text[i + 1]), low = hexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  // Ids are JSON strings: a segment that is not UTF-8 names nothing and could not even be echoed in an error.
  if (!isValidUtf8(out)) return std::nullopt;
  return out;
}

}  // namespace cartcore::server
