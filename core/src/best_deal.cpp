// SPDX-License-Identifier: MIT
#include "best_deal.hpp"

#include <algorithm>
#include <iterator>
#include <numeric>
#include <set>

#include "input_error.hpp"
#include "stages/cart.hpp"
#include "stages/price_rules.hpp"
#include "stages/promotions.hpp"

namespace cartcore {
namespace {

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
 * For each set of promotions, an upper bound on what they can save together on this cart in any combination:
 * each evaluated alone on the cart as price rules left it. Promotions only lower prices, and every kind saves at
 * most that much on a cheaper cart (a percentage of a lower price, the cheapest units' lower prices, a lower
 * spend tier), which makes this a sound bound for the best-deal search as long as no promotion
 * stops later ones (a stop rule that stops applying would let blocked promotions in).
 */
std::vector<Minor> savingsBounds(const CompiledStore& store, const QuoteRequest& request,
                                 const std::vector<std::vector<uint32_t>>& promotionSets, int64_t& work) {
  Cart cart = buildCart(store, request);
  applyPriceRules(cart);
  const RelevantPromotions relevant(cart);
  std::vector<Minor> bounds;
  for (const auto& set : promotionSets) {
    Minor bound = 0;
    for (uint32_t p : set) {
      if (!relevant.contains(p)) continue;
      // A bound only has to be at least the saving: clamping at the int64 edge keeps it one, without overflow.
      bound = addSaturating(bound, evaluatePromotion(cart, store.promotions[p], relevant.linesAt(relevant.position(p))).savings);
    }
    bounds.push_back(bound);
  }
  work += cart.meter.spent();
  return bounds;
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
  /** The total of the fourth deal shown, once four are known: a branch that cannot beat it changes nothing shown. */
  std::optional<Minor> fourthTotal() const { return shown_.size() == 4 ? std::optional<Minor>(ranked_[shown_.back()].total) : std::nullopt; }
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
 * Depth-first over the subsets of the candidate codes (in bound order), pricing each with the full pipeline and,
 * when `bounded`, skipping branches whose savings bounds cannot reach the four best totals found so far. It stops
 * at kMaxBestDealSubsets pricings or kQuoteWorkBudget units of work, whichever comes first (`stopped`).
 */
struct DealSearch {
  DealSearch(const CompiledStore& store, const QuoteRequest& probe, const std::vector<std::string>& candidates,
             const std::vector<Minor>& bounds, std::size_t maxCodes, bool bounded, int64_t work)
      : store(store), probe(probe), candidates(candidates), bounds(bounds), maxCodes(maxCodes), bounded(bounded), work(work) {}

  const CompiledStore& store;
  const QuoteRequest& probe;
  const std::vector<std::string>& candidates;
  const std::vector<Minor>& bounds;  // per candidate, largest first when bounded
  std::size_t maxCodes;
  bool bounded;
  int64_t work;  // units spent so far, the probes' included

  ShownDeals shown;
  int64_t subsetsPriced = 0;
  bool stopped = false;
  std::map<std::string, StockFact> stockRead;  // every run's, for a hold to keep
  std::vector<std::string> subset;
  std::optional<Minor> noCodeTotal;
  // The fourth shown total as the search last saw it (kept when later pricings leave fewer than four shown, as the
  // search always has): a branch that cannot beat it cannot change what is shown.
  std::optional<Minor> fourthShown;

  void visit(std::size_t next, Minor boundSoFar) {
    price();
    if (subset.size() == maxCodes) return;
    for (std::size_t i = next; i < candidates.size() && !stopped; ++i) {
      if (bounded && fourthShown) {
        // The most any extension through candidate i can save: its bound plus the largest bounds after it, clamped
        // at the int64 edge (a bound only has to be at least the saving).
        Minor reach = boundSoFar;
        for (std::size_t k = i; k < candidates.size() && k < i + (maxCodes - subset.size()); ++k) reach = addSaturating(reach, bounds[k]);
        if (*noCodeTotal > addSaturating(*fourthShown, reach)) break;  // bounds are sorted: later candidates reach less
      }
      subset.push_back(candidates[i]);
      visit(i + 1, addSaturating(boundSoFar, bounds[i]));
      subset.pop_back();
    }
  }

  void price() {
    if (subsetsPriced >= static_cast<int64_t>(kMaxBestDealSubsets) || work >= kQuoteWorkBudget) {
      stopped = true;
      return;
    }
    QuoteRequest r = probe;
    r.coupons = subset;
    std::sort(r.coupons.begin(), r.coupons.end());
    PricedCart run = runPipeline(store, r);
    work += run.work;
    mergeStockFacts(stockRead, run.stockRead);
    Minor total = payable(run.quote);
    if (!noCodeTotal) noCodeTotal = total;
    ++subsetsPriced;
    shown.add({r.coupons, total});
    if (bounded && shown.fourthTotal() && (!fourthShown || total <= *fourthShown)) fourthShown = shown.fourthTotal();
  }
};

}  // namespace

/**
 * The exact best subset of the held codes. Pruning never changes the answer: a code is dropped only when it is
 * unknown, or when every promotion it unlocks fails for a reason no other code can change (time window, segment,
 * currency, stock guard, nothing eligible in the cart), and codes unlocking the same live promotions collapse into
 * one. Every remaining subset within maxCodesPerOrder is priced by the full pipeline (floors, shipping, tax).
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
    if (std::find(std::begin(kFixedReasons), std::end(kFixedReasons), verdict.reason) != std::end(kFixedReasons)) {
      deadPromotions.insert(verdict.rule);
    }
  }
  BestDeal deal;
  std::vector<std::string> candidates;
  std::set<std::vector<uint32_t>> seenUnlocks;
  for (const auto& code : held) {
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
  // Branch and bound, when the total is the item total alone: no subset can pay less than the total without codes
  // minus the savings bounds of its codes. Shipping bands, tax rounding and margin clamps break that argument, so
  // stores using them price every subset.
  const bool bounded = store.shippingMethods.empty() && !store.tax && !store.margins && !store.hasStopAfter;
  std::vector<Minor> bounds(candidates.size(), 0);
  if (bounded) {
    std::vector<std::vector<uint32_t>> sets;
    for (const auto& code : candidates) sets.push_back(store.promotionsByCoupon.at(code));
    bounds = savingsBounds(store, probe, sets, work);
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
  DealSearch search(store, probe, candidates, bounds, maxCodes, bounded, work);
  search.visit(0, 0);
  mergeStockFacts(stockRead, search.stockRead);
  deal.subsetsPriced = search.subsetsPriced;
  deal.exhaustive = !search.stopped;
  // The choice, and runners-up that are real alternatives: not the choice plus codes that add nothing.
  std::vector<DealChoice> best = search.shown.shown();
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
