// SPDX-License-Identifier: MIT
// PostgreSQL migration 6: the WooCommerce sync state every instance shares (the SQLite twin is migration 7 in
// sqlite_store.cpp): per SKU the newest level WooCommerce confirmed, per WooCommerce object the quantity it was
// last sent, and the stock edits made in WooCommerce that were already applied.
#include "pg_woo_schema.hpp"

namespace cartcore::server {

const char* pgWooSyncMigration() {
  return R"sql(
CREATE TABLE IF NOT EXISTS woo_delivered (
  endpoint      text NOT NULL,
  variant       text NOT NULL,
  partition_seq bigint NOT NULL,
  PRIMARY KEY (endpoint, variant)
);
CREATE TABLE IF NOT EXISTS woo_pushed (
  product_id   bigint NOT NULL,
  variation_id bigint NOT NULL,  -- 0: the product itself
  quantity     bigint NOT NULL,
  pushed_at    bigint NOT NULL,
  PRIMARY KEY (product_id, variation_id, quantity)
);
CREATE INDEX IF NOT EXISTS woo_pushed_by_age ON woo_pushed (pushed_at);
CREATE TABLE IF NOT EXISTS woo_stock_edits (
  edit_key   text PRIMARY KEY,
  applied_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS woo_stock_edits_by_age ON woo_stock_edits (applied_at);
)sql";
}

}  // namespace cartcore::server
