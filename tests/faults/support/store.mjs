// SPDX-License-Identifier: MIT
// The store the fault runs sell from: one hot SKU (a flash-sale skillet with a stock-guarded discount, so its price
// moves when stock runs low) and many ordinary SKUs, with the carts shoppers draw.

export const HOT = 'skillet';

/** Variant ids of the ordinary ("spread") SKUs. */
export const spreadVariants = (count) => Array.from({ length: count }, (_, i) => `pan-${String(i + 1).padStart(2, '0')}`);

/** The store config (schemaVersion 1) with the hot SKU and `spread` ordinary SKUs. */
export function faultStoreConfig(spread) {
  return {
    schemaVersion: 1,
    store: { name: 'Cartcore fault-injection store', currency: 'USD', lowStockLevel: 20 },
    catalog: {
      products: [
        { id: 'skillet-product', name: 'Cast-iron skillet', categories: ['cookware'],
          variants: [{ id: HOT, sku: 'SKL-10', price: '49.00', cost: '18.00' }] },
        { id: 'pan-product', name: 'Steel pan', categories: ['cookware'],
          variants: spreadVariants(spread).map((id, i) => ({ id, sku: id.toUpperCase(), price: `${20 + (i % 7)}.00` })) },
      ],
    },
    promotions: [
      { id: 'flash', name: 'Flash sale: 15% off skillets while 100+ are left', type: 'itemDiscount', priority: 5,
        selector: { products: ['skillet-product'] }, discount: { percentOff: '15' },
        conditions: { stockGuard: { selector: { products: ['skillet-product'] }, minAvailable: 100 } } },
    ],
  };
}

/** Initial onHand per variant. */
export function initialStock({ spread, hot, perSpread }) {
  const levels = { [HOT]: hot };
  for (const id of spreadVariants(spread)) levels[id] = perSpread;
  return levels;
}

/**
 * A cart drawer: half the shoppers reach for the hot SKU (1 or 2 units, sometimes with a pan), the rest buy one or
 * two random pans.
 */
export function cartDrawer(spread) {
  const pans = spreadVariants(spread);
  return (random, shopper) => {
    if (shopper % 2 === 0) {
      const lines = [{ variant: HOT, quantity: random.int(1, 2) }];
      if (random.chance(0.2)) lines.push({ variant: random.pick(pans), quantity: 1 });
      return lines;
    }
    const first = random.pick(pans);
    const lines = [{ variant: first, quantity: random.int(1, 3) }];
    const second = random.pick(pans);
    if (second !== first && random.chance(0.4)) lines.push({ variant: second, quantity: 1 });
    return lines;
  };
}
