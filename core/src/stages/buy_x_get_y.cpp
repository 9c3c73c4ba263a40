// SPDX-License-Identifier: MIT
// Promotion kind "buyXGetY": buy x units, get y units discounted (free at 100 %), up to maxApplications times.
#include <algorithm>

#include "input_error.hpp"
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

void evaluateBuyXGetY(const Cart& cart, const Promotion& promo, const PromotionScope& scope, Evaluation& e) {
  const auto& lines = cart.lines;
  // Units are "buy only" (A), "get only" (B) or both (C). k applications need k·x buy units and k·y get units,
  // all distinct, so k ≤ (A+C)/x, k ≤ (B+C)/y and k ≤ (A+B+C)/(x+y).
  int64_t onlyBuy = 0, onlyGet = 0, both = 0;
  for (std::size_t i : scope.lines) {
    bool inBuy = contains(promo.buyVariants, lines[i].variant);
    bool inGet = contains(promo.getVariants, lines[i].variant);
    (inBuy && inGet ? both : inBuy ? onlyBuy : onlyGet) += lines[i].quantity();
  }
  const int64_t x = promo.buyQuantity, y = promo.getQuantity;
  int64_t k = std::min({(onlyBuy + both) / x, (onlyGet + both) / y, (onlyBuy + onlyGet + both) / (x + y)});
  if (promo.maxApplications > 0) k = std::min(k, promo.maxApplications);
  if (k == 0) {
    int64_t needBuy = std::max<int64_t>(0, x - onlyBuy - both);
    int64_t bothLeft = std::max<int64_t>(0, both - std::max<int64_t>(0, x - onlyBuy));
    int64_t needGet = std::max<int64_t>(0, y - onlyGet - bothLeft);
    e.reason = Reason::BuyQuantityNotMet;
    e.quantityNeeded = needBuy + needGet;
    bool onlyGetMissing = needGet > 0 && needBuy == 0;
    e.why = {onlyGetMissing ? Message::GetQuantityNotMet : Message::BuyQuantityNotMet};
    e.why.count = onlyGetMissing ? needGet : *e.quantityNeeded;
    // Name what to add: the discounted items when only they are missing, else the qualifying ones (when the missing
    // units are all of that kind, or both selectors name the same thing).
    if (onlyGetMissing) {
      if (promo.getNoun.kind != ItemNoun::Kind::Generic) e.why = {Message::GetQuantityNotMetNamed};
      e.why.count = needGet;
      e.why.items = &promo.getNoun;
    } else if (needGet == 0 || promo.buyNoun == promo.getNoun) {
      e.why.items = &promo.buyNoun;
    }
    return;
  }
  // The discounted units: cheapest (or dearest) get-eligible units, using at most (A+C − k·x) shared units so
  // enough remain to qualify. Capping the shared pick keeps the greedy choice optimal.
  bool cheapest = promo.discountedUnits == Promotion::UnitChoice::Cheapest;
  std::vector<UnitPick> pool = unitPool(lines, scope.lines, cheapest);
  // At equal price, prefer get-only units so shared units stay free to qualify.
  std::stable_sort(pool.begin(), pool.end(), [&](const UnitPick& a, const UnitPick& b) {
    if (a.price != b.price) return cheapest ? a.price < b.price : a.price > b.price;
    bool aShared = contains(promo.buyVariants, lines[a.line].variant);
    bool bShared = contains(promo.buyVariants, lines[b.line].variant);
    if (aShared != bShared) return !aShared;
    return a.line < b.line;
  });
  int64_t toPick = k * y;
  int64_t sharedAllowance = onlyBuy + both - k * x;
  std::vector<UnitPick> picks;
  for (const auto& slot : pool) {
    if (toPick == 0) break;
    const uint32_t variant = lines[slot.line].variant;
    if (!contains(promo.getVariants, variant)) continue;
    bool shared = contains(promo.buyVariants, variant);
    int64_t take = std::min(toPick, slot.count);
    if (shared) take = std::min(take, sharedAllowance);
    if (take <= 0) continue;
    if (shared) sharedAllowance -= take;
    toPick -= take;
    picks.push_back({slot.line, slot.price, take});
  }
  CARTCORE_ASSERT(toPick == 0);
  e.changes = discountPicks(lines, picks, cart.currency.change(promo.discount), promo.percentBase);
  e.applications = k;
  e.why = {Message::BuyXGetYApplied};
  e.why.count = x;
  e.why.count2 = y;
  e.why.count3 = k;
}

}  // namespace

const PromotionKind kBuyXGetY{evaluateBuyXGetY, applyLineChanges};

}  // namespace cartcore
