// SPDX-License-Identifier: MIT
#include "keys_cli.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_keys.hpp"
#include "server_clock.hpp"
#include "pg_storage.hpp"
#include "sqlite_storage.hpp"
#include "util.hpp"

namespace cartcore::server {

namespace {

constexpr const char* kKeysUsage = R"(cartcore-server keys: scoped API keys, stored hashed in the server's database

  cartcore-server keys create --scope SCOPE [--name TEXT] [--db PATH]   prints the new key once
  cartcore-server keys list [--db PATH]                                 ids, scopes, names, dates (no secrets)
  cartcore-server keys revoke ID [--db PATH]                            the key stops working within 2 s

  SCOPE: admin (every /v1/admin endpoint), edge (read config and stock), analytics (read orders, events,
  analytics; config replays), checkout (a storefront backend: Cartcore-Client-Ip and its own idempotency keys).
  --db defaults to ./cartcore.db (env CARTCORE_DB), as for the server; --database URL (env CARTCORE_DATABASE_URL)
  manages the keys of a PostgreSQL database shared by several servers. Keys can be created and revoked while the
  server runs; several may be active at once, so rotate by creating, deploying, then revoking.
)";

nlohmann::json describe(const ApiKeyRecord& key) {
  return {{"id", key.id},
          {"scope", key.scope},
          {"name", key.name},
          {"createdAt", isoTime(key.createdAt)},
          {"revokedAt", key.revokedAt ? nlohmann::json(isoTime(*key.revokedAt)) : nlohmann::json(nullptr)}};
}

}  // namespace

int runKeysCommand(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string db = std::getenv("CARTCORE_DB") ? std::getenv("CARTCORE_DB") : "cartcore.db";
  std::string databaseUrl = std::getenv("CARTCORE_DATABASE_URL") ? std::getenv("CARTCORE_DATABASE_URL") : "";
  std::string scopeName, name, id;
  std::string command = args.empty() ? "" : args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kKeysUsage;
    return 0;
  }
  try {
    for (std::size_t i = 1; i < args.size(); ++i) {
      auto value = [&]() -> std::string {
        if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
        return args[++i];
      };
      if (args[i] == "--db") {
        db = value();
        databaseUrl.clear();
      } else if (args[i] == "--database") databaseUrl = value();
      else if (args[i] == "--scope") scopeName = value();
      else if (args[i] == "--name") name = value();
      else if (command == "revoke" && id.empty() && !args[i].starts_with("--")) id = args[i];
      else throw std::invalid_argument("unknown argument " + args[i]);
    }
    if (command != "create" && command != "list" && command != "revoke") throw std::invalid_argument("keys create, list or revoke");
    if (command == "create" && !parseKeyScope(scopeName))
      throw std::invalid_argument("--scope is admin, edge, analytics or checkout");
    if (command == "revoke" && id.empty()) throw std::invalid_argument("keys revoke needs the key's id");
    if (name.size() > 200) throw std::invalid_argument("--name has at most 200 bytes");
  } catch (const std::exception& e) {
    std::cerr << "cartcore-server keys: " << e.what() << "\n" << kKeysUsage;
    return 2;
  }
  try {
    ServerClock clock;
    std::unique_ptr<Storage> storage;
    if (databaseUrl.empty())
      storage = SqliteStorage::openForKeyManagement(db, clock);
    else
      storage = PgStorage::openForKeyManagement(databaseUrl, clock);
    if (command == "create") {
      NewApiKey created = generateApiKey(*parseKeyScope(scopeName), name.empty() ? scopeName : name, clock.nowMillis());
      storage->insertApiKey(created.record);
      nlohmann::json out = describe(created.record);
      out["key"] = created.key;  // shown this once; only its SHA-256 is stored
      std::cout << out.dump() << std::endl;
    } else if (command == "list") {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& key : storage->listApiKeys()) list.push_back(describe(key));
      std::cout << nlohmann::json{{"keys", std::move(list)}}.dump() << std::endl;
    } else {
      if (!storage->revokeApiKey(id, clock.nowMillis())) {
        std::cerr << "cartcore-server keys: no active key with id " << id << "\n";
        return 1;
      }
      std::cout << nlohmann::json{{"id", id}, {"revoked", true}}.dump() << std::endl;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cartcore-server keys: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace cartcore::server
