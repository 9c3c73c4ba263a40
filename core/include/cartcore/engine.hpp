// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cartcore/result.hpp"

namespace cartcore {

struct CompiledStore;  // private: validated catalog, rules and their indexes (core/src/store.hpp)

/** Milliseconds since the Unix epoch, UTC. The engine never reads a clock: "now" arrives in the request. */
using EpochMillis = int64_t;

/** One cart line as the shopper holds it. */
struct CartLine {
  std::string id;       // unique within the cart; defaults to the variant id
  std::string variant;  // a variant id from the catalog
  int64_t quantity = 0; // 1 .. kMaxLineQuantity
};

/** How much a quote explains. Totals, amounts, reason codes and the digest are the same at every level. */
enum class ExplainLevel {
  All,      // every price rule and promotion that touches the cart, every code, with sentences (the default)
  Applied,  // only what changed the price (and nudges, when asked), with sentences
  None,     // lines and totals only: no outcome lists, codes or nudges
};

/** Inclusive range of available units. */
struct StockBand {
  int64_t atLeast = 0;
  int64_t atMost = INT64_MAX;
};

/**
 * The stock-dependent facts a hold's quote used, so checkout of that hold re-prices with them and with everything
 * else current: a stock guard never turns against a shopper who already holds the stock, and "N left" reads as it
 * did. `quotedAt` also keeps time windows that were open then (store policy `holds.honorEndedWindows`).
 */
struct HeldFacts {
  EpochMillis quotedAt = 0;
  /** Available units per variant id as the hold's quote read them; nullopt = the stock was unknown then. */
  std::map<std::string, std::optional<int64_t>> stock;
  /**
   * Typed API only (not in JSON): for each variant read from the request's live `stock`, the availability range
   * over which this quote comes out the same. A server that prices before it reserves places the hold only while
   * availability is still in range, so the recorded facts are true at the moment the stock is taken.
   */
  std::map<std::string, StockBand> bands;
};

/** Everything a quote depends on besides the store config: the engine reads no ambient state. */
struct QuoteRequest {
  std::string currency;               // ISO 4217: the store currency or one with a configured rate
  EpochMillis now = 0;                // decides flash sales and time windows
  std::string country;                // ISO 3166-1 alpha-2 of the shopper (e.g. the CDN's country header); may be empty
  std::string destinationCountry;     // where the order ships and is taxed; defaults to `country`
  std::string destinationRegion;      // optional subdivision for regional tax rates, e.g. "CA"
  std::string shippingMethod;         // a configured method id; empty = the cheapest available
  bool bestDeal = false;              // choose the best subset of `coupons` instead of applying them all
  bool nudges = false;                // list what the cart is missing for offers it nearly qualifies for
  std::string locale;                 // BCP 47 tag for the sentences, e.g. "de-DE"; empty = English
  ExplainLevel explain = ExplainLevel::All;
  std::vector<std::string> segments;  // customer segments, e.g. "vip"
  std::vector<std::string> coupons;   // codes as typed; matched case-insensitively
  std::vector<CartLine> lines;
  /** Available units per variant id (on hand minus held). Absent variants have unknown stock. */
  std::map<std::string, int64_t> stock;
  /** Re-pricing a hold: its facts win over `stock` for the variants they name (docs/FORMAT.md "Holds"). */
  std::optional<HeldFacts> heldFacts;
  /** Pricing a hold: the quote lists the facts it used (Quote::heldFacts) for the hold to keep. */
  bool forHold = false;
};

/** One signed change to a line's total, in minor units (negative = saving). */
struct Adjustment {
  std::string source;  // "priceRule" or "promotion"
  std::string id;
  std::string name;
  int64_t amount = 0;
};

struct UnitPrice {
  int64_t quantity = 0;
  int64_t unitPrice = 0;  // minor units
};

struct QuotedLine {
  std::string id;
  std::string variant;
  std::string sku;
  std::string name;
  int64_t quantity = 0;
  int64_t listUnitPrice = 0;            // minor units
  int64_t listTotal = 0;                // minor units
  std::vector<Adjustment> adjustments;  // in application order
  std::vector<UnitPrice> unitPrices;    // what each unit finally costs, dearest first
  int64_t total = 0;                    // minor units
  std::optional<int64_t> lowStockRemaining;  // set when the snapshot shows fewer than the low-stock level
  std::optional<int64_t> tax;                // this line's share of every tax rate, minor units (tax configured)
};

/** Why a rule did or did not apply, in a stable code plus a sentence for shoppers and support agents. */
struct RuleOutcome {
  std::string kind;  // "priceRule" or "promotion"
  std::string id;
  std::string name;
  bool applied = false;
  int64_t amount = 0;       // total saving in minor units when applied
  std::string reason;       // stable code, e.g. "applied", "min_subtotal_not_met"
  std::string message;      // human sentence
  std::optional<int64_t> amountNeeded;    // for min_subtotal_not_met
  std::optional<int64_t> quantityNeeded;  // for min_quantity_not_met and friends
  std::string by;           // the rule that blocked or beat this one
  std::string coupon;       // the code that unlocked it, if any
  std::string missing;      // stacking_condition_not_met: the stacksWhen field that fails ("segments", "minSubtotal", "coupons")
};

struct CouponOutcome {
  std::string code;    // normalized (upper case)
  std::string status;  // "applied", "not_applied", "unknown"
  std::string promotion;
  std::string reason;
  std::string message;
};

/** One tax rate's total over the order; the lines' (and shipping's) shares sum to it exactly. */
struct TaxAmount {
  std::string id;
  std::string name;
  int64_t percentPpm = 0;  // millionths of the whole: 19 % is 190000
  int64_t amount = 0;      // minor units
};

/** A shipping method the cart can use, priced for this cart. */
struct ShippingOption {
  std::string id;
  std::string name;
  int64_t listAmount = 0;      // from the rate table, minor units
  int64_t amount = 0;          // after free shipping: 0 or listAmount
  std::string freeBy;          // the promotion id, or "threshold" (the method's freeAbove), when free
  std::optional<int64_t> amountToFree;  // spend this much more (on items) and this method's threshold makes it free
};

struct ShippingQuote {
  ShippingOption chosen;
  std::optional<int64_t> tax;           // shipping's share of tax, when shipping is taxed
  std::vector<ShippingOption> options;  // every available method, by id
};

/** A line's discount reduced so its price stays at its margin floor. */
struct MarginClamp {
  std::string line;
  std::string floor;              // the floor id (internal visibility only)
  int64_t discountBefore = 0;     // promotion discount on the line before the clamp, minor units
  int64_t discountAfter = 0;
  std::string message;
  std::string promotion;          // the last-applied promotion on the line, which gives back first (not rendered)
};

struct LineMargin {
  std::string line;
  int64_t revenue = 0;        // what the line earns, net of tax, minor units
  int64_t cost = 0;
  int64_t margin = 0;         // revenue - cost
  int64_t percentPpm = 0;     // margin / revenue in millionths, rounded half away from zero
};

/** Margin protection outcome: clamps always; figures only when the store's visibility is "internal". */
struct MarginReport {
  bool internal = true;
  std::vector<MarginClamp> clamps;
  std::vector<LineMargin> lines;         // lines with a known cost
  std::optional<LineMargin> order;       // sums over those lines (line = "")
  std::vector<std::string> linesWithoutCost;
  std::optional<int64_t> orderCapPpm;          // the configured cap on total discount
  std::optional<int64_t> orderDiscountBefore;  // set when the cap reduced discounts
  std::optional<int64_t> orderDiscountAfter;
};

/** A promotion the cart nearly qualifies for, with what is missing. */
struct Nudge {
  std::string kind;      // "promotion" or "shipping"
  std::string id;        // promotion or shipping method id
  std::string reason;    // e.g. "min_subtotal_not_met", "buy_quantity_not_met"
  std::optional<int64_t> amountNeeded;
  std::optional<int64_t> quantityNeeded;
  std::string message;
};

/** Something the shopper or merchant should know that did not stop the quote, e.g. stale rates. */
struct QuoteWarning {
  std::string code;
  std::string pointer;  // the request field it concerns, e.g. "/currency"; empty when it concerns a line
  std::string message;
  std::string line;     // the line id it concerns (never a request index, so output stays line-order independent)
};

/** One coupon subset the best-deal search priced. */
struct DealChoice {
  std::vector<std::string> codes;  // normalized, sorted
  int64_t total = 0;               // the amount the shopper pays (grand total when shipping/tax are on), minor units
};

struct BestDeal {
  DealChoice chosen;
  std::vector<DealChoice> alternatives;  // the runners-up, cheapest first (at most 3)
  int64_t subsetsPriced = 0;             // after pruning; for tests and benchmarks
  std::vector<std::string> ignoredCodes; // held codes that cannot change this cart (unknown, or every promotion out)
  /** False when the search stopped at its budget (kMaxBestDealSubsets or the work budget) before pricing every
      subset it could not rule out: the choice is then the cheapest subset priced, never dearer than no code. */
  bool exhaustive = true;
};

/** How conditional stacking chose among the combinations its rules allow (set when two live promotions conflict). */
struct StackingSearch {
  int64_t combinations = 0;  // combinations priced by the whole pipeline
  /** False when the search stopped at its bound (kMaxStackingConflicts promotions, kMaxStackingCombinations
      combinations or the work budget): the choice is then the cheapest combination priced, the priority-order one
      first. */
  bool exhaustive = true;
};

struct Quote {
  std::string currency;
  std::string locale;                   // the catalog language of the sentences ("de"); set when the request named a locale
  ExplainLevel explain = ExplainLevel::All;
  int exponent = 2;
  std::vector<QuotedLine> lines;  // sorted by line id
  int64_t listSubtotal = 0;
  int64_t priceRuleSavings = 0;
  int64_t promotionSavings = 0;
  int64_t total = 0;
  std::vector<RuleOutcome> priceRules;  // every price rule touching the cart (explain All; only applied ones at Applied)
  std::vector<RuleOutcome> promotions;  // every promotion relevant to the cart (likewise)
  std::vector<CouponOutcome> coupons;   // every code entered (All), the applied ones (Applied), none (None)
  std::string freeShippingPromotion;    // empty when shipping is not free
  std::optional<ShippingQuote> shipping;  // when the store configures shipping
  bool taxConfigured = false;
  bool taxIncluded = false;             // prices include tax: the grand total does not add it again
  std::vector<TaxAmount> taxes;         // per rate, by id
  int64_t taxTotal = 0;
  std::optional<int64_t> grandTotal;    // items + shipping (+ tax when exclusive); set when tax or shipping is on
  std::optional<MarginReport> margin;   // when the store configures margin floors
  std::vector<Nudge> nudges;            // when the request asks for them
  std::optional<BestDeal> bestDeal;     // when the request asks for it
  std::optional<StackingSearch> stacking;  // when the store's stacking rules made live promotions conflict
  std::vector<QuoteWarning> warnings;
  std::optional<HeldFacts> heldFacts;   // when the request is forHold: the stock it read and when
  std::string configDigest;
  std::string digest;  // "sha256:…" over the priced outcome; see docs/FORMAT.md
};

/** A catalog variant as reporting sees it (analytics, replay): identity, categories and cost in one currency. */
struct CatalogVariant {
  std::string id;
  std::string productId;
  std::string sku;
  std::vector<std::string> categories;  // sorted, unique
  std::optional<int64_t> cost;          // per unit, minor units of the currency asked for; absent when not configured
};

/** A promotion as reporting sees it: its name and, when it has one, its stock guard. */
struct PromotionSummary {
  std::string id;
  std::string name;
  bool stockGuarded = false;
  std::vector<std::string> guardVariants;  // sorted: the variants the guard watches
  int64_t guardMinAvailable = 0;           // each must show at least this many units
};

/** Hard input limits; exceeding one is a TooManyItems / OutOfRange / PayloadTooLarge error. */
inline constexpr int64_t kMaxLineQuantity = 100000;
inline constexpr std::size_t kMaxCartLines = 500;
inline constexpr std::size_t kMaxCouponsPerCart = 20;
inline constexpr std::size_t kMaxSegments = 100;           // customer segments in one request
inline constexpr int64_t kMaxStockUnits = 1'000'000'000'000;  // available units of one variant in a stock snapshot
inline constexpr std::size_t kMaxRequestBytes = 1 << 20;
inline constexpr std::size_t kMaxConfigBytes = 64 << 20;
/** JSON values (scalars, objects, arrays) in one config: bounds the parsed document at about 320 MB whatever its shape. */
inline constexpr std::size_t kMaxConfigValues = 4'000'000;
/** Held codes the best-deal search accepts. */
inline constexpr std::size_t kMaxBestDealCodes = 16;
/** Subsets the best-deal search prices at most (of the 2^16 that 16 codes allow); see BestDeal::exhaustive. */
inline constexpr std::size_t kMaxBestDealSubsets = 1024;
/** Conflicting promotions conditional stacking searches exactly; with more, it takes the priority-order combination. */
inline constexpr std::size_t kMaxStackingConflicts = 64;
/** Combinations conditional stacking prices at most: every maximal combination of up to 19 conflicting promotions
 *  (at most 972 by the Moon-Moser bound) fits. */
inline constexpr std::size_t kMaxStackingCombinations = 1024;
/**
 * Work one pipeline run may do, in units of one rule judged against one line (docs/FORMAT.md "Limits and cost");
 * more is too_complex. The best-deal search may spend this much across all the subsets it prices.
 */
inline constexpr int64_t kQuoteWorkBudget = 500'000;

/**
 * A compiled store: the config is validated and indexed once, then shared by many quotes.
 * Immutable and cheap to copy (shared ownership), so quoting from several threads is safe.
 * No method throws.
 */
class Engine {
 public:
  /** Validates and indexes a store config (JSON text). Errors carry the JSON pointer of the bad field. */
  static Result<Engine> compile(std::string_view configJson);

  /** Parses and validates a quote request (JSON text) against this store. */
  Result<QuoteRequest> parseRequest(std::string_view requestJson) const;

  /** Prices a cart. Deterministic: the same store and request give the same Quote, whatever the line order. */
  Result<Quote> quote(const QuoteRequest& request) const;

  /** The JSON facade: request text in, `{"ok":true,"quote":…}` or `{"ok":false,"error":…}` out. Never throws. */
  std::string quoteJson(std::string_view requestJson) const;

  /** "sha256:…" of the canonical config, so a quote names the exact rules that produced it. */
  const std::string& configDigest() const;

  /** The store currency (ISO 4217). */
  const std::string& currency() const;

  /** True when the catalog holds this variant id. */
  bool hasVariant(std::string_view variantId) const;

  /** Catalog variant ids in sorted order. */
  std::vector<std::string> variantIds() const;

  /** Every catalog variant with its cost in `currency` (the store's, or one with a rate), sorted by id; an unknown
   *  currency is currency_mismatch or missing_rate at "/currency". */
  Result<std::vector<CatalogVariant>> catalogVariants(std::string_view currency) const;

  /** Every promotion, sorted by id, with its name and stock guard. */
  std::vector<PromotionSummary> promotionSummaries() const;

 private:
  explicit Engine(std::shared_ptr<const CompiledStore> store);
  std::shared_ptr<const CompiledStore> store_;
};

/** Canonical JSON of a quote, `{"ok":true,"quote":{…}}`. */
std::string renderQuote(const Quote& quote);

/** Canonical JSON of an error, `{"ok":false,"error":{"code","pointer","message"}}`. */
std::string renderError(const Error& error);

/** One-shot convenience: compile the config and quote one request. Never throws. */
std::string quoteJson(std::string_view configJson, std::string_view requestJson);

/** Validates a config: `{"ok":true,"configDigest":…,"variants":N,…}` or an error JSON. Never throws. */
std::string validateConfigJson(std::string_view configJson);

/** The ISO 4217 minor-unit digits of a currency (USD 2, JPY 0, KWD 3), or nullopt for a code Cartcore does not know. */
std::optional<int> currencyMinorDigits(std::string_view code);

/** The languages the message catalog speaks, as BCP 47 primary language tags: "en", "de", "fr", "es". */
std::vector<std::string> supportedLocales();

/** Formats minor units as a decimal string in the exponent, e.g. -1234 at exponent 2 is "-12.34". */
std::string formatMoney(int64_t amount, int exponent);

/** Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC), the form every quote and request uses. */
std::string formatTimestamp(EpochMillis millis);

/** Parses "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (UTC only), or nothing when the text is not such a time. */
std::optional<EpochMillis> parseUtcTimestamp(std::string_view text);

/** The library version, e.g. "0.1.0"; the WASM facade compares it with its own. */
std::string_view version();

}  // namespace cartcore
