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

/** The same for positions in `candidates` (ascending promotion indexes). */
void sortPositionsByEffectivePriority(const Cart& cart, const std::vector<uint32_t>& candidates, std::vector<std::size_t>& positions) {
  if (!cart.store.priorityBySegment) return;
  std::vector<uint32_t> promotions;
  promotions.reserve(positions.size());
  for (std::size_t r : positions) promotions.push_back(candidates[r]);
  sortByEffectivePriority(cart, promotions);
  for (std::size_t i = 0; i < promotions.size(); ++i) {
    positions[i] = static_cast<std::size_t>(std::lower_bound(candidates.begin(), candidates.end(), promotions[i]) - candidates.begin());
  }
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
  // Promotions are handled by their position in `candidates` (= in `verdicts`), never looked up again by index:
  // a binary search per verdict touched was a measurable share of a quote.
  auto promotionAt = [&](std::size_t r) -> const Promotion& { return store.promotions[candidates[r]]; };
  auto leftOutEntry = [&](uint32_t p) -> const LeftOutPromotion* {
    if (!plan) return nullptr;
    auto it = std::lower_bound(plan->leftOut.begin(), plan->leftOut.end(), p,
                               [](const LeftOutPromotion& l, uint32_t q) { return l.promotion < q; });
    return it != plan->leftOut.end() && it->promotion == p ? &*it : nullptr;
  };
  // A verdict only for the promotions the quote lists, in position order (a verdict is a few hundred bytes, and a
  // code-only promotion whose code is absent is never listed): slotOf maps a position to its verdict.
  constexpr uint32_t kUnlisted = UINT32_MAX;
  std::vector<uint32_t> slotOf(candidates.size(), kUnlisted);
  std::vector<RuleVerdict> verdicts;
  verdicts.reserve(candidates.size());
  auto verdictAt = [&](std::size_t r) -> RuleVerdict& { return verdicts[slotOf[r]]; };
  auto evaluate = [&](std::size_t r) { return evaluatePromotion(cart, promotionAt(r), relevant.linesAt(r)); };
  std::vector<std::size_t> live;  // passed static conditions, in priority order (indexes are already priority-sorted)
  for (std::size_t r = 0; r < candidates.size(); ++r) {
    uint32_t p = candidates[r];
    const Promotion& promo = store.promotions[p];
    std::string_view coupon;
    if (!promo.coupons.empty()) {
      auto code = std::find_if(promo.coupons.begin(), promo.coupons.end(), [&](const std::string& c) { return cart.couponEntered(c); });
      if (code == promo.coupons.end()) continue;  // never advertise a code the shopper has not entered
      coupon = *code;
    }
    slotOf[r] = static_cast<uint32_t>(verdicts.size());
    RuleVerdict& verdict = verdicts.emplace_back(p);
    verdict.coupon = coupon;
    if (staticConditionsHold(cart, promo, verdict) && !leftOutEntry(p)) live.push_back(r);
  }
  sortPositionsByEffectivePriority(cart, candidates, live);

  auto recordAt = [&](std::size_t r, const Evaluation& e) { record(verdictAt(r), e); };
  auto block = [](RuleVerdict& verdict, Reason reason, const Promotion& by, const Explanation& why) {
    verdict.applied = false;
    verdict.amount = 0;
    verdict.reason = reason;
    verdict.by = by.id;
    verdict.why = why;
  };

  // Exclusive promotions are judged alone on the cart as price rules left it. None applies in this stacked run: one
  // that would is an alternative the choice prices alone (stacking_choice.cpp), so here it has lost to the
  // combination until the choice says otherwise, and the choice writes the totals into its sentence.
  for (std::size_t r : live) {
    if (promotionAt(r).stacking != Promotion::Stacking::Exclusive) continue;
    Evaluation e = evaluate(r);
    recordAt(r, e);
    if (!e.applies) continue;
    RuleVerdict& verdict = verdictAt(r);
    verdict.applied = false;
    verdict.amount = 0;
    verdict.reason = Reason::LostToBetterCombination;
    verdict.why = {Message::LostToBetterCombination};
  }

  // Everything else in priority order, with exclusion groups and stop rules. Each group's live members are listed
  // once (in priority order), where scanning every live promotion per group was O(groups × live).
  struct Group {
    std::vector<std::size_t> members;  // positions
    bool decided = false;
  };
  std::map<std::string_view, Group> groups;
  for (std::size_t r : live) {
    const Promotion& promo = promotionAt(r);
    if (!promo.exclusionGroup.empty() && promo.stacking != Promotion::Stacking::Exclusive) groups[promo.exclusionGroup].members.push_back(r);
  }
  // The stack's savings must fit the range: past it the quote is amount_overflow at /lines, before later stages sum
  // the lines.
  [[maybe_unused]] Minor stackSavings = 0;
  const Promotion* stopper = nullptr;
  for (std::size_t r : live) {
    const Promotion& promo = promotionAt(r);
    if (promo.stacking == Promotion::Stacking::Exclusive) continue;
    if (stopper) {
      Explanation why{Message::BlockedByStopRule};
      why.name = stopper->name;
      block(verdictAt(r), Reason::BlockedByStopRule, *stopper, why);
      continue;
    }
    if (promo.exclusionGroup.empty()) {
      Evaluation e = evaluate(r);
      recordAt(r, e);
      if (e.applies) {
        applyPromotion(cart, promo, e);
        stackSavings = addMoney(stackSavings, e.savings, "/lines");
        if (promo.stacking == Promotion::Stacking::StopAfter) stopper = &promo;
      }
      continue;
    }
    Group& group = groups[promo.exclusionGroup];
    if (group.decided) continue;
    // The group is decided at its first member that applies here. One that does not (nothing eligible, a minimum
    // not met) applies nowhere later either, as every kind saves no more on a cheaper cart, and must not move the
    // group ahead of the promotions between it and the members that do apply: it would change what they pay.
    Evaluation own = evaluate(r);
    if (!own.applies) {
      recordAt(r, own);
      continue;
    }
    group.decided = true;
    // Every live member of the group competes on the same cart; the biggest saving wins (ties: priority, id).
    std::optional<std::size_t> best;
    std::vector<std::pair<std::size_t, Evaluation>> members;
    members.reserve(group.members.size());
    for (std::size_t m : group.members) {
      Evaluation e = m == r ? std::move(own) : evaluate(m);
      recordAt(m, e);
      const Evaluation* bestEval = best ? &members[*best].second : nullptr;
      const bool better = e.applies && (!bestEval || e.savings > bestEval->savings ||
                                        (e.savings == bestEval->savings && e.freeShipping && !bestEval->freeShipping));
      members.emplace_back(m, std::move(e));
      if (better) best = members.size() - 1;
    }
    if (!best) continue;
    const auto& [winnerAt, winnerEval] = members[*best];
    const Promotion& winner = promotionAt(winnerAt);
    applyPromotion(cart, winner, winnerEval);
    stackSavings = addMoney(stackSavings, winnerEval.savings, "/lines");
    for (const auto& [m, e] : members) {
      if (m == winnerAt || !e.applies) continue;
      Explanation why{Message::LostToBetterInGroup};
      why.name = promo.exclusionGroup;
      why.name2 = winner.name;
      why.amount = winnerEval.savings;
      why.amount2 = e.savings;
      block(verdictAt(m), Reason::LostToBetterInGroup, winner, why);
    }
    if (winner.stacking == Promotion::Stacking::StopAfter) stopper = &winner;
  }

  if (plan) {
    // A promotion that is not listed (or not relevant) has no verdict: it neither applied nor gets a reason.
    auto listedVerdict = [&](uint32_t p) -> RuleVerdict* {
      if (!relevant.contains(p)) return nullptr;
      const uint32_t slot = slotOf[relevant.position(p)];
      return slot == kUnlisted ? nullptr : &verdicts[slot];
    };
    for (const LeftOutPromotion& left : plan->leftOut) {
      RuleVerdict* verdict = listedVerdict(left.promotion);
      if (!verdict) continue;
      auto applied = std::find_if(left.blockers.begin(), left.blockers.end(), [&](uint32_t b) {
        const RuleVerdict* blocker = listedVerdict(b);
        return blocker && blocker->applied;
      });
      const Promotion& by = store.promotions[applied != left.blockers.end() ? *applied : left.blockers.front()];
      Explanation why = left.why;
      why.name = by.name;
      block(*verdict, left.reason, by, why);
      verdict->amountNeeded = left.amountNeeded;
      verdict->missing = left.missing;
    }
  }
  if (!store.priorityBySegment) return verdicts;  // application order is position order
  std::vector<std::size_t> order;  // listed promotions in application order
  order.reserve(verdicts.size());
  for (std::size_t r = 0; r < candidates.size(); ++r) {
    if (slotOf[r] != kUnlisted) order.push_back(r);
  }
  sortPositionsByEffectivePriority(cart, candidates, order);
  std::vector<RuleVerdict> out;
  out.reserve(order.size());
  for (std::size_t r : order) out.push_back(verdictAt(r));
  return out;
}

}  // namespace cartcore
