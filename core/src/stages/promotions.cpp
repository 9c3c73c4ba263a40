// SPDX-License-Identifier: MIT
#include "stages/promotions.hpp"

#include <algorithm>
#include <numeric>

#include "input_error.hpp"

namespace cartcore {

const PromotionKind& promotionKind(Promotion::Type type) {
  switch (type) {
    case Promotion::Type::ItemDiscount: return kItemDiscount;
    case Promotion::Type::BuyXGetY: return kBuyXGetY;
    case Promotion::Type::Bundle: return kBundle;
    case Promotion::Type::SpendThreshold: return kSpendThreshold;
    case Promotion::Type::FreeShipping: return kFreeShipping;
  }
  CARTCORE_ASSERT(!"unknown promotion type");
  return kItemDiscount;
}

void applyLineChanges(Cart& cart, const Promotion& promo, const Evaluation& e) {
  const auto written = std::count_if(e.changes.begin(), e.changes.end(), [](const auto& change) { return change.discount > 0; });
  cart.meter.spend(static_cast<int64_t>(e.changes.size()) + kAdjustmentUnits * written);  // before writing them
  for (const auto& change : e.changes) {
    LineState& line = cart.lines[change.line];
    line.groups = change.groups;
    if (change.discount > 0) line.adjustments.push_back({"promotion", promo.id, promo.name, -change.discount});
  }
}

RelevantPromotions::RelevantPromotions(const Cart& cart) {
  const CompiledStore& store = cart.store;
  // A touch is (promotion, line) packed in one integer, promotion high, so sorting them is sorting plain integers.
  constexpr uint32_t kNoLine = UINT32_MAX;
  constexpr uint32_t kAllLines = UINT32_MAX - 1;
  auto touch = [](uint32_t promotion, uint32_t line) { return uint64_t{promotion} << 32 | line; };
  std::vector<uint64_t> touches;
  // Spent before each list is copied, so a store whose lists would not fit the budget stops before allocating them.
  std::size_t indexedTouches = 0;
  for (const auto& line : cart.lines) {
    const auto& indexed = store.promotionsByVariant[line.variant];
    cart.meter.spend(static_cast<int64_t>(indexed.size()));
    indexedTouches += indexed.size();
  }
  touches.reserve(indexedTouches + store.cartWidePromotions.size());  // one allocation in the everyday case
  for (std::size_t l = 0; l < cart.lines.size(); ++l) {
    for (uint32_t p : store.promotionsByVariant[cart.lines[l].variant]) touches.push_back(touch(p, static_cast<uint32_t>(l)));
  }
  if (!cart.lines.empty()) {
    cart.meter.spend(static_cast<int64_t>(store.cartWidePromotions.size()));
    for (uint32_t p : store.cartWidePromotions) touches.push_back(touch(p, kAllLines));
  }
  cart.meter.spend(static_cast<int64_t>(store.broadPromotions.size() * cart.lines.size()));
  for (uint32_t p : store.broadPromotions) {
    for (std::size_t l = 0; l < cart.lines.size(); ++l) {
      if (cartcore::contains(store.promotions[p].eligible, cart.lines[l].variant)) touches.push_back(touch(p, static_cast<uint32_t>(l)));
    }
  }
  for (const auto& code : cart.coupons) {
    auto it = store.promotionsByCoupon.find(code);
    if (it == store.promotionsByCoupon.end()) continue;
    cart.meter.spend(static_cast<int64_t>(it->second.size()));
    for (uint32_t p : it->second) touches.push_back(touch(p, kNoLine));
  }
  std::sort(touches.begin(), touches.end());
  relevant_.reserve(touches.size());
  runs_.reserve(touches.size());
  lineIndexes_.reserve(cart.lines.size() + touches.size());
  lineIndexes_.resize(cart.lines.size());
  std::iota(lineIndexes_.begin(), lineIndexes_.end(), std::size_t{0});  // [0, n): the all-lines run
  for (const uint64_t packed : touches) {
    const auto p = static_cast<uint32_t>(packed >> 32);
    const auto l = static_cast<uint32_t>(packed);
    if (relevant_.empty() || relevant_.back() != p) {
      relevant_.push_back(p);
      runs_.push_back({lineIndexes_.size(), 0});
    }
    LineRun& run = runs_.back();
    if (l == kAllLines) {
      run = {0, cart.lines.size()};
    } else if (l != kNoLine && (run.count == 0 || lineIndexes_.back() != l)) {
      lineIndexes_.push_back(l);  // touches are sorted, so a promotion's lines arrive together, in order
      ++run.count;
    }
  }
}

std::size_t RelevantPromotions::position(uint32_t promotion) const {
  auto it = std::lower_bound(relevant_.begin(), relevant_.end(), promotion);
  CARTCORE_ASSERT(it != relevant_.end() && *it == promotion);
  return static_cast<std::size_t>(it - relevant_.begin());
}

bool RelevantPromotions::contains(uint32_t promotion) const {
  return std::binary_search(relevant_.begin(), relevant_.end(), promotion);
}

std::span<const std::size_t> RelevantPromotions::linesAt(std::size_t position) const {
  const LineRun& run = runs_[position];
  return {lineIndexes_.data() + run.offset, run.count};
}

Evaluation evaluatePromotion(const Cart& cart, const Promotion& promo, std::span<const std::size_t> lines) {
  Evaluation e;
  if (lines.empty()) {
    e.reason = Reason::NoEligibleItems;
    e.why = {Message::NoEligibleItems};
    return e;
  }
  int64_t groups = 0;  // a line's cost is its unit groups (a handful, but up to its quantity after many discounts)
  for (std::size_t i : lines) groups += static_cast<int64_t>(cart.lines[i].groups.size());
  cart.meter.spend(1 + groups);
  PromotionScope scope{lines, 0, 0};
  for (std::size_t i : lines) {
    scope.subtotal = addMoney(scope.subtotal, cart.lines[i].total(), "/lines");
    scope.quantity += cart.lines[i].quantity();  // <= 500 lines x 100,000 units
  }
  const Conditions& c = promo.conditions;
  if (c.minQuantity && scope.quantity < *c.minQuantity) {
    e.reason = Reason::MinQuantityNotMet;
    e.quantityNeeded = *c.minQuantity - scope.quantity;
    e.why = {Message::MinQuantityNotMet};
    e.why.count = *e.quantityNeeded;
    e.why.items = &promo.eligibleNoun;
    return e;
  }
  if (c.minSubtotal && scope.subtotal < cart.currency.amount(*c.minSubtotal)) {
    e.reason = Reason::MinSubtotalNotMet;
    e.amountNeeded = cart.currency.amount(*c.minSubtotal) - scope.subtotal;
    e.why = {Message::MinSubtotalNotMet};
    e.why.amount = *e.amountNeeded;
    e.why.items = &promo.eligibleNoun;
    return e;
  }
  promotionKind(promo.type).evaluate(cart, promo, scope, e);
  if (e.reason && *e.reason != Reason::Applied) return e;  // the kind found it cannot apply
  e.savings = 0;
  for (const auto& change : e.changes) e.savings = addMoney(e.savings, change.discount, "/lines");
  if (e.savings > 0 || e.freeShipping) {
    e.applies = true;
    e.reason = Reason::Applied;
  } else {
    e.reason = Reason::NoSaving;
    e.why = {Message::NoSaving};
  }
  return e;
}

void applyPromotion(Cart& cart, const Promotion& promo, const Evaluation& e) { promotionKind(promo.type).apply(cart, promo, e); }

}  // namespace cartcore
