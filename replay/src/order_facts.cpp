// SPDX-License-Identifier: MIT
#include "cartcore/order_facts.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace cartcore::analytics {

namespace {

__extension__ typedef __int128 Wide;  // a percentage of an int64 amount needs ~78 bits

const CatalogVariant* findVariant(const std::vector<CatalogVariant>& catalog, const std::string& id) {
  auto it = std::lower_bound(catalog.begin(), catalog.end(), id,
                             [](const CatalogVariant& v, const std::string& key) { return v.id < key; });
  return it != catalog.end() && it->id == id ? &*it : nullptr;
}

std::optional<int64_t> lineCost(const CatalogVariant* variant, int64_t units) {
  int64_t cost = 0;
  if (!variant || !variant->cost || __builtin_mul_overflow(*variant->cost, units, &cost)) return std::nullopt;
  return cost;
}

}  // namespace

OrderFacts orderFacts(const Quote& quote, const std::vector<CatalogVariant>& catalog) {
  OrderFacts facts;
  facts.currency = quote.currency;
  facts.exponent = quote.exponent;
  std::map<std::string, PromotionFacts> promotions;
  std::map<std::string, const LineFacts*> linesById;
  facts.lines.reserve(quote.lines.size());
  for (const auto& line : quote.lines) {
    LineFacts out;
    out.line = line.id;
    out.variant = line.variant;
    out.units = line.quantity;
    out.listAmount = line.listTotal;
    // Tax-inclusive totals carry the tax; what the merchant earns is the total without it.
    out.revenue = line.total - (quote.taxIncluded ? line.tax.value_or(0) : 0);
    out.cost = lineCost(findVariant(catalog, line.variant), line.quantity);
    std::set<std::string> touched;  // a promotion counts a line once, however many adjustments it made there
    for (const auto& adjustment : line.adjustments) {
      if (adjustment.source == "promotion") {
        out.promotionDiscount -= adjustment.amount;
        touched.insert(adjustment.id);
      } else {
        out.priceRuleDiscount -= adjustment.amount;
      }
    }
    for (const auto& id : touched) {
      PromotionFacts& p = promotions[id];
      p.units += out.units;
      p.listAmount += out.listAmount;
      p.revenue += out.revenue;
      if (out.cost) {
        p.costedRevenue += out.revenue;
        p.cost += *out.cost;
      } else {
        p.unitsWithoutCost += out.units;
      }
    }
    facts.units += out.units;
    facts.listAmount += out.listAmount;
    facts.revenue += out.revenue;
    if (out.cost) {
      facts.costedRevenue += out.revenue;
      facts.cost += *out.cost;
    } else {
      facts.unitsWithoutCost += out.units;
    }
    facts.lines.push_back(std::move(out));
  }
  for (const auto& line : facts.lines) linesById[line.line] = &line;
  facts.subtotal = quote.listSubtotal - quote.priceRuleSavings;
  facts.discount = quote.promotionSavings;

  for (const auto& outcome : quote.promotions) {
    if (outcome.applied) {
      PromotionFacts& p = promotions[outcome.id];
      p.applied = true;
      p.reason = outcome.reason;
      p.discount = outcome.amount;
      facts.combination.push_back(outcome.id);
    } else if (!outcome.by.empty()) {
      // Only losses to another rule are kept: they answer "what did it lose to"; other reasons are in the quote.
      PromotionFacts& p = promotions[outcome.id];
      p.reason = outcome.reason;
      p.by = outcome.by;
    }
  }
  std::sort(facts.combination.begin(), facts.combination.end());

  if (quote.margin) {
    for (const auto& clamp : quote.margin->clamps) {
      ClampFacts out;
      out.line = clamp.line;
      out.floor = clamp.floor;
      out.promotion = clamp.promotion;
      out.discountBefore = clamp.discountBefore;
      out.discountAfter = clamp.discountAfter;
      if (auto it = linesById.find(clamp.line); it != linesById.end()) {
        out.variant = it->second->variant;
        if (const CatalogVariant* variant = findVariant(catalog, out.variant)) out.categories = variant->categories;
      }
      if (!out.promotion.empty()) promotions[out.promotion].clamps += 1;
      facts.clamps.push_back(std::move(out));
    }
    if (quote.margin->orderDiscountBefore && quote.margin->orderDiscountAfter) {
      ClampFacts cap;
      cap.floor = "orderCap";
      cap.discountBefore = *quote.margin->orderDiscountBefore;
      cap.discountAfter = *quote.margin->orderDiscountAfter;
      facts.clamps.push_back(std::move(cap));
    }
  }

  for (const auto& coupon : quote.coupons)
    facts.coupons.push_back({coupon.code, coupon.status == "applied", coupon.promotion, coupon.reason});

  facts.promotions.reserve(promotions.size());
  for (auto& [id, p] : promotions) {
    // A promotion seen only through a line adjustment or a clamp has no outcome entry; the engine lists every
    // promotion that touched the cart, so this does not happen, but the facts stay whole if it ever did.
    if (p.reason.empty()) p.reason = p.applied ? "applied" : "unknown";
    p.promotion = id;
    facts.promotions.push_back(std::move(p));
  }
  return facts;
}

std::string combinationKey(const std::vector<std::string>& promotions) {
  // A JSON array of the sorted ids: unambiguous whatever characters an id holds, and readable in the database.
  return nlohmann::json(promotions).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> formatPercent(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return std::nullopt;
  Wide scaled = static_cast<Wide>(numerator) * 10000;
  Wide quotient = scaled / denominator, remainder = scaled % denominator;
  // Half away from zero: compare twice the remainder with the divisor, in magnitudes.
  Wide twice = remainder < 0 ? -2 * remainder : 2 * remainder;
  Wide magnitude = denominator < 0 ? -static_cast<Wide>(denominator) : denominator;
  if (twice >= magnitude) quotient += ((scaled < 0) != (denominator < 0)) ? -1 : 1;
  if (quotient > INT64_MAX || quotient < INT64_MIN) return std::nullopt;
  return formatMoney(static_cast<int64_t>(quotient), 2);
}

}  // namespace cartcore::analytics
