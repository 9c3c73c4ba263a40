// SPDX-License-Identifier: MIT
// The PostgreSQL functions that decide stock: holds, their expiry and extension, checkout, stock edits.
// Each is written once here, in its current version; the migration runner (pg_schema.cpp) re-applies them all
// whenever their text changes, so a change to a function is an edit here, never a copy in a new migration.
//
// Every operation that touches a hot row is one function call: the row lock is taken and released inside one
// round trip, never held while the client thinks. Rules the functions keep:
// - Locks are taken in one order: idempotency key, hold rows, then stock rows by variant in byte order (COLLATE
//   "C", the order C++ sorts in), then a variant's tier rows. No cycle, so no deadlock.
// - A variant's tier rows (stock_tiers) change only while its stock row is locked, and the stock row carries their
//   totals (held_tiers, reserve_block = sum of max(reserved, held)), so the common hold - no tier involved - is a
//   single conditional UPDATE whose WHERE decides: on_hand - held_general - reserve_block >= quantity.
// - Times are the database clock (cartcore_now_ms) plus the caller's test-clock offset, so instances with skewed
//   clocks agree on expiry.
// - Writes commit with synchronous_commit = off; the server makes a change durable before acknowledging it by a
//   flush barrier (PgStorage::makeDurable). Locks are therefore never held across a disk flush.
#include "pg_stock_functions.hpp"

namespace cartcore::server {

namespace {

constexpr const char* kFunctions = R"sql(
CREATE OR REPLACE FUNCTION cartcore_now_ms(p_offset bigint) RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint + p_offset
$$;

-- The flush barrier: a tiny transaction that writes WAL and commits synchronously, so it returns only once the
-- WAL up to its commit - and so every commit this session made before it - is on disk (and on synchronous
-- standbys). Concurrent barriers share one flush (group commit), which is why checkouts scale past 1/fsync.
CREATE OR REPLACE FUNCTION cartcore_flush() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'on', true);
  PERFORM pg_logical_emit_message(true, 'cartcore', 'flush');
END $$;

-- 64 delivery buckets per endpoint; a partition (SKU) always falls in the same one.
CREATE OR REPLACE FUNCTION cartcore_bucket(p_key text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT hashtext(p_key) & 63
$$;

-- Recomputes a variant's tier totals on its stock row; the caller holds the stock row's lock.
CREATE OR REPLACE FUNCTION cartcore_refresh_tier_totals(p_variant text) RETURNS void LANGUAGE sql AS $$
  UPDATE stock SET held_tiers = COALESCE(t.held, 0)::bigint, reserve_block = COALESCE(t.block, 0)::bigint,
                   version = version + 1
  FROM (SELECT sum(held) AS held, sum(GREATEST(reserved, held)) AS block FROM stock_tiers WHERE variant = p_variant) t
  WHERE stock.variant = p_variant
$$;

-- SQL-language functions are planned on every call, so the levels are PL/pgSQL (plans cached per session).
-- One stock row's level, in the JSON shape of cartcore_levels.
CREATE OR REPLACE FUNCTION cartcore_level_json(p_row stock) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN jsonb_build_object(
    'variant', p_row.variant, 'onHand', p_row.on_hand, 'heldGeneral', p_row.held_general, 'version', p_row.version,
    'low', p_row.low_stock_level, 'wooProduct', p_row.woo_product_id, 'wooVariation', p_row.woo_variation_id,
    'tiers', COALESCE((SELECT jsonb_agg(jsonb_build_array(t.segment, t.reserved, t.held))
                       FROM stock_tiers t WHERE t.variant = p_row.variant), '[]'::jsonb));
END $$;

CREATE OR REPLACE FUNCTION cartcore_levels(p_variants text[]) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT COALESCE(jsonb_agg(cartcore_level_json(s)), '[]'::jsonb)::text
          FROM stock s WHERE s.variant = ANY (p_variants));
END $$;

-- A hold of every line or none, after the client's fair-access limits (0 = none), which are counted under a lock
-- per client so that two instances cannot both grant a client's last slot. Without a tier the customer may draw
-- on, a line is one conditional UPDATE; with one, the stock row is locked and the line is planned under the lock
-- exactly as the SQLite mirror plans it (the customer's reserves first, in segment order, then the general pool).
-- A limit refuses with r_refusal set and nothing written; any short line raises CC001 with every shortage in
-- DETAIL, which rolls the whole hold back.
-- Each line also writes hold.placed. To keep the hot stock row locked as briefly as possible before COMMIT (on
-- the hot SKU: ~850 holds/s with the levels read back under its lock, ~1,700 without), the levels come from the
-- row the conditional UPDATE returns, the line is inserted before the UPDATE, and the client's lock is taken only
-- when a limit is counted.
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

-- Ends one active hold as p_status: 'expired' only once it is overdue, 'released' only before. True if this call
-- ended it (exactly once, whoever races: the status guard), with its units given back and its events written.
CREATE OR REPLACE FUNCTION cartcore_end_hold(p_id text, p_status text, p_now bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  UPDATE holds SET status = p_status, updated_at = p_now
    WHERE id = p_id AND status = 'active' AND (expires_at <= p_now) = (p_status = 'expired');
  IF NOT FOUND THEN RETURN false; END IF;
  PERFORM cartcore_return_stock(ARRAY[p_id], p_now, 'hold.' || p_status);
  RETURN true;
END $$;

-- Expires one hold if it is active and overdue; true if this call expired it.
CREATE OR REPLACE FUNCTION cartcore_expire_hold(p_id text, p_offset bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RETURN cartcore_end_hold(p_id, 'expired', cartcore_now_ms(p_offset));
END $$;

-- 'released', 'expired_now' (it was overdue: expired instead) or 'unchanged' (not active).
CREATE OR REPLACE FUNCTION cartcore_release_hold(p_id text, p_offset bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
BEGIN
  IF cartcore_end_hold(p_id, 'released', v_now) THEN RETURN 'released'; END IF;
  IF cartcore_end_hold(p_id, 'expired', v_now) THEN RETURN 'expired_now'; END IF;
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

-- Checkout: order, stock, hold, events and idempotency record in one transaction. Returns 'committed', 'replay'
-- or 'key_reused' (with the stored response), or 'hold' (the hold is not active: the caller reads it; an overdue
-- one was expired here, reported in r_expired_now). Raises CC001 (DETAIL: the shortage) when stock was corrected
-- below the held units, and CC002 when a concurrent checkout of another hold took the same idempotency key.
-- The order's rows are written before any stock row is locked, the levels it returns come from the rows its
-- UPDATEs return, and its stock events compare the rows before and after.
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

-- 'extended', 'expired_now', 'unchanged' (not active) or 'over_limit' (the owner's extension budget, p_max_extension
-- ms over its active holds, would be exceeded: nothing changes), with what is left of that budget. Only pushing
-- the expiry out counts against the budget; shortening it is always allowed.
CREATE OR REPLACE FUNCTION cartcore_extend_hold(p_id text, p_ttl bigint, p_max_extension bigint, p_offset bigint)
RETURNS TABLE (r_change text, r_left bigint) LANGUAGE plpgsql AS $$
DECLARE
  v_now bigint := cartcore_now_ms(p_offset);
  v_hold holds%ROWTYPE;
  v_granted bigint;
  v_left bigint := 0;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT * INTO v_hold FROM holds WHERE id = p_id FOR UPDATE;
  IF NOT FOUND OR v_hold.status <> 'active' THEN
    RETURN QUERY SELECT 'unchanged', 0::bigint;
    RETURN;
  END IF;
  IF v_hold.expires_at <= v_now THEN
    PERFORM cartcore_expire_hold(p_id, p_offset);
    RETURN QUERY SELECT 'expired_now', 0::bigint;
    RETURN;
  END IF;
  v_granted := GREATEST(0, v_now + p_ttl - v_hold.expires_at);
  IF v_granted > 0 AND p_max_extension > 0 AND v_hold.client_key <> '' THEN
    PERFORM pg_advisory_xact_lock(hashtext('cartcore client ' || v_hold.client_key));
    SELECT GREATEST(0, p_max_extension - COALESCE(sum(h.extended_ms), 0))::bigint INTO v_left FROM holds h
      WHERE h.client_key = v_hold.client_key AND h.status = 'active' AND h.expires_at > v_now;
    IF v_granted > v_left THEN
      RETURN QUERY SELECT 'over_limit', v_left;
      RETURN;
    END IF;
    v_left := v_left - v_granted;
  END IF;
  UPDATE holds SET expires_at = v_now + p_ttl, extended_ms = extended_ms + v_granted, updated_at = v_now
    WHERE id = p_id;
  RETURN QUERY SELECT 'extended', v_left;
END $$;

-- A hold priced for some availability (a hold keeps the stock facts its quote read: HoldRequest::pricedFor). In
-- the lock order of cartcore_place_hold (the client's lock, then stock rows in byte order), the stock rows of the
-- priced variants and of the lines are locked, each priced variant's availability for the segments is checked
-- against its range, and only then is the hold placed by cartcore_place_hold in the same transaction, so the facts
-- are true at the moment the units are taken. Out of range: r_refusal 'priced_stock_moved', nothing written, and
-- r_levels the priced variants' current levels, so the caller's stock copy catches up before it prices again.
-- Taking the stock rows' locks before the hold row is written holds them a little longer than
-- cartcore_place_hold does on its own; only holds whose price read stock pay that.
CREATE OR REPLACE FUNCTION cartcore_place_priced_hold(p_id text, p_cart text, p_quote text, p_digest text, p_ttl bigint,
                                           p_variants text[], p_quantities bigint[], p_segments text[], p_client text,
                                           p_max_holds bigint, p_max_units bigint, p_limit_variants text[],
                                           p_limit_values bigint[], p_committed_since bigint, p_offset bigint,
                                           p_priced_variants text[], p_priced_min bigint[], p_priced_max bigint[])
RETURNS TABLE (r_lines text, r_created_at bigint, r_expires_at bigint, r_levels text, r_refusal text,
               r_limit_variant text, r_limit bigint, r_current bigint) LANGUAGE plpgsql AS $$
DECLARE
  v_available bigint;
BEGIN
  -- cartcore_place_hold takes the client's lock (when it counts a limit) before any stock row, so this does too.
  IF p_client <> '' AND (p_max_holds > 0 OR p_max_units > 0 OR cardinality(p_limit_variants) > 0) THEN
    PERFORM pg_advisory_xact_lock(hashtext('cartcore client ' || p_client));
  END IF;
  PERFORM 1 FROM stock s WHERE s.variant = ANY (p_priced_variants || p_variants)
    ORDER BY s.variant COLLATE "C" FOR UPDATE;
  FOR i IN 1 .. COALESCE(array_length(p_priced_variants, 1), 0) LOOP
    -- Available units for these segments, as StockLevel::available computes them (0 without a stock row).
    SELECT LEAST(GREATEST(0, s.on_hand - s.held_general - s.reserve_block)
                   + COALESCE((SELECT sum(GREATEST(0, t.reserved - t.held)) FROM stock_tiers t
                               WHERE t.variant = s.variant AND t.segment = ANY (p_segments)), 0)::bigint,
                 GREATEST(0, s.on_hand - s.held_general - s.held_tiers))
      INTO v_available FROM stock s WHERE s.variant = p_priced_variants[i];
    v_available := COALESCE(v_available, 0);
    IF v_available < p_priced_min[i] OR v_available > p_priced_max[i] THEN
      RETURN QUERY SELECT NULL::text, 0::bigint, 0::bigint, cartcore_levels(p_priced_variants), 'priced_stock_moved',
                          p_priced_variants[i], 0::bigint, v_available;
      RETURN;
    END IF;
  END LOOP;
  RETURN QUERY SELECT * FROM cartcore_place_hold(p_id, p_cart, p_quote, p_digest, p_ttl, p_variants, p_quantities,
                                                 p_segments, p_client, p_max_holds, p_max_units, p_limit_variants,
                                                 p_limit_values, p_committed_since, p_offset);
END $$;
)sql";

}  // namespace

const char* pgStockFunctions() { return kFunctions; }

}  // namespace cartcore::server
