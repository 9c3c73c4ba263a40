// SPDX-License-Identifier: MIT
#include "stages/stacking.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "input_error.hpp"
#include "stages/conditions.hpp"
#include "stages/promotions.hpp"

namespace cartcore {

namespace {

/** Sorts promotion indexes into application order when some priority depends on the customer's segments (the
    store's order is already priority, then id, otherwise). */
void sortByEffectivePriority(const Cart& cart, std::vector<uint32_t>& promotions) {
  if (!cart.store.priorityBySegment) return;
  std::vector<std::pair<int64_t, uint32_t>> keyed;
  keyed.reserve(promotions.size());
  for (uint32_t p : promotions) keyed.emplace_back(effectivePriority(cart.store.promotions[p], cart.request), p);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return cart.store.promotions[a.second].id < cart.store.promotions[b.second].id;
  });
  for (std::size_t i = 0; i < keyed.size(); ++i) promotions[i] = keyed[i].second;
}

}  // namespace

int64_t effectivePriority(const Promotion& promo, const QuoteRequest& request) {
  const auto& bySegment = promo.stackingRules.priorityBySegment;
  std::optional<int64_t> best;
  for (const auto& segment : request.segments) {
    auto it = bySegment.find(segment);
    if (it != bySegment.end() && (!best || it->second > *best)) best = it->second;
  }
  return best ? *best : promo.priority;
}

std::vector<uint32_t> livePromotions(const Cart& cart, const std::vector<uint32_t>& candidates) {
  std::vector<uint32_t> live;
  for (uint32_t p : candidates) {
    const Promotion& promo = cart.store.promotions[p];
    if (!promo.coupons.empty() &&
        std::none_of(promo.coupons.begin(), promo.coupons.end(), [&](const std::string& c) { return cart.couponEntered(c); })) {
      continue;
    }
    RuleVerdict scratch;
    if (staticConditionsHold(cart, promo, scratch)) live.push_back(p);
  }
  sortByEffectivePriority(cart, live);
  return live;
}

namespace {

/** True when a stacked run's verdict says the promotion would apply but for stacking (it is blocked, not failing). */
bool wouldApplyButForStacking(const RuleVerdict& verdict) {
  switch (verdict.reason) {
    case Reason::Applied:
    case Reason::LostToBetterInGroup:
    case Reason::BlockedByStopRule:
    case Reason::LostToBetterCombination:
    case Reason::NotCombinableWith:
    case Reason::StackingConditionNotMet:
    case Reason::ClampedByMarginFloor:
    case Reason::ClampedByOrderCap:
      return true;
    default:
      return verdict.applied;
  }
}

/** Writes an evaluation into a promotion's verdict. */
void record(RuleVerdict& verdict, const Evaluation& e) {
  verdict.applied = e.applies;
  verdict.amount = e.applies ? e.savings : 0;
  verdict.reason = *e.reason;
  verdict.why = e.why;
  verdict.amountNeeded = e.amountNeeded;
  verdict.quantityNeeded = e.quantityNeeded;
}

/** A run where the plan's exclusive promotion applies alone: the stacked run's verdicts, every promotion that would
    have applied there now blocked by it. O(listed promotions), charged to the work budget. */
std::vector<RuleVerdict> applyExclusiveAlone(Cart& cart, const StackingPlan& plan) {
  CARTCORE_ASSERT(plan.stackedVerdicts != nullptr);
  const Promotion& winner = cart.store.promotions[*plan.exclusive];
  std::vector<RuleVerdict> verdicts = *plan.stackedVerdicts;
  cart.meter.spend(static_cast<int64_t>(verdicts.size()));
  Evaluation e = evaluatePromotion(cart, winner, plan.exclusiveLines);
  for (RuleVerdict& verdict : verdicts) {
    if (verdict.rule == *plan.exclusive) {
      std::string_view coupon = verdict.coupon;
      verdict = RuleVerdict(verdict.rule);
      verdict.coupon = coupon;
      record(verdict, e);
      continue;
    }
    if (!wouldApplyButForStacking(verdict)) continue;  // it failed for its own reason, and that reason still holds
    std::string_view coupon = verdict.coupon;
    verdict = RuleVerdict(verdict.rule);
    verdict.coupon = coupon;
    verdict.reason = Reason::BlockedByExclusive;
    verdict.by = winner.id;
    verdict.why = {Message::BlockedByExclusive};  // the amounts compared are the choice's (stacking_choice.cpp)
    verdict.why.name = winner.name;
  }
  if (e.applies) applyPromotion(cart, winner, e);
  return verdicts;
}

}  // namespace

std::vector<RuleVerdict> applyPromotions(Cart& cart, const StackingPlan* plan) {
  if (plan && plan->exclusive) return applyExclusiveAlone(cart, *plan);
  const CompiledStore& store = cart.store;
  const RelevantPromotions relevant(cart);
  const std::vector<uint32_t>& candidates = relevant.promotions();
  auto leftOutEntry = [&](uint32_t p) -> const LeftOutPromotion* {
    if (!plan) return nullptr;
    auto it = std::lower_bound(plan->leftOut.begin(), plan->leftOut.end(), p,
                               [](const LeftOutPromotion& l, uint32_t q) { return l.promotion < q; });
    return it != plan->leftOut.end() && it->promotion == p ? &*it : nullptr;
  };
  std::vector<RuleVerdict> verdicts(candidates.size());
  std::vector<bool> listed(candidates.size(), false);
  auto verdictOf = [&](uint32_t p) -> RuleVerdict& { return verdicts[relevant.position(p)]; };
  auto evaluate = [&](uint32_t p) { return evaluatePromotion(cart, store.promotions[p], relevant.linesAt(relevant.position(p))); };
  std::vector<uint32_t> live;  // passed static conditions, in priority order (indexes are already priority-sorted)
  for (std::size_t r = 0; r < candidates.size(); ++r) {
    uint32_t p = candidates[r];
    const Promotion& promo = store.promotions[p];
    RuleVerdict& verdict = verdicts[r];
    verdict.rule = p;
    if (!promo.coupons.empty()) {
      auto code = std::find_if(promo.coupons.begin(), promo.coupons.end(), [&](const std::string& c) { return cart.couponEntered(c); });
      if (code == promo.coupons.end()) continue;  // never advertise a code the shopper has not entered
      verdict.coupon = *code;
    }
    listed[r] = true;
    if (staticConditionsHold(cart, promo, verdict) && !leftOutEntry(p)) live.push_back(p);
  }
  sortByEffectivePriority(cart, live);

  auto recordOf = [&](uint32_t p, const Evaluation& e) { record(verdictOf(p), e); };
  auto block = [&](uint32_t p, Reason reason, const Promotion& by, const Explanation& why) {
    RuleVerdict& verdict = verdictOf(p);
    verdict.applied = false;
    verdict.amount = 0;
    verdict.reason = reason;
    verdict.by = by.id;
    verdict.why = why;
  };

  // Exclusive promotions are judged alone on the cart as price rules left it. None applies in this stacked run: one
  // that would is an alternative the choice prices alone (stacking_choice.cpp), so here it has lost to the
  // combination until the choice says otherwise, and the choice writes the totals into its sentence.
  for (uint32_t p : live) {
    if (store.promotions[p].stacking != Promotion::Stacking::Exclusive) continue;
    Evaluation e = evaluate(p);
    recordOf(p, e);
    if (!e.applies) continue;
    RuleVerdict& verdict = verdictOf(p);
    verdict.applied = false;
    verdict.amount = 0;
    verdict.reason = Reason::LostToBetterCombination;
    verdict.why = {Message::LostToBetterCombination};
  }

  // Everything else in priority order, with exclusion groups and stop rules. Each group's live members are listed
  // once (in priority order), where scanning every live promotion per group was O(groups × live).
  struct Group {
    std::vector<uint32_t> members;
    bool decided = false;
  };
  std::map<std::string_view, Group> groups;
  for (uint32_t p : live) {
    const Promotion& promo = store.promotions[p];
    if (!promo.exclusionGroup.empty() && promo.stacking != Promotion::Stacking::Exclusive) groups[promo.exclusionGroup].members.push_back(p);
  }
  // The stack's savings must fit the range: past it the quote is amount_overflow at /lines, before later stages sum
  // the lines.
  [[maybe_unused]] Minor stackSavings = 0;
  const Promotion* stopper = nullptr;
  for (uint32_t p : live) {
    const Promotion& promo = store.promotions[p];
    if (promo.stacking == Promotion::Stacking::Exclusive) continue;
    if (stopper) {
      Explanation why{Message::BlockedByStopRule};
      why.name = stopper->name;
      block(p, Reason::BlockedByStopRule, *stopper, why);
      continue;
    }
    if (promo.exclusionGroup.empty()) {
      Evaluation e = evaluate(p);
      recordOf(p, e);
      if (e.applies) {
        applyPromotion(cart, promo, e);
        stackSavings = addMoney(stackSavings, e.savings, "/lines");
        if (promo.stacking == Promotion::Stacking::StopAfter) stopper = &promo;
      }
      continue;
    }
    Group& group = groups[promo.exclusionGroup];
    if (group.decided) continue;
    group.decided = true;
    // Every live member of the group competes on the same cart; the biggest saving wins (ties: priority, id).
    std::optional<uint32_t> best;
    Evaluation bestEval;
    std::vector<std::pair<uint32_t, Evaluation>> members;
    for (uint32_t m : group.members) {
      Evaluation e = evaluate(m);
      recordOf(m, e);
      if (e.applies && (!best || e.savings > bestEval.savings || (e.savings == bestEval.savings && e.freeShipping && !bestEval.freeShipping))) {
        best = m;
        bestEval = e;
      }
      members.emplace_back(m, std::move(e));
    }
    if (!best) continue;
    const Promotion& winner = store.promotions[*best];
    applyPromotion(cart, winner, bestEval);
    stackSavings = addMoney(stackSavings, bestEval.savings, "/lines");
    for (const auto& [m, e] : members) {
      if (m == *best || !e.applies) continue;
      Explanation why{Message::LostToBetterInGroup};
      why.name = promo.exclusionGroup;
      why.name2 = winner.name;
      why.amount = bestEval.savings;
      why.amount2 = e.savings;
      block(m, Reason::LostToBetterInGroup, winner, why);
    }
    if (winner.stacking == Promotion::Stacking::StopAfter) stopper = &winner;
  }

  if (plan) {
    for (const LeftOutPromotion& left : plan->leftOut) {
      if (!relevant.contains(left.promotion)) continue;
      auto applied = std::find_if(left.blockers.begin(), left.blockers.end(), [&](uint32_t b) { return verdictOf(b).applied; });
      const Promotion& by = store.promotions[applied != left.blockers.end() ? *applied : left.blockers.front()];
      Explanation why = left.why;
      why.name = by.name;
      block(left.promotion, left.reason, by, why);
      verdictOf(left.promotion).amountNeeded = left.amountNeeded;
      verdictOf(left.promotion).missing = left.missing;
    }
  }
  std::vector<uint32_t> order;  // listed promotions in application order
  for (std::size_t r = 0; r < verdicts.size(); ++r) {
    if (listed[r]) order.push_back(candidates[r]);
  }
  sortByEffectivePriority(cart, order);
  std::vector<RuleVerdict> out;
  out.reserve(order.size());
  for (uint32_t p : order) out.push_back(verdictOf(p));
  return out;
}

}  // namespace cartcore
