// SPDX-License-Identifier: MIT
#include "api_keys.hpp"

#include <algorithm>

#include "crypto.hpp"
#include "util.hpp"

namespace cartcore::server {

namespace {

constexpr std::string_view kKeyPrefix = "cck_";
constexpr std::size_t kIdHexDigits = 16, kSecretHexDigits = 64;
constexpr std::size_t kKeyLength = kKeyPrefix.size() + kIdHexDigits + 1 + kSecretHexDigits;
constexpr auto kCacheLifetime = std::chrono::seconds(2);
constexpr std::size_t kMaxCached = 4096;

bool isLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 15]);
  }
  return out;
}

}  // namespace

std::string_view keyScopeName(KeyScope scope) {
  switch (scope) {
    case KeyScope::Admin: return "admin";
    case KeyScope::Edge: return "edge";
    case KeyScope::Analytics: return "analytics";
    case KeyScope::Checkout: return "checkout";
  }
  return "admin";
}

std::optional<KeyScope> parseKeyScope(std::string_view name) {
  for (KeyScope scope : {KeyScope::Admin, KeyScope::Edge, KeyScope::Analytics, KeyScope::Checkout})
    if (keyScopeName(scope) == name) return scope;
  return std::nullopt;
}

bool scopeAllows(KeyScope scope, std::string_view method, const std::vector<std::string>& path) {
  if (path.size() < 3 || path[0] != "v1" || path[1] != "admin") return false;
  const bool read = method == "GET" || method == "HEAD";
  const std::string& area = path[2];
  switch (scope) {
    case KeyScope::Admin: return true;
    case KeyScope::Edge:
      // The active config and the stock levels, nothing else: an edge key leaked from a worker cannot change or
      // even list orders.
      return read && ((area == "config" && path.size() == 3) || (area == "stock" && path.size() <= 4));
    case KeyScope::Analytics:
      // Reports may run what-if replays of a config over past orders; they never change the shop.
      if (area == "config" && path.size() >= 4 && path[3] == "replay") return true;
      return read && (area == "orders" || area == "events" || area == "analytics" || area == "stream");
    case KeyScope::Checkout: return false;
  }
  return false;
}

NewApiKey generateApiKey(KeyScope scope, std::string name, int64_t now) {
  NewApiKey created;
  created.record.id = hex(randomBytes(kIdHexDigits / 2));
  created.key = std::string(kKeyPrefix) + created.record.id + "_" + hex(randomBytes(kSecretHexDigits / 2));
  created.record.secretHash = sha256Hex(created.key);
  created.record.scope = keyScopeName(scope);
  created.record.name = std::move(name);
  created.record.createdAt = now;
  return created;
}

std::optional<ApiKeyRecord> ApiKeys::lookup(const std::string& id) {
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(id);
    if (found != cache_.end() && now - found->second.fetchedAt < kCacheLifetime) return found->second.record;
  }
  std::optional<ApiKeyRecord> record = storage_.findApiKey(id);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[id] = Cached{record, now};
  return record;
}

std::optional<Caller> ApiKeys::authenticate(std::string_view token) {
  if (!bootstrapAdminToken_.empty() && constantTimeEquals(token, bootstrapAdminToken_))
    return Caller{KeyScope::Admin, "bootstrap"};
  if (token.size() != kKeyLength || !token.starts_with(kKeyPrefix) || token[kKeyPrefix.size() + kIdHexDigits] != '_')
    return std::nullopt;
  const std::string id(token.substr(kKeyPrefix.size(), kIdHexDigits));
  if (!isLowerHex(id) || !isLowerHex(token.substr(kKeyLength - kSecretHexDigits))) return std::nullopt;
  std::optional<ApiKeyRecord> record = lookup(id);
  if (!record || record->revokedAt || !constantTimeEquals(sha256Hex(token), record->secretHash)) return std::nullopt;
  auto scope = parseKeyScope(record->scope);
  if (!scope) return std::nullopt;
  return Caller{*scope, record->id};
}

}  // namespace cartcore::server
