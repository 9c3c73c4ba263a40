// SPDX-License-Identifier: MIT
#include "stages/bundle_fill.hpp"

#include <algorithm>
#include <bit>

#include "input_error.hpp"

namespace cartcore {
namespace {

/**
 * A flow network: source -> component c (capacity: the units c still needs) -> slot kind t (every kind c accepts;
 * unbounded) -> sink (capacity: the units of that kind offered so far). A slot kind is a set of accepting
 * components: slots of one kind are interchangeable for completing bundles, so the network has at most one node
 * per distinct kind, whatever the quantities.
 */
class ComponentFlow {
 public:
  ComponentFlow(std::span<const int64_t> quantities, const std::vector<uint64_t>& kinds, WorkMeter& meter)
      : quantities_(quantities), meter_(meter) {
    const std::size_t c = quantities.size();
    componentLinks_.resize(c);
    kindLinks_.resize(kinds.size());
    for (std::size_t t = 0; t < kinds.size(); ++t) {
      for (uint64_t rest = kinds[t]; rest != 0; rest &= rest - 1) {
        const auto component = static_cast<std::size_t>(std::countr_zero(rest));
        componentLinks_[component].push_back({t, links_});
        kindLinks_[t].push_back({component, links_});
        ++links_;
      }
    }
  }

  /** Starts over for `bundles` complete sets: no units offered, every component needing bundles x its quantity. */
  void reset(int64_t bundles) {
    need_.resize(quantities_.size());
    for (std::size_t c = 0; c < quantities_.size(); ++c) need_[c] = bundles * quantities_[c];  // <= the cart's units
    linkFlow_.assign(links_, 0);
    offered_.assign(kindLinks_.size(), 0);
    taken_.assign(kindLinks_.size(), 0);
    unreachableValid_ = false;
  }

  /** Offers `units` more of kind `t` and routes as many more units into bundles as now fit; returns how many. */
  int64_t offer(std::size_t t, int64_t units) {
    offered_[t] += units;
    int64_t routed = 0;
    // Straight to the components that accept the kind and still need units: most offers end here.
    meter_.spend(1 + static_cast<int64_t>(kindLinks_[t].size()));
    for (const Link& l : kindLinks_[t]) {
      const int64_t take = std::min(need_[l.to], offered_[t] - taken_[t]);
      if (take <= 0) continue;
      need_[l.to] -= take;
      linkFlow_[l.link] += take;
      taken_[t] += take;
      routed += take;
      unreachableValid_ = false;
    }
    // Then by moving units other components hold: augmenting paths. A search that finds none leaves the flow as it
    // was, so until the flow changes a kind it did not reach cannot be reached either.
    while (offered_[t] > taken_[t]) {
      if (unreachableValid_ && !reached_[t]) break;
      const int64_t pushed = augment();
      if (pushed == 0) break;
      routed += pushed;
    }
    return routed;
  }

  /** Units component `c` still needs. */
  int64_t need(std::size_t c) const { return need_[c]; }

 private:
  struct Link {
    std::size_t to = 0;    // the kind (from a component) or the component (from a kind)
    std::size_t link = 0;  // index into linkFlow_
  };
  static constexpr std::size_t kNone = SIZE_MAX;

  /**
   * One shortest augmenting path (Edmonds-Karp) from a component that still needs units to a kind with units
   * offered and not yet taken, through components -> kinds (any amount) and kinds -> components (undoing units a
   * component took from that kind); pushes its bottleneck. Before an offer the flow is maximal, so every path ends at
   * the kind just offered.
   */
  int64_t augment() {
    const std::size_t components = quantities_.size();
    int64_t scanned = 1;
    // The search's state lives in members, reset here: a fill runs many searches, and each used to allocate seven
    // vectors.
    Search& s = search_;
    s.componentFrom.assign(components, kNone);
    s.kindFrom.assign(kindLinks_.size(), kNone);
    s.componentSeen.assign(components, false);
    s.kindSeen.assign(kindLinks_.size(), false);
    s.queue.clear();
    for (std::size_t c = 0; c < components; ++c) {
      if (need_[c] > 0) {
        s.componentSeen[c] = true;
        s.queue.push_back(c);
      }
    }
    s.kindVia.assign(kindLinks_.size(), 0);
    s.componentVia.assign(components, 0);
    auto& [componentFrom, kindFrom, componentSeen, kindSeen, queue, kindVia, componentVia] = s;
    std::size_t end = kNone;
    for (std::size_t head = 0; head < queue.size() && end == kNone; ++head) {
      const std::size_t c = queue[head];
      scanned += static_cast<int64_t>(componentLinks_[c].size());
      for (const Link& l : componentLinks_[c]) {
        if (kindSeen[l.to]) continue;
        kindSeen[l.to] = true;
        kindFrom[l.to] = l.link;
        kindVia[l.to] = c;
        if (offered_[l.to] > taken_[l.to]) {
          end = l.to;
          break;
        }
        scanned += static_cast<int64_t>(kindLinks_[l.to].size());
        for (const Link& back : kindLinks_[l.to]) {
          if (componentSeen[back.to] || linkFlow_[back.link] == 0) continue;
          componentSeen[back.to] = true;
          componentFrom[back.to] = back.link;
          componentVia[back.to] = l.to;
          queue.push_back(back.to);
        }
      }
    }
    meter_.spend(scanned);
    if (end == kNone) {
      reached_ = kindSeen;
      unreachableValid_ = true;
      return 0;
    }
    unreachableValid_ = false;
    // Bottleneck: the kind's untaken units, every undone link's flow, the first component's need.
    int64_t pushed = offered_[end] - taken_[end];
    std::size_t t = end;
    std::size_t c = kindVia[t];
    while (componentFrom[c] != kNone) {
      pushed = std::min(pushed, linkFlow_[componentFrom[c]]);
      t = componentVia[c];
      c = kindVia[t];
    }
    pushed = std::min(pushed, need_[c]);
    taken_[end] += pushed;
    t = end;
    c = kindVia[t];
    linkFlow_[kindFrom[t]] += pushed;
    while (componentFrom[c] != kNone) {
      linkFlow_[componentFrom[c]] -= pushed;
      t = componentVia[c];
      c = kindVia[t];
      linkFlow_[kindFrom[t]] += pushed;
    }
    need_[c] -= pushed;
    return pushed;
  }

  /** One augmenting-path search's state (augment()), kept between searches for its capacity. */
  struct Search {
    std::vector<std::size_t> componentFrom, kindFrom;  // link indexes
    std::vector<bool> componentSeen, kindSeen;
    std::vector<std::size_t> queue;  // components
    std::vector<std::size_t> kindVia, componentVia;
  };

  std::span<const int64_t> quantities_;
  WorkMeter& meter_;
  Search search_;
  std::vector<std::vector<Link>> componentLinks_;
  std::vector<std::vector<Link>> kindLinks_;
  std::size_t links_ = 0;
  bool unreachableValid_ = false;  // reached_ holds the kinds the last search reached, and the flow has not changed since
  std::vector<bool> reached_;
  std::vector<int64_t> need_;      // per component
  std::vector<int64_t> linkFlow_;  // per link: units the component takes from the kind
  std::vector<int64_t> offered_;   // per kind
  std::vector<int64_t> taken_;     // per kind
};

/** The fills for given numbers of bundles, over slots grouped into kinds. */
class Filler {
 public:
  Filler(std::span<const int64_t> quantities, std::span<const BundleSlot> slots, WorkMeter& meter)
      : quantities_(quantities), slots_(slots), kindOf_(slots.size(), 0), flow_(quantities, kinds(slots), meter) {
    for (std::size_t s = 0; s < slots.size(); ++s) {
      kindOf_[s] = static_cast<std::size_t>(std::lower_bound(kinds_.begin(), kinds_.end(), slots[s].components) - kinds_.begin());
    }
  }

  /**
   * The units worth most that complete `bundles` sets, or fewer units when they cannot all be completed. Slots are
   * offered dearest first: a set of units that fits into bundles is an independent set of a transversal matroid, so
   * taking each slot's units whenever they still fit (the matroid greedy) gives the most valuable fit. Units of a
   * kind that did not fit once never fit later, so such kinds are skipped, and neighbouring slots of one kind are
   * offered together.
   */
  const BundleFilling& fill(int64_t bundles) {
    flow_.reset(bundles);
    BundleFilling& out = filling_;  // reused: the searches below run a handful of fills and keep at most one
    out.bundles = bundles;
    out.value = 0;
    out.saving = 0;
    out.missing.clear();
    out.used.assign(slots_.size(), 0);
    std::vector<bool>& full = full_;  // kept between fills for its capacity
    full.assign(kinds_.size(), false);
    int64_t stillNeeded = 0;
    for (int64_t q : quantities_) stillNeeded += bundles * q;
    for (std::size_t s = 0; s < slots_.size() && stillNeeded > 0;) {
      const std::size_t kind = kindOf_[s];
      std::size_t end = s + 1;
      int64_t units = slots_[s].units;
      while (end < slots_.size() && kindOf_[end] == kind) units += slots_[end++].units;
      int64_t routed = full[kind] ? 0 : flow_.offer(kind, units);
      if (routed < units) full[kind] = true;
      stillNeeded -= routed;
      for (; s < end; ++s) {  // the run's earlier (dearer) slots first
        const int64_t take = std::min(routed, slots_[s].units);
        out.used[s] = take;
        routed -= take;
        out.value = addMoney(out.value, mulMoney(slots_[s].price, take, "/lines"), "/lines");
      }
    }
    if (stillNeeded > 0) {
      out.missing.resize(quantities_.size());
      for (std::size_t c = 0; c < quantities_.size(); ++c) out.missing[c] = flow_.need(c);
    }
    return out;
  }

  bool completes(int64_t bundles) { return fill(bundles).missing.empty(); }

 private:
  const std::vector<uint64_t>& kinds(std::span<const BundleSlot> slots) {
    kinds_.reserve(slots.size());
    for (const auto& slot : slots) kinds_.push_back(slot.components);
    std::sort(kinds_.begin(), kinds_.end());
    kinds_.erase(std::unique(kinds_.begin(), kinds_.end()), kinds_.end());
    return kinds_;
  }

  std::span<const int64_t> quantities_;
  std::span<const BundleSlot> slots_;
  std::vector<uint64_t> kinds_;  // distinct sets of accepting components, sorted (before flow_ is built)
  std::vector<std::size_t> kindOf_;
  ComponentFlow flow_;
  BundleFilling filling_;   // the last fill
  std::vector<bool> full_;  // per kind: fill()'s "offered units that did not all fit"
};

}  // namespace

BundleFilling fillBundles(std::span<const int64_t> quantities, std::span<const BundleSlot> slots, int64_t maxBundles,
                          const BundleSaving& savingOf, WorkMeter& meter) {
  CARTCORE_ASSERT(!quantities.empty() && quantities.size() <= 64);
  Filler filler(quantities, slots, meter);
  // An upper bound on complete bundles: every component needs its own units from the ones it accepts.
  int64_t upper = maxBundles > 0 ? maxBundles : INT64_MAX;
  for (std::size_t c = 0; c < quantities.size(); ++c) {
    int64_t accepted = 0;
    for (const auto& slot : slots) {
      if (slot.components >> c & 1) accepted += slot.units;  // <= 500 lines x 100,000 units
    }
    upper = std::min(upper, accepted / quantities[c]);
  }
  if (const BundleFilling& one = filler.fill(1); !one.missing.empty()) {  // not even one bundle: what it lacks
    BundleFilling none;
    none.used.assign(slots.size(), 0);
    none.missing = one.missing;  // per component
    return none;
  }
  // The most bundles the units complete: completing k sets is monotone in k (binary search, O(log upper) fills;
  // one when the bound is reached, as when the components do not overlap).
  int64_t most = 1;
  if (upper > 1 && filler.completes(upper)) most = upper;
  for (int64_t lo = 2, hi = most == upper ? 1 : upper - 1; lo <= hi;) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (filler.completes(mid)) {
      most = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  // The fewest bundles that save the most. With a bundle price the saving V(k) - k x price is concave in k (V(k),
  // the most valuable fill of k bundles, is a linear program's value in its right-hand side k x quantities); with a
  // percentage it never falls as k grows. In both cases "k saves at least as much as k + 1 and as `most`" is false
  // below the answer and true from it on, so a binary search finds it: O(log most) fills, a few each.
  std::vector<std::pair<int64_t, Minor>> known;  // savings computed so far (a fill each)
  auto savingAt = [&](int64_t k) -> Minor {
    if (k == 0) return 0;
    for (const auto& [bundles, saving] : known) {
      if (bundles == k) return saving;
    }
    const Minor saving = savingOf(k, filler.fill(k).value);
    known.emplace_back(k, saving);
    return saving;
  };
  const Minor atMost = savingAt(most);
  auto settled = [&](int64_t k) { return savingAt(k) >= atMost && (k == most || savingAt(k) >= savingAt(k + 1)); };
  int64_t chosen = most;
  // Most often the last bundle still saves something: then `most` is the answer (two fills).
  for (int64_t lo = 0, hi = savingAt(most - 1) < atMost ? -1 : most - 1; lo <= hi;) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (settled(mid)) {
      chosen = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (chosen == 0 || savingAt(chosen) <= 0) {
    BundleFilling none;  // complete bundles exist, but none saves anything
    none.used.assign(slots.size(), 0);
    return none;
  }
  BundleFilling out = filler.fill(chosen);  // a copy, as above
  out.saving = savingOf(chosen, out.value);
  return out;
}

}  // namespace cartcore
