// SPDX-License-Identifier: MIT
// The PostgreSQL schema, as numbered migrations of tables and indexes, and the runner that brings a database up to
// date: it applies the migrations it has not yet applied, then the server-side functions (pg_stock_functions.cpp,
// pg_events_schema.cpp, pg_analytics.cpp) whenever their text differs from what the database last received.
//
// A function is written once, in its current version: numbered migrations that restated whole functions made every
// change to a hold function a copy of it. Migrations are append-only and keep their numbers (2 and 4 changed only
// functions, so they are empty now); the functions are CREATE OR REPLACE, so applying them again is harmless.
#include "pg_schema.hpp"

#include <stdexcept>

#include "crypto.hpp"
#include "pg_analytics.hpp"
#include "pg_events_schema.hpp"
#include "pg_stock_functions.hpp"
#include "pg_woo_schema.hpp"

namespace cartcore::server {

namespace {

constexpr const char* kMigration1 = R"sql(
CREATE TABLE config_versions (
  version       bigserial PRIMARY KEY,
  config_json   text NOT NULL,
  config_digest text NOT NULL,
  created_at    bigint NOT NULL
);
CREATE TABLE stock (
  variant          text PRIMARY KEY,
  on_hand          bigint NOT NULL CHECK (on_hand >= 0),
  held_general     bigint NOT NULL DEFAULT 0 CHECK (held_general >= 0),
  held_tiers       bigint NOT NULL DEFAULT 0 CHECK (held_tiers >= 0),
  reserve_block    bigint NOT NULL DEFAULT 0 CHECK (reserve_block >= 0),
  low_stock_level  bigint CHECK (low_stock_level IS NULL OR low_stock_level >= 0),
  woo_product_id   bigint,
  woo_variation_id bigint,
  version          bigint NOT NULL DEFAULT 1,
  updated_at       bigint NOT NULL
);
CREATE TABLE stock_tiers (
  variant  text NOT NULL REFERENCES stock (variant),
  segment  text NOT NULL,
  reserved bigint NOT NULL CHECK (reserved >= 0),
  held     bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
  PRIMARY KEY (variant, segment)
);
CREATE TABLE holds (
  id           text PRIMARY KEY,
  status       text NOT NULL CHECK (status IN ('active', 'released', 'expired', 'committed')),
  cart_json    text NOT NULL,
  quote_json   text NOT NULL,
  quote_digest text NOT NULL,
  created_at   bigint NOT NULL,
  expires_at   bigint NOT NULL,
  updated_at   bigint NOT NULL,
  order_id     text,
  client_key   text NOT NULL DEFAULT '',  -- whom fair-access limits count the hold against
  extended_ms  bigint NOT NULL DEFAULT 0 CHECK (extended_ms >= 0)
);
CREATE INDEX holds_due ON holds (expires_at) WHERE status = 'active';
CREATE INDEX holds_by_client ON holds (client_key, status, expires_at);
CREATE INDEX holds_dead ON holds (updated_at) WHERE status IN ('released', 'expired');
CREATE TABLE hold_lines (
  hold_id  text NOT NULL REFERENCES holds (id) ON DELETE CASCADE,
  variant  text NOT NULL,
  pool     text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (hold_id, variant, pool)
);
CREATE TABLE orders (
  id              text PRIMARY KEY,
  position        bigserial UNIQUE,
  hold_id         text NOT NULL UNIQUE REFERENCES holds (id),
  idempotency_key text,
  currency        text NOT NULL,
  total_minor     bigint NOT NULL,
  quote_digest    text NOT NULL,
  quote_json      text NOT NULL,
  order_json      text NOT NULL,
  created_at      bigint NOT NULL
);
CREATE TABLE order_lines (
  order_id    text NOT NULL REFERENCES orders (id),
  line_id     text NOT NULL,
  variant     text NOT NULL,
  sku         text NOT NULL,
  quantity    bigint NOT NULL CHECK (quantity > 0),
  total_minor bigint NOT NULL,
  PRIMARY KEY (order_id, line_id)
);
CREATE TABLE idempotency_keys (
  key           text PRIMARY KEY,
  request_hash  text NOT NULL,
  status        integer NOT NULL,
  response_body text NOT NULL,
  created_at    bigint NOT NULL
);
CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);
CREATE TABLE outbox (
  seq           bigserial PRIMARY KEY,
  type          text NOT NULL,
  partition_key text NOT NULL,
  partition_seq bigint NOT NULL,
  payload       text NOT NULL,
  created_at    bigint NOT NULL
);
CREATE TABLE outbox_partitions (
  partition_key text PRIMARY KEY,
  last_seq      bigint NOT NULL
);
-- Only undelivered (event, endpoint) pairs: a delivered row is deleted, so the dispatcher's index stays small.
CREATE TABLE pending_deliveries (
  endpoint        text NOT NULL,
  seq             bigint NOT NULL,
  partition_key   text NOT NULL,
  partition_seq   bigint NOT NULL,
  bucket          integer NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL DEFAULT 0,
  last_error      text,
  created_at      bigint NOT NULL,
  PRIMARY KEY (endpoint, seq)
);
CREATE INDEX pending_by_partition ON pending_deliveries (endpoint, partition_key, partition_seq);
-- Scoped API keys, stored hashed (see api_keys.hpp); revoked keys stay listed.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  secret_hash text NOT NULL,
  scope       text NOT NULL CHECK (scope IN ('admin', 'edge', 'analytics', 'checkout')),
  name        text NOT NULL,
  created_at  bigint NOT NULL,
  revoked_at  bigint
);
-- Which instance may deliver a bucket of partitions: the holder of the advisory lock, whose fence is the latest.
CREATE TABLE delivery_leases (
  endpoint text NOT NULL,
  bucket   integer NOT NULL,
  fence    bigint NOT NULL,
  owner    text NOT NULL,
  PRIMARY KEY (endpoint, bucket)
);
)sql";

// Migration 7: the newest level WooCommerce was sent for an object is one index read, not a sort of every level it
// was sent within the retention (SQLite's migration 8; tests/server/sqlite_history_test.cpp found it there).
constexpr const char* kMigration7 = R"sql(
CREATE INDEX IF NOT EXISTS woo_pushed_latest ON woo_pushed (product_id, variation_id, pushed_at);
)sql";

const std::vector<const char*>& migrations() {
  // nullptr: a migration that only changed functions (see the top of this file); its number stays.
  static const std::vector<const char*> list = {kMigration1,         nullptr, pgAnalyticsMigration(), nullptr,
                                                  pgEventsMigration(), pgWooSyncMigration(), kMigration7};
  return list;
}

/** Every server-side function, in an order where each SQL-language body finds what it names. */
const std::string& functions() {
  static const std::string all =
      std::string(pgStockFunctions()) + pgEventFunctions() + pgAnalyticsFunctions();
  return all;
}

/**
 * Applies the functions after any migration, or when the database last received a different text. Comparing first
 * keeps a start-up from replacing functions (and the holds trigger, which locks the table) under live traffic when
 * nothing changed.
 */
void applyFunctions(PgConnection& connection, bool migrated) {
  connection.exec("CREATE TABLE IF NOT EXISTS cartcore_functions (id integer PRIMARY KEY, digest text NOT NULL)");
  const std::string digest = sha256Hex(functions());
  PgTransaction tx(connection);
  auto stored = connection.query("SELECT digest FROM cartcore_functions WHERE id = 1");
  if (!migrated && stored.rows() == 1 && stored.text(0, 0) == digest) return;
  connection.exec(functions());
  connection.query("INSERT INTO cartcore_functions (id, digest) VALUES (1, $1) "
                   "ON CONFLICT (id) DO UPDATE SET digest = EXCLUDED.digest",
                   PgParams().add(digest));
  tx.commit();
}

constexpr int64_t kMigrationLockKey = 0x63617274636f7265;  // "cartcore"

}  // namespace

int postgresSchemaVersion() { return static_cast<int>(migrations().size()); }

void migratePostgres(PgConnection& connection) {
  connection.query("SELECT pg_advisory_lock($1)", PgParams().add(kMigrationLockKey));
  try {
    connection.exec(
        "CREATE TABLE IF NOT EXISTS cartcore_schema (version integer PRIMARY KEY, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    int64_t current = connection.query("SELECT COALESCE(max(version), 0) FROM cartcore_schema").int64(0, 0);
    if (current > postgresSchemaVersion())
      throw std::runtime_error("the database schema is version " + std::to_string(current) +
                               ", newer than this server knows (" + std::to_string(postgresSchemaVersion()) + ")");
    for (int version = static_cast<int>(current) + 1; version <= postgresSchemaVersion(); ++version) {
      PgTransaction tx(connection);
      if (const char* migration = migrations()[static_cast<std::size_t>(version - 1)]) connection.exec(migration);
      connection.query("INSERT INTO cartcore_schema (version) VALUES ($1)", PgParams().add(version));
      tx.commit();
    }
    applyFunctions(connection, current < postgresSchemaVersion());
  } catch (...) {
    try {
      connection.query("SELECT pg_advisory_unlock($1)", PgParams().add(kMigrationLockKey));
    } catch (...) {
      // The lock is released with the session anyway.
    }
    throw;
  }
  connection.query("SELECT pg_advisory_unlock($1)", PgParams().add(kMigrationLockKey));
}

}  // namespace cartcore::server
