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

/** Everything a quote depends on besides the store config: the engine reads no ambient state. */
struct QuoteRequest {
  std::string currency;               // ISO 4217; must be the store currency
  EpochMillis now = 0;                // decides flash sales and time windows
  std::vector<std::string> segments;  // customer segments, e.g. "vip"
  std::vector<std::string> coupons;   // codes as typed; matched case-insensitively
  std::vector<CartLine> lines;
  /** Available units per variant id (on hand minus held). Absent variants have unknown stock. */
  std::map<std::string, int64_t> stock;
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
};

struct CouponOutcome {
  std::string code;    // normalized (upper case)
  std::string status;  // "applied", "not_applied", "unknown"
  std::string promotion;
  std::string reason;
  std::string message;
};

struct Quote {
  std::string currency;
  int exponent = 2;
  std::vector<QuotedLine> lines;  // sorted by line id
  int64_t listSubtotal = 0;
  int64_t priceRuleSavings = 0;
  int64_t promotionSavings = 0;
  int64_t total = 0;
  std::vector<RuleOutcome> priceRules;  // every price rule touching the cart
  std::vector<RuleOutcome> promotions;  // every promotion relevant to the cart
  std::vector<CouponOutcome> coupons;
  std::string freeShippingPromotion;    // empty when shipping is not free
  std::string configDigest;
  std::string digest;  // "sha256:…" over the priced outcome; see docs/FORMAT.md
};

/** Hard input limits; exceeding one is a TooManyItems / OutOfRange / PayloadTooLarge error. */
inline constexpr int64_t kMaxLineQuantity = 100000;
inline constexpr std::size_t kMaxCartLines = 500;
inline constexpr std::size_t kMaxCouponsPerCart = 20;
inline constexpr std::size_t kMaxRequestBytes = 1 << 20;
inline constexpr std::size_t kMaxConfigBytes = 64 << 20;

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

/** The library version, e.g. "0.1.0"; the WASM facade compares it with its own. */
std::string_view version();

}  // namespace cartcore
