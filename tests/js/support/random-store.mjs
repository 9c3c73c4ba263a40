// SPDX-License-Identifier: MIT
// Seeded, reproducible generators of store configs and carts covering every rule type in docs/FORMAT.md, for
// the native-vs-WASM parity test. Mostly valid input (so the pricing paths run), with a few deliberately
// broken configs and carts so the error paths are compared too. Same seed, same bytes, on every machine.

/** sfc32: a small, fast, well-distributed 32-bit PRNG; deterministic across JS engines. */
export function makeRandom(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 15; i++) next(); // mix the seed in
  const random = {
    next,
    /** Integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    /** k distinct items, in list order. */
    some(list, k) {
      const chosen = list.filter(() => true);
      for (let i = chosen.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
      }
      const keep = new Set(chosen.slice(0, Math.min(k, list.length)));
      return list.filter((item) => keep.has(item));
    },
  };
  return random;
}

const CURRENCIES = [
  { code: "USD", exponent: 2 },
  { code: "EUR", exponent: 2 },
  { code: "JPY", exponent: 0 },
  { code: "KWD", exponent: 3 },
];
const CATEGORIES = ["apparel", "tees", "hoodies", "mugs", "books", "gifts", "sale", "new"];
const COLORS = ["black", "white", "red", "navy", "grün", "水色"];
const SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const SEGMENTS = ["vip", "staff", "student", "wholesale"];
const NAMES = ["Classic Tee", "Crème Hoodie", "Mug ☕", "Notebook", "Émoji 😀 Pack", "Sticker \"Quote\"", "Tote\tBag"];
const DAY = Date.UTC(2026, 10, 27, 0, 0, 0);
const HOUR = 3_600_000;

/** Minor units -> the decimal string for a currency exponent, e.g. (1999, 2) -> "19.99". */
export function formatMoney(minor, exponent) {
  const digits = String(minor).padStart(exponent + 1, "0");
  return exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

function isoTime(ms) {
  return new Date(ms).toISOString();
}

function percent(random) {
  const whole = random.pick([5, 10, 12, 15, 20, 25, 33, 50, 75, 100]);
  return random.chance(0.2) ? `${whole - 1}.${random.int(1, 9999)}`.replace(/0+$/, "") : String(whole);
}

/** A random store config (as a JS object) plus what carts need to know about it. */
export function randomStore(random) {
  const currency = random.pick(CURRENCIES);
  const money = (minor) => formatMoney(minor, currency.exponent);
  const unitScale = currency.exponent === 0 ? 100 : 1; // JPY prices are whole yen, of similar magnitude
  const products = [];
  const variants = [];
  const usedColors = new Set();
  const usedSizes = new Set();
  const usedCategories = new Set();
  const productCount = random.int(1, 8);
  for (let p = 0; p < productCount; p++) {
    const categories = random.some(CATEGORIES, random.int(0, 3));
    categories.forEach((c) => usedCategories.add(c));
    const product = {
      id: `p${p}`,
      name: random.pick(NAMES),
      categories,
      attributes: { fabric: random.pick(["cotton", "wool", "ceramic"]) },
      variants: [],
    };
    if (random.chance(0.3)) product.taxClass = random.pick(["standard", "reduced"]);
    for (let v = 0, n = random.int(1, 4); v < n; v++) {
      const color = random.pick(COLORS);
      const size = random.pick(SIZES);
      usedColors.add(color);
      usedSizes.add(size);
      const price = random.int(1, 20000) * unitScale;
      const variant = { id: `p${p}-v${v}`, attributes: { color, size }, price: money(price) };
      if (random.chance(0.3)) variant.sku = `SKU-${p}-${v}`;
      if (random.chance(0.2)) variant.cost = money(Math.floor(price / 2));
      if (random.chance(0.2)) variant.lowStockLevel = random.int(0, 10);
      if (random.chance(0.2)) variant.categories = ["extra"];
      product.variants.push(variant);
      variants.push(variant.id);
    }
    products.push(product);
  }

  const productIds = products.map((p) => p.id);
  const selector = (depth = 0) => {
    const kind = random.int(0, depth > 1 ? 5 : 8);
    switch (kind) {
      case 0:
        return { everything: true };
      case 1:
        return { products: random.some(productIds, random.int(1, 3)) };
      case 2:
        return { variants: random.some(variants, random.int(1, 4)) };
      case 3:
        return usedCategories.size ? { categories: random.some([...usedCategories], random.int(1, 2)) } : { everything: true };
      case 4:
        return { attribute: "size", in: random.some([...usedSizes], random.int(1, 3)) };
      case 5:
        return { attribute: "color", equals: random.pick([...usedColors]) };
      case 6:
        return { all: [selector(depth + 1), selector(depth + 1)] };
      case 7:
        return { any: [selector(depth + 1), selector(depth + 1)] };
      default:
        return random.chance(0.5) ? { not: selector(depth + 1) } : { attribute: "size", notIn: random.some(SIZES, 2) };
    }
  };
  const priceChange = (fixedKey) => {
    const kind = random.int(0, 2);
    if (kind === 0) return { percentOff: percent(random) };
    if (kind === 1) return { amountOff: money(random.int(1, 500) * unitScale) };
    return { [fixedKey]: money(random.int(0, 5000) * unitScale) };
  };
  const window = () => {
    const start = DAY + random.int(-12, 12) * HOUR + random.int(0, 59) * 60_000;
    return { startsAt: isoTime(start), endsAt: isoTime(start + random.int(1, 12) * HOUR) };
  };

  const priceRules = [];
  for (let r = 0, n = random.int(0, 4); r < n; r++) {
    const type = random.pick(["tiered", "memberPrice", "flashSale"]);
    const rule = { id: `rule-${r}`, name: `Rule ${r}`, type, selector: selector() };
    if (type === "tiered") {
      if (random.chance(0.5)) rule.scope = random.pick(["line", "mixAndMatch"]);
      let min = 0;
      rule.tiers = [];
      for (let t = 0, k = random.int(1, 3); t < k; t++) {
        min += random.int(1, 4);
        rule.tiers.push({ minQuantity: min, ...priceChange("unitPrice") });
      }
    } else if (type === "memberPrice") {
      rule.segments = random.some(SEGMENTS, random.int(1, 2));
      Object.assign(rule, priceChange("unitPrice"));
    } else {
      Object.assign(rule, window(), priceChange("unitPrice"));
    }
    priceRules.push(rule);
  }

  const coupons = [];
  const promotions = [];
  for (let p = 0, n = random.int(0, 6); p < n; p++) {
    const type = random.pick(["itemDiscount", "buyXGetY", "bundle", "spendThreshold", "freeShipping"]);
    const promo = { id: `promo-${p}`, name: `Promotion ${p} «${type}»`, type };
    if (random.chance(0.6)) promo.priority = random.int(-2, 5);
    if (random.chance(0.3)) promo.stacking = random.pick(["stackable", "exclusive", "stopAfter"]);
    if (random.chance(0.25)) promo.exclusionGroup = random.pick(["g1", "g2"]);
    if (random.chance(0.25)) promo.percentBase = random.pick(["current", "original"]);
    if (random.chance(0.25)) {
      const code = `CODE${p}${random.pick(["", "X", "ß"])}`;
      promo.coupons = [code];
      coupons.push(code);
    }
    if (type === "itemDiscount") {
      promo.selector = selector();
      promo.discount = priceChange("fixedPrice");
    } else if (type === "buyXGetY") {
      promo.buy = { selector: selector(), quantity: random.int(1, 3) };
      promo.get = { selector: selector(), quantity: random.int(1, 2) };
      if (random.chance(0.5)) promo.get.discount = priceChange("fixedPrice");
      if (random.chance(0.4)) promo.maxApplications = random.int(1, 3);
      if (random.chance(0.3)) promo.discountedUnits = random.pick(["cheapest", "mostExpensive"]);
    } else if (type === "bundle") {
      promo.components = [];
      for (let c = 0, k = random.int(1, 3); c < k; c++) promo.components.push({ selector: selector(), quantity: random.int(1, 2) });
      if (random.chance(0.5)) promo.bundlePrice = money(random.int(100, 20000) * unitScale);
      else promo.percentOff = percent(random);
      if (random.chance(0.4)) promo.maxApplications = random.int(1, 3);
    } else if (type === "spendThreshold") {
      if (random.chance(0.5)) promo.selector = selector();
      let min = 0;
      promo.tiers = [];
      for (let t = 0, k = random.int(1, 3); t < k; t++) {
        min += random.int(1, 10000) * unitScale;
        const change = random.chance(0.5) ? { percentOff: percent(random) } : { amountOff: money(random.int(1, 3000) * unitScale) };
        promo.tiers.push({ minSubtotal: money(min), ...change });
      }
    } else if (random.chance(0.5)) {
      promo.selector = selector();
    }
    if (random.chance(0.4)) {
      const conditions = {};
      if (random.chance(0.3)) conditions.segments = random.some(SEGMENTS, random.int(1, 2));
      if (random.chance(0.3)) conditions.window = window();
      if (random.chance(0.3)) conditions.minSubtotal = money(random.int(1, 20000) * unitScale);
      if (random.chance(0.3)) conditions.minQuantity = random.int(1, 6);
      if (random.chance(0.2)) conditions.currencies = random.some(["USD", "EUR", "JPY", "KWD"], 2);
      if (random.chance(0.2)) conditions.stockGuard = { selector: selector(), minAvailable: random.int(1, 20) };
      promo.conditions = conditions;
    }
    promotions.push(promo);
  }

  const config = {
    schemaVersion: 1,
    store: { name: "Parity Store", currency: currency.code, lowStockLevel: random.int(0, 8) },
    catalog: { products },
    priceRules,
    promotions,
  };
  // Now and then a price near the int64 limit of minor units, so overflow handling (amount_overflow, or not)
  // is compared too: both builds use 64-bit integers, and this is where they would part if either did not.
  // The core accepts amounts up to 10^15 minor units; 10^15 x 100,000 units leaves int64.
  let hugeVariant;
  if (random.chance(0.03)) {
    hugeVariant = products[0].variants[0].id;
    products[0].variants[0].price = formatMoney(BigInt(random.int(1, 10)) * 10n ** 14n, currency.exponent);
  }
  // A few broken configs, so compile errors (code, pointer, message) are compared as well.
  if (random.chance(0.03)) {
    const breakage = random.int(0, 3);
    if (breakage === 0) config.store.currency = "XXQ";
    else if (breakage === 1) products[0].variants[0].price = "12.3456789";
    else if (breakage === 2) config.catalog.products.push({ ...products[0] });
    else config.promotions.push({ id: "typo", type: "itemDiscount", selector: { everything: true }, discount: { percentOff: "10" }, prority: 3 });
  }
  return { config, currency, variants, coupons, hugeVariant };
}

/** A random cart for a store from randomStore(). */
export function randomCart(random, store) {
  const lines = [];
  const lineCount = random.int(1, 10);
  for (let i = 0; i < lineCount; i++) {
    const line = { id: `line-${String(i).padStart(2, "0")}`, variant: random.pick(store.variants), quantity: random.int(1, 12) };
    if (random.chance(0.05)) line.quantity = random.int(13, 400);
    if (random.chance(0.1)) delete line.id; // defaults to the variant id; may collide, which is a compared error
    lines.push(line);
  }
  if (store.hugeVariant && random.chance(0.3)) {
    lines.push({ id: "line-huge", variant: store.hugeVariant, quantity: random.int(1000, 100000) });
  }
  const request = {
    schemaVersion: 1,
    currency: store.currency.code,
    now: isoTime(DAY + random.int(-14, 14) * HOUR + random.int(0, 3_599_999)),
    lines,
  };
  if (random.chance(0.3)) request.customer = { segments: random.some(SEGMENTS, random.int(0, 2)) };
  if (random.chance(0.4)) {
    const codes = random.some(store.coupons, random.int(0, 2)).map((c) => (random.chance(0.5) ? c.toLowerCase() : c));
    if (random.chance(0.3)) codes.push("NOPE");
    request.coupons = codes;
  }
  if (random.chance(0.4)) {
    request.stock = {};
    for (const variant of random.some(store.variants, random.int(1, 4))) request.stock[variant] = random.int(0, 30);
  }
  if (random.chance(0.04)) {
    const breakage = random.int(0, 3);
    if (breakage === 0) lines[0].variant = "no-such-variant";
    else if (breakage === 1) lines[0].quantity = 1.5;
    else if (breakage === 2) request.currency = store.currency.code === "USD" ? "EUR" : "USD";
    else request.now = "yesterday";
  }
  return request;
}

/**
 * `cartCount` (config text, request text) pairs from one seed: each store gets `cartsPerStore` carts.
 * @returns {{config: string, request: string}[]}
 */
export function randomCases(seed, cartCount, cartsPerStore = 50) {
  const random = makeRandom(seed);
  const cases = [];
  while (cases.length < cartCount) {
    const store = randomStore(random);
    const config = JSON.stringify(store.config);
    for (let i = 0; i < cartsPerStore && cases.length < cartCount; i++) {
      cases.push({ config, request: JSON.stringify(randomCart(random, store)) });
    }
  }
  return cases;
}
