// SPDX-License-Identifier: MIT
// What the pipeline stages record about why: a stable reason code for the JSON and the facts of one sentence. The
// stages never write words; explanations.cpp turns these facts into sentences after pricing, so a stage reads as
// arithmetic and its sentences can change (or be skipped) without touching it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cartcore/engine.hpp"
#include "money.hpp"

namespace cartcore {

struct VariantInfo;
struct ItemNoun;

/** The stable reason codes of outcomes, coupons and nudges (README "Reason codes"). */
enum class Reason : uint8_t {
  Applied,
  OutsideWindow,
  SegmentNotEligible,
  CurrencyNotEligible,
  StockBelowThreshold,
  StockUnknown,
  MinSubtotalNotMet,
  MinQuantityNotMet,
  BuyQuantityNotMet,
  BundleIncomplete,
  TierNotReached,
  NoEligibleItems,
  NoSaving,
  BetterPriceRuleApplied,
  BlockedByExclusive,
  BlockedByStopRule,
  LostToBetterInGroup,
  LostToBetterCombination,
  UnknownCoupon,
  NotInBestDeal,
  FreeShippingThreshold,
  NotCombinableWith,
  StackingConditionNotMet,
  ClampedByMarginFloor,
  ClampedByOrderCap,
};

/** The code as it appears in JSON, e.g. "min_subtotal_not_met". */
std::string_view reasonCode(Reason reason);

/** Which sentence explains an outcome: a row of the message catalog (message_catalog.inc names the facts each reads). */
enum class Message : uint8_t {
  None,
#define CARTCORE_MESSAGE(id, english, german, french, spanish) id,
#include "message_catalog.inc"
#undef CARTCORE_MESSAGE
};

/**
 * The facts one sentence needs. Views point into the compiled store or the request, which outlive the quote's
 * rendering; only the fields its Message names are read.
 */
struct Explanation {
  Explanation() = default;
  Explanation(Message m) : message(m) {}  // NOLINT(google-explicit-constructor): `why = {Message::X}` reads best

  Message message = Message::None;
  int64_t count = 0;
  int64_t count2 = 0;
  int64_t count3 = 0;
  Minor amount = 0;
  Minor amount2 = 0;
  EpochMillis time = 0;
  std::string_view name;
  std::string_view name2;
  const VariantInfo* variant = nullptr;
  const std::vector<std::string>* segments = nullptr;
  const ItemNoun* items = nullptr;  // what {items} names, with `count` units; nullptr: items in general
};

/** One price rule's or promotion's outcome while pricing; the explanations layer turns it into a RuleOutcome. */
struct RuleVerdict {
  RuleVerdict() = default;
  explicit RuleVerdict(uint32_t ruleIndex) : rule(ruleIndex) {}

  uint32_t rule = 0;  // index into store.priceRules or store.promotions
  bool applied = false;
  Minor amount = 0;   // the saving when applied, minor units
  Reason reason = Reason::NoSaving;
  std::optional<Minor> amountNeeded;
  std::optional<int64_t> quantityNeeded;
  std::string_view by;      // id of the rule that beat or blocked this one
  std::string_view coupon;  // the entered code that unlocked it
  /** Margin protection gave back part of the saving: what it was before, and how much each limit took. */
  std::optional<Minor> limitedFrom;
  std::string_view missing;  // stacking_condition_not_met: the stacksWhen field that fails
  Minor limitedByFloor = 0;
  Minor limitedByOrderCap = 0;
  Explanation why;
  /** A second sentence after the saving, e.g. what each unit of a clamped buy-x-get-y costs (None: nothing). */
  Explanation whyAfter;
};

/** One entered code's outcome. */
struct CouponVerdict {
  std::string code;  // normalized
  std::string_view status;  // "applied", "not_applied", "unknown"
  Reason reason = Reason::UnknownCoupon;
  /** The promotion whose outcome explains the code (index into the promotion verdicts), when one does. */
  std::optional<std::size_t> promotion;
};

}  // namespace cartcore
