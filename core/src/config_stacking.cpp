// SPDX-License-Identifier: MIT
#include "config_stacking.hpp"

#include <algorithm>
#include <set>

#include "input_error.hpp"

namespace cartcore {
namespace {

constexpr std::size_t kMaxTagsPerPromotion = 20;
constexpr std::size_t kMaxNamesPerList = 1000;
constexpr std::size_t kMaxSegmentPriorities = 100;
constexpr int64_t kPriorityLimit = 1'000'000'000;  // the same range as "priority"

std::optional<DiscountClass> discountClassNamed(const std::string& name) {
  if (name == "product") return DiscountClass::Product;
  if (name == "order") return DiscountClass::Order;
  if (name == "shipping") return DiscountClass::Shipping;
  return std::nullopt;
}

/** What a kind discounts: items (product), the order's subtotal (order) or shipping. */
DiscountClass derivedClass(Promotion::Type type) {
  switch (type) {
    case Promotion::Type::SpendThreshold: return DiscountClass::Order;
    case Promotion::Type::FreeShipping: return DiscountClass::Shipping;
    default: return DiscountClass::Product;
  }
}

}  // namespace

void StackingRulesReader::read(ObjectReader& promo, Promotion& out, int exponent) {
  exponent_ = exponent;
  StackingRules& rules = out.stackingRules;
  rules.discountClass = derivedClass(out.type);
  if (const Json* c = promo.optional("discountClass")) {
    const std::string ptr = promo.pointerTo("discountClass");
    auto named = discountClassNamed(readString(*c, ptr));
    if (!named) fail(ErrorCode::InvalidValue, ptr, "discountClass is product, order or shipping");
    // Shipping is what free shipping discounts, and only it: a class that says otherwise would mislead combinesWith.
    if ((*named == DiscountClass::Shipping) != (out.type == Promotion::Type::FreeShipping)) {
      fail(ErrorCode::InvalidValue, ptr,
           out.type == Promotion::Type::FreeShipping ? "a freeShipping promotion is of class shipping"
                                                     : "only a freeShipping promotion is of class shipping; use product or order");
    }
    rules.discountClass = *named;
  }
  if (const Json* c = promo.optional("combinesWith")) {
    const std::string ptr = promo.pointerTo("combinesWith");
    auto names = readIdList(*c, ptr, 3, true);
    rules.combinesWith = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto named = discountClassNamed(names[i]);
      if (!named) fail(ErrorCode::InvalidValue, childPointer(ptr, i), "\"" + names[i] + "\" is not a discount class (product, order, shipping)");
      rules.combinesWith |= discountClassBit(*named);
    }
  }
  if (const Json* t = promo.optional("tags")) {
    const std::string ptr = promo.pointerTo("tags");
    auto tags = readIdList(*t, ptr, kMaxTagsPerPromotion, true);
    if (tags.empty()) fail(ErrorCode::InvalidValue, ptr, "list at least one tag, or leave the field out");
    tags_.push_back({out.id, std::move(tags)});
  }
  if (const Json* n = promo.optional("notWith")) {
    refs_.push_back(readRefs(*n, promo.pointerTo("notWith"), out.id, false));
    rules.notWith = PromotionRefs{};
  }
  if (const Json* o = promo.optional("onlyWith")) {
    refs_.push_back(readRefs(*o, promo.pointerTo("onlyWith"), out.id, true));
    rules.onlyWith = PromotionRefs{};
  }
  if (const Json* w = promo.optional("stacksWhen")) rules.stacksWhen = readCondition(*w, promo.pointerTo("stacksWhen"));
  if (const Json* p = promo.optional("priorityBySegment")) {
    const std::string ptr = promo.pointerTo("priorityBySegment");
    if (!p->is_object()) fail(ErrorCode::InvalidType, ptr, "priorityBySegment is an object of segment to priority");
    if (p->empty()) fail(ErrorCode::InvalidValue, ptr, "name at least one segment, or leave the field out");
    if (p->size() > kMaxSegmentPriorities) fail(ErrorCode::TooManyItems, ptr, "at most 100 segments");
    for (const auto& [segment, priority] : p->items()) {
      const std::string at = childPointer(ptr, segment);
      if (segment.empty() || segment.size() > 200) fail(ErrorCode::InvalidValue, at, "a segment is 1 to 200 bytes");
      rules.priorityBySegment[segment] = readInteger(priority, at, -kPriorityLimit, kPriorityLimit);
    }
  }
}

StackingRulesReader::PendingRefs StackingRulesReader::readRefs(const Json& value, const std::string& pointer,
                                                               const std::string& owner, bool onlyWith) {
  ObjectReader refs(value, pointer);
  PendingRefs out;
  out.owner = owner;
  out.onlyWith = onlyWith;
  if (const Json* p = refs.optional("promotions")) {
    const std::string ptr = refs.pointerTo("promotions");
    auto ids = readIdList(*p, ptr, kMaxNamesPerList, true);
    for (std::size_t i = 0; i < ids.size(); ++i) out.promotions.push_back({ids[i], childPointer(ptr, i)});
  }
  if (const Json* t = refs.optional("tags")) {
    const std::string ptr = refs.pointerTo("tags");
    auto tags = readIdList(*t, ptr, kMaxNamesPerList, true);
    for (std::size_t i = 0; i < tags.size(); ++i) out.tags.push_back({tags[i], childPointer(ptr, i)});
  }
  refs.finish();
  if (out.promotions.empty() && out.tags.empty()) {
    fail(ErrorCode::InvalidValue, pointer, "name at least one promotion or tag, or leave the field out");
  }
  return out;
}

StackingCondition StackingRulesReader::readCondition(const Json& value, const std::string& pointer) {
  ObjectReader c(value, pointer);
  StackingCondition out;
  if (const Json* s = c.optional("segments")) {
    out.segments = readIdList(*s, c.pointerTo("segments"), 100, true);
    if (out.segments.empty()) fail(ErrorCode::InvalidValue, c.pointerTo("segments"), "list at least one segment, or leave the field out");
    std::sort(out.segments.begin(), out.segments.end());
  }
  if (const Json* m = c.optional("minSubtotal")) {
    out.minSubtotal = parseMoney(readString(*m, c.pointerTo("minSubtotal")), exponent_, c.pointerTo("minSubtotal"));
    if (*out.minSubtotal == 0) fail(ErrorCode::InvalidValue, c.pointerTo("minSubtotal"), "a minimum of 0 always holds; leave it out");
  }
  if (const Json* k = c.optional("coupons")) {
    const std::string ptr = c.pointerTo("coupons");
    auto codes = readIdList(*k, ptr, 100, false);
    if (codes.empty()) fail(ErrorCode::InvalidValue, ptr, "list at least one code, or leave the field out");
    for (std::size_t i = 0; i < codes.size(); ++i) {
      std::string code = normalizeCoupon(codes[i]);
      if (code.empty()) fail(ErrorCode::InvalidValue, childPointer(ptr, i), "a coupon code must not be blank");
      conditionCoupons_.push_back({code, childPointer(ptr, i)});
      out.coupons.push_back(code);
    }
    std::sort(out.coupons.begin(), out.coupons.end());
    out.coupons.erase(std::unique(out.coupons.begin(), out.coupons.end()), out.coupons.end());
  }
  c.finish();
  if (out.segments.empty() && !out.minSubtotal && out.coupons.empty()) {
    fail(ErrorCode::InvalidValue, pointer, "name at least one of segments, minSubtotal, coupons");
  }
  return out;
}

void StackingRulesReader::resolve(CompiledStore& store) {
  std::map<std::string, uint32_t> byId;
  for (uint32_t p = 0; p < store.promotions.size(); ++p) byId.emplace(store.promotions[p].id, p);
  std::set<std::string> allTags;
  for (const auto& pending : tags_) allTags.insert(pending.tags.begin(), pending.tags.end());
  store.stackingTags.assign(allTags.begin(), allTags.end());
  auto tagIndex = [&](const std::string& tag) -> std::optional<uint32_t> {
    auto it = std::lower_bound(store.stackingTags.begin(), store.stackingTags.end(), tag);
    if (it == store.stackingTags.end() || *it != tag) return std::nullopt;
    return static_cast<uint32_t>(it - store.stackingTags.begin());
  };
  for (const auto& pending : tags_) {
    std::vector<uint32_t>& tags = store.promotions[byId.at(pending.owner)].stackingRules.tags;
    for (const auto& tag : pending.tags) tags.push_back(*tagIndex(tag));
    std::sort(tags.begin(), tags.end());
  }
  // notWith before onlyWith for each owner does not matter: both are complete before the overlap check below.
  for (const auto& pending : refs_) {
    const uint32_t owner = byId.at(pending.owner);
    StackingRules& rules = store.promotions[owner].stackingRules;
    PromotionRefs resolved;
    for (const auto& name : pending.promotions) {
      auto it = byId.find(name.text);
      if (it == byId.end()) fail(ErrorCode::UnknownReference, name.pointer, "no promotion \"" + name.text + "\"");
      if (it->second == owner) fail(ErrorCode::InvalidValue, name.pointer, "a promotion cannot name itself here");
      resolved.promotions.push_back(it->second);
    }
    for (const auto& name : pending.tags) {
      auto tag = tagIndex(name.text);
      if (!tag) fail(ErrorCode::UnknownReference, name.pointer, "no promotion has the tag \"" + name.text + "\"");
      // Excluding a tag it carries itself would say "never with my own kind" while it is one: ambiguous, refused.
      if (!pending.onlyWith && std::binary_search(rules.tags.begin(), rules.tags.end(), *tag)) {
        fail(ErrorCode::InvalidValue, name.pointer, "a promotion cannot exclude a tag it carries itself");
      }
      resolved.tags.push_back(*tag);
    }
    std::sort(resolved.promotions.begin(), resolved.promotions.end());
    std::sort(resolved.tags.begin(), resolved.tags.end());
    (pending.onlyWith ? rules.onlyWith : rules.notWith) = std::move(resolved);
  }
  // A promotion named both as "never with" and "only with" is a contradiction the merchant should see.
  for (const auto& pending : refs_) {
    if (!pending.onlyWith) continue;
    const StackingRules& rules = store.promotions[byId.at(pending.owner)].stackingRules;
    if (!rules.notWith) continue;
    for (const auto& name : pending.promotions) {
      if (std::binary_search(rules.notWith->promotions.begin(), rules.notWith->promotions.end(), byId.at(name.text))) {
        fail(ErrorCode::InvalidValue, name.pointer, "\"" + name.text + "\" is in both notWith and onlyWith");
      }
    }
    for (const auto& name : pending.tags) {
      if (std::binary_search(rules.notWith->tags.begin(), rules.notWith->tags.end(), *tagIndex(name.text))) {
        fail(ErrorCode::InvalidValue, name.pointer, "the tag \"" + name.text + "\" is in both notWith and onlyWith");
      }
    }
  }
  for (const auto& code : conditionCoupons_) {
    if (!store.promotionsByCoupon.count(code.text)) {
      fail(ErrorCode::UnknownReference, code.pointer, "no promotion accepts the code \"" + code.text + "\"");
    }
  }
  for (const auto& promo : store.promotions) {
    if (promo.stackingRules.restricts()) store.conditionalStacking = true;
    if (!promo.stackingRules.priorityBySegment.empty()) store.priorityBySegment = true;
  }
}

}  // namespace cartcore
