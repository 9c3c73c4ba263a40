// SPDX-License-Identifier: MIT
#include "quote_json.hpp"

#include "money.hpp"
#include "sha256.hpp"

namespace cartcore {
namespace {

Json adjustmentsJson(const std::vector<Adjustment>& adjustments, int exponent) {
  Json out = Json::array();
  for (const auto& a : adjustments) {
    out.push_back({{"source", a.source}, {"id", a.id}, {"name", a.name}, {"amount", formatMoney(a.amount, exponent)}});
  }
  return out;
}

Json unitPricesJson(const std::vector<UnitPrice>& unitPrices, int exponent) {
  Json out = Json::array();
  for (const auto& u : unitPrices) out.push_back({{"quantity", u.quantity}, {"unitPrice", formatMoney(u.unitPrice, exponent)}});
  return out;
}

Json totalsJson(const Quote& q) {
  return {{"listSubtotal", formatMoney(q.listSubtotal, q.exponent)},
          {"priceRuleSavings", formatMoney(q.priceRuleSavings, q.exponent)},
          {"promotionSavings", formatMoney(q.promotionSavings, q.exponent)},
          {"total", formatMoney(q.total, q.exponent)}};
}

Json couponsJson(const Quote& q) {
  Json out = Json::array();
  for (const auto& c : q.coupons) {
    Json entry = {{"code", c.code}, {"status", c.status}, {"reason", c.reason}, {"message", c.message}};
    if (!c.promotion.empty()) entry["promotion"] = c.promotion;
    out.push_back(std::move(entry));
  }
  return out;
}

Json outcomeJson(const RuleOutcome& o, int exponent) {
  Json out = {{"id", o.id}, {"name", o.name}, {"reason", o.reason}, {"message", o.message}};
  if (o.applied) out["amount"] = formatMoney(o.amount, exponent);
  if (o.amountNeeded) out["amountNeeded"] = formatMoney(*o.amountNeeded, exponent);
  if (o.quantityNeeded) out["quantityNeeded"] = *o.quantityNeeded;
  if (!o.by.empty()) out["by"] = o.by;
  if (!o.coupon.empty()) out["coupon"] = o.coupon;
  return out;
}

Json outcomesJson(const std::vector<RuleOutcome>& outcomes, int exponent) {
  Json applied = Json::array(), notApplied = Json::array();
  for (const auto& o : outcomes) (o.applied ? applied : notApplied).push_back(outcomeJson(o, exponent));
  return {{"applied", std::move(applied)}, {"notApplied", std::move(notApplied)}};
}

}  // namespace

std::string quoteDigest(const Quote& q) {
  // Only what the shopper pays and why in money terms: explanations and "N left" may change without the price
  // changing, and must not make a checkout refuse a quote the shopper saw.
  Json lines = Json::array();
  for (const auto& l : q.lines) {
    lines.push_back({{"id", l.id}, {"variant", l.variant}, {"quantity", l.quantity},
                     {"listUnitPrice", formatMoney(l.listUnitPrice, q.exponent)},
                     {"adjustments", adjustmentsJson(l.adjustments, q.exponent)},
                     {"unitPrices", unitPricesJson(l.unitPrices, q.exponent)}, {"total", formatMoney(l.total, q.exponent)}});
  }
  Json coupons = Json::array();
  for (const auto& c : q.coupons) coupons.push_back({c.code, c.status});
  Json priced = {{"configDigest", q.configDigest}, {"currency", q.currency}, {"lines", std::move(lines)},
                 {"totals", totalsJson(q)}, {"coupons", std::move(coupons)}, {"freeShipping", q.freeShippingPromotion}};
  return "sha256:" + sha256Hex(priced.dump());
}

Json quoteToJson(const Quote& q) {
  Json lines = Json::array();
  for (const auto& l : q.lines) {
    Json line = {{"id", l.id},
                 {"variant", l.variant},
                 {"sku", l.sku},
                 {"name", l.name},
                 {"quantity", l.quantity},
                 {"listUnitPrice", formatMoney(l.listUnitPrice, q.exponent)},
                 {"listTotal", formatMoney(l.listTotal, q.exponent)},
                 {"adjustments", adjustmentsJson(l.adjustments, q.exponent)},
                 {"unitPrices", unitPricesJson(l.unitPrices, q.exponent)},
                 {"total", formatMoney(l.total, q.exponent)}};
    if (l.lowStockRemaining) line["lowStock"] = {{"remaining", *l.lowStockRemaining}};
    lines.push_back(std::move(line));
  }
  Json quote = {{"currency", q.currency},
                {"lines", std::move(lines)},
                {"totals", totalsJson(q)},
                {"priceRules", outcomesJson(q.priceRules, q.exponent)},
                {"promotions", outcomesJson(q.promotions, q.exponent)},
                {"coupons", couponsJson(q)},
                {"freeShipping", q.freeShippingPromotion.empty() ? Json(nullptr) : Json{{"promotion", q.freeShippingPromotion}}},
                {"configDigest", q.configDigest},
                {"digest", q.digest}};
  return quote;
}

}  // namespace cartcore
