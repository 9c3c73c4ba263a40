// SPDX-License-Identifier: MIT
// The pricing pipeline. Each line holds its units as run-length groups of equal current price, so buy-X-get-Y and
// bundles can pick individual units while a 10,000-unit line stays a handful of groups.
#include "pricing.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "input_error.hpp"
#include "timestamp.hpp"

namespace cartcore {
namespace {

struct UnitGroup {
  int64_t count = 0;
  Minor price = 0;  // current unit price, minor units
};

struct LineState {
  const CartLine* line = nullptr;
  uint32_t variant = 0;
  Minor listUnit = 0;
  Minor baseUnit = 0;  // after price rules: the "original" price promotions may refer to
  std::vector<UnitGroup> groups;  // dearest first, equal prices merged
  std::vector<Adjustment> adjustments;

  Minor total() const {
    Minor sum = 0;
    for (const auto& g : groups) sum = addMoney(sum, mulMoney(g.price, g.count));
    return sum;
  }
};

void normalizeGroups(std::vector<UnitGroup>& groups) {
  std::sort(groups.begin(), groups.end(), [](const UnitGroup& a, const UnitGroup& b) { return a.price > b.price; });
  std::vector<UnitGroup> merged;
  for (const auto& g : groups) {
    if (g.count == 0) continue;
    if (!merged.empty() && merged.back().price == g.price) merged.back().count += g.count;
    else merged.push_back(g);
  }
  groups = std::move(merged);
}

Minor changedUnitPrice(Minor price, const PriceChange& change) {
  switch (change.kind) {
    case PriceChange::Kind::PercentOff: return price - percentOf(price, change.value);
    case PriceChange::Kind::AmountOff: return std::max<Minor>(0, price - change.value);
    case PriceChange::Kind::FixedPrice: return std::min(price, change.value);
  }
  return price;
}

/** Splits a discount over `count` equal units: the remainder cents go one each to some units, so nothing is lost. */
void splitDiscountOverUnits(int64_t count, Minor price, Minor discount, std::vector<UnitGroup>& out) {
  CARTCORE_ASSERT(discount >= 0 && count > 0);
  Minor each = discount / count;
  int64_t extra = discount % count;
  out.push_back({count - extra, price - each});
  if (extra > 0) out.push_back({extra, price - each - 1});
}

/** The discount a per-unit price change gives `count` units now priced `price` (and `basePrice` before promotions). */
Minor unitChangeDiscount(int64_t count, Minor price, Minor basePrice, const PriceChange& change, Promotion::PercentBase base) {
  Minor current = mulMoney(price, count);
  switch (change.kind) {
    case PriceChange::Kind::PercentOff: {
      Minor from = base == Promotion::PercentBase::Original ? mulMoney(basePrice, count) : current;
      return std::min(current, percentOf(from, change.value));  // an "original" percentage never goes below zero
    }
    case PriceChange::Kind::AmountOff: return mulMoney(std::min(price, change.value), count);
    case PriceChange::Kind::FixedPrice: return mulMoney(std::max<Minor>(0, price - change.value), count);
  }
  return 0;
}

/** Units chosen from one group of one line. */
struct UnitPick {
  std::size_t line = 0;
  Minor price = 0;
  int64_t count = 0;
};

/** The effect of one promotion: new unit groups for the lines it touches, and how much each line saves. */
struct LineChange {
  std::size_t line = 0;
  std::vector<UnitGroup> groups;
  Minor discount = 0;
};

struct Evaluation {
  bool applies = false;
  std::string reason;
  std::string message;
  std::optional<Minor> amountNeeded;
  std::optional<int64_t> quantityNeeded;
  std::vector<LineChange> changes;
  Minor savings = 0;
  bool freeShipping = false;
  int64_t applications = 0;
};

class Pricer {
 public:
  Pricer(const CompiledStore& store, const QuoteRequest& request) : store_(store), request_(request) {}

  Quote run() {
    buildLines();
    applyPriceRules();
    applyPromotions();
    return assemble();
  }

 private:
  // ---- formatting for messages ----------------------------------------------------------------------------------

  std::string money(Minor amount) const { return formatMoney(amount, store_.exponent) + " " + store_.currency; }

  static std::string units(int64_t n, const char* noun = "item") {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
  }

  static std::string moreUnits(int64_t n) { return std::to_string(n) + (n == 1 ? " more item" : " more items"); }

  static std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? (i + 1 == items.size() ? " or " : ", ") : "") + items[i];
    return out;
  }

  // ---- lines ----------------------------------------------------------------------------------------------------

  void buildLines() {
    std::vector<const CartLine*> ordered;
    for (const auto& line : request_.lines) ordered.push_back(&line);
    // Line order in the request must not matter: everything downstream walks lines by id.
    std::sort(ordered.begin(), ordered.end(), [](const CartLine* a, const CartLine* b) { return a->id < b->id; });
    for (const CartLine* line : ordered) {
      LineState state;
      state.line = line;
      state.variant = store_.variantIndex.at(line->variant);
      state.listUnit = store_.variants[state.variant].price;
      state.baseUnit = state.listUnit;
      mulMoney(state.listUnit, line->quantity);  // reject overflowing lines up front
      state.groups.push_back({line->quantity, state.listUnit});
      lines_.push_back(std::move(state));
    }
    for (const auto& code : request_.coupons) {
      std::string normalized = normalizeCoupon(code);
      if (!normalized.empty()) enteredCoupons_.insert(normalized);
    }
  }

  bool hasSegment(const std::vector<std::string>& wanted) const {
    for (const auto& s : request_.segments) {
      if (std::binary_search(wanted.begin(), wanted.end(), s)) return true;
    }
    return false;
  }

  std::string windowMessage(const TimeWindow& w) const {
    if (request_.now < w.start) return "This offer starts at " + formatTimestamp(w.start) + ".";
    return "This offer ended at " + formatTimestamp(w.end) + ".";
  }

  // ---- price rules ----------------------------------------------------------------------------------------------

  struct PriceRuleTally {
    bool considered = false;
    Minor saving = 0;
    int64_t linesApplied = 0;
    RuleOutcome failure;  // the first reason it did not apply, by line id
  };

  void applyPriceRules() {
    std::map<uint32_t, PriceRuleTally> tallies;  // ordered by rule index = rule id
    // Mix-and-match tiers count every matching line together.
    auto mixQuantity = [&](const PriceRule& rule) {
      int64_t q = 0;
      for (const auto& l : lines_) {
        if (contains(rule.targets, l.variant)) q += l.line->quantity;
      }
      return q;
    };
    for (auto& line : lines_) {
      const auto& candidates = store_.priceRulesByVariant[line.variant];
      std::optional<uint32_t> winner;
      Minor best = line.listUnit;
      std::vector<uint32_t> proposers;
      for (uint32_t r : candidates) {
        const PriceRule& rule = store_.priceRules[r];
        PriceRuleTally& tally = tallies[r];
        tally.considered = true;
        RuleOutcome miss;
        std::optional<Minor> proposal;
        switch (rule.type) {
          case PriceRule::Type::Tiered: {
            int64_t quantity = rule.mixAndMatch ? mixQuantity(rule) : line.line->quantity;
            const QuantityTier* reached = nullptr;
            for (const auto& tier : rule.tiers) {
              if (quantity >= tier.minQuantity) reached = &tier;
            }
            if (reached) {
              proposal = changedUnitPrice(line.listUnit, reached->change);
            } else {
              miss.reason = "tier_not_reached";
              miss.quantityNeeded = rule.tiers.front().minQuantity - quantity;
              miss.message = "Buy " + moreUnits(*miss.quantityNeeded) + (rule.mixAndMatch ? " from this range" : " of this kind") +
                             " to reach the first price break.";
            }
            break;
          }
          case PriceRule::Type::MemberPrice:
            if (hasSegment(rule.segments)) {
              proposal = changedUnitPrice(line.listUnit, rule.change);
            } else {
              miss.reason = "segment_not_eligible";
              miss.message = "This price is for " + joined(rule.segments) + " customers.";
            }
            break;
          case PriceRule::Type::FlashSale:
            if (rule.window->contains(request_.now)) {
              proposal = changedUnitPrice(line.listUnit, rule.change);
            } else {
              miss.reason = "outside_window";
              miss.message = windowMessage(*rule.window);
            }
            break;
        }
        if (proposal && *proposal >= line.listUnit) {
          proposal.reset();
          miss.reason = "no_saving";
          miss.message = "This price is not lower than the list price.";
        }
        if (!proposal) {
          if (tally.failure.reason.empty() ||
              (miss.quantityNeeded && tally.failure.quantityNeeded && *miss.quantityNeeded < *tally.failure.quantityNeeded)) {
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
        PriceRuleTally& tally = tallies[r];
        if (tally.failure.reason.empty() || tally.failure.reason != "better_price_rule_applied") {
          tally.failure.reason = "better_price_rule_applied";
          tally.failure.by = store_.priceRules[*winner].id;
          tally.failure.message = "A lower price from \"" + store_.priceRules[*winner].name + "\" applies instead.";
        }
      }
      if (winner) {
        const PriceRule& rule = store_.priceRules[*winner];
        Minor saving = mulMoney(line.listUnit - best, line.line->quantity);
        line.baseUnit = best;
        line.groups = {{line.line->quantity, best}};
        line.adjustments.push_back({"priceRule", rule.id, rule.name, -saving});
        tallies[*winner].saving += saving;
        tallies[*winner].linesApplied += 1;
      }
    }
    for (const auto& [r, tally] : tallies) {
      const PriceRule& rule = store_.priceRules[r];
      RuleOutcome outcome;
      if (tally.linesApplied > 0) {
        outcome.applied = true;
        outcome.amount = tally.saving;
        outcome.reason = "applied";
        outcome.message = "Lower price on " + units(tally.linesApplied, "line") + "; you save " + money(tally.saving) + ".";
      } else {
        outcome = tally.failure;
      }
      outcome.kind = "priceRule";
      outcome.id = rule.id;
      outcome.name = rule.name;
      quote_.priceRules.push_back(std::move(outcome));
    }
  }

  // ---- promotions: static conditions ----------------------------------------------------------------------------

  /** Checks what does not depend on the cart's contents; fills `out` and returns false when the promotion is out. */
  bool staticConditionsHold(const Promotion& promo, RuleOutcome& out) const {
    const Conditions& c = promo.conditions;
    if (c.window && !c.window->contains(request_.now)) {
      out.reason = "outside_window";
      out.message = windowMessage(*c.window);
      return false;
    }
    if (!c.segments.empty() && !hasSegment(c.segments)) {
      out.reason = "segment_not_eligible";
      out.message = "This offer is for " + joined(c.segments) + " customers.";
      return false;
    }
    if (!c.currencies.empty() && std::find(c.currencies.begin(), c.currencies.end(), request_.currency) == c.currencies.end()) {
      out.reason = "currency_not_eligible";
      out.message = "This offer is not available in " + request_.currency + ".";
      return false;
    }
    if (c.stockGuard) {
      for (uint32_t v : c.stockGuard->variants) {
        const VariantInfo& variant = store_.variants[v];
        auto it = request_.stock.find(variant.id);
        if (it == request_.stock.end()) {
          out.reason = "stock_unknown";
          out.message = "This offer depends on live stock of " + variant.name + " (" + variant.sku + "), which is unknown right now.";
          return false;
        }
        if (it->second < c.stockGuard->minAvailable) {
          out.reason = "stock_below_threshold";
          out.message = "This offer is paused: " + variant.name + " (" + variant.sku + ") is down to " + units(it->second, "unit") +
                        ", below the " + std::to_string(c.stockGuard->minAvailable) + " the offer needs.";
          return false;
        }
      }
    }
    return true;
  }

  // ---- promotions: evaluation on the current cart ---------------------------------------------------------------


  /** Sorts picks by line, dearest first, merging duplicates: the order every change below walks them in. */
  static std::vector<UnitPick> byLineDearestFirst(std::vector<UnitPick> picks) {
    std::sort(picks.begin(), picks.end(), [](const UnitPick& a, const UnitPick& b) {
      return a.line != b.line ? a.line < b.line : a.price > b.price;
    });
    std::vector<UnitPick> merged;
    for (const auto& p : picks) {
      if (!merged.empty() && merged.back().line == p.line && merged.back().price == p.price) merged.back().count += p.count;
      else merged.push_back(p);
    }
    return merged;
  }

  /**
   * Rebuilds the groups of each picked line: untouched units keep their price, picked units lose `discountFor(pick)`,
   * split evenly over them. Picks must be sorted by byLineDearestFirst, as lines' groups are.
   */
  template <class DiscountFor>
  std::vector<LineChange> changePicks(const std::vector<UnitPick>& picks, DiscountFor&& discountFor) const {
    std::vector<LineChange> changes;
    for (std::size_t i = 0; i < picks.size();) {
      const LineState& line = lines_[picks[i].line];
      LineChange lc{picks[i].line, {}, 0};
      lc.groups.reserve(line.groups.size() + 2);
      for (const auto& g : line.groups) {
        int64_t picked = 0;
        const UnitPick* pick = nullptr;
        if (i < picks.size() && picks[i].line == lc.line && picks[i].price == g.price) {
          pick = &picks[i++];
          picked = pick->count;
        }
        if (picked < g.count) lc.groups.push_back({g.count - picked, g.price});
        if (!pick) continue;
        Minor d = discountFor(*pick, line);
        splitDiscountOverUnits(picked, g.price, d, lc.groups);
        lc.discount += d;
      }
      CARTCORE_ASSERT(i == picks.size() || picks[i].line != lc.line);  // every pick matched a group
      normalizeGroups(lc.groups);
      changes.push_back(std::move(lc));
    }
    return changes;
  }

  /** Applies a per-unit price change to the picked units, leaving the rest of each group untouched. */
  std::vector<LineChange> discountPicks(std::vector<UnitPick> picks, const PriceChange& change, Promotion::PercentBase base) const {
    return changePicks(byLineDearestFirst(std::move(picks)), [&](const UnitPick& pick, const LineState& line) {
      return unitChangeDiscount(pick.count, pick.price, line.baseUnit, change, base);
    });
  }

  /** Spreads one discount over picked units pro rata to their value (largest remainder, in line-id order). */
  std::vector<LineChange> spreadDiscount(Minor discount, std::vector<UnitPick> picks) const {
    picks = byLineDearestFirst(std::move(picks));
    std::vector<Minor> weights;
    weights.reserve(picks.size());
    for (const auto& p : picks) weights.push_back(mulMoney(p.price, p.count));
    std::vector<Minor> parts = allocateProRata(discount, weights);
    return changePicks(picks, [&](const UnitPick& pick, const LineState&) { return parts[&pick - picks.data()]; });
  }

  static void finish(Evaluation& e) {
    e.savings = 0;
    for (const auto& c : e.changes) e.savings += c.discount;
    if (e.savings > 0 || e.freeShipping) {
      e.applies = true;
      e.reason = "applied";
    } else if (e.reason.empty()) {
      e.reason = "no_saving";
      e.message = "This offer would not lower the price of anything in the cart.";
    }
  }

  Evaluation evaluate(const Promotion& promo) const {
    Evaluation e;
    const std::vector<std::size_t>& eligible = relevantLines_[relevantIndex(static_cast<uint32_t>(&promo - store_.promotions.data()))];
    if (eligible.empty()) {
      e.reason = "no_eligible_items";
      e.message = "Nothing in the cart qualifies for this offer.";
      return e;
    }
    Minor eligibleSubtotal = 0;
    int64_t eligibleQuantity = 0;
    for (std::size_t i : eligible) {
      eligibleSubtotal = addMoney(eligibleSubtotal, lines_[i].total());
      eligibleQuantity += lines_[i].line->quantity;
    }
    const Conditions& c = promo.conditions;
    if (c.minQuantity && eligibleQuantity < *c.minQuantity) {
      e.reason = "min_quantity_not_met";
      e.quantityNeeded = *c.minQuantity - eligibleQuantity;
      e.message = "Add " + moreUnits(*e.quantityNeeded) + " to unlock this offer.";
      return e;
    }
    if (c.minSubtotal && eligibleSubtotal < *c.minSubtotal) {
      e.reason = "min_subtotal_not_met";
      e.amountNeeded = *c.minSubtotal - eligibleSubtotal;
      e.message = "Spend " + money(*e.amountNeeded) + " more on eligible items to unlock this offer.";
      return e;
    }
    switch (promo.type) {
      case Promotion::Type::ItemDiscount: {
        std::vector<UnitPick> picks;
        for (std::size_t i : eligible) {
          for (const auto& g : lines_[i].groups) picks.push_back({i, g.price, g.count});
        }
        e.changes = discountPicks(picks, promo.discount, promo.percentBase);
        e.applications = 1;
        if (!e.changes.empty()) {
          int64_t n = 0;
          for (std::size_t i : eligible) n += lines_[i].line->quantity;
          e.message = "Applied to " + units(n) + ".";
        }
        break;
      }
      case Promotion::Type::BuyXGetY: evaluateBuyXGetY(promo, eligible, e); break;
      case Promotion::Type::Bundle: evaluateBundle(promo, eligible, e); break;
      case Promotion::Type::SpendThreshold: {
        const SpendTier* reached = nullptr;
        for (const auto& tier : promo.tiers) {
          if (eligibleSubtotal >= tier.minSubtotal) reached = &tier;
        }
        if (!reached) {
          e.reason = "min_subtotal_not_met";
          e.amountNeeded = promo.tiers.front().minSubtotal - eligibleSubtotal;
          e.message = "Spend " + money(*e.amountNeeded) + " more on eligible items to unlock this offer.";
          return e;
        }
        Minor discount = reached->change.kind == PriceChange::Kind::PercentOff ? percentOf(eligibleSubtotal, reached->change.value)
                                                                               : std::min(reached->change.value, eligibleSubtotal);
        std::vector<UnitPick> picks;
        for (std::size_t i : eligible) {
          for (const auto& g : lines_[i].groups) picks.push_back({i, g.price, g.count});
        }
        e.changes = spreadDiscount(discount, picks);
        e.applications = 1;
        e.message = "Eligible spend " + money(eligibleSubtotal) + " reached the " + money(reached->minSubtotal) + " tier.";
        break;
      }
      case Promotion::Type::FreeShipping:
        e.freeShipping = true;
        e.applications = 1;
        e.message = "Shipping is free on this order.";
        break;
    }
    finish(e);
    return e;
  }

  /** All units of the given lines as picks, ordered by price (ascending or descending), then by line id. */
  std::vector<UnitPick> unitPool(const std::vector<std::size_t>& lineIndexes, bool cheapestFirst) const {
    std::vector<UnitPick> pool;
    for (std::size_t i : lineIndexes) {
      for (const auto& g : lines_[i].groups) pool.push_back({i, g.price, g.count});
    }
    std::stable_sort(pool.begin(), pool.end(), [&](const UnitPick& a, const UnitPick& b) {
      if (a.price != b.price) return cheapestFirst ? a.price < b.price : a.price > b.price;
      return a.line < b.line;
    });
    return pool;
  }

  void evaluateBuyXGetY(const Promotion& promo, const std::vector<std::size_t>& eligible, Evaluation& e) const {
    // Units are "buy only" (A), "get only" (B) or both (C). k applications need k·x buy units and k·y get units,
    // all distinct, so k ≤ (A+C)/x, k ≤ (B+C)/y and k ≤ (A+B+C)/(x+y).
    int64_t onlyBuy = 0, onlyGet = 0, both = 0;
    for (std::size_t i : eligible) {
      bool inBuy = contains(promo.buyVariants, lines_[i].variant);
      bool inGet = contains(promo.getVariants, lines_[i].variant);
      int64_t q = lines_[i].line->quantity;
      (inBuy && inGet ? both : inBuy ? onlyBuy : onlyGet) += q;
    }
    const int64_t x = promo.buyQuantity, y = promo.getQuantity;
    int64_t k = std::min({(onlyBuy + both) / x, (onlyGet + both) / y, (onlyBuy + onlyGet + both) / (x + y)});
    if (promo.maxApplications > 0) k = std::min(k, promo.maxApplications);
    if (k == 0) {
      int64_t needBuy = std::max<int64_t>(0, x - onlyBuy - both);
      int64_t bothLeft = std::max<int64_t>(0, both - std::max<int64_t>(0, x - onlyBuy));
      int64_t needGet = std::max<int64_t>(0, y - onlyGet - bothLeft);
      e.reason = "buy_quantity_not_met";
      e.quantityNeeded = needBuy + needGet;
      e.message = needGet > 0 && needBuy == 0
                      ? "Add " + moreUnits(needGet) + " that this offer discounts to get it."
                      : "Add " + moreUnits(*e.quantityNeeded) + " to qualify for this offer.";
      return;
    }
    // The discounted units: cheapest (or dearest) get-eligible units, using at most (A+C − k·x) shared units so
    // enough remain to qualify. Capping the shared pick keeps the greedy choice optimal.
    bool cheapest = promo.discountedUnits == Promotion::UnitChoice::Cheapest;
    std::vector<UnitPick> pool = unitPool(eligible, cheapest);
    // At equal price, prefer get-only units so shared units stay free to qualify.
    std::stable_sort(pool.begin(), pool.end(), [&](const UnitPick& a, const UnitPick& b) {
      if (a.price != b.price) return cheapest ? a.price < b.price : a.price > b.price;
      bool aShared = contains(promo.buyVariants, lines_[a.line].variant);
      bool bShared = contains(promo.buyVariants, lines_[b.line].variant);
      if (aShared != bShared) return !aShared;
      return a.line < b.line;
    });
    int64_t toPick = k * y;
    int64_t sharedAllowance = onlyBuy + both - k * x;
    std::vector<UnitPick> picks;
    for (const auto& slot : pool) {
      if (toPick == 0) break;
      const uint32_t variant = lines_[slot.line].variant;
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
    e.changes = discountPicks(picks, promo.discount, promo.percentBase);
    e.applications = k;
    e.message = "Buy " + std::to_string(x) + ", get " + std::to_string(y) + ": applied " + std::to_string(k) + (k == 1 ? " time." : " times.");
  }

  void evaluateBundle(const Promotion& promo, const std::vector<std::size_t>& eligible, Evaluation& e) const {
    // Dearest units first, so each bundle is the one that saves the shopper most.
    std::vector<UnitPick> pool = unitPool(eligible, /*cheapestFirst=*/false);
    std::vector<int64_t> used(pool.size(), 0);
    // Fill the most constrained components first, so a broad component does not take a narrow one's units.
    std::vector<std::size_t> order(promo.components.size());
    std::iota(order.begin(), order.end(), 0);
    std::vector<int64_t> available(promo.components.size(), 0);
    for (std::size_t c = 0; c < promo.components.size(); ++c) {
      for (const auto& slot : pool) {
        if (contains(promo.components[c].variants, lines_[slot.line].variant)) available[c] += slot.count;
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return available[a] < available[b]; });

    Minor bundleValue = 0;  // current price of every unit placed in a bundle
    Minor discount = 0;
    int64_t applications = 0;
    int64_t missingUnits = 0;
    bool stoppedForNoSaving = false;
    while (promo.maxApplications == 0 || applications < promo.maxApplications) {
      std::vector<int64_t> tentative = used;
      Minor value = 0;
      bool complete = true;
      for (std::size_t c : order) {
        int64_t need = promo.components[c].quantity;
        for (std::size_t s = 0; s < pool.size() && need > 0; ++s) {
          if (!contains(promo.components[c].variants, lines_[pool[s].line].variant)) continue;
          int64_t take = std::min(need, pool[s].count - tentative[s]);
          if (take <= 0) continue;
          tentative[s] += take;
          need -= take;
          value = addMoney(value, mulMoney(pool[s].price, take));
        }
        if (need > 0) {
          complete = false;
          if (applications == 0) missingUnits += need;
        }
      }
      if (!complete) break;
      Minor saving = promo.bundlePrice ? value - *promo.bundlePrice : percentOf(value, promo.bundlePercentOff);
      if (saving <= 0) {
        stoppedForNoSaving = applications == 0;
        break;
      }
      used = std::move(tentative);
      bundleValue = addMoney(bundleValue, value);
      discount = addMoney(discount, saving);
      ++applications;
    }
    if (applications == 0) {
      if (stoppedForNoSaving) {
        e.reason = "no_saving";
        e.message = "The bundle price is not lower than these items already cost.";
      } else {
        e.reason = "bundle_incomplete";
        e.quantityNeeded = missingUnits;
        e.message = "Add " + moreUnits(missingUnits) + " to complete the bundle.";
      }
      return;
    }
    std::vector<UnitPick> picks;
    for (std::size_t s = 0; s < pool.size(); ++s) {
      if (used[s] > 0) picks.push_back({pool[s].line, pool[s].price, used[s]});
    }
    e.changes = spreadDiscount(discount, picks);
    e.applications = applications;
    e.message = "Bundle applied " + std::to_string(applications) + (applications == 1 ? " time" : " times") + " to items worth " +
                money(bundleValue) + ".";
  }

  void apply(const Promotion& promo, const Evaluation& e) {
    for (const auto& change : e.changes) {
      LineState& line = lines_[change.line];
      line.groups = change.groups;
      if (change.discount > 0) line.adjustments.push_back({"promotion", promo.id, promo.name, -change.discount});
    }
    if (e.freeShipping && quote_.freeShippingPromotion.empty()) quote_.freeShippingPromotion = promo.id;
  }

  // ---- promotions: stacking -------------------------------------------------------------------------------------

  void applyPromotions() {
    // Which promotions can matter, and which lines each can touch: those indexed under the cart's variants, the
    // cart-wide ones, and any a code unlocks (so a code for absent items is still explained).
    constexpr std::size_t kNoLine = SIZE_MAX;
    std::vector<std::pair<uint32_t, std::size_t>> touches;
    for (std::size_t l = 0; l < lines_.size(); ++l) {
      for (uint32_t p : store_.promotionsByVariant[lines_[l].variant]) touches.emplace_back(p, l);
      for (uint32_t p : store_.cartWidePromotions) touches.emplace_back(p, l);
    }
    for (const auto& code : enteredCoupons_) {
      auto it = store_.promotionsByCoupon.find(code);
      if (it == store_.promotionsByCoupon.end()) continue;
      for (uint32_t p : it->second) touches.emplace_back(p, kNoLine);
    }
    std::sort(touches.begin(), touches.end());
    for (const auto& [p, l] : touches) {
      if (relevant_.empty() || relevant_.back() != p) {
        relevant_.push_back(p);
        relevantLines_.emplace_back();
      }
      auto& lines = relevantLines_.back();
      if (l != kNoLine && (lines.empty() || lines.back() != l)) lines.push_back(l);
    }

    std::vector<RuleOutcome> outcomes(relevant_.size());
    std::vector<bool> listed(relevant_.size(), false);
    auto outcomeOf = [&](uint32_t p) -> RuleOutcome& { return outcomes[relevantIndex(p)]; };
    std::vector<uint32_t> live;  // passed static conditions, in priority order (indexes are already priority-sorted)
    for (std::size_t r = 0; r < relevant_.size(); ++r) {
      uint32_t p = relevant_[r];
      const Promotion& promo = store_.promotions[p];
      RuleOutcome& out = outcomes[r];
      out.kind = "promotion";
      out.id = promo.id;
      out.name = promo.name;
      if (!promo.coupons.empty()) {
        auto code = std::find_if(promo.coupons.begin(), promo.coupons.end(), [&](const std::string& c) { return enteredCoupons_.count(c) > 0; });
        if (code == promo.coupons.end()) continue;  // never advertise a code the shopper has not entered
        out.coupon = *code;
      }
      listed[r] = true;
      if (staticConditionsHold(promo, out)) live.push_back(p);
    }

    auto record = [&](uint32_t p, const Evaluation& e) {
      RuleOutcome& out = outcomeOf(p);
      out.applied = e.applies;
      out.amount = e.applies ? e.savings : 0;
      out.reason = e.reason;
      out.message = e.applies && e.savings > 0 ? e.message + " You save " + money(e.savings) + "." : e.message;
      out.amountNeeded = e.amountNeeded;
      out.quantityNeeded = e.quantityNeeded;
    };
    auto block = [&](uint32_t p, const char* reason, const Promotion& by, const std::string& message) {
      RuleOutcome& out = outcomeOf(p);
      out.reason = reason;
      out.by = by.id;
      out.message = message;
    };

    // Exclusive promotions are judged alone on the cart as price rules left it, before anything stacks on it.
    const std::vector<LineState> pricedLines = lines_;
    std::optional<uint32_t> bestExclusive;
    Evaluation bestExclusiveEval;
    for (uint32_t p : live) {
      if (store_.promotions[p].stacking != Promotion::Stacking::Exclusive) continue;
      Evaluation e = evaluate(store_.promotions[p]);
      record(p, e);
      if (e.applies && (!bestExclusive || e.savings > bestExclusiveEval.savings)) {
        bestExclusive = p;
        bestExclusiveEval = std::move(e);
      }
    }

    // Everything else in priority order, with exclusion groups and stop rules.
    Minor stackSavings = 0;
    std::set<std::string> decidedGroups;
    const Promotion* stopper = nullptr;
    for (uint32_t p : live) {
      const Promotion& promo = store_.promotions[p];
      if (promo.stacking == Promotion::Stacking::Exclusive) continue;
      if (stopper) {
        block(p, "blocked_by_stop_rule", *stopper, "Not combined: \"" + stopper->name + "\" does not stack with later offers.");
        continue;
      }
      if (promo.exclusionGroup.empty()) {
        Evaluation e = evaluate(promo);
        record(p, e);
        if (e.applies) {
          apply(promo, e);
          stackSavings += e.savings;
          if (promo.stacking == Promotion::Stacking::StopAfter) stopper = &promo;
        }
        continue;
      }
      if (!decidedGroups.insert(promo.exclusionGroup).second) continue;
      // Every live member of the group competes on the same cart; the biggest saving wins (ties: priority, id).
      std::optional<uint32_t> best;
      Evaluation bestEval;
      std::vector<std::pair<uint32_t, Evaluation>> members;
      for (uint32_t m : live) {
        const Promotion& member = store_.promotions[m];
        if (member.exclusionGroup != promo.exclusionGroup || member.stacking == Promotion::Stacking::Exclusive) continue;
        Evaluation e = evaluate(member);
        record(m, e);
        if (e.applies && (!best || e.savings > bestEval.savings || (e.savings == bestEval.savings && e.freeShipping && !bestEval.freeShipping))) {
          best = m;
          bestEval = e;
        }
        members.emplace_back(m, std::move(e));
      }
      if (!best) continue;
      const Promotion& winner = store_.promotions[*best];
      apply(winner, bestEval);
      stackSavings += bestEval.savings;
      for (const auto& [m, e] : members) {
        if (m == *best || !e.applies) continue;
        RuleOutcome& out = outcomeOf(m);
        out.applied = false;
        out.amount = 0;
        block(m, "lost_to_better_in_group", winner,
              "Only one offer from \"" + promo.exclusionGroup + "\" applies, and \"" + winner.name + "\" saves you more (" +
                  money(bestEval.savings) + " against " + money(e.savings) + ").");
      }
      if (winner.stacking == Promotion::Stacking::StopAfter) stopper = &winner;
    }

    // An exclusive promotion applies alone, and only when it saves the shopper more than everything else combined
    // (as the leading platforms do), so entering a code never makes a cart dearer. A tie keeps the combination.
    if (bestExclusive && bestExclusiveEval.savings > stackSavings) {
      const Promotion& winner = store_.promotions[*bestExclusive];
      lines_ = pricedLines;
      quote_.freeShippingPromotion.clear();
      apply(winner, bestExclusiveEval);
      for (uint32_t other : live) {
        if (other == *bestExclusive) continue;
        RuleOutcome& out = outcomeOf(other);
        bool wouldHaveApplied = out.applied || out.reason == "lost_to_better_in_group" || out.reason == "blocked_by_stop_rule";
        if (!wouldHaveApplied) continue;  // it failed for its own reason, and that reason still holds
        out.applied = false;
        out.amount = 0;
        block(other, "blocked_by_exclusive", winner,
              "Not combined: \"" + winner.name + "\" applies on its own and saves you more (" + money(bestExclusiveEval.savings) + ").");
      }
    } else if (bestExclusive) {
      for (uint32_t p : live) {
        RuleOutcome& out = outcomeOf(p);
        if (store_.promotions[p].stacking != Promotion::Stacking::Exclusive || !out.applied) continue;
        Minor alone = out.amount;
        out.applied = false;
        out.amount = 0;
        out.reason = "lost_to_better_combination";
        out.message = "Not applied: it cannot be combined, and the other offers together save you more (" + money(stackSavings) +
                      " against " + money(alone) + ").";
      }
    }
    quote_.promotions.reserve(outcomes.size());
    for (std::size_t r = 0; r < outcomes.size(); ++r) {
      if (listed[r]) quote_.promotions.push_back(std::move(outcomes[r]));
    }
  }

  /** Position of a promotion in relevant_ (sorted), which must hold it. */
  std::size_t relevantIndex(uint32_t promotion) const {
    auto it = std::lower_bound(relevant_.begin(), relevant_.end(), promotion);
    CARTCORE_ASSERT(it != relevant_.end() && *it == promotion);
    return static_cast<std::size_t>(it - relevant_.begin());
  }

  // ---- result ---------------------------------------------------------------------------------------------------

  Quote assemble() {
    quote_.currency = store_.currency;
    quote_.exponent = store_.exponent;
    quote_.configDigest = store_.configDigest;
    for (auto& line : lines_) {
      const VariantInfo& variant = store_.variants[line.variant];
      QuotedLine out;
      out.id = line.line->id;
      out.variant = variant.id;
      out.sku = variant.sku;
      out.name = variant.name;
      out.quantity = line.line->quantity;
      out.listUnitPrice = line.listUnit;
      out.listTotal = mulMoney(line.listUnit, out.quantity);
      out.total = line.total();
      for (const auto& g : line.groups) out.unitPrices.push_back({g.count, g.price});
      out.adjustments = std::move(line.adjustments);
      auto stock = request_.stock.find(variant.id);
      if (stock != request_.stock.end() && stock->second < variant.lowStockLevel) out.lowStockRemaining = stock->second;
      quote_.listSubtotal = addMoney(quote_.listSubtotal, out.listTotal);
      for (const auto& a : out.adjustments) {
        (a.source == "priceRule" ? quote_.priceRuleSavings : quote_.promotionSavings) -= a.amount;
      }
      quote_.total = addMoney(quote_.total, out.total);
      quote_.lines.push_back(std::move(out));
    }
    CARTCORE_ASSERT(quote_.total == quote_.listSubtotal - quote_.priceRuleSavings - quote_.promotionSavings);

    for (const auto& code : enteredCoupons_) {
      CouponOutcome c;
      c.code = code;
      auto it = store_.promotionsByCoupon.find(code);
      if (it == store_.promotionsByCoupon.end()) {
        c.status = "unknown";
        c.reason = "unknown_coupon";
        c.message = "The code " + code + " is not valid in this store.";
        quote_.coupons.push_back(std::move(c));
        continue;
      }
      const RuleOutcome* first = nullptr;
      const RuleOutcome* applied = nullptr;
      for (uint32_t p : it->second) {
        for (const auto& out : quote_.promotions) {
          if (out.id != store_.promotions[p].id) continue;
          if (!first) first = &out;
          if (out.applied && !applied) applied = &out;
        }
      }
      const RuleOutcome* shown = applied ? applied : first;
      CARTCORE_ASSERT(shown != nullptr);
      c.status = applied ? "applied" : "not_applied";
      c.promotion = shown->id;
      c.reason = shown->reason;
      c.message = shown->message;
      quote_.coupons.push_back(std::move(c));
    }
    return std::move(quote_);
  }

  const CompiledStore& store_;
  const QuoteRequest& request_;
  std::vector<LineState> lines_;
  std::set<std::string> enteredCoupons_;
  std::vector<uint32_t> relevant_;                    // promotions that can matter to this cart, sorted
  std::vector<std::vector<std::size_t>> relevantLines_;  // for each, the lines it can touch, sorted
  Quote quote_;
};

}  // namespace

Quote priceCart(const CompiledStore& store, const QuoteRequest& request) { return Pricer(store, request).run(); }

}  // namespace cartcore
