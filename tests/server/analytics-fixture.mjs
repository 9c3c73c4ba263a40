// SPDX-License-Identifier: MIT
// A known order history for the analytics endpoints (and the dashboard's tests): a small store, seven orders on
// three days driven through the real API with the test clock, and every figure the analytics must report,
// computed by hand below (not by the server). Start the server with startServer({db, args: analyticsArgs(dir)}).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, setStock } from './helpers.mjs';

/** Version 1 of the store. Prices and costs are chosen so every figure is easy to check by hand. */
export const ANALYTICS_STORE = {
  schemaVersion: 1,
  store: { name: 'Analytics Test Shop', currency: 'USD' },
  catalog: {
    products: [
      { id: 'skillet', name: 'Cast Iron Skillet', categories: ['cookware'],
        variants: [{ id: 'skillet', sku: 'SKL-1', price: '99.00', cost: '40.00', lowStockLevel: 10 }] },
      { id: 'tee', name: 'White Tee', categories: ['apparel', 'tees'],
        variants: [{ id: 'tee-white', sku: 'TEE-W', price: '20.00', cost: '8.00' }] },
      { id: 'mug', name: 'Mug', categories: ['accessories'],
        variants: [{ id: 'mug', sku: 'MUG-1', price: '12.00', cost: '3.00' }] },
      { id: 'apron', name: 'Apron', categories: ['apparel'],
        variants: [{ id: 'apron', sku: 'APR-1', price: '30.00' }] },
    ],
  },
  priceRules: [],
  promotions: [
    { id: 'flash-skillet', name: 'Flash skillet 69.00', type: 'itemDiscount', priority: 20,
      selector: { products: ['skillet'] }, discount: { fixedPrice: '69.00' },
      conditions: { stockGuard: { selector: { products: ['skillet'] }, minAvailable: 6 } } },
    { id: 'tee-half', name: 'Half-price tees', type: 'itemDiscount', priority: 10,
      selector: { categories: ['tees'] }, discount: { percentOff: '50' } },
    { id: 'mug-group-a', name: 'Mugs 10% off', type: 'itemDiscount', priority: 5, exclusionGroup: 'mugs',
      selector: { products: ['mug'] }, discount: { percentOff: '10' } },
    { id: 'mug-group-b', name: 'Mugs 25% off', type: 'itemDiscount', priority: 5, exclusionGroup: 'mugs',
      selector: { products: ['mug'] }, discount: { percentOff: '25' } },
    { id: 'apron-coupon', name: 'Apron 5.00 off', type: 'itemDiscount', coupons: ['APRON5'],
      selector: { products: ['apron'] }, discount: { amountOff: '5.00' } },
  ],
  marginFloors: {
    floors: [{ id: 'tees-floor', categories: ['tees'], minMarginPercent: '40' }],
    missingCost: 'skip',
    visibility: 'internal',
  },
};

/** Version 2: the flash price becomes 79.00 (uploaded on day 3). */
export const ANALYTICS_STORE_V2 = structuredClone(ANALYTICS_STORE);
ANALYTICS_STORE_V2.promotions[0].discount = { fixedPrice: '79.00' };
ANALYTICS_STORE_V2.promotions[0].name = 'Flash skillet 79.00';

/** A draft for replay: flash at 59.00, and no apron coupon. */
export const ANALYTICS_DRAFT = structuredClone(ANALYTICS_STORE);
ANALYTICS_DRAFT.promotions[0].discount = { fixedPrice: '59.00' };
ANALYTICS_DRAFT.promotions = ANALYTICS_DRAFT.promotions.filter((p) => p.id !== 'apron-coupon');

export const DAY1 = '2026-11-02T00:00:00.000Z';
export const DAY2 = '2026-11-03T00:00:00.000Z';
export const DAY3 = '2026-11-04T00:00:00.000Z';
export const DAY4 = '2026-11-05T00:00:00.000Z';

/** Server arguments: the test clock and version 1 of the store (written into `dir`). */
export function analyticsArgs(dir) {
  const path = join(dir, 'analytics-store.json');
  writeFileSync(path, JSON.stringify(ANALYTICS_STORE));
  return ['--test-clock', '--config', path, '--no-seed'];
}

async function setClock(server, now) {
  const r = await call(server, 'POST', '/v1/admin/test/clock', { admin: true, body: { now } });
  if (r.status !== 200) throw new Error(`clock: ${JSON.stringify(r.body)}`);
}

async function order(server, now, lines, coupons) {
  await setClock(server, now);
  const cart = coupons ? { lines, coupons } : { lines };
  const hold = await call(server, 'POST', '/v1/holds', { body: { cart } });
  if (hold.status !== 201) throw new Error(`hold: ${JSON.stringify(hold.body)}`);
  const checkout = await call(server, 'POST', '/v1/checkout', {
    body: { holdId: hold.body.hold.id, quoteDigest: hold.body.hold.quoteDigest },
  });
  if (checkout.status !== 200) throw new Error(`checkout: ${JSON.stringify(checkout.body)}`);
  return { hold: hold.body, order: checkout.body.order };
}

/**
 * Seeds the history and returns the order ids (o1..o7) and the switch times. Day 1: skillet (flash 69.00), two
 * tees (50% off, clamped by the 40% floor), two mugs (25% beats 10% in the exclusion group). Day 2: skillet and
 * mug; apron with APRON5 (and an unknown code). A hold released, a hold expired. Day 3: skillet stock set to 5
 * (below the guard's 6 and the low-stock level 10), a skillet at 99.00; then version 2 and stock 20, a skillet
 * at 79.00.
 */
export async function seedHistory(server) {
  await setClock(server, DAY1);
  await setStock(server, { skillet: { onHand: 40 }, 'tee-white': { onHand: 100 }, mug: { onHand: 100 }, apron: { onHand: 100 } });
  const o1 = await order(server, '2026-11-02T10:00:00.000Z', [{ variant: 'skillet', quantity: 1 }]);
  const o2 = await order(server, '2026-11-02T11:00:00.000Z', [{ variant: 'tee-white', quantity: 2 }]);
  const o3 = await order(server, '2026-11-02T12:00:00.000Z', [{ variant: 'mug', quantity: 2 }]);
  const o4 = await order(server, '2026-11-03T09:00:00.000Z', [{ variant: 'skillet', quantity: 1 }, { variant: 'mug', quantity: 1 }]);
  const o5 = await order(server, '2026-11-03T10:00:00.000Z', [{ variant: 'apron', quantity: 1 }], ['APRON5', 'BOGUS']);
  // A hold released at 11:00 and one that expires (60 s TTL) by 12:02 on day 2.
  await setClock(server, '2026-11-03T11:00:00.000Z');
  const released = await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] } } });
  await call(server, 'DELETE', `/v1/holds/${released.body.hold.id}`);
  await setClock(server, '2026-11-03T12:00:00.000Z');
  await call(server, 'POST', '/v1/holds', { body: { cart: { lines: [{ variant: 'mug', quantity: 1 }] }, ttlSeconds: 60 } });
  await setClock(server, '2026-11-03T12:02:00.000Z');
  // Day 3: stock falls to 5; the next hold sees the guard off and the skillet low.
  await setClock(server, '2026-11-04T08:00:00.000Z');
  await setStock(server, { skillet: { onHand: 5 } });
  const o6 = await order(server, '2026-11-04T09:00:00.000Z', [{ variant: 'skillet', quantity: 1 }]);
  await setClock(server, '2026-11-04T10:00:00.000Z');
  // Pretty-printed, as merchants send configs: the orders export must still write it as one NDJSON line.
  const v2 = await call(server, 'PUT', '/v1/admin/config', { admin: true, raw: JSON.stringify(ANALYTICS_STORE_V2, null, 2) });
  if (v2.status !== 200) throw new Error(`config v2: ${JSON.stringify(v2.body)}`);
  await setStock(server, { skillet: { onHand: 20 } });
  const o7 = await order(server, '2026-11-04T11:00:00.000Z', [{ variant: 'skillet', quantity: 1 }]);
  await setClock(server, '2026-11-04T12:00:00.000Z');
  return {
    orders: { o1, o2, o3, o4, o5, o6, o7 },
    guardOffAt: '2026-11-04T09:00:00.000Z',
    guardOnAt: '2026-11-04T11:00:00.000Z',
  };
}

/**
 * Every figure for the whole history [DAY1, DAY4), hand-computed. Money is minor units -> decimal strings.
 *  O1 skillet 99.00 -> 69.00 (flash, 30.00 off), cost 40.00             revenue 69.00
 *  O2 2 tees 40.00, 50% = 20.00 off, floor 40%: cost 16.00 / 0.6 = 26.666 -> 26.67, so 13.33 off, clamp 20.00 -> 13.33
 *  O3 2 mugs 24.00, b 25% = 6.00 off (a 10% = 2.40 loses), cost 6.00       revenue 18.00
 *  O4 skillet 69.00 (30.00 off) + mug 9.00 (3.00 off), cost 43.00         revenue 78.00
 *  O5 apron 30.00 - 5.00 = 25.00, no cost                                   revenue 25.00
 *  O6 skillet 99.00 (guard off: 5 available < 6), cost 40.00              revenue 99.00
 *  O7 skillet 79.00 (version 2, 20.00 off), cost 40.00                    revenue 79.00
 */
export const EXPECTED = {
  orders: 7,
  promotions: [
    { promotion: 'flash-skillet', name: 'Flash skillet 79.00', orders: 3, units: 3, listAmount: '297.00',
      discount: '80.00', revenue: '217.00', cost: '120.00', margin: '97.00', marginPercent: '44.70',
      unitsWithoutCost: 0, clamps: 0, lostTo: [] },
    { promotion: 'tee-half', name: 'Half-price tees', orders: 1, units: 2, listAmount: '40.00', discount: '13.33',
      revenue: '26.67', cost: '16.00', margin: '10.67', marginPercent: '40.01', unitsWithoutCost: 0, clamps: 1,
      lostTo: [] },
    { promotion: 'mug-group-b', name: 'Mugs 25% off', orders: 2, units: 3, listAmount: '36.00', discount: '9.00',
      revenue: '27.00', cost: '9.00', margin: '18.00', marginPercent: '66.67', unitsWithoutCost: 0, clamps: 0,
      lostTo: [] },
    { promotion: 'apron-coupon', name: 'Apron 5.00 off', orders: 1, units: 1, listAmount: '30.00', discount: '5.00',
      revenue: '25.00', cost: '0.00', margin: '0.00', marginPercent: null, unitsWithoutCost: 1, clamps: 0,
      lostTo: [] },
    { promotion: 'mug-group-a', name: 'Mugs 10% off', orders: 0, units: 0, listAmount: '0.00', discount: '0.00',
      revenue: '0.00', cost: '0.00', margin: '0.00', marginPercent: null, unitsWithoutCost: 0, clamps: 0,
      lostTo: [{ promotion: 'mug-group-b', reason: 'lost_to_better_in_group', orders: 2 }] },
  ],
  combinations: [
    { promotions: ['flash-skillet'], orders: 2, subtotal: '198.00', discount: '50.00', averageDiscountPercent: '25.25' },
    { promotions: ['flash-skillet', 'mug-group-b'], orders: 1, subtotal: '111.00', discount: '33.00', averageDiscountPercent: '29.73' },
    { promotions: ['tee-half'], orders: 1, subtotal: '40.00', discount: '13.33', averageDiscountPercent: '33.33' },
    { promotions: ['mug-group-b'], orders: 1, subtotal: '24.00', discount: '6.00', averageDiscountPercent: '25.00' },
    { promotions: ['apron-coupon'], orders: 1, subtotal: '30.00', discount: '5.00', averageDiscountPercent: '16.67' },
    { promotions: [], orders: 1, subtotal: '99.00', discount: '0.00', averageDiscountPercent: '0.00' },
  ],
  // Revenue 394.67, of which 369.67 on lines with a cost (all but the apron), cost 185.00, margin 184.67.
  totals: { orders: 7, subtotal: '502.00', discount: '107.33', revenue: '394.67', cost: '185.00', margin: '184.67',
    marginPercent: '49.96' },
  daily: [
    { day: '2026-11-02', orders: 3, subtotal: '163.00', discount: '49.33', revenue: '113.67', cost: '62.00', margin: '51.67', marginPercent: '45.46' },
    { day: '2026-11-03', orders: 2, subtotal: '141.00', discount: '38.00', revenue: '103.00', cost: '43.00', margin: '35.00', marginPercent: '44.87' },
    { day: '2026-11-04', orders: 2, subtotal: '198.00', discount: '20.00', revenue: '178.00', cost: '80.00', margin: '98.00', marginPercent: '55.06' },
  ],
  // Margin % per order with a cost: O1 42.03, O2 40.01, O3 66.67, O4 44.87, O6 59.60, O7 49.37.
  target45: { marginPercent: '45.00', ordersBelow: 3, ordersWithCost: 6 },
  clamps: {
    total: { key: '', clamps: 1, discountBefore: '20.00', discountAfter: '13.33', givenBack: '6.67' },
    byFloor: [{ key: 'tees-floor', clamps: 1, discountBefore: '20.00', discountAfter: '13.33', givenBack: '6.67' }],
    byPromotion: [{ key: 'tee-half', clamps: 1, discountBefore: '20.00', discountAfter: '13.33', givenBack: '6.67' }],
    byCategory: [
      { key: 'apparel', clamps: 1, discountBefore: '20.00', discountAfter: '13.33', givenBack: '6.67' },
      { key: 'tees', clamps: 1, discountBefore: '20.00', discountAfter: '13.33', givenBack: '6.67' },
    ],
  },
  // 7 orders, 1 released, 1 expired.
  holds: { converted: 7, expired: 1, released: 1, conversionPercent: '77.78', expiryPercent: '11.11', activeNow: 0 },
};
