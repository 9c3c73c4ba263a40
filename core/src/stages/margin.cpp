// SPDX-License-Identifier: MIT
#include "stages/margin.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "input_error.hpp"
#include "stages/unit_picks.hpp"

namespace cartcore {
namespace {

/**
 * The most specific floor for a line (variant 4, category 2, segment 1; ties: the id sorting first).
 * `segmentsHeld`: per floor, whether the customer holds one of its segments (-1: not yet known). That answer is the
 * same on every line, and a floor listed under a category is a candidate on every line of it: asked once per floor,
 * it costs one byte read per candidate instead of a walk of the floor's own segment list on every line.
 */
const MarginFloor* floorFor(const Cart& cart, const VariantInfo& variant, std::vector<int8_t>& segmentsHeld) {
  const MarginSettings& settings = *cart.store.margins;
  // The floors that can match: those listed under the variant, its categories, the customer's segments, the defaults.
  std::vector<uint32_t> candidates = settings.defaultFloors;
  auto addListed = [&](const auto& index, const auto& key) {
    auto it = index.find(key);
    if (it != index.end()) candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  };
  addListed(settings.floorsByVariant, static_cast<uint32_t>(&variant - cart.store.variants.data()));
  for (const auto& c : variant.categories) addListed(settings.floorsByCategory, c);
  for (const auto& s : cart.request.segments) addListed(settings.floorsBySegment, s);
  std::sort(candidates.begin(), candidates.end());  // id order, so ties go to the id sorting first
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  cart.meter.spend(1 + static_cast<int64_t>(candidates.size()));
  const MarginFloor* best = nullptr;
  for (uint32_t f : candidates) {
    const MarginFloor& floor = settings.floors[f];
    if (!floor.segments.empty()) {
      if (segmentsHeld[f] < 0) segmentsHeld[f] = cart.customerHasSegment(floor.segments) ? 1 : 0;
      if (segmentsHeld[f] == 0) continue;
    }
    if (floor.hasVariants && !contains(floor.variants, static_cast<uint32_t>(&variant - cart.store.variants.data()))) continue;
    if (!floor.categories.empty()) {
      bool any = false;
      for (const auto& c : variant.categories) any = any || std::binary_search(floor.categories.begin(), floor.categories.end(), c);
      if (!any) continue;
    }
    if (!best || floor.specificity > best->specificity) best = &floor;
  }
  return best;
}

/** The sum of every tax rate on a line's class at the destination, for tax-inclusive floors; 0 otherwise. */
PartsPerMillion inclusiveTaxPpm(const Cart& cart, const VariantInfo& variant) {
  const CompiledStore& store = cart.store;
  if (!store.tax || !store.tax->pricesIncludeTax) return 0;
  PartsPerMillion sum = 0;
  for (const TaxRate* r : taxRatesFor(*store.tax, cart.request.destinationCountry, cart.request.destinationRegion, variant.taxClass)) {
    sum = addMoney(sum, r->percent, "/tax/rates");
  }
  return sum;
}

/** What margin protection took back from one promotion, and where: the restated verdict says which limit and why. */
struct GivenBack {
  Minor byFloor = 0;
  Minor byOrderCap = 0;
  std::string_view floor;                  // the first floor that took from it
  std::optional<std::size_t> flooredLine;  // the first line a floor clamped it on
};

/** Which limit a give-back serves: a line's floor (with its id and the line), or the order cap. */
struct GiveBackCause {
  const MarginFloor* floor = nullptr;  // nullptr: the order cap
  std::size_t line = 0;
};

/**
 * Gives back `amount` of a line's promotion discounts, last-applied promotion first (it was the one that went too
 * far), and re-spreads the line's price evenly over its units.
 */
void giveBackDiscount(LineState& line, Minor amount, GiveBackCause cause, std::map<std::string, GivenBack>& reducedByPromotion) {
  Minor base = mulMoney(line.baseUnit, line.quantity());
  Minor target = addMoney(line.total(), amount);
  CARTCORE_ASSERT(amount >= 0 && target <= base);
  for (auto it = line.adjustments.rbegin(); it != line.adjustments.rend() && amount > 0; ++it) {
    if (it->source != "promotion") continue;
    Minor take = std::min(amount, -it->amount);
    it->amount += take;
    amount -= take;
    GivenBack& given = reducedByPromotion[it->id];
    if (!cause.floor) {
      given.byOrderCap = addMoney(given.byOrderCap, take, "/lines");
      continue;
    }
    given.byFloor = addMoney(given.byFloor, take, "/lines");
    if (given.floor.empty()) given.floor = cause.floor->id;
    if (!given.flooredLine) given.flooredLine = cause.line;
  }
  CARTCORE_ASSERT(amount == 0);
  line.adjustments.erase(std::remove_if(line.adjustments.begin(), line.adjustments.end(),
                                        [](const Adjustment& a) { return a.source == "promotion" && a.amount == 0; }),
                         line.adjustments.end());
  line.groups.clear();
  splitDiscountOverUnits(line.quantity(), line.baseUnit, base - target, line.groups);
  normalizeGroups(line.groups);
}

/**
 * What a buy-x-get-y's units cost once a floor limited it (the line re-spreads its price evenly, so at most two unit
 * prices), and why: a clamped "get one free" must not read as a free unit.
 */
Explanation unitPricesAfterFloor(const Cart& cart, const LineState& line, std::string_view floor) {
  const bool internal = cart.store.margins->internal;
  Minor dearest = line.groups.front().price, cheapest = line.groups.front().price;
  for (const auto& g : line.groups) {
    dearest = std::max(dearest, g.price);
    cheapest = std::min(cheapest, g.price);
  }
  Explanation why{dearest == cheapest ? (internal ? Message::UnitPriceKeptByFloor : Message::UnitPriceKeptShopper)
                                      : (internal ? Message::UnitPricesKeptByFloor : Message::UnitPricesKeptShopper)};
  why.variant = &cart.store.variants[line.variant];
  why.amount = dearest;
  why.amount2 = cheapest;
  why.name = floor;
  return why;
}

/**
 * Restates a promotion's verdict after margin protection took `given` from it. A promotion left with no saving did
 * not apply (clamped, by the floor or the order cap, with the saving it would have given); one left with part of it
 * applied, and says which limit took the rest.
 */
void restateVerdict(const Cart& cart, const Promotion& promo, const GivenBack& given, RuleVerdict& verdict) {
  const MarginSettings& settings = *cart.store.margins;
  const Minor before = verdict.amount;
  verdict.amount -= given.byFloor + given.byOrderCap;
  if (given.byFloor > 0 && promo.type == Promotion::Type::BuyXGetY) {
    verdict.whyAfter = unitPricesAfterFloor(cart, cart.lines[*given.flooredLine], settings.internal ? given.floor : "");
  }
  if (verdict.amount > 0) {
    // The sentence restates the saving rather than leave the unclamped figure in it.
    verdict.limitedFrom = before;
    verdict.limitedByFloor = given.byFloor;
    verdict.limitedByOrderCap = given.byOrderCap;
    return;
  }
  verdict.applied = false;
  verdict.amount = 0;
  Explanation why;
  if (given.byFloor > 0) {
    verdict.reason = Reason::ClampedByMarginFloor;
    if (settings.internal) verdict.by = given.floor;
    why = {settings.internal ? Message::ClampedByMarginFloor : Message::ClampedShopper};
    why.name = settings.internal ? given.floor : "";
  } else {
    verdict.reason = Reason::ClampedByOrderCap;
    why = {Message::ClampedByOrderCap};
    why.name = settings.maxOrderDiscountText;
  }
  why.amount2 = before;
  verdict.why = why;
}

}  // namespace

MarginProtection protectMargins(Cart& cart, std::vector<RuleVerdict>& promotions) {
  const CompiledStore& store = cart.store;
  const MarginSettings& settings = *store.margins;
  MarginProtection out;
  MarginReport& report = out.report;
  report.internal = settings.internal;
  report.orderCapPpm = settings.maxOrderDiscount;
  std::map<std::string, GivenBack> reduced;  // promotion id -> discount given back
  std::vector<int8_t> segmentsHeld(settings.floors.size(), -1);
  for (std::size_t lineIndex = 0; lineIndex < cart.lines.size(); ++lineIndex) {
    LineState& line = cart.lines[lineIndex];
    const VariantInfo& variant = store.variants[line.variant];
    const MarginFloor* floor = floorFor(cart, variant, segmentsHeld);
    if (!floor) continue;
    if (!variant.cost) {
      if (!settings.skipMissingCost) {
        fail(ErrorCode::MissingCost, linePointer(cart, line),
             "margin floor \"" + floor->id + "\" applies to " + variant.id + ", which has no cost in the catalog");
      }
      out.warnings.push_back({"missing_cost", "", "", line.line->id});
      Explanation why{Message::MissingCost};
      why.variant = &variant;
      why.name = floor->id;
      out.warningsWhy.push_back(why);
      continue;
    }
    MarginFloorValue value = floor->value;
    for (const auto& o : floor->overrides) {
      if (cart.windowOpen(o.window)) {
        value = o.value;  // the first matching override wins, in the order the merchant listed them
        break;
      }
    }
    if (!value.percent) value.value = cart.currency.amount(value.value);
    const int64_t q = line.quantity();
    Minor cost = mulMoney(cart.currency.amount(*variant.cost), q, "/lines");
    // The least the line may earn net of tax: cost / (1 - p) for a percentage (margin as a share of the net
    // price), cost + amount per unit otherwise; rounded up, so the floor is never breached by a rounding.
    Minor minNet = value.percent ? mulDivCeil(cost, kWhole, kWhole - value.value) : addMoney(cost, mulMoney(value.value, q, "/lines"), "/lines");
    PartsPerMillion taxPpm = inclusiveTaxPpm(cart, variant);
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
    Explanation why{settings.internal ? Message::MarginClamp : Message::MarginClampShopper};
    why.variant = &variant;
    why.amount = clamp.discountAfter;
    why.amount2 = clamp.discountBefore;
    if (settings.internal) why.name = floor->id;
    for (auto it = line.adjustments.rbegin(); it != line.adjustments.rend() && clamp.promotion.empty(); ++it)
      if (it->source == "promotion") clamp.promotion = it->id;  // for reporting: the one that gives back first
    giveBackDiscount(line, target - current, {floor, lineIndex}, reduced);
    report.clamps.push_back(std::move(clamp));
    out.clampsWhy.push_back(why);
  }
  if (settings.maxOrderDiscount) {
    // The cap bounds promotion discounts against the order as price rules left it; price rules are shelf prices.
    Minor baseTotal = 0, discount = 0;
    std::vector<Minor> lineDiscounts;
    for (const auto& line : cart.lines) {
      Minor base = mulMoney(line.baseUnit, line.quantity());
      baseTotal = addMoney(baseTotal, base);
      lineDiscounts.push_back(base - line.total());
      discount = addMoney(discount, lineDiscounts.back(), "/lines");
    }
    Minor cap = percentOf(baseTotal, *settings.maxOrderDiscount);
    if (discount > cap) {
      report.orderDiscountBefore = discount;
      report.orderDiscountAfter = cap;
      std::vector<Minor> giveBack = allocateProRata(discount - cap, lineDiscounts);
      for (std::size_t i = 0; i < cart.lines.size(); ++i) {
        if (giveBack[i] > 0) giveBackDiscount(cart.lines[i], giveBack[i], {}, reduced);
      }
    }
  }
  for (const auto& [id, given] : reduced) {
    for (auto& verdict : promotions) {
      if (store.promotions[verdict.rule].id != id || !verdict.applied) continue;
      restateVerdict(cart, store.promotions[verdict.rule], given, verdict);
    }
  }
  return out;
}

void reportMargins(const Cart& cart, const std::vector<QuotedLine>& lines, bool taxIncluded, MarginReport& report) {
  LineMargin order;
  bool any = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const QuotedLine& line = lines[i];
    const VariantInfo& variant = cart.store.variants[cart.lines[i].variant];
    if (!variant.cost) {
      report.linesWithoutCost.push_back(line.id);
      continue;
    }
    LineMargin m;
    m.line = line.id;
    m.revenue = taxIncluded && line.tax ? line.total - *line.tax : line.total;
    m.cost = mulMoney(cart.currency.amount(*variant.cost), line.quantity, "/lines");
    m.margin = subMoney(m.revenue, m.cost, "/lines");
    m.percentPpm = m.revenue > 0 ? mulDivRound(m.margin, kWhole, m.revenue) : 0;
    order.revenue = addMoney(order.revenue, m.revenue);
    order.cost = addMoney(order.cost, m.cost);
    any = true;
    report.lines.push_back(std::move(m));
  }
  if (!any) return;
  order.margin = subMoney(order.revenue, order.cost, "/lines");
  order.percentPpm = order.revenue > 0 ? mulDivRound(order.margin, kWhole, order.revenue) : 0;
  report.order = order;
}

}  // namespace cartcore
