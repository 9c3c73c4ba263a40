// SPDX-License-Identifier: MIT
// PostgreSQL migration 5: every event kind on the outbox (holds placed, released and expired, stock.low when
// available crosses the low-stock level, config activations), which endpoints take which events, and the outbox
// purged by age. The functions keep pg_schema.cpp's rules: events are appended after the stock row they describe is
// locked (stock row, then its outbox partition row: the order every writer takes them in), in the operation's
// transaction. Every statement can run again on a database that has it (CREATE OR REPLACE, IF [NOT] EXISTS), so a
// test may rewind cartcore_schema to an older version and migrate forward.
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

-- Version 3 of cartcore_place_hold (the contract of migration 2's; cartcore_place_priced_hold calls it): each line also writes hold.placed.
CREATE OR REPLACE FUNCTION cartcore_place_hold(p_id text, p_cart text, p_quote text, p_digest text, p_ttl bigint,
                                    p_variants text[], p_quantities bigint[], p_segments text[], p_client text,
                                    p_max_holds bigint, p_max_units bigint, p_limit_variants text[],
                                    p_limit_values bigint[], p_committed_since bigint, p_offset bigint)
RETURNS TABLE (r_lines text, r_created_at bigint, r_expires_at bigint, r_levels text, r_refusal text,
               r_limit_variant text, r_limit bigint, r_current bigint) LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_shortages jsonb := '[]'::jsonb;
  v_variant text;
  v_quantity bigint;
  v_remaining bigint;
  v_take bigint;
  v_available bigint;
  v_count bigint;
  v_held bigint;
  v_bought bigint;
  v_limit bigint;
  v_row stock%ROWTYPE;
  v_before stock%ROWTYPE;
  v_tier record;
  v_lines jsonb := '[]'::jsonb;
  v_levels jsonb := '[]'::jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  IF p_client <> '' AND (p_max_holds > 0 OR p_max_units > 0 OR cardinality(p_limit_variants) > 0) THEN
    PERFORM pg_advisory_xact_lock(hashtext('cartcore client ' || p_client));
    IF p_max_holds > 0 THEN
      SELECT count(*) INTO v_count FROM holds h
        WHERE h.client_key = p_client AND h.status = 'active' AND h.expires_at > v_now;
      IF v_count >= p_max_holds THEN
        RETURN QUERY SELECT NULL::text, 0::bigint, 0::bigint, NULL::text, 'too_many_holds', NULL::text, p_max_holds,
                            v_count;
        RETURN;
      END IF;
    END IF;
    IF p_max_units > 0 OR cardinality(p_limit_variants) > 0 THEN
      FOR i IN 1 .. COALESCE(array_length(p_variants, 1), 0) LOOP
        v_variant := p_variants[i];
        SELECT COALESCE(sum(l.quantity), 0)::bigint INTO v_held FROM holds h JOIN hold_lines l ON l.hold_id = h.id
          WHERE h.client_key = p_client AND h.status = 'active' AND h.expires_at > v_now AND l.variant = v_variant;
        IF p_max_units > 0 AND v_held + p_quantities[i] > p_max_units THEN
          RETURN QUERY SELECT NULL::text, 0::bigint, 0::bigint, NULL::text, 'variant_unit_limit', v_variant,
                              p_max_units, v_held;
          RETURN;
        END IF;
        v_limit := p_limit_values[array_position(p_limit_variants, v_variant)];
        IF v_limit IS NOT NULL THEN
          v_bought := 0;
          IF p_committed_since > 0 THEN
            SELECT COALESCE(sum(l.quantity), 0)::bigint INTO v_bought FROM holds h JOIN hold_lines l ON l.hold_id = h.id
              WHERE h.client_key = p_client AND h.status = 'committed' AND h.expires_at >= p_committed_since
                AND h.updated_at >= p_committed_since AND l.variant = v_variant;
          END IF;
          IF v_held + v_bought + p_quantities[i] > v_limit THEN
            RETURN QUERY SELECT NULL::text, 0::bigint, 0::bigint, NULL::text, 'purchase_limit', v_variant, v_limit,
                                v_held + v_bought;
            RETURN;
          END IF;
        END IF;
      END LOOP;
    END IF;
  END IF;
  INSERT INTO holds (id, status, cart_json, quote_json, quote_digest, created_at, expires_at, updated_at, client_key)
    VALUES (p_id, 'active', p_cart, p_quote, p_digest, v_now, v_now + p_ttl, v_now, p_client);
  FOR i IN 1 .. COALESCE(array_length(p_variants, 1), 0) LOOP
    v_variant := p_variants[i];
    v_quantity := p_quantities[i];
    IF cardinality(p_segments) = 0 OR NOT EXISTS (
         SELECT 1 FROM stock_tiers t WHERE t.variant = v_variant AND t.segment = ANY (p_segments) AND t.reserved > t.held)
    THEN
      INSERT INTO hold_lines (hold_id, variant, pool, quantity) VALUES (p_id, v_variant, '', v_quantity);
      UPDATE stock s SET held_general = s.held_general + v_quantity, version = s.version + 1, updated_at = v_now
        WHERE s.variant = v_variant AND s.on_hand - s.held_general - s.reserve_block >= v_quantity
        RETURNING * INTO v_row;
      IF FOUND THEN
        v_lines := v_lines || jsonb_build_array(jsonb_build_array(v_variant, '', v_quantity));
        v_levels := v_levels || cartcore_level_json(v_row);
        PERFORM pg_notify('cartcore_stock', v_variant);
        v_before := v_row;
        v_before.held_general := v_row.held_general - v_quantity;
        PERFORM cartcore_hold_event('hold.placed', p_id, v_quantity, v_before, v_row, v_now + p_ttl, v_now);
      ELSE
        SELECT GREATEST(0, s.on_hand - s.held_general - s.reserve_block) INTO v_available
          FROM stock s WHERE s.variant = v_variant;
        v_shortages := v_shortages || jsonb_build_object('variant', v_variant, 'requested', v_quantity,
                                                         'available', COALESCE(v_available, 0));
      END IF;
      CONTINUE;
    END IF;
    SELECT * INTO v_before FROM stock s WHERE s.variant = v_variant FOR UPDATE;
    v_available := GREATEST(0, v_before.on_hand - v_before.held_general - v_before.reserve_block)
      + COALESCE((SELECT sum(GREATEST(0, t.reserved - t.held)) FROM stock_tiers t
                  WHERE t.variant = v_variant AND t.segment = ANY (p_segments)), 0)::bigint;
    v_available := LEAST(v_available, GREATEST(0, v_before.on_hand - v_before.held_general - v_before.held_tiers));
    IF v_quantity > v_available THEN
      v_shortages := v_shortages || jsonb_build_object('variant', v_variant, 'requested', v_quantity,
                                                       'available', v_available);
      CONTINUE;
    END IF;
    v_remaining := v_quantity;
    FOR v_tier IN SELECT t.segment, t.reserved, t.held FROM stock_tiers t
                  WHERE t.variant = v_variant AND t.segment = ANY (p_segments) ORDER BY t.segment COLLATE "C" LOOP
      v_take := LEAST(v_remaining, GREATEST(0, v_tier.reserved - v_tier.held));
      IF v_take > 0 THEN
        UPDATE stock_tiers t SET held = t.held + v_take WHERE t.variant = v_variant AND t.segment = v_tier.segment;
        INSERT INTO hold_lines (hold_id, variant, pool, quantity) VALUES (p_id, v_variant, v_tier.segment, v_take);
        v_remaining := v_remaining - v_take;
      END IF;
    END LOOP;
    IF v_remaining > 0 THEN
      UPDATE stock s SET held_general = s.held_general + v_remaining, updated_at = v_now WHERE s.variant = v_variant;
      INSERT INTO hold_lines (hold_id, variant, pool, quantity) VALUES (p_id, v_variant, '', v_remaining);
    END IF;
    PERFORM cartcore_refresh_tier_totals(v_variant);
    SELECT * INTO v_row FROM stock s WHERE s.variant = v_variant;
    v_lines := v_lines || (SELECT jsonb_agg(jsonb_build_array(l.variant, l.pool, l.quantity)) FROM hold_lines l
                           WHERE l.hold_id = p_id AND l.variant = v_variant);
    v_levels := v_levels || cartcore_level_json(v_row);
    PERFORM pg_notify('cartcore_stock', v_variant);
    PERFORM cartcore_hold_event('hold.placed', p_id, v_quantity, v_before, v_row, v_now + p_ttl, v_now);
  END LOOP;
  IF jsonb_array_length(v_shortages) > 0 THEN
    RAISE EXCEPTION 'insufficient_stock' USING ERRCODE = 'CC001', DETAIL = v_shortages::text;
  END IF;
  RETURN QUERY SELECT v_lines::text, v_now, v_now + p_ttl, v_levels::text, NULL::text, NULL::text, 0::bigint,
                      0::bigint;
END $$;

-- Gives back the units of holds the caller just moved out of 'active' (to p_type: hold.released or hold.expired),
-- per variant in byte order, with one event per hold and variant (holds in id order, each showing the level its
-- own return left). Units coming back never cross the low-stock level downwards.
CREATE OR REPLACE FUNCTION cartcore_return_stock(p_hold_ids text[], p_now bigint, p_type text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_line record;
  v_hold record;
  v_row stock%ROWTYPE;
  v_step stock%ROWTYPE;
  v_next stock%ROWTYPE;
BEGIN
  FOR v_line IN SELECT l.variant, COALESCE(sum(l.quantity) FILTER (WHERE l.pool = ''), 0)::bigint AS general,
                       bool_or(l.pool <> '') AS tiered
                FROM hold_lines l WHERE l.hold_id = ANY (p_hold_ids)
                GROUP BY l.variant ORDER BY l.variant COLLATE "C" LOOP
    IF v_line.tiered THEN
      PERFORM 1 FROM stock WHERE variant = v_line.variant FOR UPDATE;
      UPDATE stock_tiers t SET held = GREATEST(0, t.held - r.quantity)
        FROM (SELECT l.pool, sum(l.quantity)::bigint AS quantity FROM hold_lines l
              WHERE l.hold_id = ANY (p_hold_ids) AND l.variant = v_line.variant AND l.pool <> '' GROUP BY l.pool) r
        WHERE t.variant = v_line.variant AND t.segment = r.pool;
      DELETE FROM stock_tiers WHERE variant = v_line.variant AND reserved = 0 AND held = 0;
    END IF;
    UPDATE stock SET held_general = GREATEST(0, held_general - v_line.general), version = version + 1,
                     updated_at = p_now
      WHERE variant = v_line.variant RETURNING * INTO v_row;
    IF v_line.tiered THEN
      PERFORM cartcore_refresh_tier_totals(v_line.variant);
      SELECT * INTO v_row FROM stock WHERE variant = v_line.variant;
    END IF;
    PERFORM pg_notify('cartcore_stock', v_line.variant);
    v_step := v_row;
    v_step.held_general := v_row.held_general + v_line.general;
    FOR v_hold IN SELECT l.hold_id, h.expires_at, sum(l.quantity)::bigint AS quantity,
                         COALESCE(sum(l.quantity) FILTER (WHERE l.pool = ''), 0)::bigint AS general
                  FROM hold_lines l JOIN holds h ON h.id = l.hold_id
                  WHERE l.hold_id = ANY (p_hold_ids) AND l.variant = v_line.variant
                  GROUP BY l.hold_id, h.expires_at ORDER BY l.hold_id COLLATE "C" LOOP
      v_next := v_step;
      v_next.held_general := GREATEST(0, v_step.held_general - v_hold.general);
      IF v_line.tiered THEN v_next := v_row; END IF;
      PERFORM cartcore_hold_event(p_type, v_hold.hold_id, v_hold.quantity, v_step, v_next, v_hold.expires_at, p_now);
      v_step := v_next;
    END LOOP;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION cartcore_expire_hold(p_id text, p_offset bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE holds SET status = 'expired', updated_at = v_now WHERE id = p_id AND status = 'active' AND expires_at <= v_now;
  IF NOT FOUND THEN RETURN false; END IF;
  PERFORM cartcore_return_stock(ARRAY[p_id], v_now, 'hold.expired');
  RETURN true;
END $$;

CREATE OR REPLACE FUNCTION cartcore_release_hold(p_id text, p_offset bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE holds SET status = 'released', updated_at = v_now WHERE id = p_id AND status = 'active' AND expires_at > v_now;
  IF FOUND THEN
    PERFORM cartcore_return_stock(ARRAY[p_id], v_now, 'hold.released');
    RETURN 'released';
  END IF;
  IF cartcore_expire_hold(p_id, p_offset) THEN RETURN 'expired_now'; END IF;
  RETURN 'unchanged';
END $$;

-- SKIP LOCKED lets every instance sweep at once; the status guard expires each hold exactly once, and its
-- hold.expired events are written in the transaction that expired it, so they too exist exactly once.
CREATE OR REPLACE FUNCTION cartcore_expire_due(p_limit integer, p_offset bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_ids text[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  WITH due AS (SELECT id FROM holds WHERE status = 'active' AND expires_at <= v_now
               ORDER BY expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED),
       expired AS (UPDATE holds h SET status = 'expired', updated_at = v_now FROM due
                   WHERE h.id = due.id AND h.status = 'active' RETURNING h.id)
  SELECT array_agg(id) INTO v_ids FROM expired;
  IF v_ids IS NULL THEN RETURN 0; END IF;
  PERFORM cartcore_return_stock(v_ids, v_now, 'hold.expired');
  RETURN cardinality(v_ids);
END $$;
DROP FUNCTION IF EXISTS cartcore_return_stock(text[], bigint);

-- Version 3 of cartcore_checkout (migration 2's contract): its stock events compare the rows before and after.
CREATE OR REPLACE FUNCTION cartcore_checkout(p_hold_id text, p_key text, p_request_hash text, p_response text,
                                  p_order_id text, p_currency text, p_total bigint, p_digest text, p_quote text,
                                  p_order_json text, p_created_at bigint,
                                  p_line_ids text[], p_line_variants text[], p_line_skus text[],
                                  p_line_quantities bigint[], p_line_totals bigint[],
                                  p_fact_variants text[], p_fact_skus text[], p_fact_products text[],
                                  p_fact_lows bigint[], p_endpoints text[], p_offset bigint)
RETURNS TABLE (r_verdict text, r_status integer, r_body text, r_expired_now boolean, r_levels text)
LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_key idempotency_keys%ROWTYPE;
  v_line record;
  v_row stock%ROWTYPE;
  v_before stock%ROWTYPE;
  v_fact integer;
  v_levels jsonb := '[]'::jsonb;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  IF p_key <> '' THEN
    SELECT * INTO v_key FROM idempotency_keys WHERE key = p_key;
    IF FOUND THEN
      RETURN QUERY SELECT CASE WHEN v_key.request_hash = p_request_hash THEN 'replay' ELSE 'key_reused' END,
                          v_key.status, v_key.response_body, false, NULL::text;
      RETURN;
    END IF;
  END IF;
  UPDATE holds SET status = 'committed', updated_at = v_now, order_id = p_order_id
    WHERE id = p_hold_id AND status = 'active' AND expires_at > v_now;
  IF NOT FOUND THEN
    -- A request with the same key may have committed this hold while this one waited for the hold's row.
    IF p_key <> '' THEN
      SELECT * INTO v_key FROM idempotency_keys WHERE key = p_key;
      IF FOUND THEN
        RETURN QUERY SELECT CASE WHEN v_key.request_hash = p_request_hash THEN 'replay' ELSE 'key_reused' END,
                            v_key.status, v_key.response_body, false, NULL::text;
        RETURN;
      END IF;
    END IF;
    RETURN QUERY SELECT 'hold', 0, NULL::text, cartcore_expire_hold(p_hold_id, p_offset), NULL::text;
    RETURN;
  END IF;
  IF p_key <> '' THEN
    INSERT INTO idempotency_keys (key, request_hash, status, response_body, created_at)
      VALUES (p_key, p_request_hash, 200, p_response, v_now) ON CONFLICT (key) DO NOTHING;
    IF NOT FOUND THEN RAISE EXCEPTION 'idempotency key taken' USING ERRCODE = 'CC002'; END IF;
  END IF;
  -- The order's rows first: nothing hot is locked yet. A shortage below rolls them back with the rest.
  INSERT INTO orders (id, hold_id, idempotency_key, currency, total_minor, quote_digest, quote_json, order_json,
                      created_at)
    VALUES (p_order_id, p_hold_id, NULLIF(p_key, ''), p_currency, p_total, p_digest, p_quote, p_order_json,
            p_created_at);
  INSERT INTO order_lines (order_id, line_id, variant, sku, quantity, total_minor)
    SELECT p_order_id, u.* FROM unnest(p_line_ids, p_line_variants, p_line_skus, p_line_quantities, p_line_totals) AS u;
  FOR v_line IN SELECT l.variant, sum(l.quantity)::bigint AS total,
                       COALESCE(sum(l.quantity) FILTER (WHERE l.pool = ''), 0)::bigint AS general,
                       bool_or(l.pool <> '') AS tiered
                FROM hold_lines l WHERE l.hold_id = p_hold_id GROUP BY l.variant ORDER BY l.variant COLLATE "C" LOOP
    IF v_line.tiered THEN
      SELECT * INTO v_before FROM stock WHERE variant = v_line.variant FOR UPDATE;
      -- Checking out consumes the reserve the hold used.
      UPDATE stock_tiers t SET reserved = GREATEST(0, t.reserved - l.quantity), held = GREATEST(0, t.held - l.quantity)
        FROM hold_lines l
        WHERE l.hold_id = p_hold_id AND l.variant = v_line.variant AND l.pool <> '' AND t.variant = l.variant
          AND t.segment = l.pool;
      DELETE FROM stock_tiers WHERE variant = v_line.variant AND reserved = 0 AND held = 0;
    END IF;
    UPDATE stock s SET on_hand = s.on_hand - v_line.total, held_general = GREATEST(0, s.held_general - v_line.general),
                       version = s.version + 1, updated_at = v_now
      WHERE s.variant = v_line.variant AND s.on_hand >= v_line.total
      RETURNING * INTO v_row;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'insufficient_stock' USING ERRCODE = 'CC001',
        DETAIL = jsonb_build_object('variant', v_line.variant, 'requested', v_line.total, 'available',
                                    COALESCE((SELECT on_hand FROM stock WHERE variant = v_line.variant), 0))::text;
    END IF;
    IF v_line.tiered THEN
      PERFORM cartcore_refresh_tier_totals(v_line.variant);
      SELECT * INTO v_row FROM stock WHERE variant = v_line.variant;
    ELSE
      v_before := v_row;
      v_before.on_hand := v_row.on_hand + v_line.total;
      v_before.held_general := v_row.held_general + v_line.general;
    END IF;
    v_levels := v_levels || cartcore_level_json(v_row);
    v_fact := array_position(p_fact_variants, v_line.variant);
    PERFORM cartcore_level_events(v_before, v_row, COALESCE(p_fact_skus[v_fact], v_line.variant),
                                  COALESCE(p_fact_products[v_fact], ''), p_fact_lows[v_fact],
                                  'order ' || p_order_id, v_now, p_endpoints);
    PERFORM pg_notify('cartcore_stock', v_line.variant);
  END LOOP;
  PERFORM cartcore_append_event('order.committed', 'orders', p_order_json, v_now, p_endpoints);
  RETURN QUERY SELECT 'committed', 200, NULL::text, false, v_levels::text;
END $$;

CREATE OR REPLACE FUNCTION cartcore_set_stock(p_variant text, p_on_hand bigint, p_set_low boolean, p_low bigint,
                                   p_set_woo_product boolean, p_woo_product bigint, p_set_woo_variation boolean,
                                   p_woo_variation bigint, p_set_reserved boolean, p_segments text[],
                                   p_reserved bigint[], p_reason text, p_sku text, p_product text,
                                   p_config_low bigint, p_endpoints text[], p_offset bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_before stock%ROWTYPE;
  v_row stock%ROWTYPE;
BEGIN
  INSERT INTO stock (variant, on_hand, updated_at) VALUES (p_variant, 0, v_now) ON CONFLICT (variant) DO NOTHING;
  SELECT * INTO v_before FROM stock WHERE variant = p_variant FOR UPDATE;
  UPDATE stock SET on_hand = COALESCE(p_on_hand, on_hand),
                   low_stock_level = CASE WHEN p_set_low THEN p_low ELSE low_stock_level END,
                   woo_product_id = CASE WHEN p_set_woo_product THEN p_woo_product ELSE woo_product_id END,
                   woo_variation_id = CASE WHEN p_set_woo_variation THEN p_woo_variation ELSE woo_variation_id END,
                   version = version + 1, updated_at = v_now
    WHERE variant = p_variant;
  IF p_set_reserved THEN
    UPDATE stock_tiers SET reserved = 0 WHERE variant = p_variant AND NOT (segment = ANY (p_segments));
    INSERT INTO stock_tiers (variant, segment, reserved)
      SELECT p_variant, u.segment, u.reserved FROM unnest(p_segments, p_reserved) AS u(segment, reserved)
      ON CONFLICT (variant, segment) DO UPDATE SET reserved = excluded.reserved;
    DELETE FROM stock_tiers WHERE variant = p_variant AND reserved = 0 AND held = 0;
    PERFORM cartcore_refresh_tier_totals(p_variant);
  END IF;
  SELECT * INTO v_row FROM stock WHERE variant = p_variant;
  PERFORM cartcore_level_events(v_before, v_row, p_sku, p_product, p_config_low, p_reason, v_now, p_endpoints);
  PERFORM pg_notify('cartcore_stock', p_variant);
END $$;

CREATE OR REPLACE FUNCTION cartcore_adjust_stock(p_variant text, p_delta bigint, p_max bigint, p_reason text,
                                      p_sku text, p_product text, p_config_low bigint, p_endpoints text[],
                                      p_offset bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_row stock%ROWTYPE;
  v_before stock%ROWTYPE;
BEGIN
  IF p_delta >= 0 THEN
    INSERT INTO stock (variant, on_hand, updated_at) VALUES (p_variant, 0, v_now) ON CONFLICT (variant) DO NOTHING;
  END IF;
  UPDATE stock SET on_hand = on_hand + p_delta, version = version + 1, updated_at = v_now
    WHERE variant = p_variant AND on_hand + p_delta BETWEEN 0 AND p_max
    RETURNING * INTO v_row;
  IF NOT FOUND THEN RETURN false; END IF;
  v_before := v_row;
  v_before.on_hand := v_row.on_hand - p_delta;
  PERFORM cartcore_level_events(v_before, v_row, p_sku, p_product, p_config_low, p_reason, v_now, p_endpoints);
  PERFORM pg_notify('cartcore_stock', p_variant);
  RETURN true;
END $$;
DROP FUNCTION IF EXISTS cartcore_stock_events(text, text, text, bigint, bigint, bigint, bigint, bigint, bigint, text, bigint,
                                    text[]);
)sql";

}  // namespace

const char* pgEventsMigration() { return kMigration; }

}  // namespace cartcore::server
