// SPDX-License-Identifier: MIT
// The pricing pipeline, stage by stage (core/src/stages/), and what sits on top of it: the best-deal search, nudges
// and the explanations. Each stage reads and narrows the shared Cart; none of them writes a sentence.
#include "pricing.hpp"

#include <algorithm>

#include "best_deal.hpp"
#include "explanations.hpp"
#include "input_error.hpp"
#include "locale.hpp"
#include "nudges.hpp"
#include "quote_json.hpp"
#include "stages/cart.hpp"
#include "stages/coupons.hpp"
#include "stages/margin.hpp"
#include "stages/price_rules.hpp"
#include "stages/shipping.hpp"
#include "stages/stacking.hpp"
#include "stages/stacking_choice.hpp"
#include "stages/tax.hpp"
#include "stages/totals.hpp"

namespace cartcore {

namespace {

/** Stages 3-9 on a cart whose price rules are done, with the promotions a conditional-stacking plan leaves out. */
PricedCart priceFromPromotions(Cart cart, const StackingPlan* plan) {
  PricedCart priced;
  Quote& quote = priced.quote;
  const CompiledStore& store = cart.store;
  priced.promotions = applyPromotions(cart, plan);         // 3. promotions (a file per kind) under the stacking policy
  if (store.margins) {                                     // 4. margin protection
    MarginProtection margin = protectMargins(cart, priced.promotions);
    quote.margin = std::move(margin.report);
    quote.warnings = std::move(margin.warnings);
    priced.clampsWhy = std::move(margin.clampsWhy);
    priced.warningsWhy = std::move(margin.warningsWhy);
  }
  totalItems(cart, quote);                                 // 5. quoted lines and item totals
  if (!store.shippingMethods.empty() && !cart.lines.empty()) {
    quote.shipping = priceShipping(cart, quote.total);     // 6. shipping (nothing to ship, nothing to charge)
  }
  if (store.tax) addTax(cart, quote);                      // 7. tax
  totalOrder(quote);                                       // 8. grand total
  if (quote.margin && quote.margin->internal) reportMargins(cart, quote.lines, quote.taxIncluded, *quote.margin);
  priced.coupons = couponVerdicts(cart, priced.promotions);  // 9. what each entered code did
  priced.work = cart.meter.spent();
  priced.stockRead = std::move(cart.stockRead);
  return priced;
}

}  // namespace

PricedCart runPipeline(const CompiledStore& store, const QuoteRequest& request) {
  Cart cart = buildCart(store, request);                   // 1. the lines at list price, the codes entered
  std::vector<RuleVerdict> priceRules = applyPriceRules(cart);  // 2. price rules: the lowest unit price wins
  // 3-9 once; or, when stacking rules make promotions conflict or an exclusive promotion applies, once per
  // alternative (a combination the rules allow, an exclusive promotion alone), keeping the one the shopper pays
  // least for (stacking_choice.hpp).
  PricedCart priced = store.conditionalStacking || store.hasExclusive ? priceBestCombination(cart, priceFromPromotions)
                                                                      : priceFromPromotions(std::move(cart), nullptr);
  priced.priceRules = std::move(priceRules);
  return priced;
}

Minor payable(const Quote& quote) { return quote.grandTotal ? *quote.grandTotal : quote.total; }

namespace {

__extension__ typedef __int128 Wide;  // a line's list price or cost times its quantity, before any overflow check

/**
 * For an amount_overflow in the order's sums (no single field holds the figure that overflowed): the quantity of
 * the line that weighs most in them (its list price or its cost, whichever is larger, times its quantity; ties: the
 * earlier line), which is the field to lower.
 */
void nameOverflowingLine(const CompiledStore& store, const QuoteRequest& request, Error& error) {
  const CartCurrency currency(store, request.currency);  // valid: the request priced as far as an overflow
  std::optional<std::size_t> heaviest;
  Wide most = -1;
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    auto it = store.variantIndex.find(request.lines[i].variant);
    if (it == store.variantIndex.end()) continue;
    const VariantInfo& variant = store.variants[it->second];
    const Minor cost = variant.cost ? currency.amount(*variant.cost) : 0;
    Wide weight = static_cast<Wide>(std::max(currency.shelfPrice(variant), cost)) * request.lines[i].quantity;
    if (weight > most) {
      most = weight;
      heaviest = i;
    }
  }
  if (!heaviest) return;
  error.pointer = "/lines/" + std::to_string(*heaviest) + "/quantity";
  error.message = "the order's amounts exceed the supported range; this line weighs most in them";
}

/** A priced and explained request: the quote with its digest, and the verdicts and language its sentences come from. */
struct ExplainedCart {
  PricedCart priced;
  Language language = Language::En;
};

/** Prices a validated request: the currency, then the pipeline (or the best-deal search over it), nudges, facts for a
 * hold, explanations (the outcome lists as `lists` says), the digest. */
ExplainedCart priceRequest(const CompiledStore& base, const QuoteRequest& request, OutcomeLists lists) {
  std::vector<QuoteWarning> warnings;
  std::vector<Explanation> warningsWhy;
  checkRates(base, request, warnings, warningsWhy);
  const CompiledStore& store = base;  // amounts convert as the stages read them (CartCurrency)
  Language language = Language::En;
  if (!request.locale.empty()) {
    if (auto known = catalogLanguage(request.locale)) {
      language = *known;
    } else {
      warnings.push_back({"unknown_locale", "/locale", "", ""});
      Explanation why{Message::UnknownLocale};
      why.name = request.locale;
      warningsWhy.push_back(why);
    }
  }
  if (!request.bestDeal && base.maxCodesPerOrder > 0 &&
      normalizedCoupons(request.coupons).size() > static_cast<std::size_t>(base.maxCodesPerOrder)) {
    fail(ErrorCode::TooManyItems, "/coupons", "this store accepts at most " + std::to_string(base.maxCodesPerOrder) +
                                                  " codes per order; ask for bestDeal to choose among more");
  }
  ExplainedCart explained{request.bestDeal ? bestDealCart(store, request) : runPipeline(store, request), language};
  PricedCart& priced = explained.priced;
  if (request.nudges && request.explain != ExplainLevel::None) collectNudges(store, priced);
  if (request.forHold) {
    // A hold keeps what this quote read, so its checkout sees the same guards and "N left"; a re-priced hold keeps
    // the time it was first quoted at.
    HeldFacts& held = priced.quote.heldFacts.emplace();
    held.quotedAt = request.heldFacts ? request.heldFacts->quotedAt : request.now;
    for (const auto& [variant, fact] : priced.stockRead) {
      held.stock.emplace(variant, fact.units);
      if (fact.live) held.bands.emplace(variant, fact.band);
    }
  }
  priced.quote.warnings.insert(priced.quote.warnings.begin(), warnings.begin(), warnings.end());
  priced.warningsWhy.insert(priced.warningsWhy.begin(), warningsWhy.begin(), warningsWhy.end());
  explain(store, priced, language, request.explain, lists);
  Quote& quote = priced.quote;
  if (!request.locale.empty()) quote.locale = languageCode(language);
  quote.digest = quoteDigest(quote);  // over every code entered, whatever the explain level shows
  return explained;
}

/** The overflow's pointer names the line that weighs most when no single field holds the figure. */
template <class F>
auto namingOverflow(const CompiledStore& base, const QuoteRequest& request, F&& body) {
  try {
    return body();
  } catch (InputError& e) {
    if (e.error.code == ErrorCode::AmountOverflow && e.error.pointer.empty()) {
      nameOverflowingLine(base, request, e.error);
    }
    throw;
  }
}

}  // namespace

Quote priceCart(const CompiledStore& base, const QuoteRequest& request) {
  return namingOverflow(base, request, [&] {
    Quote quote = std::move(priceRequest(base, request, OutcomeLists::InQuote).priced.quote);
    std::erase_if(quote.coupons, [&](const CouponOutcome& c) { return !explainShows(request.explain, c.status == "applied"); });
    return quote;
  });
}

std::string priceCartJson(const CompiledStore& base, const QuoteRequest& request) {
  return namingOverflow(base, request, [&] {
    const ExplainedCart explained = priceRequest(base, request, OutcomeLists::FromVerdicts);
    const OutcomeSentences sentences(base, explained.language, explained.priced.quote);
    return renderQuoteJson(explained.priced.quote, VerdictOutcomes{base, explained.priced, sentences});
  });
}

}  // namespace cartcore
