// SPDX-License-Identifier: MIT
#include "explanations.hpp"

#include "input_error.hpp"
#include "message_catalog.hpp"

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
    case Reason::NotCombinableWith: return "not_combinable_with";
    case Reason::StackingConditionNotMet: return "stacking_condition_not_met";
    case Reason::ClampedByMarginFloor: return "clamped_by_margin_floor";
    case Reason::ClampedByOrderCap: return "clamped_by_order_cap";
  }
  CARTCORE_ASSERT(!"unknown reason");
  return "";
}

bool explainShows(ExplainLevel level, bool applied) {
  return level == ExplainLevel::All || (level == ExplainLevel::Applied && applied);
}

void OutcomeSentences::priceRule(std::string& out, const RuleVerdict& verdict) const { appendMessage(out, verdict.why, format_); }

void OutcomeSentences::promotion(std::string& out, const RuleVerdict& verdict) const {
  appendMessage(out, verdict.why, format_);
  if (verdict.applied && (verdict.amount > 0 || verdict.limitedFrom)) {
    Explanation saving{Message::YouSave};
    saving.amount = verdict.amount;
    if (verdict.limitedFrom) {
      saving.message = limitedSaving(verdict);
      saving.amount2 = *verdict.limitedFrom;
      if (store_.margins) saving.name = store_.margins->maxOrderDiscountText;
    }
    appendMessage(out, saving, format_);
  }
  if (verdict.whyAfter.message != Message::None) appendMessage(out, verdict.whyAfter, format_);
}

void OutcomeSentences::coupon(std::string& out, const CouponVerdict& code, const std::vector<RuleVerdict>& promotions) const {
  if (code.promotion) {
    promotion(out, promotions[*code.promotion]);
    return;
  }
  Explanation why{code.reason == Reason::NotInBestDeal ? Message::NotInBestDeal : Message::UnknownCoupon};
  why.name = code.code;
  appendMessage(out, why, format_);
}

void OutcomeSentences::other(std::string& out, const Explanation& why) const { appendMessage(out, why, format_); }

Message OutcomeSentences::limitedSaving(const RuleVerdict& verdict) const {
  const bool internal = store_.margins && store_.margins->internal;
  if (verdict.limitedByOrderCap == 0) return internal ? Message::YouSaveLimitedByMargin : Message::YouSaveLimited;
  if (verdict.limitedByFloor == 0) return Message::YouSaveLimitedByOrderCap;
  return internal ? Message::YouSaveLimitedByMarginAndOrderCap : Message::YouSaveLimited;
}

namespace {

/** Fills a listed outcome's facts; its sentence is written into `out.message` by the caller, in place. */
void fillOutcome(RuleOutcome& out, const RuleVerdict& verdict, const char* kind, const std::string& id, const std::string& name) {
  out.kind = kind;
  out.id = id;
  out.name = name;
  out.applied = verdict.applied;
  out.amount = verdict.amount;
  out.reason = reasonCode(verdict.reason);
  out.amountNeeded = verdict.amountNeeded;
  out.quantityNeeded = verdict.quantityNeeded;
  out.by = verdict.by;
  out.coupon = verdict.coupon;
  out.missing = verdict.missing;
}

/** Room for most sentences with their saving, so one is written with one allocation rather than three or four. */
constexpr std::size_t kSentenceReserve = 160;

/** How many verdicts the level lists, so the outcome list is allocated once. */
std::size_t countShown(const std::vector<RuleVerdict>& verdicts, ExplainLevel level) {
  std::size_t shown = 0;
  for (const auto& verdict : verdicts) shown += explainShows(level, verdict.applied) ? 1 : 0;
  return shown;
}

/** The typed API's outcome lists: a RuleOutcome with its own sentence per listed verdict. */
void listOutcomes(const CompiledStore& store, const PricedCart& priced, const OutcomeSentences& words, ExplainLevel level, Quote& quote) {
  quote.priceRules.reserve(countShown(priced.priceRules, level));
  for (const auto& verdict : priced.priceRules) {
    if (!explainShows(level, verdict.applied)) continue;
    const PriceRule& rule = store.priceRules[verdict.rule];
    RuleOutcome& out = quote.priceRules.emplace_back();
    fillOutcome(out, verdict, "priceRule", rule.id, rule.name);
    out.message.reserve(kSentenceReserve);
    words.priceRule(out.message, verdict);
  }
  quote.promotions.reserve(countShown(priced.promotions, level));
  for (const auto& verdict : priced.promotions) {
    if (!explainShows(level, verdict.applied)) continue;
    const Promotion& promo = store.promotions[verdict.rule];
    RuleOutcome& out = quote.promotions.emplace_back();
    fillOutcome(out, verdict, "promotion", promo.id, promo.name);
    out.message.reserve(kSentenceReserve);
    words.promotion(out.message, verdict);
  }
}

std::string sentence(const OutcomeSentences& words, const Explanation& why) {
  std::string text;
  words.other(text, why);
  return text;
}

}  // namespace

void explain(const CompiledStore& store, PricedCart& priced, Language language, ExplainLevel level, OutcomeLists lists) {
  Quote& quote = priced.quote;
  const OutcomeSentences words(store, language, quote);
  quote.explain = level;
  if (lists == OutcomeLists::InQuote) listOutcomes(store, priced, words, level, quote);
  quote.coupons.reserve(priced.coupons.size());
  for (const auto& c : priced.coupons) {
    CouponOutcome out;
    out.code = c.code;
    out.status = c.status;
    out.reason = reasonCode(c.reason);
    if (c.promotion) out.promotion = store.promotions[priced.promotions[*c.promotion].rule].id;
    if (lists == OutcomeLists::InQuote && explainShows(level, c.status == "applied")) words.coupon(out.message, c, priced.promotions);
    quote.coupons.push_back(std::move(out));
  }
  for (std::size_t i = 0; i < priced.nudges.size(); ++i) priced.nudges[i].message = sentence(words, priced.nudgesWhy[i]);
  quote.nudges = std::move(priced.nudges);
  if (quote.margin) {
    for (std::size_t i = 0; i < quote.margin->clamps.size(); ++i) quote.margin->clamps[i].message = sentence(words, priced.clampsWhy[i]);
  }
  for (std::size_t i = 0; i < quote.warnings.size(); ++i) quote.warnings[i].message = sentence(words, priced.warningsWhy[i]);
}

}  // namespace cartcore
