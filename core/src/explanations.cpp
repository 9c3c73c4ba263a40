// SPDX-License-Identifier: MIT
#include "explanations.hpp"

#include "input_error.hpp"
#include "timestamp.hpp"

namespace cartcore {

std::string_view reasonCode(Reason reason) {
  switch (reason) {
    case Reason::Applied: return "applied";
    case Reason::OutsideWindow: return "outside_window";
    case Reason::SegmentNotEligible: return "segment_not_eligible";
    case Reason::CurrencyNotEligible: return "currency_not_eligible";
    case Reason::StockBelowThreshold: return "stock_below_threshold";
    case Reason::StockUnknown: return "stock_unknown";
    case Reason::MinSubtotalNotMet: return "min_subtotal_not_met";
    case Reason::MinQuantityNotMet: return "min_quantity_not_met";
    case Reason::BuyQuantityNotMet: return "buy_quantity_not_met";
    case Reason::BundleIncomplete: return "bundle_incomplete";
    case Reason::TierNotReached: return "tier_not_reached";
    case Reason::NoEligibleItems: return "no_eligible_items";
    case Reason::NoSaving: return "no_saving";
    case Reason::BetterPriceRuleApplied: return "better_price_rule_applied";
    case Reason::BlockedByExclusive: return "blocked_by_exclusive";
    case Reason::BlockedByStopRule: return "blocked_by_stop_rule";
    case Reason::LostToBetterInGroup: return "lost_to_better_in_group";
    case Reason::LostToBetterCombination: return "lost_to_better_combination";
    case Reason::UnknownCoupon: return "unknown_coupon";
    case Reason::NotInBestDeal: return "not_in_best_deal";
    case Reason::FreeShippingThreshold: return "free_shipping_threshold";
  }
  CARTCORE_ASSERT(!"unknown reason");
  return "";
}

namespace {

/** English sentences over one store's currency. */
class EnglishWriter {
 public:
  explicit EnglishWriter(const CompiledStore& store) : store_(store) {}

  std::string sentence(const Explanation& why) const {
    std::string_view name = why.name, name2 = why.name2;
    switch (why.message) {
      case Message::None: return "";
      case Message::PriceRuleApplied: return "Lower price on " + units(why.count, "line") + "; you save " + money(why.amount) + ".";
      case Message::TierNotReached:
        return "Buy " + moreUnits(why.count) + (why.flag ? " from this range" : " of this kind") + " to reach the first price break.";
      case Message::PriceForSegments: return "This price is for " + joined(*why.segments) + " customers.";
      case Message::PriceNotLower: return "This price is not lower than the list price.";
      case Message::BetterPriceRuleApplied: return "A lower price from \"" + std::string(name) + "\" applies instead.";
      case Message::OfferStarts: return "This offer starts at " + formatTimestamp(why.time) + ".";
      case Message::OfferEnded: return "This offer ended at " + formatTimestamp(why.time) + ".";
      case Message::OfferForSegments: return "This offer is for " + joined(*why.segments) + " customers.";
      case Message::CurrencyNotEligible: return "This offer is not available in " + std::string(name) + ".";
      case Message::StockUnknown:
        return "This offer depends on live stock of " + why.variant->name + " (" + why.variant->sku + "), which is unknown right now.";
      case Message::StockBelowThreshold:
        return "This offer is paused: " + why.variant->name + " (" + why.variant->sku + ") is down to " + units(why.count, "unit") +
               ", below the " + std::to_string(why.count2) + " the offer needs.";
      case Message::NoEligibleItems: return "Nothing in the cart qualifies for this offer.";
      case Message::MinQuantityNotMet: return "Add " + moreUnits(why.count) + " to unlock this offer.";
      case Message::MinSubtotalNotMet: return "Spend " + money(why.amount) + " more on eligible items to unlock this offer.";
      case Message::NoSaving: return "This offer would not lower the price of anything in the cart.";
      case Message::ItemDiscountApplied: return "Applied to " + units(why.count, "item") + ".";
      case Message::BuyQuantityNotMet: return "Add " + moreUnits(why.count) + " to qualify for this offer.";
      case Message::GetQuantityNotMet: return "Add " + moreUnits(why.count) + " that this offer discounts to get it.";
      case Message::BuyXGetYApplied:
        return "Buy " + std::to_string(why.count) + ", get " + std::to_string(why.count2) + ": applied " + std::to_string(why.count3) +
               (why.count3 == 1 ? " time." : " times.");
      case Message::BundleIncomplete: return "Add " + moreUnits(why.count) + " to complete the bundle.";
      case Message::BundleNoSaving: return "The bundle price is not lower than these items already cost.";
      case Message::BundleApplied:
        return "Bundle applied " + std::to_string(why.count) + (why.count == 1 ? " time" : " times") + " to items worth " +
               money(why.amount) + ".";
      case Message::SpendTierReached: return "Eligible spend " + money(why.amount) + " reached the " + money(why.amount2) + " tier.";
      case Message::FreeShippingApplied: return "Shipping is free on this order.";
      case Message::BlockedByStopRule: return "Not combined: \"" + std::string(name) + "\" does not stack with later offers.";
      case Message::LostToBetterInGroup:
        return "Only one offer from \"" + std::string(name) + "\" applies, and \"" + std::string(name2) + "\" saves you more (" +
               money(why.amount) + " against " + money(why.amount2) + ").";
      case Message::BlockedByExclusive:
        return "Not combined: \"" + std::string(name) + "\" applies on its own and saves you more (" + money(why.amount) + ").";
      case Message::LostToBetterCombination:
        return "Not applied: it cannot be combined, and the other offers together save you more (" + money(why.amount) +
               " against " + money(why.amount2) + ").";
      case Message::UnknownCoupon: return "The code " + std::string(name) + " is not valid in this store.";
      case Message::NotInBestDeal: return "Not used: the best deal for this cart is without " + std::string(name) + ".";
      case Message::NudgeSpendMore: return "Spend " + money(why.amount) + " more to get \"" + std::string(name) + "\".";
      case Message::NudgeAddForFree:
        return "Add " + std::to_string(why.count) + " more " + itemNoun(name2, why.count) + " to get " +
               (why.count2 == 1 ? std::string("one") : std::to_string(why.count2)) + " free.";
      case Message::NudgeAddMore:
        return "Add " + std::to_string(why.count) + " more " + itemNoun(name2, why.count) + " to get \"" + std::string(name) + "\".";
      case Message::NudgeFreeShipping: return "Spend " + money(why.amount) + " more for free " + std::string(name) + " shipping.";
      case Message::MarginClamp:
        return "Discounts on " + why.variant->name + " are limited to " + money(why.amount) + " (from " + money(why.amount2) + ")" +
               (name.empty() ? " on this item." : " to keep the \"" + std::string(name) + "\" margin floor.");
      case Message::MissingCost:
        return "No cost is known for " + why.variant->id + ", so its margin floor \"" + std::string(name) + "\" was skipped.";
      case Message::StaleRates:
        return "Prices in " + std::string(name) + " use exchange rates from " + formatTimestamp(why.time) + " are older than the " +
               std::to_string(why.count) + " minutes allowed.";
    }
    CARTCORE_ASSERT(!"unknown message");
    return "";
  }

  /** A promotion's sentence, with the saving stated when it applied (restated when margin protection limited it). */
  std::string promotionOutcome(const RuleVerdict& verdict) const {
    std::string text = sentence(verdict.why);
    if (!verdict.applied) return text;
    if (verdict.limitedFrom) {
      bool internal = store_.margins && store_.margins->internal;
      text += " You save " + money(verdict.amount) + " (limited from " + money(*verdict.limitedFrom) +
              (internal ? " by margin protection)." : ").");
    } else if (verdict.amount > 0) {
      text += " You save " + money(verdict.amount) + ".";
    }
    return text;
  }

 private:
  std::string money(Minor amount) const { return formatMoney(amount, store_.exponent) + " " + store_.currency; }

  static std::string units(int64_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

  static std::string moreUnits(int64_t n) { return std::to_string(n) + (n == 1 ? " more item" : " more items"); }

  /** "Tee"/"Tees" for a product's items, else "eligible item(s)". */
  static std::string itemNoun(std::string_view product, int64_t n) {
    if (product.empty()) return n == 1 ? "eligible item" : "eligible items";
    return std::string(product) + (n == 1 ? "" : "s");
  }

  static std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? (i + 1 == items.size() ? " or " : ", ") : "") + items[i];
    return out;
  }

  const CompiledStore& store_;
};

RuleOutcome publicOutcome(const RuleVerdict& verdict, const char* kind, const std::string& id, const std::string& name,
                          std::string message) {
  RuleOutcome out;
  out.kind = kind;
  out.id = id;
  out.name = name;
  out.applied = verdict.applied;
  out.amount = verdict.amount;
  out.reason = reasonCode(verdict.reason);
  out.message = std::move(message);
  out.amountNeeded = verdict.amountNeeded;
  out.quantityNeeded = verdict.quantityNeeded;
  out.by = verdict.by;
  out.coupon = verdict.coupon;
  return out;
}

}  // namespace

void explain(const CompiledStore& store, PricedCart& priced) {
  const EnglishWriter words(store);
  Quote& quote = priced.quote;
  quote.priceRules.reserve(priced.priceRules.size());
  for (const auto& verdict : priced.priceRules) {
    const PriceRule& rule = store.priceRules[verdict.rule];
    quote.priceRules.push_back(publicOutcome(verdict, "priceRule", rule.id, rule.name, words.sentence(verdict.why)));
  }
  quote.promotions.reserve(priced.promotions.size());
  for (const auto& verdict : priced.promotions) {
    const Promotion& promo = store.promotions[verdict.rule];
    quote.promotions.push_back(publicOutcome(verdict, "promotion", promo.id, promo.name, words.promotionOutcome(verdict)));
  }
  quote.coupons.reserve(priced.coupons.size());
  for (const auto& c : priced.coupons) {
    CouponOutcome out;
    out.code = c.code;
    out.status = c.status;
    out.reason = reasonCode(c.reason);
    if (c.promotion) {
      out.promotion = quote.promotions[*c.promotion].id;
      out.message = quote.promotions[*c.promotion].message;
    } else {
      Explanation why{c.reason == Reason::NotInBestDeal ? Message::NotInBestDeal : Message::UnknownCoupon};
      why.name = c.code;
      out.message = words.sentence(why);
    }
    quote.coupons.push_back(std::move(out));
  }
  for (std::size_t i = 0; i < priced.nudges.size(); ++i) priced.nudges[i].message = words.sentence(priced.nudgesWhy[i]);
  quote.nudges = std::move(priced.nudges);
  if (quote.margin) {
    for (std::size_t i = 0; i < quote.margin->clamps.size(); ++i) quote.margin->clamps[i].message = words.sentence(priced.clampsWhy[i]);
  }
  for (std::size_t i = 0; i < quote.warnings.size(); ++i) quote.warnings[i].message = words.sentence(priced.warningsWhy[i]);
}

}  // namespace cartcore
