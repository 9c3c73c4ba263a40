// SPDX-License-Identifier: MIT
// Scoped API keys: who may call which part of the API. Keys live in the database (Storage), hashed; several may be
// active at once, so a key is rotated by creating the new one, deploying it, then revoking the old one.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage.hpp"

namespace cartcore::server {

/**
 * What a key may do. admin: everything under /v1/admin. edge: read the config and stock (what the edge worker
 * needs). analytics: read orders, events and analytics, run config replays. checkout: a trusted storefront
 * backend on the shop endpoints (its Cartcore-Client-Ip header names the shopper's address; its idempotency keys
 * are its own namespace); no admin endpoint.
 */
enum class KeyScope { Admin, Edge, Analytics, Checkout };
std::string_view keyScopeName(KeyScope scope);
std::optional<KeyScope> parseKeyScope(std::string_view name);

/** True when `scope` may call `method` on the admin path `path` (decoded segments, "v1", "admin", ...). */
bool scopeAllows(KeyScope scope, std::string_view method, const std::vector<std::string>& path);

/** Who a bearer token belongs to. */
struct Caller {
  KeyScope scope = KeyScope::Admin;
  std::string keyId;  // "bootstrap" for the --admin-token
};

/** A new key: the record to store, and the key itself, which is shown once and never stored. */
struct NewApiKey {
  ApiKeyRecord record;
  std::string key;  // "cck_" + 16 hex (the id) + "_" + 64 hex (256 random bits)
};
NewApiKey generateApiKey(KeyScope scope, std::string name, int64_t now);

/**
 * Authenticates bearer tokens: the bootstrap admin token (--admin-token, compared in constant time), or a stored
 * key, found by its id and checked against its SHA-256 in constant time. SHA-256 without salt or stretching is
 * enough here: a key carries 256 random bits, so guessing it from a leaked hash is as hopeless as guessing it
 * outright, while a slow password hash would cost milliseconds on every request for no gain.
 *
 * Lookups are cached for two seconds (so a revocation takes effect within two seconds on every server instance),
 * unknown ids included, at most 4096 entries: a flood of made-up keys costs one database read per id.
 */
class ApiKeys {
 public:
  ApiKeys(Storage& storage, std::string bootstrapAdminToken)
      : storage_(storage), bootstrapAdminToken_(std::move(bootstrapAdminToken)) {}

  /** The caller a bearer token (without "Bearer ") names, or nothing if it is unknown, revoked or wrong. */
  std::optional<Caller> authenticate(std::string_view token);

 private:
  struct Cached {
    std::optional<ApiKeyRecord> record;
    std::chrono::steady_clock::time_point fetchedAt;
  };
  std::optional<ApiKeyRecord> lookup(const std::string& id);

  Storage& storage_;
  std::string bootstrapAdminToken_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace cartcore::server
