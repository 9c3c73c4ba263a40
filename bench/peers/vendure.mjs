// SPDX-License-Identifier: MIT
// Vendure peer: @vendure/core 3.7's own OrderCalculator.applyPriceAdjustments (promotions + taxes + shipping on an
// Order entity), with Vendure's default promotion conditions and actions. Vendure is GPL-licensed: it is installed
// from npm and called here, never copied.
//
// The calculator is a NestJS service whose collaborators read the database. It is constructed directly with
// in-memory collaborators: one tax zone with a 0% rate (so totals are pre-tax like the other engines), a flat
// 5.00 shipping method, Vendure's default tax and discount-distribution strategies, and a request-context cache.
// Not timed, and paid on top by a real deployment: loading the order, its lines and the active promotions from
// the database, and saving the result.
import { createRequire } from "node:module";
import { SHIPPING_CENTS } from "./workload.mjs";

const require = createRequire(import.meta.url);
const vendure = require("@vendure/core");
export const vendureVersion = require("@vendure/core/package.json").version;

const {
  Channel,
  DefaultOrderLineDiscountDistributionStrategy,
  DefaultOrderTaxCalculationStrategy,
  DefaultTaxLineCalculationStrategy,
  DefaultTaxZoneStrategy,
  LanguageCode,
  Order,
  OrderCalculator,
  OrderLine,
  ProductVariant,
  Promotion,
  PromotionItemAction,
  RequestContext,
  ShippingLine,
  TaxCategory,
  TaxRate,
  Zone,
  defaultPromotionActions,
  defaultPromotionConditions,
} = vendure;

/**
 * Vendure ships no "fixed amount off each unit of these variants" action (only per line or per order), so this is
 * one, written against Vendure's public PromotionItemAction API the way a shop adds its own. A unit never goes
 * below zero.
 */
const productsFixedDiscount = new PromotionItemAction({
  code: "cartcore_bench_products_fixed_discount",
  description: [{ languageCode: LanguageCode.en, value: "Take { discount } off each unit of the specified variants" }],
  args: { discount: { type: "int" }, productVariantIds: { type: "ID", list: true } },
  execute(ctx, orderLine, args) {
    if (!args.productVariantIds.includes(String(orderLine.productVariant.id))) return 0;
    return -Math.min(args.discount, orderLine.unitPrice);
  },
});

const conditions = [...defaultPromotionConditions];
const actions = [...defaultPromotionActions, productsFixedDiscount];
const arg = (name, value) => ({ name, value: typeof value === "string" ? value : JSON.stringify(value) });

/** One workload promotion as a Vendure Promotion entity (conditions + actions with string-encoded args). */
export function toVendurePromotion(p, index) {
  const spec = (() => {
    switch (p.kind) {
      case "percentOffItems":
        return {
          conditions: [],
          actions: [{ code: "products_percentage_discount", args: [arg("discount", String(p.percent)), arg("productVariantIds", p.target.variants)] }],
        };
      case "amountOffItems":
        return {
          conditions: [],
          actions: [{ code: productsFixedDiscount.code, args: [arg("discount", String(p.amountCents)), arg("productVariantIds", p.target.variants)] }],
        };
      case "orderThreshold":
        return {
          conditions: [{ code: "minimum_order_amount", args: [arg("amount", String(p.minSubtotalCents)), arg("taxInclusive", "false")] }],
          actions: [{ code: "order_fixed_discount", args: [arg("discount", String(p.amountCents))] }],
        };
      case "buyXGetY":
        return {
          conditions: [
            {
              code: "buy_x_get_y_free",
              args: [arg("amountX", String(p.buyQuantity)), arg("variantIdsX", p.buyVariants), arg("amountY", "1"), arg("variantIdsY", [p.getVariant])],
            },
          ],
          actions: [{ code: "buy_x_get_y_free", args: [] }],
        };
      case "freeShipping":
        return {
          conditions: [{ code: "minimum_order_amount", args: [arg("amount", String(p.minSubtotalCents)), arg("taxInclusive", "false")] }],
          actions: [{ code: "free_shipping", args: [] }],
        };
      default:
        throw new Error(`unknown promotion kind ${p.kind}`);
    }
  })();
  return new Promotion({
    id: p.id,
    name: p.id,
    enabled: true,
    couponCode: p.code ?? null,
    perCustomerUsageLimit: null,
    usageLimit: null,
    priorityScore: index,
    ...spec,
    promotionConditions: conditions,
    promotionActions: actions,
  });
}

/** Vendure's calculator with in-memory collaborators (see the header). */
function makeCalculator() {
  const zone = new Zone({ id: "zone", name: "Everywhere", members: [] });
  const taxRate = new TaxRate({ id: "zero", name: "No tax", value: 0, enabled: true, category: new TaxCategory({ id: "standard", name: "standard" }), zone });
  const config = {
    taxOptions: {
      taxZoneStrategy: new DefaultTaxZoneStrategy(),
      taxLineCalculationStrategy: new DefaultTaxLineCalculationStrategy(),
      orderTaxCalculationStrategy: new DefaultOrderTaxCalculationStrategy(),
    },
    orderOptions: { orderLineDiscountDistributionStrategy: new DefaultOrderLineDiscountDistributionStrategy() },
  };
  const flatShipping = { id: "flat", test: async () => true, apply: async () => ({ price: SHIPPING_CENTS, priceIncludesTax: false, taxRate: 0 }) };
  const cache = new Map();
  const calculator = new OrderCalculator(
    config,
    { getAllWithMembers: async () => [zone] },
    { getApplicableTaxRate: async () => taxRate },
    { findOne: async () => flatShipping },
    {},
    { get: async (ctx, key, compute) => (cache.has(key) ? cache.get(key) : (cache.set(key, await compute()), cache.get(key))) },
  );
  const channel = new Channel({ id: "default", code: "default", pricesIncludeTax: false, defaultCurrencyCode: "USD", defaultTaxZone: zone, defaultShippingZone: zone, defaultLanguageCode: "en" });
  const ctx = new RequestContext({ apiType: "shop", channel, isAuthorized: true, authorizedAsOwnerOnly: false });
  return { calculator, ctx };
}

/** A fresh Order entity for one cart (the calculator mutates it). */
export function toVendureOrder(cart) {
  const lines = cart.lines.map(
    (line) =>
      new OrderLine({
        id: line.id,
        quantity: line.quantity,
        orderPlacedQuantity: 0,
        listPrice: line.unitPriceCents,
        listPriceIncludesTax: false,
        adjustments: [],
        taxLines: [],
        taxCategoryId: "standard",
        productVariant: new ProductVariant({ id: line.variant }),
        shippingLineId: "ship0",
      }),
  );
  const shippingLine = new ShippingLine({ id: "ship0", shippingMethodId: "flat", listPrice: SHIPPING_CENTS, listPriceIncludesTax: false, adjustments: [], taxLines: [] });
  return new Order({ id: cart.id, code: cart.id, currencyCode: "USD", couponCodes: cart.coupons, lines, shippingLines: [shippingLine], surcharges: [], promotions: [] });
}

/** A Vendure engine for one workload: run(cart) prices a fresh Order entity for the cart. */
export function createVendurePeer(workload) {
  const promotions = workload.promotions.map(toVendurePromotion);
  const { calculator, ctx } = makeCalculator();
  return {
    name: "Vendure",
    /** Times building the 10-line Order entity and one applyPriceAdjustments call. */
    async run(cart) {
      return calculator.applyPriceAdjustments(ctx, toVendureOrder(cart), promotions);
    },
    outcome(cart, order) {
      // Vendure does not floor shipping: every qualifying free-shipping promotion takes the full price off again,
      // so shipping can go negative. "Free" here is "nothing left to pay for shipping".
      return { itemsTotalCents: order.subTotal, freeShipping: order.shipping <= 0, shippingCents: order.shipping };
    },
  };
}
