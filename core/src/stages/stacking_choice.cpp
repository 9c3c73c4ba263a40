// SPDX-License-Identifier: MIT
#include "stages/stacking_choice.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>

#include "stages/promotions.hpp"

namespace cartcore {
namespace {

/** Enumeration steps (each a few 64-bit set operations) the search for combinations may take. */
constexpr int64_t kMaxEnumerationSteps = static_cast<int64_t>(kMaxStackingCombinations * kMaxStackingConflicts);

/** True when `refs` names promotion `p` by id or by one of its tags. */
bool names(const PromotionRefs& refs, uint32_t p, const StackingRules& rules) {
  if (std::binary_search(refs.promotions.begin(), refs.promotions.end(), p)) return true;
  auto a = refs.tags.begin();
  auto b = rules.tags.begin();
  while (a != refs.tags.end() && b != rules.tags.end()) {  // both sorted
    if (*a == *b) return true;
    if (*a < *b) ++a;
    else ++b;
  }
  return false;
}

/** True when `a`'s own rules accept stacking with `b`. */
bool accepts(const CompiledStore& store, uint32_t a, uint32_t b) {
  const StackingRules& ra = store.promotions[a].stackingRules;
  const StackingRules& rb = store.promotions[b].stackingRules;
  if (!(ra.combinesWith & discountClassBit(rb.discountClass))) return false;
  if (ra.notWith && names(*ra.notWith, b, rb)) return false;
  if (ra.onlyWith && !names(*ra.onlyWith, b, rb)) return false;
  return true;
}

/** The first part of a promotion's stacksWhen that fails on this cart (segments, then minSubtotal, then coupons). */
std::optional<LeftOutPromotion> failingCondition(const Cart& cart, const Promotion& promo, Minor itemsTotal) {
  const std::optional<StackingCondition>& when = promo.stackingRules.stacksWhen;
  if (!when) return std::nullopt;
  LeftOutPromotion out;
  out.reason = Reason::StackingConditionNotMet;
  if (!when->segments.empty() && !cart.customerHasSegment(when->segments)) {
    out.missing = "segments";
    out.why = {Message::StackingNeedsSegment};
    out.why.segments = &when->segments;
    return out;
  }
  if (when->minSubtotal) {
    const Minor minimum = cart.currency.amount(*when->minSubtotal);
    if (itemsTotal < minimum) {
      out.missing = "minSubtotal";
      out.amountNeeded = minimum - itemsTotal;
      out.why = {Message::StackingNeedsSubtotal};
      out.why.amount = minimum;
      out.why.amount2 = *out.amountNeeded;
      return out;
    }
  }
  if (!when->coupons.empty() &&
      std::none_of(when->coupons.begin(), when->coupons.end(), [&](const std::string& c) { return cart.couponEntered(c); })) {
    out.missing = "coupons";
    out.why = {Message::StackingNeedsCoupon};
    out.why.name2 = when->coupons.front();
    return out;
  }
  return std::nullopt;
}

/** The conflict graph over the promotions that can apply, and the search over its maximal independent sets. */
class CombinationSearch {
 public:
  CombinationSearch(const Cart& cart, const PriceFromPromotions& rest) : cart_(cart), rest_(rest) {}

  PricedCart run() {
    const CompiledStore& store = cart_.store;
    if (store.conditionalStacking) findConflicts();
    if (conflicting_.empty() && !store.hasExclusive) return rest_(cart_, nullptr);

    baseWork_ = work_ = cart_.meter.spent();
    std::vector<bool> greedy(conflicting_.size(), false);  // the priority-order combination: the first to price
    std::vector<std::size_t> position(vertices_.size(), 0);  // vertex -> index in conflicting_
    for (std::size_t c = 0; c < conflicting_.size(); ++c) position[conflicting_[c]] = c;
    position_ = std::move(position);
    for (std::size_t c = 0; c < conflicting_.size(); ++c) {
      greedy[c] = std::none_of(neighbours_[conflicting_[c]].begin(), neighbours_[conflicting_[c]].end(),
                               [&](std::size_t v) { return greedy[position_[v]]; });
    }
    price(greedy, std::nullopt);
    const bool exclusivesCompete = priceExclusives();
    if (conflicting_.empty() && !exclusivesCompete) return std::move(best_->priced);  // nothing competed
    if (conflicting_.size() > kMaxStackingConflicts) {
      stopped_ = true;  // too many to search: the priority-order combination stands
    } else if (!conflicting_.empty()) {
      const std::size_t m = conflicting_.size();
      adjacency_.assign(m, 0);
      for (std::size_t c = 0; c < m; ++c) {
        for (std::size_t v : neighbours_[conflicting_[c]]) adjacency_[c] |= uint64_t{1} << position_[v];
      }
      greedyMask_ = toMask(greedy);
      const uint64_t all = m == 64 ? ~uint64_t{0} : (uint64_t{1} << m) - 1;
      expand(0, all, 0);
    }
    explainExclusives();
    PricedCart priced = std::move(best_->priced);
    priced.quote.stacking = StackingSearch{combinations_, !stopped_};
    priced.work = work_;
    return priced;
  }

  /** The conflict graph over the non-exclusive promotions that can apply (exclusive ones are alternatives of their
      own, priceExclusives). */
  void findConflicts() {
    const CompiledStore& store = cart_.store;
    const RelevantPromotions relevant(cart_);
    // Only promotions that apply on their own can conflict: every kind saves no more on a cheaper cart (the argument
    // the best-deal bounds rest on), so one that does not apply alone never applies and never keeps another out.
    for (uint32_t p : livePromotions(cart_, relevant.promotions())) {
      if (store.promotions[p].stacking == Promotion::Stacking::Exclusive) continue;
      if (evaluatePromotion(cart_, store.promotions[p], relevant.linesAt(relevant.position(p))).applies) vertices_.push_back(p);
    }
    Minor itemsTotal = 0;
    for (const auto& line : cart_.lines) itemsTotal = addMoney(itemsTotal, line.total(), "/lines");
    const std::size_t n = vertices_.size();
    conditionFails_.resize(n);
    std::vector<std::size_t> restricting;
    for (std::size_t i = 0; i < n; ++i) {
      const Promotion& promo = store.promotions[vertices_[i]];
      if (!promo.stackingRules.restricts()) continue;
      restricting.push_back(i);
      conditionFails_[i] = failingCondition(cart_, promo, itemsTotal);
    }
    // A pair can only conflict when one side has rules: |restricting| x n checks, charged as work.
    cart_.meter.spend(static_cast<int64_t>(restricting.size() * n));
    neighbours_.assign(n, {});
    std::vector<bool> isRestricting(n, false);
    for (std::size_t i : restricting) isRestricting[i] = true;
    for (std::size_t i : restricting) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i || (isRestricting[j] && j < i)) continue;  // each restricting pair once
        bool conflict = conditionFails_[i] || conditionFails_[j] || !combinable(store, vertices_[i], vertices_[j]);
        if (!conflict) continue;
        neighbours_[i].push_back(j);
        neighbours_[j].push_back(i);
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::sort(neighbours_[i].begin(), neighbours_[i].end());  // application order: `by` names the first
      if (!neighbours_[i].empty()) conflicting_.push_back(i);
    }
  }

  /**
   * Prices each exclusive promotion that applies alone (the priority-order run reports it lost_to_better_combination)
   * as an alternative of its own, in application order. Returns whether any competed.
   */
  bool priceExclusives() {
    const CompiledStore& store = cart_.store;
    stackedVerdicts_ = best_->priced.promotions;  // the priority-order combination's
    std::vector<uint32_t> competing;
    for (const RuleVerdict& verdict : stackedVerdicts_) {
      if (store.promotions[verdict.rule].stacking == Promotion::Stacking::Exclusive &&
          verdict.reason == Reason::LostToBetterCombination) {
        competing.push_back(verdict.rule);
      }
    }
    if (competing.empty()) return false;
    const RelevantPromotions relevant(cart_);
    for (uint32_t p : competing) {
      StackingPlan plan;
      plan.exclusive = p;
      plan.exclusiveLines = relevant.linesAt(relevant.position(p));
      plan.stackedVerdicts = &stackedVerdicts_;
      if (!price(std::vector<bool>(conflicting_.size(), false), plan)) break;
    }
    return true;
  }

  /** Writes what the choice compared into the sentences of the exclusive promotions and of those one blocked. */
  void explainExclusives() {
    const CompiledStore& store = cart_.store;
    std::sort(exclusiveTotals_.begin(), exclusiveTotals_.end());
    auto paidWith = [&](uint32_t p) -> std::optional<Minor> {
      auto it = std::lower_bound(exclusiveTotals_.begin(), exclusiveTotals_.end(), std::pair<uint32_t, Minor>{p, INT64_MIN});
      return it != exclusiveTotals_.end() && it->first == p ? std::optional<Minor>(it->second) : std::nullopt;
    };
    const Minor chosen = best_->payable;
    for (RuleVerdict& verdict : best_->priced.promotions) {
      const bool exclusive = store.promotions[verdict.rule].stacking == Promotion::Stacking::Exclusive;
      if (verdict.reason == Reason::LostToBetterCombination && exclusive) {
        const std::optional<Minor> alone = paidWith(verdict.rule);
        verdict.why = {!alone ? Message::ExclusiveNotCompared
                              : *alone == chosen ? Message::LostTieToCombination : Message::LostToBetterCombination};
        verdict.why.amount = chosen;
        verdict.why.amount2 = alone.value_or(0);
      } else if (verdict.reason == Reason::BlockedByExclusive) {
        const std::optional<Minor> instead = exclusive ? paidWith(verdict.rule) : bestStacked_;
        const std::string_view winner = verdict.why.name;
        verdict.why = {!instead ? Message::ExclusiveNotCompared
                                : *instead == chosen ? Message::BlockedByExclusiveTie : Message::BlockedByExclusive};
        verdict.why.name = winner;
        verdict.why.amount = chosen;
        verdict.why.amount2 = instead.value_or(0);
      }
    }
  }

 private:
  struct Choice {
    PricedCart priced;
    Minor payable = 0;
    std::vector<bool> chosen;
    std::optional<uint32_t> exclusive;  // the exclusive promotion applied alone, if this is such an alternative
  };

  static uint64_t toMask(const std::vector<bool>& chosen) {
    uint64_t mask = 0;
    for (std::size_t c = 0; c < chosen.size(); ++c) {
      if (chosen[c]) mask |= uint64_t{1} << c;
    }
    return mask;
  }

  /** Bron-Kerbosch with Tomita's pivot on the complement: R is independent, P may join it, X was tried. */
  void expand(uint64_t r, uint64_t p, uint64_t x) {
    if (stopped_) return;
    if (++steps_ > kMaxEnumerationSteps) {
      stopped_ = true;
      return;
    }
    if (p == 0 && x == 0) {
      if (r != greedyMask_) {
        std::vector<bool> chosen(conflicting_.size());
        for (std::size_t c = 0; c < chosen.size(); ++c) chosen[c] = (r >> c) & 1;
        price(chosen, std::nullopt);
      }
      return;
    }
    // Pivot: the vertex whose closed neighbourhood leaves the fewest candidates to branch on.
    uint64_t pivotClosed = 0;
    int fewest = 65;
    for (uint64_t rest = p | x; rest != 0; rest &= rest - 1) {
      const int u = std::countr_zero(rest);
      const uint64_t closed = adjacency_[u] | (uint64_t{1} << u);
      const int branches = std::popcount(p & closed);
      if (branches < fewest) {
        fewest = branches;
        pivotClosed = closed;
      }
    }
    for (uint64_t branch = p & pivotClosed; branch != 0 && !stopped_; branch &= branch - 1) {
      const int v = std::countr_zero(branch);
      const uint64_t bit = uint64_t{1} << v;
      const uint64_t closed = adjacency_[v] | bit;
      expand(r | bit, p & ~closed, x & ~closed);
      p &= ~bit;
      x |= bit;
    }
  }

  /** The plan for a combination: every conflicting promotion outside it, with the members it conflicts with. */
  StackingPlan planFor(const std::vector<bool>& chosen) const {
    StackingPlan plan;
    for (std::size_t c = 0; c < conflicting_.size(); ++c) {
      if (chosen[c]) continue;
      const std::size_t v = conflicting_[c];
      LeftOutPromotion left;
      if (conditionFails_[v]) {
        left = *conditionFails_[v];
      } else {
        left.reason = Reason::NotCombinableWith;
        left.why = {Message::NotCombinableWith};
      }
      left.promotion = vertices_[v];
      for (std::size_t u : neighbours_[v]) {
        if (chosen[position_[u]]) left.blockers.push_back(vertices_[u]);
      }
      plan.leftOut.push_back(std::move(left));
    }
    std::sort(plan.leftOut.begin(), plan.leftOut.end(),
              [](const LeftOutPromotion& a, const LeftOutPromotion& b) { return a.promotion < b.promotion; });
    return plan;
  }

  /**
   * Prices one alternative with the rest of the pipeline (a combination of `chosen`, or the exclusive promotion of
   * `exclusivePlan` alone) and keeps it if the shopper pays least with it. Returns false when the search has stopped.
   */
  bool price(const std::vector<bool>& chosen, const std::optional<StackingPlan>& exclusivePlan) {
    // The next run is about as dear as the last (the same cart, similar promotions): stop before it would take the
    // search past one quote's work budget, so the whole search costs about one quote.
    if (best_ && (combinations_ >= static_cast<int64_t>(kMaxStackingCombinations) ||
                  addSaturating(work_, lastRunWork_) > kQuoteWorkBudget)) {
      stopped_ = true;
      return false;
    }
    StackingPlan plan = exclusivePlan ? *exclusivePlan : planFor(chosen);
    PricedCart priced = rest_(cart_, &plan);
    lastRunWork_ = priced.work - baseWork_;
    work_ = addSaturating(work_, lastRunWork_);
    ++combinations_;
    const Minor total = payable(priced.quote);
    if (exclusivePlan) {
      exclusiveTotals_.emplace_back(*exclusivePlan->exclusive, total);
    } else if (!bestStacked_ || total < *bestStacked_) {
      bestStacked_ = total;
    }
    Choice candidate{std::move(priced), total, chosen, exclusivePlan ? exclusivePlan->exclusive : std::nullopt};
    if (!best_ || better(candidate, *best_)) best_ = std::move(candidate);
    return true;
  }

  /**
   * The shopper pays less; on a tie a combination beats an exclusive promotion alone (the shopper keeps every offer
   * that stacks), and otherwise the earlier in application order wins: the combination holding the promotion first
   * in application order where the two differ, or the exclusive promotion priced first.
   */
  static bool better(const Choice& a, const Choice& b) {
    if (a.payable != b.payable) return a.payable < b.payable;
    if (a.exclusive.has_value() != b.exclusive.has_value()) return !a.exclusive;
    if (a.exclusive) return false;  // priced in application order: the earlier one is already kept
    return firstInOrder(a.chosen, b.chosen);
  }

  /** Ties go to the combination holding the promotion first in application order where the two differ. */
  static bool firstInOrder(const std::vector<bool>& a, const std::vector<bool>& b) {
    for (std::size_t c = 0; c < a.size(); ++c) {
      if (a[c] != b[c]) return a[c];
    }
    return false;
  }

  const Cart& cart_;
  const PriceFromPromotions& rest_;
  std::vector<uint32_t> vertices_;                          // live promotions that apply alone, in application order
  std::vector<std::optional<LeftOutPromotion>> conditionFails_;  // per vertex: its failing stacksWhen
  std::vector<std::vector<std::size_t>> neighbours_;        // per vertex: the vertices it conflicts with
  std::vector<std::size_t> conflicting_;                    // vertices with a conflict, in application order
  std::vector<std::size_t> position_;                       // vertex -> index in conflicting_
  std::vector<uint64_t> adjacency_;                         // per conflicting index, as bits (at most 64 of them)
  uint64_t greedyMask_ = 0;
  std::optional<Choice> best_;
  std::optional<Minor> bestStacked_;                         // the least the shopper pays with a combination
  std::vector<std::pair<uint32_t, Minor>> exclusiveTotals_;  // what they pay with each exclusive promotion alone
  std::vector<RuleVerdict> stackedVerdicts_;                 // the priority-order combination's verdicts
  int64_t combinations_ = 0;
  int64_t steps_ = 0;
  int64_t work_ = 0;         // the price rules, the conflict graph and every run so far
  int64_t baseWork_ = 0;     // the work before the first run (each run's meter starts from it)
  int64_t lastRunWork_ = 0;
  bool stopped_ = false;
};

}  // namespace

bool combinable(const CompiledStore& store, uint32_t a, uint32_t b) { return accepts(store, a, b) && accepts(store, b, a); }

PricedCart priceBestCombination(const Cart& cart, const PriceFromPromotions& rest) { return CombinationSearch(cart, rest).run(); }

}  // namespace cartcore
