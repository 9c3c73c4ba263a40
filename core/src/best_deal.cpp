// SPDX-License-Identifier: MIT
#include "best_deal.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <numeric>
#include <queue>
#include <set>

#include "input_error.hpp"
#include "stages/cart.hpp"
#include "stages/price_rules.hpp"
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

__extension__ typedef __int128 Wide;  // a line's value times (1,000,000 - a percentage), before dividing back

/** Ranks deals: cheaper first, then fewer codes, then the codes' sorted order, so the choice is deterministic. */
bool betterDeal(const DealChoice& a, const DealChoice& b) {
  if (a.total != b.total) return a.total < b.total;
  if (a.codes.size() != b.codes.size()) return a.codes.size() < b.codes.size();
  return a.codes < b.codes;
}

bool isSubset(const std::vector<std::string>& small, const std::vector<std::string>& large) {
  return std::includes(large.begin(), large.end(), small.begin(), small.end());
}

/** What one code can add to a subset's savings (minor units): through its stacking promotions, and alone. */
struct CodeBound {
  Minor stacking = 0;   // its promotions that are not exclusive, each evaluated alone on the list-price cart, summed
  Minor exclusive = 0;  // the largest of its exclusive promotions, evaluated the same way
  Minor fixed = 0;      // `stacking` less its percentages' bounds, plus their rounding slack (SavingsBounds, 4.)
  /** Every live promotion it unlocks is exclusive and no stacksWhen names it: entering it only adds alternatives
      (DealSearch::visit). */
  bool alternativesOnly = false;
};

/**
 * Lower bounds on what any subset of the codes can pay, when the shopper pays the item total (no shipping, tax or
 * margin floors: `bounded` in bestDealCart).
 *
 * Why they are admissible (never above a subset's real total), whatever the codes do to each other:
 * 1. Every run of the pipeline starts from the cart as price rules left it (the "list" cart, total `listTotal`),
 *    and promotions only lower unit prices, so every cart a promotion is judged on is, unit by unit, no dearer
 *    than the list cart. Every kind saves no more on a cheaper cart (a percentage of a lower price, the cheapest
 *    units' lower prices, a lower spend tier, a minimum that a cheaper cart can only miss), so a promotion saves
 *    at most its bound b(p), its saving evaluated alone on the list cart, in any run, in any order, after any other
 *    promotion. A promotion that cannot apply there (b = 0, or a reason no code changes) applies in no run.
 * 2. A run's total is listTotal minus the savings of the promotions it applies. It applies either one exclusive
 *    promotion alone, or only promotions that are not exclusive (a stacking combination, a stop rule or an
 *    exclusion group can only leave some out; a promotion whose stacksWhen fails applies alone, which its own b
 *    bounds as well). Under conditional stacking the quote is the cheapest of several such runs, each from the
 *    list cart. So a subset S with unlocked promotions P(S), and A the promotions no code needs, pays at least
 *        listTotal - max( max over exclusive p in A+P(S) of b(p),  stack(A+P(S)) )
 *    for any stack(Q) at least what a run applying only promotions of Q (not exclusive) saves; 3. and 4. give two.
 * 3. The sum of b(p) over Q. Summing per code counts a promotion two codes unlock twice, and a bound only has to be
 *    at least the saving; saturating at the int64 edge keeps it one without overflow.
 * 4. Percentages multiply. Call a promotion "a percentage" when it is an itemDiscount of percentOff on the current
 *    price: it takes, from every unit group of each line it can touch, the percentage of the group's current price
 *    rounded half away from zero, so a line worth v before it is worth at least v(1 - r) - g/2 after it (g groups,
 *    at most the line's quantity). Give each line l the weight M(l) = product of (1 - r) over the percentages of Q
 *    on l not yet applied in the run, and let Phi = sum over lines of (l's current value) x M(l). At the start
 *    Phi = sum of V(l) x prod(1 - r), V(l) the list value; at the end Phi <= the total (weights <= 1, values >= 0).
 *    A percentage applied to l removes its factor from M(l) while multiplying the value by at least (1 - r), so Phi
 *    falls by at most its rounding slack; any other promotion p lowers values by its saving (<= b(p), by 1.) times
 *    weights <= 1, so Phi falls by at most b(p). A promotion not applied changes nothing. Hence
 *        stack(Q) = sum over lines of (V(l) - V(l) x prod over percentages of Q on l of (1 - r))
 *                   + sum over the other p in Q of b(p) + the percentages' rounding slack,
 *    with each product rounded down (which only raises the bound). It is far below 3. when several percentages
 *    discount the same lines: two of 35 % and 34 % save at most 57.1 % of a line, not 69 %.
 * Unlike "the total without codes minus each code's saving alone", this holds when a code changes what the
 * promotions no code needs do: a code that wins an exclusion group can keep a price high enough to unlock one,
 * a code can satisfy another promotion's stacksWhen, or end a stop rule's reach.
 */
struct SavingsBounds {
  /** A code's percentage on one line (4.). */
  struct Percentage {
    std::size_t code = 0;  // index into codes
    PartsPerMillion percent = 0;
  };
  /** A line some code's percentage discounts: its value after the percentages no code needs, and the codes' ones. */
  struct DiscountedLine {
    Minor value = 0;
    std::vector<Percentage> percentages;
  };

  Minor listTotal = 0;
  Minor alwaysStacking = 0;   // the promotions no code needs, not exclusive: summed (3.)
  Minor alwaysExclusive = 0;  // the largest exclusive one among them
  Minor alwaysFixed = 0;      // what they add to 4.: their percentages over every line, the rest summed, slack
  std::vector<CodeBound> codes;
  std::vector<DiscountedLine> lines;
  int64_t percentageCount = 0;  // over `lines`: the work of one stack() call

  /** stack() of 4. over the promotions no code needs and those the codes in `mask` (bits of `codes`) unlock. */
  Minor stack(uint32_t mask) const {
    Minor out = alwaysFixed;
    for (std::size_t c = 0; c < codes.size(); ++c) {
      if (mask & (uint32_t{1} << c)) out = addSaturating(out, codes[c].fixed);
    }
    for (const DiscountedLine& line : lines) {
      Minor value = line.value;
      for (const Percentage& p : line.percentages) {
        if (mask & (uint32_t{1} << p.code)) value = remainingAfter(value, p.percent);
      }
      out = addSaturating(out, line.value - value);
    }
    return out;
  }

  /**
   * The lower bound of 2. on what a subset pays: the promotions no code needs and those the codes in `mask`
   * unlock, and, for a bound on every extension of it, `extra`: codes it may add (4.), with `extraStacking` the
   * largest sum of their stacking bounds it can add (3.) and `extraExclusive` their largest exclusive bound.
   * Adds its cost (a unit, one per code, one per code percentage on a line) to `work`.
   */
  Minor lowerBound(uint32_t mask, uint32_t extra, Minor extraStacking, Minor extraExclusive, int64_t& work) const {
    Minor stacking = addSaturating(alwaysStacking, extraStacking);
    Minor exclusive = std::max(alwaysExclusive, extraExclusive);
    for (std::size_t c = 0; c < codes.size(); ++c) {
      if (!(mask & (uint32_t{1} << c))) continue;
      stacking = addSaturating(stacking, codes[c].stacking);
      exclusive = std::max(exclusive, codes[c].exclusive);
    }
    work += 1 + static_cast<int64_t>(codes.size());
    if (percentageCount > 0) {
      work += percentageCount;
      stacking = std::min(stacking, stack(mask | extra));
    }
    return listTotal - std::max(exclusive, stacking);
  }

  /** v x (1 - percent), rounded down: never above what a percentage leaves of v, but for rounding (4.). */
  static Minor remainingAfter(Minor value, PartsPerMillion percent) {
    if (value <= INT64_MAX / kWhole) return value * (kWhole - percent) / kWhole;  // values >= 0: the same, in 64 bits
    return static_cast<Minor>(static_cast<Wide>(value) * (kWhole - percent) / kWhole);
  }
};

/** True for a percentage of SavingsBounds (4.): an itemDiscount of percentOff on the current price. */
bool isPercentage(const Promotion& promo) {
  return promo.type == Promotion::Type::ItemDiscount && promo.discount.kind == PriceChange::Kind::PercentOff &&
         promo.percentBase == Promotion::PercentBase::Current;
}

SavingsBounds savingsBounds(const Cart& cart, const RelevantPromotions& relevant, const std::vector<std::string>& codes,
                            const std::set<uint32_t>& deadPromotions, const std::set<std::string>& conditionCodes) {
  const CompiledStore& store = cart.store;
  SavingsBounds out;
  std::vector<Minor> values;  // each line's value after the percentages no code needs
  for (const auto& line : cart.lines) {
    out.listTotal = addMoney(out.listTotal, line.total(), "/lines");
    values.push_back(line.total());
  }
  std::vector<std::vector<SavingsBounds::Percentage>> percentages(cart.lines.size());
  auto bound = [&](uint32_t p) -> Minor {
    if (deadPromotions.count(p) || !relevant.contains(p)) return 0;
    Evaluation e = evaluatePromotion(cart, store.promotions[p], relevant.linesAt(relevant.position(p)));
    return e.applies ? std::max<Minor>(e.savings, 0) : 0;
  };
  auto exclusive = [&](uint32_t p) { return store.promotions[p].stacking == Promotion::Stacking::Exclusive; };
  // What a promotion that is not exclusive adds to 4.: b(p), or (a percentage) its factor on each line it can touch
  // and the rounding slack, half a minor unit per unit group, rounded up (a line has at most one group per unit).
  auto addStacking = [&](uint32_t p, Minor b, std::optional<std::size_t> code, Minor& fixed) {
    const Promotion& promo = store.promotions[p];
    if (!isPercentage(promo)) {
      fixed = addSaturating(fixed, b);
      return;
    }
    for (std::size_t l : relevant.linesAt(relevant.position(p))) {
      fixed = addSaturating(fixed, (cart.lines[l].quantity() + 1) / 2);
      if (code) percentages[l].push_back({*code, promo.discount.value});
      else values[l] = SavingsBounds::remainingAfter(values[l], promo.discount.value);
    }
  };
  for (uint32_t p : relevant.promotions()) {
    if (!store.promotions[p].coupons.empty()) continue;
    Minor b = bound(p);
    if (b == 0) continue;  // it saves nothing in any run (1.)
    if (exclusive(p)) {
      out.alwaysExclusive = std::max(out.alwaysExclusive, b);
    } else {
      out.alwaysStacking = addSaturating(out.alwaysStacking, b);
      addStacking(p, b, std::nullopt, out.alwaysFixed);
    }
  }
  for (std::size_t c = 0; c < codes.size(); ++c) {
    CodeBound code;
    code.alternativesOnly = !conditionCodes.count(codes[c]);
    for (uint32_t p : store.promotionsByCoupon.at(codes[c])) {
      if (deadPromotions.count(p)) continue;
      if (!exclusive(p)) code.alternativesOnly = false;
      Minor b = bound(p);
      if (b == 0) continue;
      if (exclusive(p)) {
        code.exclusive = std::max(code.exclusive, b);
      } else {
        code.stacking = addSaturating(code.stacking, b);
        addStacking(p, b, c, code.fixed);
      }
    }
    out.codes.push_back(code);
  }
  for (std::size_t l = 0; l < cart.lines.size(); ++l) {
    out.alwaysFixed = addSaturating(out.alwaysFixed, cart.lines[l].total() - values[l]);
    if (percentages[l].empty()) continue;
    out.percentageCount += static_cast<int64_t>(percentages[l].size());
    out.lines.push_back({values[l], std::move(percentages[l])});
  }
  return out;
}

/**
 * The candidates (indexes) split into groups that can be searched one at a time, or one group when they cannot.
 *
 * Why a split is exact. It is only tried with no code limit, no shipping, tax, margin floors or conditional
 * stacking, and when every live promotion that can matter is stackable (an exclusive one is weighed against
 * everything else, a stop rule blocks everything after it). Then the stacking stage applies, in priority order,
 * each live promotion or each exclusion group's winner, judged on the lines it can touch (its conditions, tiers and
 * unit choices read only those lines) and changing only those. Promotions sharing a line or an exclusion group are
 * joined, and each code joins its promotions: in any run, a group's lines change only through its own promotions
 * (the others touch other lines, so how they interleave in priority order changes nothing), so the item total is
 * the total without codes plus one change per group, each depending only on that group's codes entered:
 *     total(S) = total({}) + sum over groups g of (total(S within g) - total({})).
 * A spend threshold over the whole cart, or a promotion on every item, touches every line and joins everything.
 * What the quote shows then follows group by group: a subset is shown only when each of its strict subsets costs
 * more (ShownDeals), which holds for a union exactly when it holds for each part; and a part outside its group's
 * four best shown deals has four better ones there, each giving a better shown union. So the four best unions of
 * the groups' four best deals (combineGroups) are what the search over every subset would show.
 */
std::vector<std::vector<std::size_t>> independentGroups(const Cart& cart, const RelevantPromotions& relevant,
                                                        const std::vector<std::string>& candidates,
                                                        const std::set<uint32_t>& deadPromotions) {
  const CompiledStore& store = cart.store;
  std::vector<std::size_t> every(candidates.size());
  std::iota(every.begin(), every.end(), std::size_t{0});
  const std::vector<std::vector<std::size_t>> joint = {every};
  if (candidates.size() < 2) return joint;
  // Union-find over the cart's lines, then one node per exclusion group met: at most lines + promotions nodes.
  std::vector<std::size_t> parent(cart.lines.size());
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto unite = [&](std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
    return std::min(a, b);
  };
  std::map<std::string_view, std::size_t> groupNodes;
  bool coupled = false;
  // The node of a live promotion once its lines and exclusion group are joined; nullopt when it touches neither.
  auto join = [&](uint32_t p) -> std::optional<std::size_t> {
    const Promotion& promo = store.promotions[p];
    if (promo.stacking != Promotion::Stacking::Stackable) coupled = true;
    std::optional<std::size_t> node;
    for (std::size_t line : relevant.linesAt(relevant.position(p))) node = node ? unite(*node, line) : line;
    if (!promo.exclusionGroup.empty()) {
      auto [it, added] = groupNodes.try_emplace(promo.exclusionGroup, parent.size());
      if (added) parent.push_back(parent.size());
      node = node ? unite(*node, it->second) : it->second;
    }
    return node;
  };
  for (uint32_t p : relevant.promotions()) {
    if (store.promotions[p].coupons.empty() && !deadPromotions.count(p)) join(p);
  }
  std::vector<std::optional<std::size_t>> codeNodes;
  for (const auto& code : candidates) {
    std::optional<std::size_t> node;
    for (uint32_t p : store.promotionsByCoupon.at(code)) {
      if (deadPromotions.count(p) || !relevant.contains(p)) continue;
      if (auto joined = join(p)) node = node ? unite(*node, *joined) : *joined;
    }
    if (!node) coupled = true;  // not expected for a kept code; the joint search is always exact
    codeNodes.push_back(node);
  }
  if (coupled) return joint;
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::size_t, std::size_t> groupOfRoot;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    auto [it, added] = groupOfRoot.try_emplace(find(*codeNodes[c]), groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(c);
  }
  return groups;
}

/**
 * The subsets priced so far that the quote could still show (the choice and three runners-up), best first.
 * A subset is "padded" when a shown subset with no higher total is contained in it (it only adds codes that change
 * nothing); a padded subset stays padded whatever is priced later (whatever would un-show its padder pads it too),
 * so it is dropped for good. Each insertion is then O(subsets kept), where re-sorting every priced subset after
 * each pricing made 16 tied codes run for minutes.
 */
class ShownDeals {
 public:
  void add(DealChoice deal) {
    auto at = std::upper_bound(ranked_.begin(), ranked_.end(), deal, betterDeal);
    ranked_.insert(at, std::move(deal));
    refresh();
  }
  /** The chosen deal and up to three runners-up, best first. */
  std::vector<DealChoice> shown() const {
    std::vector<DealChoice> out;
    for (std::size_t i : shown_) out.push_back(ranked_[i]);
    return out;
  }

 private:
  void refresh() {
    shown_.clear();
    std::size_t kept = 0;
    std::size_t i = 0;
    for (; i < ranked_.size() && shown_.size() < 4; ++i) {
      const DealChoice& deal = ranked_[i];
      bool padded = std::any_of(shown_.begin(), shown_.end(), [&](std::size_t s) {
        return ranked_[s].total <= deal.total && isSubset(ranked_[s].codes, deal.codes);
      });
      if (padded) continue;  // dropped: not moved to the kept prefix
      if (kept != i) ranked_[kept] = std::move(ranked_[i]);
      shown_.push_back(kept++);
    }
    ranked_.erase(ranked_.begin() + static_cast<std::ptrdiff_t>(kept), ranked_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  std::vector<DealChoice> ranked_;   // by betterDeal; never a padded one before the fourth shown
  std::vector<std::size_t> shown_;   // positions in ranked_ of the deals shown
};

/**
 * An upper bound F on the fourth total the quote shows, for pruning: the fourth lowest total among deals proved
 * "minimal" (no proper subset of its codes pays as little).
 *
 * Why. Over every subset, the quote shows the four best minimal deals: a deal with a subset as cheap is padded by
 * it, or by what pads that subset, or ranks after four shown deals as that subset does. Minimal deals stay minimal
 * whatever is priced later, so with four of them at or under F, a branch whose lower bound is above F ranks after
 * four deals the quote shows or that deals it shows beat: pruning it changes nothing shown. The fourth total
 * ShownDeals shows so far is not such a bound: a deal shown so far can still be padded by a subset priced later
 * (the search prices {A, B} before {B}), and one subset can pad two shown deals at once, so fewer than four deals
 * at or under that total may remain (seen in a random store: {C1, C3}, priced late, padded both {C1, C3, C6} and
 * {C1, C3, C7}, and a branch pruned against their total was a runner-up).
 *
 * A deal x with total t is proved minimal by walking down from it: a subset whose lower bound (SavingsBounds) is
 * above t clears itself and all its subsets (the bound only grows as codes are removed); a priced subset above t is
 * walked through; a priced one at or under t disproves x; an unpriced one with a bound at or under t leaves x
 * waiting until it is priced. Each step is charged as work (one unit, plus the bound's the first time it is
 * computed), so the proofs stay within the search's budget.
 */
class ProvenDeals {
 public:
  explicit ProvenDeals(const SavingsBounds& bounds) : bounds_(bounds) {}

  /** F, once four deals are proved minimal. */
  std::optional<Minor> fourthTotal() const { return totals_.size() == 4 ? std::optional<Minor>(totals_.back()) : std::nullopt; }

  /** Records a priced subset (bits of bounds.codes); returns the work spent proving deals. */
  int64_t add(uint32_t codes, Minor total) {
    int64_t work = 0;
    priced_.emplace(codes, total);
    consider(codes, total, work);
    auto [from, to] = waiting_.equal_range(codes);
    std::vector<std::pair<uint32_t, Minor>> ready;
    for (auto it = from; it != to; ++it) ready.push_back(it->second);
    waiting_.erase(from, to);
    for (const auto& [deal, dealTotal] : ready) consider(deal, dealTotal, work);
    return work;
  }

  /** The lower bound of SavingsBounds on what the subset pays; adds its cost to `work` (once per subset). */
  Minor lowerBound(uint32_t codes, int64_t& work) {
    auto [known, added] = lowerBounds_.try_emplace(codes, 0);
    if (added) known->second = bounds_.lowerBound(codes, 0, 0, 0, work);
    return known->second;
  }

 private:
  void consider(uint32_t deal, Minor total, int64_t& work) {
    if (fourthTotal() && total >= *fourthTotal()) return;  // cannot lower F
    std::vector<uint32_t> todo = {deal};
    std::set<uint32_t> seen;
    while (!todo.empty()) {
      const uint32_t y = todo.back();
      todo.pop_back();
      for (uint32_t bits = y; bits != 0; bits &= bits - 1) {
        const uint32_t z = y & ~(bits & (~bits + 1));  // y without its lowest code
        if (!seen.insert(z).second) continue;
        ++work;
        if (lowerBound(z, work) > total) continue;
        auto priced = priced_.find(z);
        if (priced == priced_.end()) {
          waiting_.emplace(z, std::pair{deal, total});
          return;
        }
        if (priced->second <= total) return;  // padded: never shown
        todo.push_back(z);
      }
    }
    totals_.insert(std::upper_bound(totals_.begin(), totals_.end(), total), total);
    if (totals_.size() > 4) totals_.pop_back();
  }

  const SavingsBounds& bounds_;
  std::map<uint32_t, Minor> priced_;                                 // every subset priced, by its codes
  std::multimap<uint32_t, std::pair<uint32_t, Minor>> waiting_;     // deals by the unpriced subset they wait on
  std::vector<Minor> totals_;                                        // the lowest totals of proved deals, at most 4
  std::map<uint32_t, Minor> lowerBounds_;                            // by subset, as computed
};

/**
 * Best first over the subsets of the candidate codes: each step takes the pending item with the lowest lower bound
 * on what it can lead to, prices the subset with the full pipeline or adds each next code to it, and, when
 * `bounded`, stops once that bound is above F (ProvenDeals), so every subset it prices could still be shown. The
 * subsets form a tree (each extends its parent by a code later in `order`); an "expand" item stands for every
 * extension of its subset by codes from `next` on, bounded as a whole. Subsets are priced in the order of their
 * own bounds, which also proves the best deals minimal early: a deal is proved once every subset bounded at or
 * under its total is priced. It stops at kMaxBestDealSubsets pricings or kQuoteWorkBudget units of work, whichever
 * comes first (`stopped`).
 */
struct DealSearch {
  /** `order`: indexes into bounds.codes, the codes searched in the order searched (`candidates` names them). */
  DealSearch(const CompiledStore& store, const QuoteRequest& probe, const std::vector<std::string>& candidates,
             const std::vector<std::size_t>& order, const SavingsBounds& bounds, std::size_t maxCodes, bool bounded, int64_t work)
      : store(store), probe(probe), candidates(candidates), order(order), bounds(bounds), maxCodes(maxCodes), bounded(bounded), work(work) {
    // From each candidate on: the largest exclusive bound (later candidates can only reach less), and their codes.
    exclusiveFrom.assign(candidates.size() + 1, 0);
    maskFrom.assign(candidates.size() + 1, 0);
    for (std::size_t i = candidates.size(); i-- > 0;) {
      exclusiveFrom[i] = std::max(exclusiveFrom[i + 1], codeBound(i).exclusive);
      maskFrom[i] = maskFrom[i + 1] | bit(i);
    }
    firstAlternative = candidates.size();
    while (bounded && firstAlternative > 0 && codeBound(firstAlternative - 1).alternativesOnly) --firstAlternative;
  }

  const CompiledStore& store;
  const QuoteRequest& probe;
  const std::vector<std::string>& candidates;
  const std::vector<std::size_t>& order;
  const SavingsBounds& bounds;  // when bounded: `order` by stacking bound, largest first, codes that only add
                                // alternatives last
  std::size_t maxCodes;
  bool bounded;
  int64_t work;  // units spent so far, the probes' included
  std::vector<Minor> exclusiveFrom;
  std::vector<uint32_t> maskFrom;
  std::size_t firstAlternative = 0;  // where the codes that only add alternatives start

  ShownDeals shown;
  int64_t subsetsPriced = 0;
  bool stopped = false;
  std::map<std::string, StockFact> stockRead;  // every run's, for a hold to keep
  std::optional<std::pair<Minor, bool>> emptyTotal;  // the total without codes once priced, and whether exact
  ProvenDeals proven{bounds};  // when bounded: F, the bound items are pruned against

  const CodeBound& codeBound(std::size_t i) const { return bounds.codes[order[i]]; }
  uint32_t bit(std::size_t i) const { return uint32_t{1} << order[i]; }

  /** A subset to price, or every extension of it by codes from `next` on to explore. */
  struct Item {
    Minor bound = 0;  // no total it leads to is lower (when bounded; 0 otherwise)
    Minor own = 0;    // to price: no total of the subset itself is lower
    bool expand = false;
    uint32_t mask = 0;  // the subset's codes (bits of bounds.codes)
    std::size_t next = 0;
    std::size_t size = 0;  // codes in the subset
    // Lowest bound first; at a tie pricing first (it can lower F), then the tree's order, so the search and its
    // subsetsPriced are the same on every run.
    bool operator>(const Item& o) const {
      if (bound != o.bound) return bound > o.bound;
      if (expand != o.expand) return expand;
      if (mask != o.mask) return mask > o.mask;
      return next > o.next;
    }
  };

  void run() {
    // The subset without codes first, whatever the bounds: there is always a choice, never dearer than it.
    pending.push({bounded ? INT64_MIN : 0, bounded ? ownBound(0) : 0, false, 0, 0, 0});
    if (maxCodes > 0 && firstAlternative > 0) pending.push({reach(0, 0, 0), 0, true, 0, 0, 0});
    while (!pending.empty() && !stopped) {
      if (work >= kQuoteWorkBudget) {  // the bounds' work counts too, not only the pricings'
        stopped = true;
        break;
      }
      const Item item = pending.top();
      pending.pop();
      const std::optional<Minor> f = bounded ? proven.fourthTotal() : std::nullopt;
      if (f && item.bound > *f) break;  // every pending item is bounded above F: none can be shown
      if (item.expand) expand(item);
      else priceAndExtend(item);
    }
  }

  /**
   * The subset's lower bound (SavingsBounds), with every extension by the codes from `from` on of which `room` fit
   * the code limit: the largest stacking bounds from `from` on (sorted: the next ones) that fit, and their largest
   * exclusive bound.
   */
  Minor lowerBound(uint32_t mask, uint32_t extra, std::size_t from, std::size_t room) {
    Minor extraStacking = 0;
    for (std::size_t k = from; k < candidates.size() && k < from + room; ++k) extraStacking = addSaturating(extraStacking, codeBound(k).stacking);
    return bounds.lowerBound(mask, extra, extraStacking, exclusiveFrom[from], work);
  }

  /** A bound on every extension of the subset by codes from `next` on. */
  Minor reach(uint32_t mask, std::size_t size, std::size_t next) {
    return bounded ? lowerBound(mask, maskFrom[next], next, maxCodes - size) : 0;
  }

  /** The subset's own lower bound (ProvenDeals keeps each it computes). */
  Minor ownBound(uint32_t mask) { return bounded ? proven.lowerBound(mask, work) : 0; }

  /**
   * The item pricing a subset whose own bound is `own`, bounded with the subsets it extends to by codes that only
   * add alternatives (priceAndExtend): each of those pays at least the subset's bound with all of them entered,
   * and at least min(own, listTotal - their largest exclusive bound).
   */
  Item pricing(uint32_t mask, std::size_t size, std::size_t next, Minor own) {
    Item item{own, own, false, mask, next, size};
    const std::size_t tail = std::max(next, firstAlternative);
    if (bounded && size < maxCodes && tail < candidates.size()) {
      const Minor extended = std::max(lowerBound(mask, maskFrom[tail], tail, 0), std::min(own, bounds.listTotal - exclusiveFrom[tail]));
      item.bound = std::min(own, extended);
    }
    return item;
  }

  /** Pushes the subset extended by each code from `next` up to the codes that only add alternatives. */
  void expand(const Item& item) {
    const std::optional<Minor> f = bounded ? proven.fourthTotal() : std::nullopt;
    for (std::size_t j = item.next; j < firstAlternative; ++j) {
      const uint32_t mask = item.mask | bit(j);
      const Item child = pricing(mask, item.size + 1, j + 1, ownBound(mask));
      if (!f || child.bound <= *f) pending.push(child);
      if (child.size < maxCodes && j + 1 < firstAlternative) {
        const Item more{reach(mask, child.size, j + 1), 0, true, mask, j + 1, child.size};
        if (!f || more.bound <= *f) pending.push(more);
      }
    }
  }

  /**
   * Prices the subset, then pushes it extended by each code that only adds alternatives (they come last in
   * `order`). Entering such codes adds to the subset's own alternatives (its combinations and exclusive promotions
   * alone, unchanged: such a code changes no stacked run) only their exclusive promotions alone, each paying at
   * least listTotal - b(p) (SavingsBounds, 1.). So the subset plus any of them pays at least min(what the subset
   * pays at best, listTotal - the largest such b). When the subset's total is exact (its run compared every
   * alternative) and that min is the subset's total, the larger subset costs no less than the subset it contains,
   * which ranks before it: over every subset it is padded by the subset, or by what pads the subset, or ranks after
   * four shown deals as the subset does. Either way it is never shown, and leaving out deals never shown changes
   * nothing shown.
   */
  void priceAndExtend(const Item& item) {
    // Priced unless its own bound is above F (it is pending for the subsets it extends to).
    const std::optional<Minor> f = bounded ? proven.fourthTotal() : std::nullopt;
    const std::optional<Minor> priced = f && item.own > *f ? std::nullopt : price(item.mask);
    if (stopped || item.size == maxCodes) return;
    // What the subset pays at best (exact), or no more than that when its run did not compare every alternative.
    const bool exact = priced.has_value();
    const Minor least = priced.value_or(item.own);
    for (std::size_t j = std::max(item.next, firstAlternative); bounded && j < candidates.size(); ++j) {
      const Minor alone = bounds.listTotal - exclusiveFrom[j];  // grows with j
      if (exact && alone >= least) break;
      const uint32_t mask = item.mask | bit(j);
      pending.push(pricing(mask, item.size + 1, j + 1, std::max(ownBound(mask), std::min(least, alone))));
    }
  }

  /** Prices the subset (`mask`: its codes); returns its total when the run compared every alternative it has. */
  std::optional<Minor> price(uint32_t mask) {
    if (mask == 0 && emptyTotal) {  // priced by an earlier group's search
      record({}, 0, emptyTotal->first);
      return emptyTotal->second ? std::optional<Minor>(emptyTotal->first) : std::nullopt;
    }
    // The subset without codes is priced whatever the limits, so there is always a choice, never dearer than it.
    if (mask != 0 && (subsetsPriced >= static_cast<int64_t>(kMaxBestDealSubsets) || work >= kQuoteWorkBudget)) {
      stopped = true;
      return std::nullopt;
    }
    QuoteRequest r = probe;
    r.coupons.clear();
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (mask & bit(i)) r.coupons.push_back(candidates[i]);
    }
    std::sort(r.coupons.begin(), r.coupons.end());
    PricedCart run = runPipeline(store, r);
    work += run.work;
    mergeStockFacts(stockRead, run.stockRead);
    const Minor total = payable(run.quote);
    const bool exact = !run.quote.stacking || run.quote.stacking->exhaustive;
    ++subsetsPriced;
    if (mask == 0) emptyTotal = {total, exact};
    record(std::move(r.coupons), mask, total);
    return exact ? std::optional<Minor>(total) : std::nullopt;
  }

  void record(std::vector<std::string> codes, uint32_t mask, Minor total) {
    shown.add({std::move(codes), total});
    if (bounded) work += proven.add(mask, total);
  }

 private:
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pending;
};

/**
 * The four best unions of one deal per group (each group's list best first, with {} in it whenever {} is shown),
 * totals added as changes from the total without codes: what the joint search would show (independentGroups).
 */
std::vector<DealChoice> combineGroups(const std::vector<std::vector<DealChoice>>& groups, Minor emptyTotal) {
  std::vector<DealChoice> best = {{{}, emptyTotal}};
  for (const auto& group : groups) {
    std::vector<DealChoice> unions;  // at most 4 x 4
    for (const DealChoice& a : best) {
      for (const DealChoice& b : group) {
        DealChoice u;
        std::merge(a.codes.begin(), a.codes.end(), b.codes.begin(), b.codes.end(), std::back_inserter(u.codes));
        u.total = addMoney(a.total, subMoney(b.total, emptyTotal, "/lines"), "/lines");
        unions.push_back(std::move(u));
      }
    }
    std::sort(unions.begin(), unions.end(), betterDeal);
    if (unions.size() > 4) unions.resize(4);
    best = std::move(unions);
  }
  return best;
}

}  // namespace

/**
 * The exact best subset of the held codes. Pruning never changes the answer: a code is dropped only when it is
 * unknown, or when every promotion it unlocks fails for a reason no other code can change (time window, segment,
 * currency, stock guard, nothing eligible in the cart), and codes unlocking the same live promotions collapse into
 * one; a code a stacksWhen names is always kept. Every remaining subset within maxCodesPerOrder is priced by the
 * full pipeline (floors, shipping, tax), except branches SavingsBounds proves cannot change what is shown.
 */
PricedCart bestDealCart(const CompiledStore& store, const QuoteRequest& request) {
  if (request.coupons.size() > kMaxBestDealCodes) {
    fail(ErrorCode::TooManyItems, "/coupons", "the best-deal search takes at most " + std::to_string(kMaxBestDealCodes) + " codes");
  }
  const std::vector<std::string> held = normalizedCoupons(request.coupons);
  QuoteRequest probe = request;
  probe.bestDeal = false;
  probe.nudges = false;
  probe.coupons = held;
  PricedCart all = runPipeline(store, probe);
  int64_t work = all.work;  // the search's work so far: it stops at kQuoteWorkBudget
  std::map<std::string, StockFact> stockRead = all.stockRead;  // every run's, for a hold to keep
  constexpr Reason kFixedReasons[] = {Reason::OutsideWindow, Reason::SegmentNotEligible, Reason::CurrencyNotEligible,
                                      Reason::StockBelowThreshold, Reason::StockUnknown, Reason::NoEligibleItems};
  std::set<uint32_t> deadPromotions;
  for (const auto& verdict : all.promotions) {
    if (std::find(std::begin(kFixedReasons), std::end(kFixedReasons), verdict.reason) == std::end(kFixedReasons)) continue;
    deadPromotions.insert(verdict.rule);
  }
  // A code a stacksWhen names changes what that promotion does even when nothing it unlocks is live: never dropped.
  std::set<std::string> conditionCodes;
  if (store.conditionalStacking) {
    for (const Promotion& promo : store.promotions) {
      if (promo.stackingRules.stacksWhen) conditionCodes.insert(promo.stackingRules.stacksWhen->coupons.begin(), promo.stackingRules.stacksWhen->coupons.end());
    }
  }
  BestDeal deal;
  std::vector<std::string> candidates;
  std::set<std::vector<uint32_t>> seenUnlocks;
  for (const auto& code : held) {
    if (conditionCodes.count(code)) {
      candidates.push_back(code);
      continue;
    }
    auto it = store.promotionsByCoupon.find(code);
    std::vector<uint32_t> live;
    if (it != store.promotionsByCoupon.end()) {
      for (uint32_t p : it->second) {
        if (!deadPromotions.count(p)) live.push_back(p);
      }
    }
    if (live.empty() || !seenUnlocks.insert(live).second) deal.ignoredCodes.push_back(code);
    else candidates.push_back(code);
  }
  const std::size_t maxCodes = store.maxCodesPerOrder > 0 ? static_cast<std::size_t>(store.maxCodesPerOrder) : candidates.size();
  // Branch and bound, when the shopper pays the item total: no subset pays less than SavingsBounds says. Shipping
  // bands, tax rounding and margin clamps are outside that argument, so stores using them price every subset.
  const bool bounded = store.shippingMethods.empty() && !store.tax && !store.margins;
  SavingsBounds bounds;
  bounds.codes.resize(candidates.size());
  std::vector<std::vector<std::size_t>> groups = {std::vector<std::size_t>(candidates.size())};
  std::iota(groups[0].begin(), groups[0].end(), std::size_t{0});
  if (bounded) {
    Cart listCart = buildCart(store, probe);
    applyPriceRules(listCart);
    const RelevantPromotions relevant(listCart);
    bounds = savingsBounds(listCart, relevant, candidates, deadPromotions, conditionCodes);
    if (maxCodes >= candidates.size() && !store.conditionalStacking) groups = independentGroups(listCart, relevant, candidates, deadPromotions);
    work += listCart.meter.spent();
  }
  // Each group's codes with the largest stacking bounds first (then exclusive ones), so the first paths find a good
  // total and later ones prune early, and those that only add alternatives last; the reach in DealSearch::visit
  // relies on this order (those codes have no stacking bound: it stays sorted).
  auto byBound = [&](std::size_t a, std::size_t b) {
    const CodeBound& x = bounds.codes[a];
    const CodeBound& y = bounds.codes[b];
    if (x.alternativesOnly != y.alternativesOnly) return y.alternativesOnly;
    return x.stacking != y.stacking ? x.stacking > y.stacking : x.exclusive > y.exclusive;
  };
  std::vector<std::vector<DealChoice>> shownPerGroup;
  std::optional<std::pair<Minor, bool>> emptyTotal;
  deal.exhaustive = true;
  for (auto& group : groups) {
    if (bounded) std::stable_sort(group.begin(), group.end(), byBound);
    std::vector<std::string> codes;
    for (std::size_t c : group) codes.push_back(candidates[c]);
    DealSearch search(store, probe, codes, group, bounds, maxCodes, bounded, work);
    search.emptyTotal = emptyTotal;
    search.subsetsPriced = deal.subsetsPriced;  // the groups share kMaxBestDealSubsets, as they share the budget
    search.run();
    mergeStockFacts(stockRead, search.stockRead);
    work = search.work;
    emptyTotal = search.emptyTotal;
    deal.subsetsPriced = search.subsetsPriced;
    deal.exhaustive = deal.exhaustive && !search.stopped;
    shownPerGroup.push_back(search.shown.shown());
  }
  // The choice, and runners-up that are real alternatives: not the choice plus codes that add nothing.
  std::vector<DealChoice> best = groups.size() == 1 ? shownPerGroup.front() : combineGroups(shownPerGroup, emptyTotal->first);
  deal.chosen = best.front();
  deal.alternatives.assign(best.begin() + 1, best.end());
  QuoteRequest finalRequest = probe;
  finalRequest.coupons = deal.chosen.codes;
  PricedCart result = runPipeline(store, finalRequest);
  for (const auto& code : held) {
    if (std::binary_search(deal.chosen.codes.begin(), deal.chosen.codes.end(), code)) continue;
    bool unknown = !store.promotionsByCoupon.count(code);
    CouponVerdict c;
    c.code = code;
    c.status = unknown ? "unknown" : "not_applied";
    c.reason = unknown ? Reason::UnknownCoupon : Reason::NotInBestDeal;
    result.coupons.push_back(std::move(c));
  }
  std::stable_sort(result.coupons.begin(), result.coupons.end(), [](const CouponVerdict& a, const CouponVerdict& b) { return a.code < b.code; });
  result.quote.bestDeal = std::move(deal);
  mergeStockFacts(result.stockRead, stockRead);
  return result;
}

}  // namespace cartcore
