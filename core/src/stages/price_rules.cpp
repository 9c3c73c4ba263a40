// SPDX-License-Identifier: MIT
#include "stages/price_rules.hpp"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <optional>

#include "stages/conditions.hpp"
#include "stages/unit_picks.hpp"

namespace cartcore {
namespace {

struct PriceRuleTally {
  Minor saving = 0;
  int64_t linesApplied = 0;
  std::optional<RuleVerdict> failure;  // the first reason it did not apply, by line id
};

/** The member prices the shopper's segments unlock, ascending: the union of the segment index's lists. */
std::vector<uint32_t> unlockedMemberPrices(const Cart& cart) {
  const CompiledStore& store = cart.store;
  std::vector<uint32_t> unlocked;
  for (const auto& segment : cart.request.segments) {  // at most kMaxSegments
    auto it = store.memberPricesBySegment.find(segment);
    if (it == store.memberPricesBySegment.end()) continue;
    cart.meter.spend(static_cast<int64_t>(it->second.size()));  // before the copy, so a huge union stops first
    unlocked.insert(unlocked.end(), it->second.begin(), it->second.end());
  }
  std::sort(unlocked.begin(), unlocked.end());
  unlocked.erase(std::unique(unlocked.begin(), unlocked.end()), unlocked.end());
  return unlocked;
}

/** Why a member price does not apply: the shopper has none of its segments (the same on every line). */
RuleVerdict segmentMiss(const CompiledStore& store, uint32_t r) {
  RuleVerdict miss{r};
  miss.reason = Reason::SegmentNotEligible;
  miss.why = {Message::PriceForSegments};
  miss.why.segments = &store.priceRules[r].segments;
  return miss;
}

/**
 * The price rules that can price a variant, ascending (= rule id order): those listed under it and the broad ones,
 * and of the member prices only those the shopper's segments unlock (`unlocked`, of which `unlockedBroad` are broad).
 */
void candidateRules(const CompiledStore& store, uint32_t variant, const std::vector<uint32_t>& unlocked,
                    const std::vector<uint32_t>& unlockedBroad, std::vector<uint32_t>& out) {
  const auto& own = store.priceRulesByVariant[variant];
  out.clear();
  auto broad = store.broadPriceRules.begin();
  for (uint32_t r : own) {
    for (; broad != store.broadPriceRules.end() && *broad < r; ++broad) {
      if (contains(store.priceRules[*broad].targets, variant)) out.push_back(*broad);
    }
    out.push_back(r);
  }
  for (; broad != store.broadPriceRules.end(); ++broad) {
    if (contains(store.priceRules[*broad].targets, variant)) out.push_back(*broad);
  }
  const std::size_t plain = out.size();
  for (uint32_t r : store.memberPricesByVariant[variant]) {
    if (std::binary_search(unlocked.begin(), unlocked.end(), r)) out.push_back(r);
  }
  for (uint32_t r : unlockedBroad) {
    if (contains(store.priceRules[r].targets, variant)) out.push_back(r);
  }
  if (out.size() > plain) {
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(plain), out.end());
    std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(plain), out.end());
  }
}

/** What `rule` would price one unit of `line` at, or why it does not apply (in `miss`). */
std::optional<Minor> proposePrice(const Cart& cart, const PriceRule& rule, const LineState& line, int64_t mixQuantity, RuleVerdict& miss) {
  switch (rule.type) {
    case PriceRule::Type::Tiered: {
      // Mix-and-match tiers count every matching line together (counted once per cart, before the lines).
      const int64_t quantity = rule.mixAndMatch ? mixQuantity : line.quantity();
      const QuantityTier* reached = nullptr;
      for (const auto& tier : rule.tiers) {
        if (quantity >= tier.minQuantity) reached = &tier;
      }
      if (reached) return changedUnitPrice(line.listUnit, cart.currency.change(reached->change));
      miss.reason = Reason::TierNotReached;
      miss.quantityNeeded = rule.tiers.front().minQuantity - quantity;
      miss.why = {rule.mixAndMatch ? Message::TierNotReachedInRange : Message::TierNotReached};
      miss.why.count = *miss.quantityNeeded;
      return std::nullopt;
    }
    case PriceRule::Type::MemberPrice:
      // candidateRules offers only the member prices the shopper's segments unlock.
      CARTCORE_ASSERT(cart.customerHasSegment(rule.segments));
      return changedUnitPrice(line.listUnit, cart.currency.change(rule.change));
    case PriceRule::Type::FlashSale:
      if (cart.windowOpen(*rule.window)) return changedUnitPrice(line.listUnit, cart.currency.change(rule.change));
      miss.reason = Reason::OutsideWindow;
      miss.why = windowExplanation(*rule.window, cart.request.now);
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<RuleVerdict> applyPriceRules(Cart& cart) {
  const CompiledStore& store = cart.store;
  // Each rule the cart touches gets a slot, in first-touch order, so the per-pair bookkeeping is an array index:
  // with maps it was most of this stage's time at thousands of rules per line. slotOf costs 4 bytes per store rule.
  constexpr uint32_t kNoSlot = UINT32_MAX;
  std::vector<uint32_t> slotOf(store.priceRules.size(), kNoSlot);
  std::vector<uint32_t> ruleOf;          // per slot
  std::vector<PriceRuleTally> tallies;   // per slot
  std::vector<int64_t> mixQuantities;    // per slot: a mix-and-match rule's units over every line it matches
  std::vector<uint32_t> proposers, candidates;
  auto slotFor = [&](uint32_t r) {
    if (slotOf[r] == kNoSlot) {
      slotOf[r] = static_cast<uint32_t>(ruleOf.size());
      ruleOf.push_back(r);
      tallies.emplace_back();
      mixQuantities.push_back(0);
    }
    return slotOf[r];
  };
  // Member prices: those the shopper's segments unlock are judged line by line; each other one touching the cart
  // gets its segment_not_eligible verdict once, so a store of member prices for many segments costs per line only
  // what this shopper can have.
  const std::vector<uint32_t> unlocked = unlockedMemberPrices(cart);
  std::vector<uint32_t> unlockedBroad;
  std::set_intersection(store.broadMemberPrices.begin(), store.broadMemberPrices.end(), unlocked.begin(), unlocked.end(),
                        std::back_inserter(unlockedBroad));
  auto lockedTouches = [&](uint32_t r) {
    PriceRuleTally& tally = tallies[slotFor(r)];
    if (!tally.failure) tally.failure = segmentMiss(store, r);
  };
  auto lineCost = [&](const LineState& line) {
    return static_cast<int64_t>(store.priceRulesByVariant[line.variant].size() + store.broadPriceRules.size() +
                                store.memberPricesByVariant[line.variant].size() + unlockedBroad.size());
  };
  // Every rule a line can meet gets its slot here, and every mix-and-match rule its quantity, in one pass:
  // O(line-rule pairs), where counting it again for each line was O(rules × lines²).
  for (const auto& line : cart.lines) {
    cart.meter.spend(lineCost(line));
    candidateRules(store, line.variant, unlocked, unlockedBroad, candidates);
    for (uint32_t r : candidates) {
      const uint32_t slot = slotFor(r);
      if (store.priceRules[r].mixAndMatch) mixQuantities[slot] += line.quantity();  // <= 500 lines x 100,000 units
    }
    for (uint32_t r : store.memberPricesByVariant[line.variant]) {
      if (!std::binary_search(unlocked.begin(), unlocked.end(), r)) lockedTouches(r);
    }
  }
  // A broad member price the shopper cannot have: found on the first line it covers (broad rules cover most of the
  // catalog, so that is usually the first line).
  for (uint32_t r : store.broadMemberPrices) {
    if (std::binary_search(unlocked.begin(), unlocked.end(), r)) continue;
    for (const auto& line : cart.lines) {
      cart.meter.spend(1);
      if (contains(store.priceRules[r].targets, line.variant)) {
        lockedTouches(r);
        break;
      }
    }
  }
  for (auto& line : cart.lines) {
    std::optional<uint32_t> winner;
    Minor best = line.listUnit;
    proposers.clear();
    cart.meter.spend(lineCost(line));
    candidateRules(store, line.variant, unlocked, unlockedBroad, candidates);
    for (uint32_t r : candidates) {
      PriceRuleTally& tally = tallies[slotOf[r]];
      RuleVerdict miss;
      miss.rule = r;
      std::optional<Minor> proposal = proposePrice(cart, store.priceRules[r], line, mixQuantities[slotOf[r]], miss);
      if (proposal && *proposal >= line.listUnit) {
        proposal.reset();
        miss.reason = Reason::NoSaving;
        miss.why = {Message::PriceNotLower};
      }
      if (!proposal) {
        if (!tally.failure ||
            (miss.quantityNeeded && tally.failure->quantityNeeded && *miss.quantityNeeded < *tally.failure->quantityNeeded)) {
          tally.failure = miss;
        }
        continue;
      }
      proposers.push_back(r);
      if (*proposal < best) {  // strict: among equal prices the rule id sorting first wins
        best = *proposal;
        winner = r;
      }
    }
    for (uint32_t r : proposers) {
      if (r == winner) continue;
      PriceRuleTally& tally = tallies[slotOf[r]];
      if (!tally.failure) tally.failure = RuleVerdict{r};
      if (tally.failure->reason != Reason::BetterPriceRuleApplied) {
        // Only the reason, the winner and the sentence change: what an earlier line found missing stays.
        tally.failure->reason = Reason::BetterPriceRuleApplied;
        tally.failure->by = store.priceRules[*winner].id;
        tally.failure->why = {Message::BetterPriceRuleApplied};
        tally.failure->why.name = store.priceRules[*winner].name;
      }
    }
    if (winner) {
      const PriceRule& rule = store.priceRules[*winner];
      Minor saving = mulMoney(line.listUnit - best, line.quantity());
      line.baseUnit = best;
      line.groups = {{line.quantity(), best}};
      line.adjustments.push_back({"priceRule", rule.id, rule.name, -saving});
      PriceRuleTally& tally = tallies[slotOf[*winner]];
      tally.saving = addMoney(tally.saving, saving, "/lines");
      tally.linesApplied += 1;
    }
  }
  // Verdicts in rule index order (= rule id order).
  std::vector<uint32_t> slots(ruleOf.size());
  std::iota(slots.begin(), slots.end(), 0u);
  std::sort(slots.begin(), slots.end(), [&](uint32_t a, uint32_t b) { return ruleOf[a] < ruleOf[b]; });
  std::vector<RuleVerdict> verdicts;
  verdicts.reserve(slots.size());
  for (uint32_t s : slots) {
    PriceRuleTally& tally = tallies[s];
    if (tally.linesApplied > 0) {
      RuleVerdict applied{ruleOf[s]};
      applied.applied = true;
      applied.amount = tally.saving;
      applied.reason = Reason::Applied;
      applied.why = {Message::PriceRuleApplied};
      applied.why.count = tally.linesApplied;
      applied.why.amount = tally.saving;
      verdicts.push_back(applied);
    } else {
      verdicts.push_back(*tally.failure);
    }
  }
  return verdicts;
}

}  // namespace cartcore
