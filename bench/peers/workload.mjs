// SPDX-License-Identifier: MIT
// The peer benchmark's workload: one seeded, engine-neutral description of a store (catalog + promotions) and its
// 10-line carts, limited to the promotion kinds Cartcore, Medusa and Vendure all support. Each engine's adapter
// translates it into its own input format (toCartcoreConfig / toCartcoreRequest here, medusa.mjs, vendure.mjs).
//
// Money is integer cents everywhere in this model.

const PRODUCTS = 200;
const VARIANTS_PER_PRODUCT = 10;
const LINES_PER_CART = 10;
export const SHIPPING_CENTS = 500; // the flat shipping price the peers charge (Cartcore only reports free shipping)
export const NOW = "2026-11-27T09:30:00.000Z";

/** A 32-bit LCG (Numerical Recipes constants): deterministic across Node versions, unlike Math.random. */
function makeRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  return { below: (n) => Math.floor((next() / 4294967296) * n) };
}

export const productId = (p) => `p${p}`;
export const variantId = (p, v) => `p${p}-v${v}`;

/** The 2,000-variant catalog: every product has 10 variants priced from a seeded base. */
function makeCatalog(random) {
  const products = [];
  for (let p = 0; p < PRODUCTS; p++) {
    const base = 1000 + random.below(9000);
    const variants = [];
    for (let v = 0; v < VARIANTS_PER_PRODUCT; v++) variants.push({ id: variantId(p, v), priceCents: base + 100 * (v % 5) });
    products.push({ id: productId(p), variants });
  }
  return products;
}

/** Items a promotion targets: a whole product (as a product id and, for Vendure, its variant ids) or 2 variants. */
function randomTarget(random) {
  const p = random.below(PRODUCTS);
  if (random.below(10) < 7) {
    const variants = Array.from({ length: VARIANTS_PER_PRODUCT }, (_, v) => variantId(p, v));
    return { product: productId(p), variants };
  }
  const a = random.below(VARIANTS_PER_PRODUCT);
  const b = (a + 1 + random.below(VARIANTS_PER_PRODUCT - 1)) % VARIANTS_PER_PRODUCT;
  return { product: null, variants: [variantId(p, a), variantId(p, b)].sort() };
}

/**
 * The promotions, in the order every engine is asked to apply them (see README, "Order of application"):
 * buy-X-get-Y first, then item discounts by Medusa's own order (application value, largest first), then order
 * thresholds, then free shipping. Kinds: percentOffItems, amountOffItems, orderThreshold, buyXGetY, freeShipping.
 */
function makePromotions(count, random, onlyKind) {
  const promotions = [];
  // Where each kind starts on the 0-99 dice below; onlyKind pins the dice inside one kind's range.
  const kindStart = { percentOffItems: 0, amountOffItems: 40, orderThreshold: 70, buyXGetY: 80, freeShipping: 92 };
  for (let i = 0; i < count; i++) {
    const id = `promo${i}`;
    // About 40% are unlocked by a coupon code; the rest apply automatically when their conditions hold.
    const code = random.below(10) < 4 ? `CODE${i}` : null;
    const dice = random.below(100);
    const kind = onlyKind ? kindStart[onlyKind] : dice;
    if (kind < 40) {
      promotions.push({ id, code, kind: "percentOffItems", target: randomTarget(random), percent: 5 + random.below(31) });
    } else if (kind < 70) {
      promotions.push({ id, code, kind: "amountOffItems", target: randomTarget(random), amountCents: 100 * (1 + random.below(6)) });
    } else if (kind < 80) {
      promotions.push({ id, code, kind: "orderThreshold", minSubtotalCents: 100 * (600 + random.below(1000)), amountCents: 100 * (5 + random.below(16)) });
    } else if (kind < 92) {
      // Buy N of one product's variants, get one unit of a variant of another product free, once per cart. The two
      // sets never overlap, so "a unit bought is never the unit given" (Cartcore, Medusa) and Vendure's "the
      // cheapest Y line" pick the same unit.
      const buyProduct = random.below(PRODUCTS);
      const getProduct = (buyProduct + 1 + random.below(PRODUCTS - 1)) % PRODUCTS;
      promotions.push({
        id,
        code,
        kind: "buyXGetY",
        buyProduct: productId(buyProduct),
        buyVariants: Array.from({ length: VARIANTS_PER_PRODUCT }, (_, v) => variantId(buyProduct, v)),
        buyQuantity: 1 + random.below(2),
        getVariant: variantId(getProduct, random.below(VARIANTS_PER_PRODUCT)),
      });
    } else {
      promotions.push({ id, code, kind: "freeShipping", minSubtotalCents: 100 * (500 + random.below(1000)) });
    }
  }
  const group = { buyXGetY: 0, percentOffItems: 1, amountOffItems: 1, orderThreshold: 2, freeShipping: 3 };
  // Medusa orders by application_method.value (percent, or amount in major units), largest first.
  const medusaValue = (p) => (p.kind === "percentOffItems" ? p.percent : (p.amountCents ?? 0) / 100);
  const numericId = (p) => Number(p.id.slice(5));
  promotions.sort((a, b) => group[a.kind] - group[b.kind] || medusaValue(b) - medusaValue(a) || numericId(a) - numericId(b));
  return promotions;
}

/**
 * 10-line carts of distinct variants, quantity 1-3, each presenting one coupon (usually a real one). Random carts
 * would almost never hold both sides of a buy-X-get-Y offer, so half of the carts start with one such pair.
 */
function makeCarts(count, catalog, promotions, random) {
  const codes = promotions.filter((p) => p.code).map((p) => p.code);
  const buyGetOffers = promotions.filter((p) => p.kind === "buyXGetY");
  const variantsById = new Map(catalog.flatMap((product) => product.variants.map((v) => [v.id, { product: product.id, ...v }])));
  const carts = [];
  for (let c = 0; c < count; c++) {
    const seen = new Set();
    const lines = [];
    const add = (variantIdToAdd, quantity) => {
      if (seen.has(variantIdToAdd)) return;
      seen.add(variantIdToAdd);
      const variant = variantsById.get(variantIdToAdd);
      lines.push({ id: `l${lines.length}`, product: variant.product, variant: variant.id, unitPriceCents: variant.priceCents, quantity });
    };
    let offerCode = null;
    if (buyGetOffers.length && random.below(2) === 0) {
      const offer = buyGetOffers[random.below(buyGetOffers.length)];
      add(offer.buyVariants[random.below(offer.buyVariants.length)], offer.buyQuantity + random.below(2));
      add(offer.getVariant, 1 + random.below(3));
      offerCode = offer.code; // a shopper who fills a cart for an offer also enters its code
    }
    while (lines.length < LINES_PER_CART) {
      const product = catalog[random.below(PRODUCTS)];
      add(product.variants[random.below(VARIANTS_PER_PRODUCT)].id, 1 + random.below(3));
    }
    const drawn = codes.length && random.below(10) < 7 ? codes[random.below(codes.length)] : "NOSUCHCODE";
    const coupons = [offerCode ?? drawn];
    carts.push({ id: `cart${c}`, lines, coupons });
  }
  return carts;
}

/**
 * The whole workload for one promotion count; the same arguments give the same data. `onlyKind` makes every
 * promotion of one kind (the agreement check isolates each kind's semantics this way).
 */
export function makeWorkload({ promotionCount, cartCount, seed = 7, onlyKind = null }) {
  const random = makeRandom(seed * 1000003 + promotionCount);
  const catalog = makeCatalog(random);
  const promotions = makePromotions(promotionCount, random, onlyKind);
  const carts = makeCarts(cartCount, catalog, promotions, random);
  return { promotionCount, catalog, promotions, carts };
}

// ---- Cartcore's input format (docs/FORMAT.md) ----

export const money = (cents) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

function cartcoreSelector(target) {
  return target.product ? { products: [target.product] } : { variants: target.variants };
}

/** The store config. Priorities encode the workload's order of application (the first promotion is highest). */
export function toCartcoreConfig(workload) {
  const count = workload.promotions.length;
  const promotions = workload.promotions.map((p, index) => {
    const common = { id: p.id, name: p.id, priority: count - index, ...(p.code ? { coupons: [p.code] } : {}) };
    switch (p.kind) {
      case "percentOffItems":
        return { ...common, type: "itemDiscount", selector: cartcoreSelector(p.target), discount: { percentOff: String(p.percent) } };
      case "amountOffItems":
        return { ...common, type: "itemDiscount", selector: cartcoreSelector(p.target), discount: { amountOff: money(p.amountCents) } };
      case "orderThreshold":
        return { ...common, type: "spendThreshold", tiers: [{ minSubtotal: money(p.minSubtotalCents), amountOff: money(p.amountCents) }] };
      case "buyXGetY":
        return {
          ...common,
          type: "buyXGetY",
          buy: { selector: { products: [p.buyProduct] }, quantity: p.buyQuantity },
          get: { selector: { variants: [p.getVariant] }, quantity: 1 },
          maxApplications: 1,
        };
      case "freeShipping":
        return { ...common, type: "freeShipping", conditions: { minSubtotal: money(p.minSubtotalCents) } };
      default:
        throw new Error(`unknown promotion kind ${p.kind}`);
    }
  });
  return {
    schemaVersion: 1,
    store: { name: `Peer bench (${count} promotions)`, currency: "USD" },
    catalog: {
      products: workload.catalog.map((product) => ({
        id: product.id,
        name: product.id,
        variants: product.variants.map((v) => ({ id: v.id, price: money(v.priceCents) })),
      })),
    },
    priceRules: [],
    promotions,
  };
}

export function toCartcoreRequest(cart) {
  return {
    schemaVersion: 1,
    currency: "USD",
    now: NOW,
    coupons: cart.coupons,
    lines: cart.lines.map((line) => ({ id: line.id, variant: line.variant, quantity: line.quantity })),
  };
}

/** The figures the agreement check compares, from a Cartcore quote (parsed JSON). */
export function cartcoreOutcome(quote) {
  return { itemsTotalCents: Math.round(Number(quote.totals.total) * 100), freeShipping: Boolean(quote.freeShipping) };
}

/** The promotion kinds all three engines support, in the order the agreement table lists them. */
export const KINDS = ["percentOffItems", "amountOffItems", "orderThreshold", "buyXGetY", "freeShipping"];
