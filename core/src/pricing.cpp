// SPDX-License-Identifier: MIT
// The pricing pipeline. Each line holds its units as run-length groups of equal current price, so buy-X-get-Y and
// bundles can pick individual units while a 10,000-unit line stays a handful of groups.
#include "pricing.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <set>
#include <span>

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
    if (store_.margins) applyMarginProtection();
    assemble();
    if (!store_.shippingMethods.empty() && !lines_.empty()) priceShipping();  // nothing to ship, nothing to charge
    if (store_.tax) priceTax();
    if (quote_.shipping || store_.tax) {
      Minor grand = addMoney(quote_.total, quote_.shipping ? quote_.shipping->chosen.amount : 0);
      quote_.grandTotal = quote_.taxIncluded ? grand : addMoney(grand, quote_.taxTotal);
    }
    if (store_.margins && store_.margins->internal) reportMargins();
    if (request_.nudges) collectNudges();
    return std::move(quote_);
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
    const LineRun run = relevantLines_[relevantIndex(static_cast<uint32_t>(&promo - store_.promotions.data()))];
    const std::span<const std::size_t> eligible(lineIndexes_.data() + run.offset, run.count);
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
  std::vector<UnitPick> unitPool(std::span<const std::size_t> lineIndexes, bool cheapestFirst) const {
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

  void evaluateBuyXGetY(const Promotion& promo, std::span<const std::size_t> eligible, Evaluation& e) const {
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

  void evaluateBundle(const Promotion& promo, std::span<const std::size_t> eligible, Evaluation& e) const {
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
    if (e.freeShipping) freeShippingApplied_.push_back(&promo);
  }

  // ---- promotions: stacking -------------------------------------------------------------------------------------

  // public: the best-deal search asks a Pricer for bounds instead of a quote.
 public:
  /**
   * For each set of promotions, an upper bound on what they can save together on this cart in any combination:
   * each evaluated alone on the cart as price rules left it. Promotions only lower prices, and every kind saves at
   * most that much on a cheaper cart (a percentage of a lower price, the cheapest units' lower prices, a lower
   * spend tier), which makes this a sound bound for the best-deal search as long as no promotion
   * stops later ones (a stop rule that stops applying would let blocked promotions in).
   */
  std::vector<Minor> savingsBounds(const std::vector<std::vector<uint32_t>>& promotionSets) {
    buildLines();
    applyPriceRules();
    collectRelevant();
    std::vector<Minor> bounds;
    for (const auto& set : promotionSets) {
      Minor bound = 0;
      for (uint32_t p : set) {
        if (std::binary_search(relevant_.begin(), relevant_.end(), p)) bound = addMoney(bound, evaluate(store_.promotions[p]).savings);
      }
      bounds.push_back(bound);
    }
    return bounds;
  }

 private:
  /** Which promotions can matter, and which lines each can touch. */
  void collectRelevant() {
    // Those indexed under the cart's variants, the cart-wide ones, and any a code unlocks (so a code for absent
    // items is still explained). A cart-wide promotion touches every line: one shared run of line indexes serves
    // them all, so a rule book full of thresholds and free-shipping offers costs no per-line bookkeeping.
    constexpr std::size_t kNoLine = SIZE_MAX;
    constexpr std::size_t kAllLines = SIZE_MAX - 1;
    std::vector<std::pair<uint32_t, std::size_t>> touches;
    for (std::size_t l = 0; l < lines_.size(); ++l) {
      for (uint32_t p : store_.promotionsByVariant[lines_[l].variant]) touches.emplace_back(p, l);
    }
    if (!lines_.empty()) {
      for (uint32_t p : store_.cartWidePromotions) touches.emplace_back(p, kAllLines);
    }
    for (const auto& code : enteredCoupons_) {
      auto it = store_.promotionsByCoupon.find(code);
      if (it == store_.promotionsByCoupon.end()) continue;
      for (uint32_t p : it->second) touches.emplace_back(p, kNoLine);
    }
    std::sort(touches.begin(), touches.end());
    lineIndexes_.resize(lines_.size());
    std::iota(lineIndexes_.begin(), lineIndexes_.end(), std::size_t{0});  // [0, n): the all-lines run
    for (const auto& [p, l] : touches) {
      if (relevant_.empty() || relevant_.back() != p) {
        relevant_.push_back(p);
        relevantLines_.push_back({lineIndexes_.size(), 0});
      }
      LineRun& run = relevantLines_.back();
      if (l == kAllLines) {
        run = {0, lines_.size()};
      } else if (l != kNoLine && (run.count == 0 || lineIndexes_.back() != l)) {
        lineIndexes_.push_back(l);  // touches are sorted, so a promotion's lines arrive together, in order
        ++run.count;
      }
    }
  }

  void applyPromotions() {
    collectRelevant();
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
      freeShippingApplied_.clear();
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

  // ---- margin protection ----------------------------------------------------------------------------------------

  /** The JSON pointer of a line's variant in the request, for errors that a line causes. */
  std::string linePointer(const LineState& line) const {
    return "/lines/" + std::to_string(line.line - request_.lines.data()) + "/variant";
  }

  /** The most specific floor for a line (variant 4, category 2, segment 1; ties: the id sorting first). */
  const MarginFloor* floorFor(const VariantInfo& variant) const {
    const MarginFloor* best = nullptr;
    for (const auto& floor : store_.margins->floors) {
      if (floor.hasVariants && !contains(floor.variants, static_cast<uint32_t>(&variant - store_.variants.data()))) continue;
      if (!floor.categories.empty()) {
        bool any = false;
        for (const auto& c : variant.categories) any = any || std::binary_search(floor.categories.begin(), floor.categories.end(), c);
        if (!any) continue;
      }
      if (!floor.segments.empty() && !hasSegment(floor.segments)) continue;
      if (!best || floor.specificity > best->specificity) best = &floor;
    }
    return best;
  }

  /** The sum of every tax rate on a line's class at the destination, for tax-inclusive floors; 0 otherwise. */
  PartsPerMillion inclusiveTaxPpm(const VariantInfo& variant) const {
    if (!store_.tax || !store_.tax->pricesIncludeTax) return 0;
    PartsPerMillion sum = 0;
    for (const TaxRate* r : taxRatesFor(*store_.tax, request_.destinationCountry, request_.destinationRegion, variant.taxClass)) sum += r->percent;
    return sum;
  }

  /**
   * Gives back `amount` of a line's promotion discounts, last-applied promotion first (it was the one that went too
   * far), and re-spreads the line's price evenly over its units.
   */
  void giveBackDiscount(LineState& line, Minor amount, std::map<std::string, Minor>& reducedByPromotion) {
    Minor base = mulMoney(line.baseUnit, line.line->quantity);
    Minor target = addMoney(line.total(), amount);
    CARTCORE_ASSERT(amount >= 0 && target <= base);
    for (auto it = line.adjustments.rbegin(); it != line.adjustments.rend() && amount > 0; ++it) {
      if (it->source != "promotion") continue;
      Minor take = std::min(amount, -it->amount);
      it->amount += take;
      amount -= take;
      reducedByPromotion[it->id] += take;
    }
    CARTCORE_ASSERT(amount == 0);
    line.adjustments.erase(std::remove_if(line.adjustments.begin(), line.adjustments.end(),
                                          [](const Adjustment& a) { return a.source == "promotion" && a.amount == 0; }),
                           line.adjustments.end());
    line.groups.clear();
    splitDiscountOverUnits(line.line->quantity, line.baseUnit, base - target, line.groups);
    normalizeGroups(line.groups);
  }

  void applyMarginProtection() {
    const MarginSettings& settings = *store_.margins;
    MarginReport report;
    report.internal = settings.internal;
    report.orderCapPpm = settings.maxOrderDiscount;
    std::map<std::string, Minor> reduced;  // promotion id -> discount given back
    for (auto& line : lines_) {
      const VariantInfo& variant = store_.variants[line.variant];
      const MarginFloor* floor = floorFor(variant);
      if (!floor) continue;
      if (!variant.cost) {
        if (!settings.skipMissingCost) {
          fail(ErrorCode::MissingCost, linePointer(line),
               "margin floor \"" + floor->id + "\" applies to " + variant.id + ", which has no cost in the catalog");
        }
        quote_.warnings.push_back({"missing_cost", "", "No cost is known for " + variant.id + ", so its margin floor \"" + floor->id + "\" was skipped.",
                                   line.line->id});
        continue;
      }
      MarginFloorValue value = floor->value;
      for (const auto& o : floor->overrides) {
        if (o.window.contains(request_.now)) {
          value = o.value;  // the first matching override wins, in the order the merchant listed them
          break;
        }
      }
      const int64_t q = line.line->quantity;
      Minor cost = mulMoney(*variant.cost, q);
      // The least the line may earn net of tax: cost / (1 - p) for a percentage (margin as a share of the net
      // price), cost + amount per unit otherwise; rounded up, so the floor is never breached by a rounding.
      Minor minNet = value.percent ? mulDivCeil(cost, kWhole, kWhole - value.value) : addMoney(cost, mulMoney(value.value, q));
      PartsPerMillion taxPpm = inclusiveTaxPpm(variant);
      Minor minTotal = taxPpm > 0 ? mulDivCeil(minNet, kWhole + taxPpm, kWhole) : minNet;
      Minor base = mulMoney(line.baseUnit, q);
      Minor current = line.total();
      if (current >= minTotal || current >= base) continue;
      Minor target = std::min(base, minTotal);
      MarginClamp clamp;
      clamp.line = line.line->id;
      clamp.floor = settings.internal ? floor->id : "";
      clamp.discountBefore = base - current;
      clamp.discountAfter = base - target;
      clamp.message = "Discounts on " + variant.name + " are limited to " + money(clamp.discountAfter) + " (from " +
                      money(clamp.discountBefore) + ")" +
                      (settings.internal ? " to keep the \"" + floor->id + "\" margin floor." : " on this item.");
      giveBackDiscount(line, target - current, reduced);
      report.clamps.push_back(std::move(clamp));
    }
    if (settings.maxOrderDiscount) {
      // The cap bounds promotion discounts against the order as price rules left it; price rules are shelf prices.
      Minor baseTotal = 0, discount = 0;
      std::vector<Minor> lineDiscounts;
      for (const auto& line : lines_) {
        Minor base = mulMoney(line.baseUnit, line.line->quantity);
        baseTotal = addMoney(baseTotal, base);
        lineDiscounts.push_back(base - line.total());
        discount += lineDiscounts.back();
      }
      Minor cap = percentOf(baseTotal, *settings.maxOrderDiscount);
      if (discount > cap) {
        report.orderDiscountBefore = discount;
        report.orderDiscountAfter = cap;
        std::vector<Minor> giveBack = allocateProRata(discount - cap, lineDiscounts);
        for (std::size_t i = 0; i < lines_.size(); ++i) {
          if (giveBack[i] > 0) giveBackDiscount(lines_[i], giveBack[i], reduced);
        }
      }
    }
    for (const auto& [id, amount] : reduced) {
      for (auto& out : quote_.promotions) {
        if (out.id != id || !out.applied) continue;
        Minor before = out.amount;
        out.amount -= amount;
        // Restate the saving rather than leave the unclamped figure in the sentence.
        std::size_t said = out.message.find(" You save ");
        if (said != std::string::npos) out.message.erase(said);
        out.message += " You save " + money(out.amount) + " (limited from " + money(before) +
                       (settings.internal ? " by margin protection)." : ").");
      }
    }
    quote_.margin = std::move(report);
  }

  void reportMargins() {
    MarginReport& report = *quote_.margin;
    LineMargin order;
    bool any = false;
    for (std::size_t i = 0; i < quote_.lines.size(); ++i) {
      const QuotedLine& line = quote_.lines[i];
      const VariantInfo& variant = store_.variants[lines_[i].variant];
      if (!variant.cost) {
        report.linesWithoutCost.push_back(line.id);
        continue;
      }
      LineMargin m;
      m.line = line.id;
      m.revenue = quote_.taxIncluded && line.tax ? line.total - *line.tax : line.total;
      m.cost = mulMoney(*variant.cost, line.quantity);
      m.margin = m.revenue - m.cost;
      m.percentPpm = m.revenue > 0 ? mulDivRound(m.margin, kWhole, m.revenue) : 0;
      order.revenue = addMoney(order.revenue, m.revenue);
      order.cost = addMoney(order.cost, m.cost);
      any = true;
      report.lines.push_back(std::move(m));
    }
    if (!any) return;
    order.margin = order.revenue - order.cost;
    order.percentPpm = order.revenue > 0 ? mulDivRound(order.margin, kWhole, order.revenue) : 0;
    report.order = order;
  }

  // ---- shipping and tax -----------------------------------------------------------------------------------------

  void priceShipping() {
    int64_t weight = 0;
    for (const auto& line : lines_) weight = addMoney(weight, mulMoney(store_.variants[line.variant].weightGrams, line.line->quantity));
    const Minor items = quote_.total;  // bands and thresholds see the items as the shopper pays for them
    const std::string& country = request_.destinationCountry;
    ShippingQuote shipping;
    for (const auto& method : store_.shippingMethods) {
      if (!method.countries.empty() && !std::binary_search(method.countries.begin(), method.countries.end(), country)) continue;
      ShippingOption option;
      option.id = method.id;
      option.name = method.name;
      switch (method.kind) {
        case ShippingMethod::Kind::Flat: option.listAmount = method.flat; break;
        case ShippingMethod::Kind::Weight: {
          auto band = std::find_if(method.bands.begin(), method.bands.end(), [&](const ShippingBand& b) { return weight <= b.bound; });
          if (band == method.bands.end()) continue;  // heavier than the table covers: not offered
          option.listAmount = band->amount;
          break;
        }
        case ShippingMethod::Kind::Subtotal:
          for (const auto& band : method.bands) {
            if (items >= band.bound) option.listAmount = band.amount;
          }
          break;
      }
      for (const Promotion* promo : freeShippingApplied_) {
        if (promo->shippingMethods.empty() || std::binary_search(promo->shippingMethods.begin(), promo->shippingMethods.end(), method.id)) {
          option.freeBy = promo->id;
          break;
        }
      }
      if (option.freeBy.empty() && method.freeAbove) {
        if (items >= *method.freeAbove) option.freeBy = "threshold";
        else if (option.listAmount > 0) option.amountToFree = *method.freeAbove - items;
      }
      option.amount = option.freeBy.empty() ? option.listAmount : 0;
      shipping.options.push_back(std::move(option));
    }
    const ShippingOption* chosen = nullptr;
    if (!request_.shippingMethod.empty()) {
      for (const auto& o : shipping.options) {
        if (o.id == request_.shippingMethod) chosen = &o;
      }
      if (!chosen) {
        fail(ErrorCode::ShippingUnavailable, "/shippingMethod",
             "shipping method \"" + request_.shippingMethod + "\" does not serve this cart" + (country.empty() ? "" : " to " + country));
      }
    } else {
      for (const auto& o : shipping.options) {
        if (!chosen || o.amount < chosen->amount) chosen = &o;  // the cheapest; ties keep the id sorting first
      }
      if (!chosen) {
        fail(ErrorCode::ShippingUnavailable, country.empty() ? "/country" : "/destination/country",
             country.empty() ? "no shipping method serves this cart without a destination country"
                             : "no shipping method serves this cart to " + country);
      }
    }
    shipping.chosen = *chosen;
    quote_.shipping = std::move(shipping);
  }

  void priceTax() {
    const TaxSettings& tax = *store_.tax;
    const std::string& country = request_.destinationCountry;
    if (country.empty()) {
      fail(ErrorCode::MissingField, "/destination", "this store charges tax: give destination.country (or country)");
    }
    quote_.taxConfigured = true;
    quote_.taxIncluded = tax.pricesIncludeTax;
    // Taxable amounts: every line, then shipping when it is taxed. Grouped by class, since a class decides the rates.
    std::vector<Minor> amounts;
    std::map<std::string, std::vector<std::size_t>> byClass;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      amounts.push_back(quote_.lines[i].total);
      byClass[store_.variants[lines_[i].variant].taxClass].push_back(i);
    }
    const std::size_t shippingIndex = amounts.size();
    if (quote_.shipping && !tax.shippingTaxClass.empty()) {
      amounts.push_back(quote_.shipping->chosen.amount);
      byClass[tax.shippingTaxClass].push_back(shippingIndex);
    }
    std::vector<Minor> taxOf(amounts.size(), 0);
    std::map<std::string, Minor> byRate;  // rate id -> amount
    for (const auto& [taxClass, members] : byClass) {
      auto rates = taxRatesFor(tax, country, request_.destinationRegion, taxClass);
      if (rates.empty()) {
        std::string pointer = members.front() == shippingIndex ? "/tax/shippingTaxClass" : linePointer(lines_[members.front()]);
        fail(ErrorCode::MissingTaxRate, pointer,
             "tax class \"" + taxClass + "\" has no rate for " + country +
                 (request_.destinationRegion.empty() ? "" : "/" + request_.destinationRegion) + "; add one (0 % for exempt goods)");
      }
      Minor groupAmount = 0;
      PartsPerMillion combined = 0;
      std::vector<Minor> weights;
      for (std::size_t m : members) {
        groupAmount = addMoney(groupAmount, amounts[m]);
        weights.push_back(amounts[m]);
      }
      for (const TaxRate* r : rates) combined += r->percent;
      for (const TaxRate* r : rates) {
        // Rounded once per rate and class on the class's whole amount, then split over its lines by largest
        // remainder, so the lines' shares sum exactly to the rate's total.
        Minor total = tax.pricesIncludeTax ? mulDivRound(groupAmount, r->percent, kWhole + combined) : percentOf(groupAmount, r->percent);
        std::vector<Minor> parts = allocateProRata(total, weights);
        for (std::size_t k = 0; k < members.size(); ++k) taxOf[members[k]] += parts[k];
        byRate[r->id] = addMoney(byRate[r->id], total);
      }
    }
    for (const auto& rate : tax.rates) {
      auto it = byRate.find(rate.id);
      if (it == byRate.end()) continue;
      quote_.taxes.push_back({rate.id, rate.name, rate.percent, it->second});
      quote_.taxTotal = addMoney(quote_.taxTotal, it->second);
    }
    for (std::size_t i = 0; i < lines_.size(); ++i) quote_.lines[i].tax = taxOf[i];
    if (quote_.shipping && !tax.shippingTaxClass.empty()) quote_.shipping->tax = taxOf[shippingIndex];
  }

  // ---- nudges ---------------------------------------------------------------------------------------------------

  /** "Tee" when every variant a promotion can count belongs to one product, else "eligible item". */
  std::string itemNoun(const Promotion& promo, int64_t n) const {
    const VariantSet& counted = promo.type == Promotion::Type::BuyXGetY ? unite(promo.buyVariants, promo.getVariants) : promo.eligible;
    std::string product;
    for (uint32_t v : counted) {
      if (product.empty()) product = store_.variants[v].productId;
      if (store_.variants[v].productId != product) return n == 1 ? "eligible item" : "eligible items";
    }
    if (product.empty() || counted.empty()) return n == 1 ? "eligible item" : "eligible items";
    std::string name = store_.variants[counted.front()].name;
    return n == 1 ? name : name + "s";
  }

  static VariantSet unite(const VariantSet& a, const VariantSet& b) {
    VariantSet out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
  }

  void collectNudges() {
    // Only reasons the shopper can fix by adding to the cart; the amounts come from the same evaluation that priced
    // the cart, so a nudge is exactly what is missing.
    for (const auto& out : quote_.promotions) {
      if (out.applied || (!out.amountNeeded && !out.quantityNeeded)) continue;
      const Promotion& promo = *std::find_if(store_.promotions.begin(), store_.promotions.end(), [&](const Promotion& p) { return p.id == out.id; });
      Nudge n;
      n.kind = "promotion";
      n.id = out.id;
      n.reason = out.reason;
      n.amountNeeded = out.amountNeeded;
      n.quantityNeeded = out.quantityNeeded;
      if (out.amountNeeded) {
        n.message = "Spend " + money(*out.amountNeeded) + " more to get \"" + out.name + "\".";
      } else {
        int64_t k = *out.quantityNeeded;
        std::string what = promo.type == Promotion::Type::BuyXGetY && promo.discount.kind == PriceChange::Kind::PercentOff &&
                                   promo.discount.value == kWhole
                               ? " to get " + std::string(promo.getQuantity == 1 ? "one" : std::to_string(promo.getQuantity)) + " free"
                               : " to get \"" + out.name + "\"";
        n.message = "Add " + std::to_string(k) + " more " + itemNoun(promo, k) + what + ".";
      }
      quote_.nudges.push_back(std::move(n));
    }
    if (quote_.shipping) {
      for (const auto& o : quote_.shipping->options) {
        if (!o.amountToFree) continue;
        quote_.nudges.push_back({"shipping", o.id, "free_shipping_threshold", o.amountToFree, std::nullopt,
                                 "Spend " + money(*o.amountToFree) + " more for free " + o.name + " shipping."});
      }
    }
  }

  // ---- result ---------------------------------------------------------------------------------------------------

  void assemble() {
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
  }

  const CompiledStore& store_;
  const QuoteRequest& request_;
  std::vector<LineState> lines_;
  std::set<std::string> enteredCoupons_;
  std::vector<uint32_t> relevant_;                    // promotions that can matter to this cart, sorted
  /** A promotion's lines: a run of lineIndexes_. */
  struct LineRun {
    std::size_t offset = 0;
    std::size_t count = 0;
  };
  std::vector<LineRun> relevantLines_;  // for each relevant promotion, the lines it can touch, sorted
  std::vector<std::size_t> lineIndexes_;  // [0, n) for cart-wide promotions, then each other promotion's run
  std::vector<const Promotion*> freeShippingApplied_;   // every applied free-shipping promotion
  Quote quote_;
};

/** What the shopper pays: the grand total when shipping or tax is configured, else the item total. */
Minor payable(const Quote& q) { return q.grandTotal ? *q.grandTotal : q.total; }

/** Ranks deals: cheaper first, then fewer codes, then the codes' sorted order, so the choice is deterministic. */
bool betterDeal(const DealChoice& a, const DealChoice& b) {
  if (a.total != b.total) return a.total < b.total;
  if (a.codes.size() != b.codes.size()) return a.codes.size() < b.codes.size();
  return a.codes < b.codes;
}

bool isSubset(const std::vector<std::string>& small, const std::vector<std::string>& large) {
  return std::includes(large.begin(), large.end(), small.begin(), small.end());
}

/**
 * The exact best subset of the held codes. Pruning never changes the answer: a code is dropped only when it is
 * unknown, or when every promotion it unlocks fails for a reason no other code can change (time window, segment,
 * currency, stock guard, nothing eligible in the cart), and codes unlocking the same live promotions collapse into
 * one. Every remaining subset within maxCodesPerOrder is priced by the full pipeline (floors, shipping, tax).
 */
Quote bestDealQuote(const CompiledStore& store, const QuoteRequest& request) {
  if (request.coupons.size() > kMaxBestDealCodes) {
    fail(ErrorCode::TooManyItems, "/coupons", "the best-deal search takes at most " + std::to_string(kMaxBestDealCodes) + " codes");
  }
  std::set<std::string> held;
  for (const auto& code : request.coupons) {
    std::string normalized = normalizeCoupon(code);
    if (!normalized.empty()) held.insert(normalized);
  }
  QuoteRequest probe = request;
  probe.bestDeal = false;
  probe.nudges = false;
  probe.coupons.assign(held.begin(), held.end());
  Quote all = Pricer(store, probe).run();
  static constexpr const char* kFixedReasons[] = {"outside_window", "segment_not_eligible", "currency_not_eligible",
                                                  "stock_below_threshold", "stock_unknown", "no_eligible_items"};
  std::set<std::string> deadPromotions;
  for (const auto& out : all.promotions) {
    if (std::find(std::begin(kFixedReasons), std::end(kFixedReasons), out.reason) != std::end(kFixedReasons)) deadPromotions.insert(out.id);
  }
  BestDeal deal;
  std::vector<std::string> candidates;
  std::set<std::vector<uint32_t>> seenUnlocks;
  for (const auto& code : held) {
    auto it = store.promotionsByCoupon.find(code);
    std::vector<uint32_t> live;
    if (it != store.promotionsByCoupon.end()) {
      for (uint32_t p : it->second) {
        if (!deadPromotions.count(store.promotions[p].id)) live.push_back(p);
      }
    }
    if (live.empty() || !seenUnlocks.insert(live).second) deal.ignoredCodes.push_back(code);
    else candidates.push_back(code);
  }
  const std::size_t maxCodes = store.maxCodesPerOrder > 0 ? static_cast<std::size_t>(store.maxCodesPerOrder) : candidates.size();
  // Branch and bound, when the total is the item total alone: no subset can pay less than the total without codes
  // minus the savings bounds of its codes. Shipping bands, tax rounding and margin clamps break that argument, so
  // stores using them price every subset.
  const bool bounded = store.shippingMethods.empty() && !store.tax && !store.margins && !store.hasStopAfter;
  std::vector<Minor> bounds(candidates.size(), 0);
  if (bounded) {
    std::vector<std::vector<uint32_t>> sets;
    for (const auto& code : candidates) sets.push_back(store.promotionsByCoupon.at(code));
    bounds = Pricer(store, probe).savingsBounds(sets);
    // Largest bounds first, so the first paths find a good total and later ones prune early.
    std::vector<std::size_t> order(candidates.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bounds[a] > bounds[b]; });
    std::vector<std::string> sortedCodes;
    std::vector<Minor> sortedBounds;
    for (std::size_t i : order) {
      sortedCodes.push_back(candidates[i]);
      sortedBounds.push_back(bounds[i]);
    }
    candidates = std::move(sortedCodes);
    bounds = std::move(sortedBounds);
  }
  std::vector<DealChoice> priced;
  std::vector<std::string> subset;
  std::optional<Minor> noCodeTotal;
  // The total of the fourth choice the quote would show (the choice and three runners-up) among the subsets priced
  // so far: a branch that cannot beat it cannot change what is shown.
  std::optional<Minor> fourthShown;
  auto refreshFourthShown = [&] {
    std::vector<const DealChoice*> order;
    for (const auto& p : priced) order.push_back(&p);
    std::sort(order.begin(), order.end(), [](const DealChoice* a, const DealChoice* b) { return betterDeal(*a, *b); });
    std::vector<const DealChoice*> shown;
    for (const DealChoice* p : order) {
      bool padded = std::any_of(shown.begin(), shown.end(), [&](const DealChoice* s) { return s->total <= p->total && isSubset(s->codes, p->codes); });
      if (padded) continue;
      shown.push_back(p);
      if (shown.size() == 4) break;
    }
    if (shown.size() == 4) fourthShown = shown.back()->total;
  };
  auto price = [&](std::vector<std::string> codes) {
    QuoteRequest r = probe;
    std::sort(codes.begin(), codes.end());
    r.coupons = codes;
    Minor total = payable(Pricer(store, r).run());
    if (!noCodeTotal) noCodeTotal = total;
    priced.push_back({std::move(codes), total});
    if (bounded && (!fourthShown || total <= *fourthShown)) refreshFourthShown();
  };
  std::function<void(std::size_t, Minor)> visit = [&](std::size_t next, Minor boundSoFar) {
    price(subset);
    if (subset.size() == maxCodes) return;
    for (std::size_t i = next; i < candidates.size(); ++i) {
      if (bounded && fourthShown) {
        // The most any extension through candidate i can save: its bound plus the largest bounds after it.
        Minor reach = boundSoFar;
        for (std::size_t k = i; k < candidates.size() && k < i + (maxCodes - subset.size()); ++k) reach += bounds[k];
        if (*noCodeTotal - reach > *fourthShown) break;  // bounds are sorted: later candidates reach even less
      }
      subset.push_back(candidates[i]);
      visit(i + 1, boundSoFar + bounds[i]);
      subset.pop_back();
    }
  };
  visit(0, 0);
  std::sort(priced.begin(), priced.end(), betterDeal);
  deal.subsetsPriced = static_cast<int64_t>(priced.size());
  deal.chosen = priced.front();
  // Runners-up that are real alternatives: not the choice plus codes that add nothing.
  std::vector<const DealChoice*> shown{&priced.front()};
  for (std::size_t i = 1; i < priced.size() && deal.alternatives.size() < 3; ++i) {
    bool padded = std::any_of(shown.begin(), shown.end(), [&](const DealChoice* s) {
      return s->total <= priced[i].total && isSubset(s->codes, priced[i].codes);
    });
    if (padded) continue;
    shown.push_back(&priced[i]);
    deal.alternatives.push_back(priced[i]);
  }
  QuoteRequest finalRequest = probe;
  finalRequest.coupons = deal.chosen.codes;
  finalRequest.nudges = request.nudges;
  Quote quote = Pricer(store, finalRequest).run();
  for (const auto& code : held) {
    if (std::binary_search(deal.chosen.codes.begin(), deal.chosen.codes.end(), code)) continue;
    bool unknown = !store.promotionsByCoupon.count(code);
    quote.coupons.push_back({code, unknown ? "unknown" : "not_applied", "", unknown ? "unknown_coupon" : "not_in_best_deal",
                             unknown ? "The code " + code + " is not valid in this store."
                                     : "Not used: the best deal for this cart is without " + code + "."});
  }
  std::sort(quote.coupons.begin(), quote.coupons.end(), [](const CouponOutcome& a, const CouponOutcome& b) { return a.code < b.code; });
  quote.bestDeal = std::move(deal);
  return quote;
}

}  // namespace

Quote priceCart(const CompiledStore& base, const QuoteRequest& request) {
  const CompiledStore& store = storeInCurrency(base, request.currency, "/currency");
  std::vector<QuoteWarning> warnings;
  const CurrencySettings& rates = base.currencies;
  if (request.currency != base.currency && rates.maxRateAgeMillis && request.now - *rates.ratesAsOf > *rates.maxRateAgeMillis) {
    std::string message = "exchange rates from " + formatTimestamp(*rates.ratesAsOf) + " are older than the " +
                          std::to_string(*rates.maxRateAgeMillis / 60'000) + " minutes allowed";
    if (rates.refuseStaleRates) fail(ErrorCode::StaleRates, "/currency", message + "; prices in " + request.currency + " are refused");
    warnings.push_back({"stale_rates", "/currency", "Prices in " + request.currency + " use " + message + ".", ""});
  }
  if (!request.bestDeal && base.maxCodesPerOrder > 0) {
    std::set<std::string> codes;
    for (const auto& code : request.coupons) {
      if (!normalizeCoupon(code).empty()) codes.insert(normalizeCoupon(code));
    }
    if (codes.size() > static_cast<std::size_t>(base.maxCodesPerOrder)) {
      fail(ErrorCode::TooManyItems, "/coupons", "this store accepts at most " + std::to_string(base.maxCodesPerOrder) +
                                                    " codes per order; ask for bestDeal to choose among more");
    }
  }
  Quote quote = request.bestDeal ? bestDealQuote(store, request) : Pricer(store, request).run();
  quote.warnings.insert(quote.warnings.begin(), warnings.begin(), warnings.end());
  return quote;
}

}  // namespace cartcore
