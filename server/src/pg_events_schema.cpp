// SPDX-License-Identifier: MIT
// The event tables on PostgreSQL (migration 5: which endpoints take which events, the config's facts per variant,
// the outbox purged by age) and the functions that append events: holds placed, released and expired, stock.low
// when available crosses the low-stock level, config activations. Events are appended after the stock row they
// describe is locked (stock row, then its outbox partition row: the order every writer takes them in), in the
// operation's transaction. Every migration statement can run again on a database that has it (IF [NOT] EXISTS), so
// a test may rewind cartcore_schema to an older version and migrate forward.
#include "pg_events_schema.hpp"

namespace cartcore::server {

namespace {

constexpr const char* kMigration = R"sql(
-- The active config's facts per variant (written by every instance when it starts on or switches to a version),
-- for events written with no caller to ask: holds, and expiry by any instance's sweeper.
CREATE TABLE IF NOT EXISTS variant_facts (
  variant         text PRIMARY KEY,
  sku             text NOT NULL,
  product_id      text NOT NULL,
  low_stock_level bigint,
  config_version  bigint NOT NULL
);
-- The outbox endpoints (WebhookEndpoint::key()), replaced by each instance at start: every instance must be
-- configured with the same ones (resumeDeliveries already retires deliveries to any other).
CREATE TABLE IF NOT EXISTS event_endpoints (endpoint text PRIMARY KEY);
CREATE INDEX IF NOT EXISTS outbox_by_age ON outbox (created_at);
CREATE INDEX IF NOT EXISTS pending_by_seq ON pending_deliveries (seq);
-- Signatures that later versions replaced (CREATE OR REPLACE cannot change a signature).
DROP FUNCTION IF EXISTS cartcore_return_stock(text[], bigint);
DROP FUNCTION IF EXISTS cartcore_stock_events(text, text, text, bigint, bigint, bigint, bigint, bigint, bigint, text, bigint,
                                    text[]);
)sql";

constexpr const char* kFunctions = R"sql(
CREATE OR REPLACE FUNCTION cartcore_endpoints() RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT COALESCE(array_agg(endpoint ORDER BY endpoint), '{}') FROM event_endpoints
$$;

-- What a shopper without a tier can hold (StockLevel::available({}) in inventory.cpp).
CREATE OR REPLACE FUNCTION cartcore_available(p_row stock) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT GREATEST(0, p_row.on_hand - p_row.held_general - p_row.reserve_block)
$$;

-- isoTime (util.cpp): 2026-12-01T16:00:00.000Z
CREATE OR REPLACE FUNCTION cartcore_iso(p_ms bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(timestamp 'epoch' + p_ms * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- endpointWants (outbox.cpp): WooCommerce takes stock levels only; every other endpoint takes every event.
CREATE OR REPLACE FUNCTION cartcore_append_event(p_type text, p_key text, p_payload text, p_now bigint,
                                                 p_endpoints text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_partition_seq bigint;
  v_seq bigint;
BEGIN
  INSERT INTO outbox_partitions AS p (partition_key, last_seq) VALUES (p_key, 1)
    ON CONFLICT (partition_key) DO UPDATE SET last_seq = p.last_seq + 1
    RETURNING p.last_seq INTO v_partition_seq;
  INSERT INTO outbox (type, partition_key, partition_seq, payload, created_at)
    VALUES (p_type, p_key, v_partition_seq, p_payload, p_now) RETURNING seq INTO v_seq;
  INSERT INTO pending_deliveries (endpoint, seq, partition_key, partition_seq, bucket, created_at)
    SELECT e, v_seq, p_key, v_partition_seq, cartcore_bucket(p_key), p_now FROM unnest(p_endpoints) AS e
    WHERE left(e, 12) <> 'woocommerce ' OR p_type = 'stock.changed';
  RETURN v_seq;
END $$;

-- lowStockEvent (outbox.cpp): stock.low once per crossing of available below the level.
CREATE OR REPLACE FUNCTION cartcore_low_event(p_variant text, p_sku text, p_product text, p_low_before bigint,
                                   p_low_after bigint, p_before bigint, p_after bigint, p_on_hand bigint,
                                   p_reason text, p_now bigint, p_endpoints text[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_low_after IS NULL OR p_after >= p_low_after OR (p_low_before IS NOT NULL AND p_before < p_low_before) THEN
    RETURN;
  END IF;
  PERFORM cartcore_append_event('stock.low', p_variant,
    jsonb_build_object('variant', p_variant, 'sku', p_sku, 'productId', p_product, 'onHand', p_on_hand,
                       'available', p_after, 'previousAvailable', p_before, 'lowStockLevel', p_low_after,
                       'reason', p_reason)::text, p_now, p_endpoints);
END $$;

-- stockChangeEvents (outbox.cpp): a variant's row before and after a change of its level.
CREATE OR REPLACE FUNCTION cartcore_level_events(p_before stock, p_after stock, p_sku text, p_product text, p_config_low bigint,
                                      p_reason text, p_now bigint, p_endpoints text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_payload text;
BEGIN
  IF p_after.on_hand <> p_before.on_hand THEN
    v_payload := jsonb_build_object('variant', p_after.variant, 'sku', p_sku, 'productId', p_product,
                                    'onHand', p_after.on_hand, 'previousOnHand', p_before.on_hand,
                                    'reason', p_reason, 'lowStockLevel', COALESCE(p_after.low_stock_level, p_config_low),
                                    'wooProductId', p_after.woo_product_id,
                                    'wooVariationId', p_after.woo_variation_id)::text;
    PERFORM cartcore_append_event('stock.changed', p_after.variant, v_payload, p_now, p_endpoints);
    IF p_after.on_hand = 0 AND p_before.on_hand > 0 THEN
      PERFORM cartcore_append_event('stock.out', p_after.variant, v_payload, p_now, p_endpoints);
    ELSIF p_after.on_hand > 0 AND p_before.on_hand = 0 THEN
      PERFORM cartcore_append_event('stock.back_in_stock', p_after.variant, v_payload, p_now, p_endpoints);
    END IF;
  END IF;
  PERFORM cartcore_low_event(p_after.variant, p_sku, p_product, COALESCE(p_before.low_stock_level, p_config_low),
                             COALESCE(p_after.low_stock_level, p_config_low), cartcore_available(p_before),
                             cartcore_available(p_after), p_after.on_hand, p_reason, p_now, p_endpoints);
END $$;

-- holdEvents (outbox.cpp): one hold's change to one variant, then stock.low if it crossed the level.
CREATE OR REPLACE FUNCTION cartcore_hold_event(p_type text, p_hold text, p_quantity bigint, p_before stock, p_after stock,
                                    p_expires_at bigint, p_now bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_facts variant_facts%ROWTYPE;
  v_sku text;
  v_product text;
  v_endpoints text[] := cartcore_endpoints();
BEGIN
  SELECT * INTO v_facts FROM variant_facts WHERE variant = p_after.variant;
  v_sku := COALESCE(v_facts.sku, p_after.variant);
  v_product := COALESCE(v_facts.product_id, '');
  PERFORM cartcore_append_event(p_type, p_after.variant,
    jsonb_build_object('holdId', p_hold, 'variant', p_after.variant, 'sku', v_sku, 'productId', v_product,
                       'quantity', p_quantity, 'onHand', p_after.on_hand, 'available', cartcore_available(p_after),
                       'expiresAt', cartcore_iso(p_expires_at))::text, p_now, v_endpoints);
  PERFORM cartcore_low_event(p_after.variant, v_sku, v_product,
                             COALESCE(p_before.low_stock_level, v_facts.low_stock_level),
                             COALESCE(p_after.low_stock_level, v_facts.low_stock_level),
                             cartcore_available(p_before), cartcore_available(p_after), p_after.on_hand,
                             p_type || ' ' || p_hold, p_now, v_endpoints);
END $$;

)sql";

}  // namespace

const char* pgEventsMigration() { return kMigration; }

const char* pgEventFunctions() { return kFunctions; }

}  // namespace cartcore::server
