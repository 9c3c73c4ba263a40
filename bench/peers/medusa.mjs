// SPDX-License-Identifier: MIT
// Medusa peer: the real PromotionModuleService.computeActions from @medusajs/promotion 2.21, fed from memory.
//
// computeActions loads its promotions through a MikroORM repository (Postgres). No database runs here, so the
// service is constructed with an in-memory promotion store in place of its data services; everything after the
// load (rule checks, buy-get, item/order/shipping allocation, BigNumber maths, decorators) is Medusa's own code.
// Two things are therefore NOT timed, both of which a real deployment pays on top:
//   - the SQL that loads promotions with their 9 relations (our store returns the already-built objects);
//   - buildPromotionRuleQueryFilterFromContext, which only builds that SQL's prefilter: it is replaced with
//     "no prefilter", so the in-memory store hands every automatic promotion to the JS loop, which re-checks each
//     promotion's rules itself (the workload's promotion-level rules are only the subtotal thresholds).
import { createRequire } from "node:module";
import { SHIPPING_CENTS } from "./workload.mjs";

const require = createRequire(import.meta.url);
const prefilter = require("@medusajs/promotion/dist/utils/compute-actions/build-promotion-rule-query-filter-from-context.js");
prefilter.buildPromotionRuleQueryFilterFromContext = async () => null;
const PromotionModuleService = require("@medusajs/promotion/dist/services/promotion-module.js").default;
export const medusaVersion = require("@medusajs/promotion/package.json").version;

const major = (cents) => cents / 100;
const rule = (attribute, operator, values) => ({ attribute, operator, values: values.map((value) => ({ value: String(value) })) });

/** One workload promotion as Medusa stores it (promotion + application_method + rules, relations loaded). */
export function toMedusaPromotion(p) {
  const base = {
    id: p.id,
    code: p.code ?? p.id.toUpperCase(), // Medusa requires a code; automatic ones are never typed in
    is_automatic: !p.code,
    status: "active",
    is_tax_inclusive: false,
    campaign_id: null,
    campaign: null,
    limit: null,
    rules: [],
  };
  const targetRules = (target) => (target.product ? [rule("items.product_id", "in", [target.product])] : [rule("items.variant_id", "in", target.variants)]);
  switch (p.kind) {
    case "percentOffItems":
    case "amountOffItems":
      return {
        ...base,
        type: "standard",
        application_method: {
          type: p.kind === "percentOffItems" ? "percentage" : "fixed",
          target_type: "items",
          allocation: "each",
          value: p.kind === "percentOffItems" ? p.percent : major(p.amountCents),
          // Medusa's "each" allocation discounts max_quantity units of a line (default 1); every unit should count.
          max_quantity: 1000,
          target_rules: targetRules(p.target),
          buy_rules: [],
        },
      };
    case "orderThreshold":
      return {
        ...base,
        type: "standard",
        rules: [rule("subtotal", "gte", [major(p.minSubtotalCents)])],
        application_method: { type: "fixed", target_type: "order", allocation: "across", value: major(p.amountCents), target_rules: [], buy_rules: [] },
      };
    case "buyXGetY":
      return {
        ...base,
        type: "buyget",
        application_method: {
          type: "percentage",
          target_type: "items",
          allocation: "each",
          value: 100,
          buy_rules_min_quantity: p.buyQuantity,
          apply_to_quantity: 1,
          max_quantity: 1, // once per cart
          buy_rules: [rule("items.product_id", "in", [p.buyProduct])],
          target_rules: [rule("items.variant_id", "eq", [p.getVariant])],
        },
      };
    case "freeShipping":
      return {
        ...base,
        type: "standard",
        rules: [rule("subtotal", "gte", [major(p.minSubtotalCents)])],
        application_method: { type: "percentage", target_type: "shipping_methods", allocation: "each", value: 100, max_quantity: 1, target_rules: [], buy_rules: [] },
      };
    default:
      throw new Error(`unknown promotion kind ${p.kind}`);
  }
}

/** The computeActions context for one cart: what Medusa's cart workflow passes (items, shipping, subtotal). */
export function toMedusaContext(cart) {
  const items = cart.lines.map((line) => ({
    id: line.id,
    quantity: line.quantity,
    subtotal: major(line.unitPriceCents * line.quantity),
    original_total: major(line.unitPriceCents * line.quantity),
    product_id: line.product,
    variant_id: line.variant,
    is_discountable: true,
  }));
  const subtotalCents = cart.lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
  return {
    currency_code: "usd",
    subtotal: major(subtotalCents),
    items,
    shipping_methods: [{ id: "ship0", subtotal: major(SHIPPING_CENTS), original_total: major(SHIPPING_CENTS) }],
  };
}

/**
 * An in-memory stand-in for the promotion data service: returns the promotions a query asks for (by code, or
 * automatic), with relations already attached, ordered as computeActions requests (application value, descending).
 */
function makePromotionStore(promotions) {
  const sorted = [...promotions].sort((a, b) => b.application_method.value - a.application_method.value);
  const automatic = sorted.filter((p) => p.is_automatic);
  // computeActions asks for `{ $or: [{ code: [...] }, { is_automatic: true }] }` wrapped in status/campaign
  // clauses; the codes are the only part that selects anything beyond "every automatic promotion".
  const wantedCodes = (filter, found = new Set()) => {
    if (Array.isArray(filter)) filter.forEach((clause) => wantedCodes(clause, found));
    else if (filter && typeof filter === "object") {
      for (const [key, value] of Object.entries(filter)) {
        if (key === "code") [value].flat().forEach((code) => found.add(code));
        else wantedCodes(value, found);
      }
    }
    return found;
  };
  return {
    async list(filter, config) {
      if (config?.select?.length === 1 && config.select[0] === "id") return automatic.map((p) => ({ id: p.id }));
      const codes = wantedCodes(filter);
      return sorted.filter((p) => p.is_automatic || codes.has(p.code));
    },
  };
}

/** A Medusa engine for one workload: quote(cart) resolves to its computed actions and the comparable outcome. */
export function createMedusaPeer(workload) {
  const store = makePromotionStore(workload.promotions.map(toMedusaPromotion));
  const service = new PromotionModuleService(
    {
      baseRepository: { getFreshManager: () => ({}), serialize: async (value) => value },
      promotionService: store,
      campaignBudgetUsageService: { list: async () => [] },
    },
    {},
  );
  const contexts = new Map(workload.carts.map((cart) => [cart.id, toMedusaContext(cart)]));
  return {
    name: "Medusa",
    /** Times exactly one computeActions call per cart (the context is built once, outside the timing). */
    async run(cart) {
      return service.computeActions(cart.coupons, contexts.get(cart.id));
    },
    outcome(cart, actions) {
      // Medusa keeps unrounded BigNumber amounts; a shop would round the resulting total to the cent once.
      let discount = 0;
      let freeShipping = false;
      for (const action of actions) {
        if (action.action === "addItemAdjustment") discount += Number(action.amount);
        if (action.action === "addShippingMethodAdjustment" && Number(action.amount) >= major(SHIPPING_CENTS) - 1e-9) freeShipping = true;
      }
      const subtotalCents = cart.lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
      return { itemsTotalCents: Math.round(subtotalCents - discount * 100), freeShipping };
    },
  };
}
