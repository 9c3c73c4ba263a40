// SPDX-License-Identifier: MIT
// Hand-written public types of the "cartcore" package (js/cartcore.mjs). Wire formats: docs/FORMAT.md.
// Money is always a decimal string in the currency's minor-unit exponent ("19.99", "1500" for JPY); it never
// crosses as a JS number. Quantities are integers.

/** A decimal amount in the store currency's exponent, e.g. "19.99". Negative adjustments start with "-". */
export type Money = string;

/** JSON text, or a plain object that the facade serializes with JSON.stringify. */
export type JsonInput = string | object;

/** Stable error codes from the core (docs/FORMAT.md), plus the facade's own last three. */
export type CartcoreErrorCode =
  | "malformed_json"
  | "payload_too_large"
  | "unsupported_schema_version"
  | "unknown_field"
  | "missing_field"
  | "invalid_type"
  | "invalid_value"
  | "out_of_range"
  | "unknown_currency"
  | "currency_mismatch"
  | "duplicate_id"
  | "unknown_reference"
  | "too_many_items"
  | "amount_overflow"
  | "internal_error"
  | "missing_rate"
  | "stale_rates"
  | "missing_tax_rate"
  | "missing_cost"
  | "shipping_unavailable"
  | "too_complex"
  /** A disposed Engine was used. */
  | "engine_disposed"
  /** The .wasm reports another version than this JavaScript package. */
  | "version_mismatch"
  /** The WebAssembly instance could not start, or trapped; load a new one. */
  | "instance_failed";

/** An error from Cartcore: a stable code, the JSON pointer of the offending field, and a sentence. */
export class CartcoreError extends Error {
  readonly name: "CartcoreError";
  readonly code: CartcoreErrorCode;
  /** JSON pointer into the config or request, e.g. "/lines/0/quantity"; "" for the whole document. */
  readonly pointer: string;
  constructor(code: CartcoreErrorCode, pointer: string, message: string);
}

/** The stock-dependent facts a hold's quote used (docs/FORMAT.md "Holds"); a request's `heldFacts` re-prices with them. */
export interface HeldFacts {
  /** When the hold was quoted (ISO 8601 UTC). */
  quotedAt: string;
  /** Available units per variant as the quote read them; null = unknown then. */
  stock: Record<string, number | null>;
}

/** One signed change to a line's total (negative = saving). */
export interface Adjustment {
  source: "priceRule" | "promotion";
  id: string;
  name: string;
  amount: Money;
}

export interface UnitPrice {
  quantity: number;
  unitPrice: Money;
}

export interface QuotedLine {
  id: string;
  variant: string;
  sku: string;
  name: string;
  quantity: number;
  listUnitPrice: Money;
  listTotal: Money;
  /** In application order. */
  adjustments: Adjustment[];
  /** What each unit finally costs, dearest first. */
  unitPrices: UnitPrice[];
  total: Money;
  /** Present when the request's stock snapshot shows fewer units than the low-stock level. */
  lowStock?: { remaining: number };
  /** The line's share of every tax rate (stores with `tax`). */
  tax?: Money;
}

/** Why a price rule or promotion did or did not apply. */
export interface RuleOutcome {
  id: string;
  name: string;
  /** Stable code, e.g. "applied", "min_subtotal_not_met", "blocked_by_exclusive". */
  reason: string;
  /** A sentence for shoppers and support agents. */
  message: string;
  /** Total saving, when applied. */
  amount?: Money;
  /** For min_subtotal_not_met: how much more to spend. */
  amountNeeded?: Money;
  /** For quantity conditions: how many more units. */
  quantityNeeded?: number;
  /** The rule that blocked or beat this one. */
  by?: string;
  /** The coupon code that unlocked it. */
  coupon?: string;
  /** For stacking_condition_not_met: the stacksWhen field that fails. */
  missing?: "segments" | "minSubtotal" | "coupons";
}

export interface RuleOutcomes {
  applied: RuleOutcome[];
  /** Absent when the request asked for `"explain": "applied"`. */
  notApplied?: RuleOutcome[];
}

/** The languages of the message catalog (docs/FORMAT.md "Languages"). */
export type Locale = "en" | "de" | "fr" | "es";

export interface CouponOutcome {
  /** Normalized (upper case). */
  code: string;
  status: "applied" | "not_applied" | "unknown";
  /** "not_in_best_deal" for a held code the best deal leaves out. */
  reason: string;
  message: string;
  promotion?: string;
}

export interface ShippingOption {
  id: string;
  name: string;
  listAmount: Money;
  amount: Money;
  /** A promotion id, or "threshold" for the method's own freeAbove. */
  freeBy?: string;
  /** What the items still need for the method's freeAbove. */
  amountToFree?: Money;
}

export interface MarginFigures {
  /** Net of tax. */
  revenue: Money;
  cost: Money;
  margin: Money;
  /** Margin as a percentage of revenue, e.g. "40.03". */
  percent: string;
}

export interface DealChoice {
  codes: string[];
  /** What the shopper pays: the grand total when shipping or tax is configured. */
  total: Money;
}

export interface Quote {
  currency: string;
  /** Sorted by line id. */
  lines: QuotedLine[];
  totals: {
    listSubtotal: Money;
    priceRuleSavings: Money;
    promotionSavings: Money;
    total: Money;
    /** With shipping configured. */
    shipping?: Money;
    /** With tax configured. */
    tax?: Money;
    /** Items + shipping (+ tax when prices exclude it), when shipping or tax is configured. */
    grandTotal?: Money;
  };
  /** With tax configured. */
  tax?: { included: boolean; rates: { id: string; name: string; percent: string; amount: Money }[]; total: Money };
  /** With shipping configured: the chosen method and every option. */
  shipping?: { method: string; name: string; listAmount: Money; amount: Money; freeBy?: string; tax?: Money; options: ShippingOption[] };
  /** With margin floors configured; figures only with "internal" visibility. */
  margin?: {
    clamps: { line: string; floor?: string; discountBefore: Money; discountAfter: Money; message: string }[];
    orderCap?: { discountBefore?: Money; discountAfter?: Money; percent?: string };
    lines?: (MarginFigures & { line: string })[];
    order?: MarginFigures | null;
    linesWithoutCost?: string[];
  };
  /** When the request asked for nudges and the cart nearly qualifies for something. */
  nudges?: { kind: "promotion" | "shipping"; id: string; reason: string; amountNeeded?: Money; quantityNeeded?: number; message: string }[];
  /** When the request asked for the best deal. */
  bestDeal?: { chosen: DealChoice; alternatives: DealChoice[]; ignoredCodes: string[]; subsetsPriced: number };
  /** When the request set `forHold`: the stock facts this quote read, for a hold to keep and hand back at checkout. */
  heldFacts?: HeldFacts;
  /** When the store's stacking rules made promotions conflict or exclusive promotions competed: alternatives priced; exhaustive false past the bound. */
  stacking?: { combinations: number; exhaustive?: false };
  /** E.g. stale_rates, missing_cost, unknown_locale. */
  warnings?: { code: string; line?: string; pointer?: string; message: string }[];
  /** The language of the sentences, when the request named a `locale`. */
  locale?: Locale;
  /** The request's `explain` level, unless "all". */
  explain?: "applied" | "none";
  /** Absent at `"explain": "none"`. */
  priceRules?: RuleOutcomes;
  /** Absent at `"explain": "none"`. */
  promotions?: RuleOutcomes;
  /** Every code entered; at `"explain": "applied"` the applied ones; absent at "none". */
  coupons?: CouponOutcome[];
  /** The promotion that makes shipping free, or null. */
  freeShipping: { promotion: string } | null;
  /** "sha256:…" of the canonical config. */
  configDigest: string;
  /** "sha256:…" over the priced outcome, so a checkout can verify the price the shopper saw. */
  digest: string;
}

/** Where load() gets the WebAssembly module. Give at most one; with none, the package's own cartcore.wasm. */
export interface LoadSource {
  /** A pre-compiled module, e.g. `import wasm from "cartcore/cartcore.wasm"` in Cloudflare Workers. */
  module?: WebAssembly.Module;
  /** Where to fetch cartcore.wasm from (http(s), or file: in Node). */
  url?: string | URL;
  /** The .wasm bytes. */
  bytes?: BufferSource;
}

/** A store config compiled once inside a loaded instance; reuse it for any number of quotes, then dispose(). */
export class Engine {
  private constructor();
  /** "sha256:…" of the canonical config. */
  readonly configDigest: string;
  /** The store currency (ISO 4217). */
  readonly currency: string;
  /** True once dispose() ran. */
  readonly disposed: boolean;
  /**
   * The core's exact response text: `{"ok":true,"quote":…}` or `{"ok":false,"error":…}`, byte-identical to the
   * native engine. Bad carts do not throw. Throws CartcoreError "engine_disposed" after dispose().
   */
  quoteJson(request: JsonInput): string;
  /** The priced quote. Throws CartcoreError for a bad cart (with the field's pointer) or after dispose(). */
  quote(request: JsonInput): Quote;
  /** Frees the compiled store now. Idempotent. A FinalizationRegistry is only a backstop for forgotten engines. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** One loaded WebAssembly instance. */
export class CartcoreInstance {
  private constructor();
  /** The version the .wasm reports; load() checked it equals `version`. */
  version(): string;
  /** The languages sentences can be written in, e.g. to match a shopper's Accept-Language. */
  locales(): Locale[];
  /** Validates and compiles a store config. Throws CartcoreError with the bad field's pointer. */
  compile(config: JsonInput): Engine;
  /** `{"ok":true,"configDigest":…,"variants":N,…}` or the error JSON. Never throws for a bad config. */
  validateConfigJson(config: JsonInput): string;
  /** One-shot compile and quote, returning the core's exact response text. Never throws for bad input. */
  quoteJson(config: JsonInput, request: JsonInput): string;
  /** Compiled engines this instance still holds (not disposed or finalized). */
  liveEngineCount(): number;
}

/** Loads and checks the WebAssembly module. Rejects with CartcoreError "version_mismatch" for a foreign .wasm. */
export function load(source?: LoadSource): Promise<CartcoreInstance>;

/** The version of this JavaScript package, which the .wasm must report. */
export const version: string;

declare const Cartcore: {
  load: typeof load;
  version: string;
  CartcoreError: typeof CartcoreError;
  CartcoreInstance: typeof CartcoreInstance;
  Engine: typeof Engine;
};
export default Cartcore;
