// SPDX-License-Identifier: MIT
#include "stages/stacking.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

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

std::vector<RuleVerdict> applyPromotions(Cart& cart, const StackingPlan* plan) {
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

  auto record = [&](uint32_t p, const Evaluation& e) {
    RuleVerdict& verdict = verdictOf(p);
    verdict.applied = e.applies;
    verdict.amount = e.applies ? e.savings : 0;
    verdict.reason = *e.reason;
    verdict.why = e.why;
    verdict.amountNeeded = e.amountNeeded;
    verdict.quantityNeeded = e.quantityNeeded;
  };
  auto block = [&](uint32_t p, Reason reason, const Promotion& by, const Explanation& why) {
    RuleVerdict& verdict = verdictOf(p);
    verdict.applied = false;
    verdict.amount = 0;
    verdict.reason = reason;
    verdict.by = by.id;
    verdict.why = why;
  };

  // Exclusive promotions are judged alone on the cart as price rules left it, before anything stacks on it.
  const std::vector<LineState> pricedLines = cart.lines;
  std::optional<uint32_t> bestExclusive;
  Evaluation bestExclusiveEval;
  for (uint32_t p : live) {
    if (store.promotions[p].stacking != Promotion::Stacking::Exclusive) continue;
    Evaluation e = evaluate(p);
    record(p, e);
    if (e.applies && (!bestExclusive || e.savings > bestExclusiveEval.savings)) {
      bestExclusive = p;
      bestExclusiveEval = std::move(e);
    }
  }

  // Everything else in priority order, with exclusion groups and stop rules. Each group's live members are listed
  // once (in priority order), where scanning every live promotion per group was O(groups × live).
  std::map<std::string_view, std::vector<uint32_t>> groupMembers;
  for (uint32_t p : live) {
    const Promotion& promo = store.promotions[p];
    if (!promo.exclusionGroup.empty() && promo.stacking != Promotion::Stacking::Exclusive) groupMembers[promo.exclusionGroup].push_back(p);
  }
  Minor stackSavings = 0;
  std::set<std::string> decidedGroups;
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
      record(p, e);
      if (e.applies) {
        applyPromotion(cart, promo, e);
        stackSavings = addMoney(stackSavings, e.savings, "/lines");
        if (promo.stacking == Promotion::Stacking::StopAfter) stopper = &promo;
      }
      continue;
    }
    if (!decidedGroups.insert(promo.exclusionGroup).second) continue;
    // Every live member of the group competes on the same cart; the biggest saving wins (ties: priority, id).
    std::optional<uint32_t> best;
    Evaluation bestEval;
    std::vector<std::pair<uint32_t, Evaluation>> members;
    for (uint32_t m : groupMembers[promo.exclusionGroup]) {
      Evaluation e = evaluate(m);
      record(m, e);
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

  // An exclusive promotion applies alone, and only when it saves the shopper more than everything else combined
  // (as the leading platforms do), so entering a code never makes a cart dearer. A tie keeps the combination.
  if (bestExclusive && bestExclusiveEval.savings > stackSavings) {
    const Promotion& winner = store.promotions[*bestExclusive];
    cart.lines = pricedLines;
    cart.freeShipping.clear();
    applyPromotion(cart, winner, bestExclusiveEval);
    for (uint32_t other : live) {
      if (other == *bestExclusive) continue;
      RuleVerdict& verdict = verdictOf(other);
      bool wouldHaveApplied =
          verdict.applied || verdict.reason == Reason::LostToBetterInGroup || verdict.reason == Reason::BlockedByStopRule;
      if (!wouldHaveApplied) continue;  // it failed for its own reason, and that reason still holds
      Explanation why{Message::BlockedByExclusive};
      why.name = winner.name;
      why.amount = bestExclusiveEval.savings;
      block(other, Reason::BlockedByExclusive, winner, why);
    }
  } else if (bestExclusive) {
    for (uint32_t p : live) {
      RuleVerdict& verdict = verdictOf(p);
      if (store.promotions[p].stacking != Promotion::Stacking::Exclusive || !verdict.applied) continue;
      Minor alone = verdict.amount;
      verdict.applied = false;
      verdict.amount = 0;
      verdict.reason = Reason::LostToBetterCombination;
      verdict.why = {Message::LostToBetterCombination};
      verdict.why.amount = stackSavings;
      verdict.why.amount2 = alone;
    }
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
