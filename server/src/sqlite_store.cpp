// SPDX-License-Identifier: MIT
#include "sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include "sqlite_analytics.hpp"

namespace cartcore::server {

namespace {

// Migration 1: the schema as first released (every statement idempotent: databases made before versioned
// migrations already have it). CHECK constraints are the last line of defence: even a bug in the planning code
// cannot commit negative stock or a non-positive line. Small line tables are WITHOUT ROWID, so each insert
// writes one B-tree instead of a table plus its primary-key index (fewer WAL pages per checkout).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE IF NOT EXISTS config_versions (
  version       INTEGER PRIMARY KEY AUTOINCREMENT,
  config_json   TEXT NOT NULL,
  config_digest TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stock (
  variant          TEXT PRIMARY KEY,
  on_hand          INTEGER NOT NULL CHECK (on_hand >= 0),
  low_stock_level  INTEGER CHECK (low_stock_level IS NULL OR low_stock_level >= 0),
  woo_product_id   INTEGER,
  woo_variation_id INTEGER,
  updated_at       INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stock_reserves (
  variant  TEXT NOT NULL,
  segment  TEXT NOT NULL,
  reserved INTEGER NOT NULL CHECK (reserved >= 0),
  PRIMARY KEY (variant, segment)
);
CREATE TABLE IF NOT EXISTS holds (
  id           TEXT PRIMARY KEY,
  status       TEXT NOT NULL CHECK (status IN ('active','released','expired','committed')),
  cart_json    TEXT NOT NULL,
  quote_json   TEXT NOT NULL,
  quote_digest TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  order_id     TEXT
);
CREATE INDEX IF NOT EXISTS holds_active_by_expiry ON holds (status, expires_at);
CREATE TABLE IF NOT EXISTS hold_lines (
  hold_id  TEXT NOT NULL REFERENCES holds (id),
  variant  TEXT NOT NULL,
  pool     TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (hold_id, variant, pool)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS orders (
  id              TEXT PRIMARY KEY,
  hold_id         TEXT NOT NULL UNIQUE REFERENCES holds (id),
  idempotency_key TEXT,  -- unique through idempotency_keys; no second index to write per order
  currency        TEXT NOT NULL,
  total_minor     INTEGER NOT NULL,
  quote_digest    TEXT NOT NULL,
  quote_json      TEXT NOT NULL,
  order_json      TEXT NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS order_lines (
  order_id    TEXT NOT NULL REFERENCES orders (id),
  line_id     TEXT NOT NULL,
  variant     TEXT NOT NULL,
  sku         TEXT NOT NULL,
  quantity    INTEGER NOT NULL CHECK (quantity > 0),
  total_minor INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key           TEXT PRIMARY KEY,
  request_hash  TEXT NOT NULL,
  status        INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  type          TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  payload       TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  endpoint        TEXT NOT NULL,
  seq             INTEGER NOT NULL REFERENCES outbox (seq),
  partition_key   TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at    INTEGER,
  last_error      TEXT,
  PRIMARY KEY (endpoint, seq)
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON webhook_deliveries (endpoint, partition_key, seq)
  WHERE delivered_at IS NULL;
)sql";

// Migration 2: history must not slow down the present.
// - webhook_deliveries keeps only undelivered rows (a delivery deletes its row; delivered_at stays NULL), read by
//   the dispatcher through one index, so its work follows the backlog, never the history.
// - The retention purge deletes by age through indexes, in small batches.
// - Events carry a number per partition (1, 2, 3, ... per SKU), so a receiver can tell a gap from a reorder.
constexpr const char* kMigration2 = R"sql(
DELETE FROM webhook_deliveries WHERE delivered_at IS NOT NULL;
DROP INDEX IF EXISTS deliveries_pending;
CREATE INDEX deliveries_by_partition ON webhook_deliveries (endpoint, partition_key, seq);
CREATE INDEX idempotency_by_age ON idempotency_keys (created_at);
CREATE INDEX holds_dead ON holds (updated_at) WHERE status IN ('released', 'expired');
ALTER TABLE outbox ADD COLUMN partition_seq INTEGER NOT NULL DEFAULT 0;
CREATE TEMP TABLE numbered (seq INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO numbered SELECT seq, ROW_NUMBER() OVER (PARTITION BY partition_key ORDER BY seq) FROM outbox;
UPDATE outbox SET partition_seq = numbered.n FROM numbered WHERE numbered.seq = outbox.seq;
DROP TABLE numbered;
CREATE TABLE outbox_partitions (
  partition_key TEXT PRIMARY KEY,
  last_seq      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO outbox_partitions SELECT partition_key, MAX(partition_seq) FROM outbox GROUP BY partition_key;
)sql";

// Migration 3 (fair access): a hold records its client and the extension time granted to it. Stores opened by
// the server between fair access and versioned migrations got these columns unversioned, so this one checks first.
void migration3(Database& db) {
  auto& columns = db.prepare("SELECT 1 FROM pragma_table_info('holds') WHERE name = 'client_key'");
  bool hasClientKey = columns.step();
  db.resetAll();
  if (!hasClientKey) {
    db.exec("ALTER TABLE holds ADD COLUMN client_key TEXT NOT NULL DEFAULT ''");
    db.exec("ALTER TABLE holds ADD COLUMN extended_ms INTEGER NOT NULL DEFAULT 0 CHECK (extended_ms >= 0)");
  }
  db.exec("CREATE INDEX IF NOT EXISTS holds_by_client ON holds (client_key, status, expires_at)");
}

// Migration 4 (scoped API keys): keys are stored hashed; several may be active at once for rotation.
constexpr const char* kMigration4 = R"sql(
CREATE TABLE IF NOT EXISTS api_keys (
  id          TEXT PRIMARY KEY,
  secret_hash TEXT NOT NULL,
  scope       TEXT NOT NULL CHECK (scope IN ('admin', 'edge', 'analytics', 'checkout')),
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
)sql";

// Migration 6 (every event kind on the stream): the outbox is purged by age like the rest of the history, which
// asks per event whether a delivery still waits for it.
constexpr const char* kMigration6 = R"sql(
CREATE INDEX deliveries_by_seq ON webhook_deliveries (seq);
CREATE INDEX outbox_by_age ON outbox (created_at);
)sql";

// Migration 7 (WooCommerce sync state shared across restarts): per SKU the newest level WooCommerce confirmed (so
// an older one is never sent after a restart), per WooCommerce object the quantity it was last sent (so its echo
// is told from a merchant's own edit), and the stock edits already applied (so a repeat applies nothing).
constexpr const char* kMigration7 = R"sql(
CREATE TABLE woo_delivered (
  endpoint      TEXT NOT NULL,
  variant       TEXT NOT NULL,
  partition_seq INTEGER NOT NULL,
  PRIMARY KEY (endpoint, variant)
) WITHOUT ROWID;
CREATE TABLE woo_pushed (
  product_id   INTEGER NOT NULL,
  variation_id INTEGER NOT NULL,  -- 0: the product itself
  quantity     INTEGER NOT NULL,
  pushed_at    INTEGER NOT NULL,
  PRIMARY KEY (product_id, variation_id, quantity)
) WITHOUT ROWID;
CREATE INDEX woo_pushed_by_age ON woo_pushed (pushed_at);
CREATE TABLE woo_stock_edits (
  edit_key   TEXT PRIMARY KEY,
  applied_at INTEGER NOT NULL
);
CREATE INDEX woo_stock_edits_by_age ON woo_stock_edits (applied_at);
)sql";

// Migration 8 (history must not slow the present, continued): the newest level WooCommerce was sent for an object
// is one index seek, not a sort of every level it was sent within the retention (tests/server/sqlite_history_test).
constexpr const char* kMigration8 = R"sql(
CREATE INDEX woo_pushed_latest ON woo_pushed (product_id, variation_id, pushed_at);
)sql";

using Migration = void (*)(Database&);
const Migration kMigrations[] = {
    [](Database& db) { db.exec(kMigration1); },
    [](Database& db) { db.exec(kMigration2); },
    migration3,
    [](Database& db) { db.exec(kMigration4); },
    SqliteAnalytics::migrate,  // 5: analytics facts, hold fates, stock switches, daily rollups (SQL next to its queries)
    [](Database& db) { db.exec(kMigration6); },
    [](Database& db) { db.exec(kMigration7); },
    [](Database& db) { db.exec(kMigration8); },
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path, bool synchronousFull) : db_(path, synchronousFull) { migrate(); }

void SqliteStore::migrate() {
  // PRAGMA user_version is the schema version; each migration and its new version commit together. One process
  // owns the file (SqliteStorage's lock file), and BEGIN IMMEDIATE would serialize two anyway.
  constexpr int kLatest = static_cast<int>(std::size(kMigrations));
  auto& version = db_.prepare("PRAGMA user_version");
  version.step();
  int current = static_cast<int>(version.int64(0));
  db_.resetAll();
  if (current > kLatest)
    throw DbError(SQLITE_ERROR, "the database schema is version " + std::to_string(current) +
                                    ", newer than this server knows (" + std::to_string(kLatest) + ")");
  for (int next = current + 1; next <= kLatest; ++next) {
    Transaction tx(db_);
    kMigrations[next - 1](db_);
    db_.exec("PRAGMA user_version=" + std::to_string(next));
    tx.commit();
  }
  db_.exec("PRAGMA wal_autocheckpoint=0");  // WalCheckpointer does it off the request path
  db_.exec("PRAGMA journal_size_limit=67108864");  // a rewound log is truncated back to 64 MB
}

WalCheckpointer::WalCheckpointer(const std::string& path, int intervalMillis)
    : path_(path), intervalMillis_(intervalMillis), thread_([this] { run(); }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::run() {
  try {
    Database db(path_, false);
    sqlite3_busy_timeout(db.handle(), 2000);
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(intervalMillis_), [this] { return stopping_; })) {
      lock.unlock();
      // PASSIVE never blocks the writer: it copies what no reader still needs and leaves the rest for next time.
      int logFrames = 0, copiedFrames = 0;
      sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
      // Under constant writes a passive checkpoint never catches up with the end of the log, so the log would
      // never rewind and would grow without bound. Past ~16 MB, RESTART briefly holds the writer back (it waits in
      // its busy handler) while the few frames written since the passive pass are copied, and the log rewinds.
      // RESTART holds the writer for as long as it works, so first let passive passes shrink what is left to copy
      // (and to fsync) to a few hundred frames.
      if (logFrames > 4000) {
        for (int pass = 0; pass < 8 && logFrames - copiedFrames > 256; ++pass)
          sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
        sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
      }
      lock.lock();
    }
  } catch (const std::exception&) {
    // Without checkpoints the WAL only grows; the data stays correct and SQLite checkpoints on close.
  }
}

std::optional<ConfigRecord> SqliteStore::latestConfig() {
  auto& s = db_.prepare(
      "SELECT version, config_json, config_digest, created_at FROM config_versions ORDER BY version DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  return ConfigRecord{s.int64(0), s.text(1), s.text(2), s.int64(3)};
}

int64_t SqliteStore::latestConfigVersion() {
  auto& s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM config_versions");
  s.step();
  return s.int64(0);
}

int64_t SqliteStore::insertConfig(const std::string& json, const std::string& digest, int64_t now) {
  db_.prepare("INSERT INTO config_versions (config_json, config_digest, created_at) VALUES (?1, ?2, ?3)")
      .bind(1, json).bind(2, digest).bind(3, now).execute();
  return db_.lastInsertRowId();
}

std::map<std::string, StockLevel> SqliteStore::loadStock() {
  std::map<std::string, StockLevel> levels;
  auto& s = db_.prepare("SELECT variant, on_hand, low_stock_level, woo_product_id, woo_variation_id FROM stock");
  while (s.step()) {
    StockLevel& level = levels[s.text(0)];
    level.onHand = s.int64(1);
    level.lowStockLevel = s.optionalInt64(2);
    level.wooProductId = s.optionalInt64(3);
    level.wooVariationId = s.optionalInt64(4);
  }
  auto& r = db_.prepare("SELECT variant, segment, reserved FROM stock_reserves");
  while (r.step()) levels[r.text(0)].tiers[r.text(1)].reserved = r.int64(2);
  auto& h = db_.prepare(
      "SELECT l.variant, l.pool, SUM(l.quantity) FROM hold_lines l JOIN holds h ON h.id = l.hold_id "
      "WHERE h.status = 'active' GROUP BY l.variant, l.pool");
  while (h.step()) {
    StockLevel& level = levels[h.text(0)];
    std::string pool = h.text(1);
    if (pool.empty())
      level.heldGeneral += h.int64(2);
    else
      level.tiers[pool].held += h.int64(2);
  }
  return levels;
}

void SqliteStore::upsertStock(const std::string& variant, const StockLevel& level, int64_t now) {
  db_.prepare(
         "INSERT INTO stock (variant, on_hand, low_stock_level, woo_product_id, woo_variation_id, updated_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (variant) DO UPDATE SET on_hand = excluded.on_hand, "
         "low_stock_level = excluded.low_stock_level, woo_product_id = excluded.woo_product_id, "
         "woo_variation_id = excluded.woo_variation_id, updated_at = excluded.updated_at")
      .bind(1, variant).bind(2, level.onHand).bind(3, level.lowStockLevel).bind(4, level.wooProductId)
      .bind(5, level.wooVariationId).bind(6, now).execute();
  db_.prepare("DELETE FROM stock_reserves WHERE variant = ?1").bind(1, variant).execute();
  for (const auto& [segment, pool] : level.tiers) {
    if (pool.reserved <= 0) continue;
    db_.prepare("INSERT INTO stock_reserves (variant, segment, reserved) VALUES (?1, ?2, ?3)")
        .bind(1, variant).bind(2, segment).bind(3, pool.reserved).execute();
  }
}

bool SqliteStore::decrementOnHand(const std::string& variant, int64_t quantity, int64_t now) {
  return db_.prepare("UPDATE stock SET on_hand = on_hand - ?2, updated_at = ?3 WHERE variant = ?1 AND on_hand >= ?2")
             .bind(1, variant).bind(2, quantity).bind(3, now).execute() == 1;
}

void SqliteStore::consumeReserve(const std::string& variant, const std::string& segment, int64_t quantity) {
  db_.prepare("UPDATE stock_reserves SET reserved = MAX(0, reserved - ?3) WHERE variant = ?1 AND segment = ?2")
      .bind(1, variant).bind(2, segment).bind(3, quantity).execute();
  db_.prepare("DELETE FROM stock_reserves WHERE variant = ?1 AND segment = ?2 AND reserved = 0")
      .bind(1, variant).bind(2, segment).execute();
}

void SqliteStore::insertHold(const HoldRecord& hold) {
  db_.prepare(
         "INSERT INTO holds (id, status, cart_json, quote_json, quote_digest, created_at, expires_at, updated_at, "
         "client_key) VALUES (?1, 'active', ?2, ?3, ?4, ?5, ?6, ?5, ?7)")
      .bind(1, hold.id).bind(2, hold.cartJson).bind(3, hold.quoteJson).bind(4, hold.quoteDigest)
      .bind(5, hold.createdAt).bind(6, hold.expiresAt).bind(7, hold.clientKey).execute();
  for (const auto& a : hold.allocations)
    db_.prepare("INSERT INTO hold_lines (hold_id, variant, pool, quantity) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, hold.id).bind(2, a.variant).bind(3, a.pool).bind(4, a.quantity).execute();
}

std::optional<HoldRecord> SqliteStore::loadHold(const std::string& id) {
  auto& s = db_.prepare(
      "SELECT id, status, cart_json, quote_json, quote_digest, created_at, expires_at, updated_at, order_id, "
      "client_key, extended_ms FROM holds WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  HoldRecord hold{s.text(0), parseHoldStatus(s.text(1)), s.text(2), s.text(3),  s.text(4),  s.int64(5),
                  s.int64(6), s.int64(7),                s.text(8), {},         s.text(9),  s.int64(10)};
  auto& l = db_.prepare("SELECT variant, pool, quantity FROM hold_lines WHERE hold_id = ?1 ORDER BY variant, pool");
  l.bind(1, id);
  while (l.step()) hold.allocations.push_back({l.text(0), l.text(1), l.int64(2)});
  return hold;
}

bool SqliteStore::finishHold(const std::string& id, HoldStatus to, int64_t now, const std::string& orderId) {
  // The status guard makes every transition out of 'active' happen exactly once, whoever races for it.
  auto& s = db_.prepare(
      "UPDATE holds SET status = ?2, updated_at = ?3, order_id = NULLIF(?4, '') WHERE id = ?1 AND status = 'active'");
  return s.bind(1, id).bind(2, holdStatusName(to)).bind(3, now).bind(4, orderId).execute() == 1;
}

void SqliteStore::setHoldExpiry(const std::string& id, int64_t expiresAt, int64_t now) {
  db_.prepare("UPDATE holds SET expires_at = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'active'")
      .bind(1, id).bind(2, expiresAt).bind(3, now).execute();
}

void SqliteStore::extendHoldExpiry(const std::string& id, int64_t expiresAt, int64_t grantedMillis, int64_t now) {
  db_.prepare(
         "UPDATE holds SET expires_at = ?2, extended_ms = extended_ms + ?3, updated_at = ?4 "
         "WHERE id = ?1 AND status = 'active'")
      .bind(1, id).bind(2, expiresAt).bind(3, grantedMillis).bind(4, now).execute();
}

// The three reads below walk holds_by_client (client_key, status, expires_at): only the client's own holds in
// the asked status and time range, so their cost is bounded by the limits they enforce, not by the table. (A hold
// committed at T was active until then, so its expires_at > T: the expiry range narrows the commit-time filter.)
int64_t SqliteStore::clientActiveHolds(const std::string& clientKey, int64_t now) {
  auto& s = db_.prepare(
      "SELECT COUNT(*) FROM holds WHERE client_key = ?1 AND status = 'active' AND expires_at > ?2");
  s.bind(1, clientKey).bind(2, now);
  return s.step() ? s.int64(0) : 0;
}

std::map<std::string, int64_t> SqliteStore::clientUnits(const std::string& clientKey, int64_t now,
                                                        int64_t committedSince) {
  std::map<std::string, int64_t> units;
  auto& s = committedSince > 0
                ? db_.prepare(
                      "SELECT l.variant, SUM(l.quantity) FROM holds h JOIN hold_lines l ON l.hold_id = h.id "
                      "WHERE h.client_key = ?1 AND h.status = 'committed' AND h.expires_at >= ?2 AND h.updated_at >= ?2 "
                      "GROUP BY l.variant")
                : db_.prepare(
                      "SELECT l.variant, SUM(l.quantity) FROM holds h JOIN hold_lines l ON l.hold_id = h.id "
                      "WHERE h.client_key = ?1 AND h.status = 'active' AND h.expires_at > ?2 GROUP BY l.variant");
  s.bind(1, clientKey).bind(2, committedSince > 0 ? committedSince : now);
  while (s.step()) units[s.text(0)] = s.int64(1);
  return units;
}

int64_t SqliteStore::clientExtensionMillis(const std::string& clientKey, int64_t now) {
  auto& s = db_.prepare(
      "SELECT COALESCE(SUM(extended_ms), 0) FROM holds WHERE client_key = ?1 AND status = 'active' AND expires_at > ?2");
  s.bind(1, clientKey).bind(2, now);
  return s.step() ? s.int64(0) : 0;
}

std::vector<std::string> SqliteStore::holdsDueForExpiry(int64_t now, int limit) {
  std::vector<std::string> ids;
  auto& s = db_.prepare(
      "SELECT id FROM holds WHERE status = 'active' AND expires_at <= ?1 ORDER BY expires_at, id LIMIT ?2");
  s.bind(1, now).bind(2, static_cast<int64_t>(limit));
  while (s.step()) ids.push_back(s.text(0));
  return ids;
}

int64_t SqliteStore::purgeBefore(int64_t cutoff, int limit) {
  int64_t deleted = db_.prepare(
                           "DELETE FROM idempotency_keys WHERE key IN "
                           "(SELECT key FROM idempotency_keys WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)")
                        .bind(1, cutoff).bind(2, static_cast<int64_t>(limit)).execute();
  std::vector<std::string> holds;
  // Pinned to the partial index: left to itself the planner takes holds_active_by_expiry for the status and sorts
  // every released and expired hold in the retention window to find the oldest few (tests/server/sqlite_history_test).
  auto& s = db_.prepare(
      "SELECT id FROM holds INDEXED BY holds_dead WHERE status IN ('released', 'expired') AND updated_at < ?1 "
      "ORDER BY updated_at LIMIT ?2");
  s.bind(1, cutoff).bind(2, static_cast<int64_t>(limit));
  while (s.step()) holds.push_back(s.text(0));
  for (const auto& id : holds) {
    db_.prepare("DELETE FROM hold_lines WHERE hold_id = ?1").bind(1, id).execute();
    deleted += db_.prepare("DELETE FROM holds WHERE id = ?1 AND status IN ('released', 'expired')").bind(1, id).execute();
  }
  deleted += db_.prepare(
                    "DELETE FROM woo_pushed WHERE (product_id, variation_id, quantity) IN (SELECT product_id, "
                    "variation_id, quantity FROM woo_pushed WHERE pushed_at < ?1 ORDER BY pushed_at LIMIT ?2)")
                 .bind(1, cutoff).bind(2, static_cast<int64_t>(limit)).execute();
  deleted += db_.prepare(
                    "DELETE FROM woo_stock_edits WHERE edit_key IN (SELECT edit_key FROM woo_stock_edits "
                    "WHERE applied_at < ?1 ORDER BY applied_at LIMIT ?2)")
                 .bind(1, cutoff).bind(2, static_cast<int64_t>(limit)).execute();
  // Events every endpoint has taken; one still waiting for a delivery stays (outbox_partitions keeps the numbering).
  deleted += db_.prepare(
                    "DELETE FROM outbox WHERE seq IN (SELECT o.seq FROM outbox o WHERE o.created_at < ?1 "
                    "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.seq = o.seq) ORDER BY o.created_at LIMIT ?2)")
                 .bind(1, cutoff).bind(2, static_cast<int64_t>(limit)).execute();
  return deleted;
}

void SqliteStore::insertOrder(const OrderRecord& order) {
  auto& s = db_.prepare(
      "INSERT INTO orders (id, hold_id, idempotency_key, currency, total_minor, quote_digest, quote_json, "
      "created_at, order_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  s.bind(1, order.id).bind(2, order.holdId);
  if (order.idempotencyKey)
    s.bind(3, *order.idempotencyKey);
  else
    s.bindNull(3);
  s.bind(4, order.currency).bind(5, order.totalMinor).bind(6, order.quoteDigest).bind(7, order.quoteJson)
      .bind(8, order.createdAt).bind(9, order.orderJson).execute();
  for (const auto& line : order.lines)
    db_.prepare(
           "INSERT INTO order_lines (order_id, line_id, variant, sku, quantity, total_minor) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, order.id).bind(2, line.lineId).bind(3, line.variant).bind(4, line.sku).bind(5, line.quantity)
        .bind(6, line.totalMinor).execute();
}

namespace {
OrderRecord readOrderRow(Statement& s) {
  OrderRecord order;
  order.id = s.text(0);
  order.holdId = s.text(1);
  if (!s.isNull(2)) order.idempotencyKey = s.text(2);
  order.currency = s.text(3);
  order.totalMinor = s.int64(4);
  order.quoteDigest = s.text(5);
  order.quoteJson = s.text(6);
  order.createdAt = s.int64(7);
  order.orderJson = s.text(8);
  return order;
}
constexpr const char* kOrderColumns =
    "id, hold_id, idempotency_key, currency, total_minor, quote_digest, quote_json, created_at, order_json";
}  // namespace

std::optional<OrderRecord> SqliteStore::loadOrder(const std::string& id) {
  auto& s = db_.prepare(std::string("SELECT ") + kOrderColumns + " FROM orders WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  OrderRecord order = readOrderRow(s);
  auto& l = db_.prepare(
      "SELECT line_id, variant, sku, quantity, total_minor FROM order_lines WHERE order_id = ?1 ORDER BY line_id");
  l.bind(1, id);
  while (l.step()) order.lines.push_back({l.text(0), l.text(1), l.text(2), l.int64(3), l.int64(4)});
  return order;
}

std::vector<OrderRecord> SqliteStore::listOrders(int64_t afterRowId, int limit, int64_t& lastRowId) {
  std::vector<std::pair<std::string, int64_t>> ids;
  auto& s = db_.prepare("SELECT id, rowid FROM orders WHERE rowid > ?1 ORDER BY rowid LIMIT ?2");
  s.bind(1, afterRowId).bind(2, static_cast<int64_t>(limit));
  while (s.step()) ids.emplace_back(s.text(0), s.int64(1));
  std::vector<OrderRecord> orders;
  lastRowId = afterRowId;
  for (const auto& [id, rowid] : ids) {
    if (auto order = loadOrder(id)) orders.push_back(std::move(*order));
    lastRowId = rowid;
  }
  return orders;
}

std::optional<IdempotencyRecord> SqliteStore::findIdempotency(const std::string& key) {
  auto& s = db_.prepare("SELECT request_hash, status, response_body FROM idempotency_keys WHERE key = ?1");
  s.bind(1, key);
  if (!s.step()) return std::nullopt;
  return IdempotencyRecord{s.text(0), static_cast<int>(s.int64(1)), s.text(2)};
}

void SqliteStore::insertIdempotency(const std::string& key, const IdempotencyRecord& record, int64_t now) {
  db_.prepare(
         "INSERT INTO idempotency_keys (key, request_hash, status, response_body, created_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, key).bind(2, record.requestHash).bind(3, static_cast<int64_t>(record.status))
      .bind(4, record.responseBody).bind(5, now).execute();
}

int64_t SqliteStore::appendEvent(const NewEvent& event, int64_t now, const std::vector<std::string>& endpoints) {
  auto& next = db_.prepare(
      "INSERT INTO outbox_partitions (partition_key, last_seq) VALUES (?1, 1) "
      "ON CONFLICT (partition_key) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq");
  next.bind(1, event.partitionKey).step();
  int64_t partitionSeq = next.int64(0);
  next.reset();
  db_.prepare("INSERT INTO outbox (type, partition_key, payload, created_at, partition_seq) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, event.type).bind(2, event.partitionKey).bind(3, event.payload).bind(4, now).bind(5, partitionSeq)
      .execute();
  int64_t seq = db_.lastInsertRowId();
  for (const auto& endpoint : endpoints)
    if (endpointWants(endpoint, event.type))
      db_.prepare(
           "INSERT INTO webhook_deliveries (endpoint, seq, partition_key, next_attempt_at) VALUES (?1, ?2, ?3, 0)")
        .bind(1, endpoint).bind(2, seq).bind(3, event.partitionKey).execute();
  return seq;
}

std::vector<OutboxEvent> SqliteStore::listEvents(int64_t afterSeq, int limit) {
  std::vector<OutboxEvent> events;
  auto& s = db_.prepare(
      "SELECT seq, type, partition_key, payload, created_at, partition_seq FROM outbox WHERE seq > ?1 "
      "ORDER BY seq LIMIT ?2");
  s.bind(1, afterSeq).bind(2, static_cast<int64_t>(limit));
  while (s.step()) events.push_back({s.int64(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.int64(5)});
  return events;
}

void SqliteStore::deleteDelivery(const std::string& endpoint, int64_t seq) {
  db_.prepare("DELETE FROM webhook_deliveries WHERE endpoint = ?1 AND seq = ?2").bind(1, endpoint).bind(2, seq).execute();
}

void SqliteStore::markFailed(const std::string& endpoint, int64_t seq, int64_t nextAttemptAt, const std::string& error) {
  db_.prepare(
         "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?3, last_error = ?4 "
         "WHERE endpoint = ?1 AND seq = ?2")
      .bind(1, endpoint).bind(2, seq).bind(3, nextAttemptAt).bind(4, error).execute();
}

void SqliteStore::retryPendingNow() {
  db_.prepare("UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE next_attempt_at > 0").execute();
}

int64_t SqliteStore::retireDeliveries(const std::vector<std::string>& keep, int limit) {
  std::string list = "[";
  for (std::size_t i = 0; i < keep.size(); ++i) list += (i ? "," : "") + nlohmann::json(keep[i]).dump();
  return db_.prepare(
             "DELETE FROM webhook_deliveries WHERE rowid IN (SELECT rowid FROM webhook_deliveries "
             "WHERE endpoint NOT IN (SELECT value FROM json_each(?1)) LIMIT ?2)")
      .bind(1, list + "]").bind(2, static_cast<int64_t>(limit)).execute();
}

std::optional<int64_t> SqliteStore::wooDeliveredSeq(const std::string& endpoint, const std::string& variant) {
  auto& s = db_.prepare("SELECT partition_seq FROM woo_delivered WHERE endpoint = ?1 AND variant = ?2");
  s.bind(1, endpoint).bind(2, variant);
  return s.step() ? std::optional<int64_t>(s.int64(0)) : std::nullopt;
}

void SqliteStore::recordWooDelivered(const std::string& endpoint, const std::string& variant, int64_t partitionSeq) {
  db_.prepare(
         "INSERT INTO woo_delivered (endpoint, variant, partition_seq) VALUES (?1, ?2, ?3) "
         "ON CONFLICT (endpoint, variant) DO UPDATE SET partition_seq = MAX(partition_seq, excluded.partition_seq)")
      .bind(1, endpoint).bind(2, variant).bind(3, partitionSeq).execute();
}

WooKnownStock SqliteStore::wooKnownStock(int64_t productId, std::optional<int64_t> variationId, int64_t quantity,
                                         int64_t since) {
  WooKnownStock known;
  auto& latest = db_.prepare(
      "SELECT quantity FROM woo_pushed WHERE product_id = ?1 AND variation_id = ?2 ORDER BY pushed_at DESC LIMIT 1");
  latest.bind(1, productId).bind(2, variationId.value_or(0));
  if (latest.step()) known.latest = latest.int64(0);
  auto& sent = db_.prepare(
      "SELECT 1 FROM woo_pushed WHERE product_id = ?1 AND variation_id = ?2 AND quantity = ?3 AND pushed_at >= ?4");
  sent.bind(1, productId).bind(2, variationId.value_or(0)).bind(3, quantity).bind(4, since);
  known.sentRecently = sent.step();
  return known;
}

void SqliteStore::recordWooKnown(int64_t productId, std::optional<int64_t> variationId, int64_t quantity, int64_t now) {
  db_.prepare(
         "INSERT INTO woo_pushed (product_id, variation_id, quantity, pushed_at) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT (product_id, variation_id, quantity) DO UPDATE SET pushed_at = MAX(pushed_at, excluded.pushed_at)")
      .bind(1, productId).bind(2, variationId.value_or(0)).bind(3, quantity).bind(4, now).execute();
}

bool SqliteStore::insertWooStockEdit(const std::string& key, int64_t now) {
  return db_.prepare("INSERT INTO woo_stock_edits (edit_key, applied_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
             .bind(1, key).bind(2, now).execute() == 1;
}

int64_t SqliteStore::activeHoldCount() {
  auto& s = db_.prepare("SELECT COUNT(*) FROM holds WHERE status = 'active'");
  s.step();
  return s.int64(0);
}

}  // namespace cartcore::server

namespace cartcore::server {

void SqliteStore::insertApiKey(const ApiKeyRecord& key) {
  db_.prepare("INSERT INTO api_keys (id, secret_hash, scope, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, key.id).bind(2, key.secretHash).bind(3, key.scope).bind(4, key.name).bind(5, key.createdAt).execute();
}

namespace {
ApiKeyRecord readApiKeyRow(Statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.optionalInt64(5)};
}
}  // namespace

std::optional<ApiKeyRecord> SqliteStore::findApiKey(const std::string& id) {
  auto& s = db_.prepare("SELECT id, secret_hash, scope, name, created_at, revoked_at FROM api_keys WHERE id = ?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return readApiKeyRow(s);
}

std::vector<ApiKeyRecord> SqliteStore::listApiKeys() {
  std::vector<ApiKeyRecord> keys;
  auto& s = db_.prepare("SELECT id, secret_hash, scope, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id");
  while (s.step()) keys.push_back(readApiKeyRow(s));
  return keys;
}

bool SqliteStore::revokeApiKey(const std::string& id, int64_t now) {
  return db_.prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL")
             .bind(1, id).bind(2, now).execute() == 1;
}

SqliteDeliveryReader::SqliteDeliveryReader(const std::string& path) : db_(path, false) {}

std::vector<std::string> SqliteDeliveryReader::partitionsAfter(const std::string& endpoint, const std::string& after,
                                                               int limit) {
  // An index skip-scan: one seek per partition with pending deliveries, however many rows each has waiting.
  std::vector<std::string> keys;
  auto& s = db_.prepare(
      "WITH RECURSIVE keys(k, n) AS ("
      " SELECT (SELECT partition_key FROM webhook_deliveries WHERE endpoint = ?1 AND partition_key > ?2"
      "         ORDER BY partition_key LIMIT 1), 1"
      " UNION ALL"
      " SELECT (SELECT partition_key FROM webhook_deliveries WHERE endpoint = ?1 AND partition_key > keys.k"
      "         ORDER BY partition_key LIMIT 1), n + 1 FROM keys WHERE keys.k IS NOT NULL AND n < ?3)"
      " SELECT k FROM keys WHERE k IS NOT NULL");
  s.bind(1, endpoint).bind(2, after).bind(3, static_cast<int64_t>(limit));
  while (s.step()) keys.push_back(s.text(0));
  db_.resetAll();
  return keys;
}

std::vector<PendingDelivery> SqliteDeliveryReader::run(const std::string& endpoint, const std::string& partition,
                                                       int64_t now, int limit) {
  std::vector<PendingDelivery> run;
  auto& s = db_.prepare(
      "SELECT o.seq, o.type, o.partition_key, o.payload, o.created_at, o.partition_seq, d.attempts, d.next_attempt_at "
      "FROM webhook_deliveries d JOIN outbox o ON o.seq = d.seq "
      "WHERE d.endpoint = ?1 AND d.partition_key = ?2 ORDER BY d.seq LIMIT ?3");
  s.bind(1, endpoint).bind(2, partition).bind(3, static_cast<int64_t>(limit));
  while (s.step()) {
    if (run.empty() && s.int64(7) > now) break;  // the head waits out its backoff, and everything behind it waits
    run.push_back({{s.int64(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.int64(5)}, s.int64(6), 0});
  }
  db_.resetAll();
  return run;
}

std::pair<int64_t, int64_t> SqliteDeliveryReader::backlog() {
  auto& s = db_.prepare(
      "SELECT COUNT(*), COALESCE(MIN(o.created_at), 0) FROM webhook_deliveries d JOIN outbox o ON o.seq = d.seq");
  s.step();
  std::pair<int64_t, int64_t> result{s.int64(0), s.int64(1)};
  db_.resetAll();
  return result;
}

}  // namespace cartcore::server
