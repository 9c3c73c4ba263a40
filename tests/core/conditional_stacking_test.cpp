// SPDX-License-Identifier: MIT
// Conditional stacking: discount classes and combinesWith, notWith / onlyWith by id and tag, stacksWhen, priority per
// segment; the config's errors; hand-computed carts; the search's bounds; and the choice against brute force on
// random stores.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <set>

#include "random_store.hpp"

using namespace cartcore::test;

namespace {

json percentOff(const std::string& id, const std::string& percent, int priority, json extra = json::object()) {
  json promo = {{"id", id}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", percent}}},
                {"priority", priority}};
  promo.update(extra);
  return promo;
}

json amountOff(const std::string& id, const std::string& amount, int priority, json extra = json::object()) {
  json promo = {{"id", id}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"amountOff", amount}}},
                {"priority", priority}};
  promo.update(extra);
  return promo;
}

json spendOff(const std::string& id, const std::string& minimum, const std::string& amount, int priority, json extra = json::object()) {
  json promo = {{"id", id}, {"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", minimum}, {"amountOff", amount}}}}, {"priority", priority}};
  promo.update(extra);
  return promo;
}

json withShipping(json store) {
  store["shipping"] = {{"methods", {{{"id", "std"}, {"name", "Standard"}, {"flat", "6.50"}}}}};
  return store;
}

/** {code, pointer} of the config error a store with these promotions gives. A vector, not a json: Clang reads a
 * braced json holding one json as a copy of it, not as a one-element array (docs/TOOLCHAIN-NOTES.md). */
std::pair<std::string, std::string> configError(const std::vector<json>& promotions) {
  return errorOf(teeStore(json::array(), json(promotions)), cart({{"cap", 1}}));
}

std::set<std::string> leftOut(const json& q) {
  std::set<std::string> out;
  for (const auto& o : q["promotions"]["notApplied"]) {
    if (o["reason"] == "not_combinable_with" || o["reason"] == "stacking_condition_not_met") out.insert(o["id"]);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(conditional_stacking)

BOOST_AUTO_TEST_CASE(config_errors_name_the_field) {
  using Error = std::pair<std::string, std::string>;
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"combinesWith", {"shipping", "orders"}}})}) ==
              Error{"invalid_value", "/promotions/0/combinesWith/1"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"combinesWith", {"order", "order"}}})}) ==
              Error{"duplicate_id", "/promotions/0/combinesWith/1"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"discountClass", "shipping"}})}) == Error{"invalid_value", "/promotions/0/discountClass"}));
  BOOST_TEST((configError({{{"id", "f"}, {"type", "freeShipping"}, {"discountClass", "order"}}}) ==
              Error{"invalid_value", "/promotions/0/discountClass"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"discountClass", "basket"}})}) == Error{"invalid_value", "/promotions/0/discountClass"}));
  BOOST_TEST((configError({percentOff("a", "10", 1), percentOff("b", "10", 1, {{"notWith", {{"promotions", {"a", "zz"}}}}})}) ==
              Error{"unknown_reference", "/promotions/1/notWith/promotions/1"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"tags", {"sale"}}}), percentOff("b", "10", 1, {{"onlyWith", {{"tags", {"sales"}}}}})}) ==
              Error{"unknown_reference", "/promotions/1/onlyWith/tags/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"notWith", {{"promotions", {"a"}}}}})}) == Error{"invalid_value", "/promotions/0/notWith/promotions/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"onlyWith", {{"promotions", {"a"}}}}})}) == Error{"invalid_value", "/promotions/0/onlyWith/promotions/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"tags", {"sale"}}, {"notWith", {{"tags", {"sale"}}}}})}) ==
              Error{"invalid_value", "/promotions/0/notWith/tags/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1), percentOff("b", "10", 1, {{"notWith", {{"promotions", {"a"}}}}, {"onlyWith", {{"promotions", {"a"}}}}})}) ==
              Error{"invalid_value", "/promotions/1/onlyWith/promotions/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"notWith", json::object()}})}) == Error{"invalid_value", "/promotions/0/notWith"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"notWith", {{"ids", {"b"}}}}})}) == Error{"unknown_field", "/promotions/0/notWith/ids"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"tags", json::array()}})}) == Error{"invalid_value", "/promotions/0/tags"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"stacksWhen", json::object()}})}) == Error{"invalid_value", "/promotions/0/stacksWhen"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"stacksWhen", {{"minSubtotal", "12.345"}}}})}) ==
              Error{"invalid_value", "/promotions/0/stacksWhen/minSubtotal"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"stacksWhen", {{"minSubtotal", "0.00"}}}})}) ==
              Error{"invalid_value", "/promotions/0/stacksWhen/minSubtotal"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"stacksWhen", {{"coupons", {"NOPE"}}}}})}) ==
              Error{"unknown_reference", "/promotions/0/stacksWhen/coupons/0"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"stacksWhen", {{"cartOver", "150.00"}}}})}) ==
              Error{"unknown_field", "/promotions/0/stacksWhen/cartOver"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"priorityBySegment", json::object()}})}) ==
              Error{"invalid_value", "/promotions/0/priorityBySegment"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"priorityBySegment", {{"vip", "high"}}}})}) ==
              Error{"invalid_type", "/promotions/0/priorityBySegment/vip"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"priorityBySegment", {{"vip", 2'000'000'000}}}})}) ==
              Error{"out_of_range", "/promotions/0/priorityBySegment/vip"}));
  BOOST_TEST((configError({percentOff("a", "10", 1, {{"priorityBySegment", json::array()}})}) ==
              Error{"invalid_type", "/promotions/0/priorityBySegment"}));
  // A promotion may be named before it is listed, and codes match case-insensitively.
  json ok = teeStore(json::array(), {percentOff("a", "10", 1, {{"notWith", {{"promotions", {"b"}}}}, {"stacksWhen", {{"coupons", {" stack "}}}}}),
                                     percentOff("b", "10", 1, {{"coupons", {"STACK"}}, {"tags", {"x"}}, {"onlyWith", {{"tags", {"x"}}}}})});
  BOOST_TEST(json::parse(cartcore::validateConfigJson(ok.dump()))["ok"] == true);
}

BOOST_AUTO_TEST_CASE(classes_must_agree_on_both_sides) {
  // tenoff (product) combines only with shipping; spend (order) with everything: they conflict.
  json promotions = {percentOff("tenoff", "10", 2, {{"combinesWith", {"shipping"}}}), spendOff("spend", "50.00", "8.00", 1)};
  json q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "47.00");  // spend alone (55 - 8) beats tenoff alone (49.50)
  BOOST_TEST(promotionOutcome(q, "tenoff")["reason"] == "not_combinable_with");
  BOOST_TEST(promotionOutcome(q, "tenoff")["by"] == "spend");
  BOOST_TEST(promotionOutcome(q, "tenoff")["message"] == "Cannot be combined with \"spend\", which gives you the best price here.");
  BOOST_TEST(q["stacking"] == json({{"combinations", 2}}));
  q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 2}}));
  BOOST_TEST(q["totals"]["total"] == "99.00");  // tenoff alone (110 - 11) beats spend alone (102)
  BOOST_TEST(promotionOutcome(q, "spend")["by"] == "tenoff");
  // The order side refusing products is a conflict too.
  promotions = {percentOff("tenoff", "10", 2), spendOff("spend", "50.00", "8.00", 1, {{"combinesWith", {"shipping", "order"}}})};
  q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 2}}));
  BOOST_TEST(promotionOutcome(q, "spend")["reason"] == "not_combinable_with");
  // Both accepting: they stack (110 -> 99 -> 91), and with no conflict the quote has no "stacking" key.
  promotions = {percentOff("tenoff", "10", 2, {{"combinesWith", {"order"}}}), spendOff("spend", "50.00", "8.00", 1, {{"combinesWith", {"product"}}})};
  q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 2}}));
  BOOST_TEST(q["totals"]["total"] == "91.00");
  BOOST_TEST(!q.contains("stacking"));
  // An explicit class overrides the kind's: a spend threshold declared "product" combines with tenoff.
  promotions = {percentOff("tenoff", "10", 2, {{"combinesWith", {"product"}}}), spendOff("spend", "50.00", "8.00", 1, {{"discountClass", "product"}})};
  BOOST_TEST(quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 2}}))["totals"]["total"] == "91.00");
  // combinesWith [] combines with nothing, not even its own class.
  promotions = {percentOff("tenoff", "10", 2, {{"combinesWith", json::array()}}), percentOff("five", "5", 1)};
  q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "49.50");
  BOOST_TEST(promotionOutcome(q, "five")["reason"] == "not_combinable_with");
}

BOOST_AUTO_TEST_CASE(bogo_with_free_shipping_but_loyalty_only_over_150) {
  json bogo = {{"id", "bogo"}, {"name", "Tees: buy one, get one"}, {"type", "buyXGetY"}, {"priority", 3},
               {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}, {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}},
               {"combinesWith", {"shipping", "order"}}};
  json freeShipping = {{"id", "ship"}, {"name", "Free shipping"}, {"type", "freeShipping"}, {"priority", 1}};
  json loyalty = {{"id", "loyalty"}, {"name", "Loyalty 30%"}, {"type", "spendThreshold"}, {"priority", 2},
                  {"tiers", {{{"minSubtotal", "10.00"}, {"percentOff", "30"}}}}, {"conditions", {{"segments", {"vip"}}}},
                  {"stacksWhen", {{"minSubtotal", "150.00"}}}};
  json store = withShipping(teeStore(json::array(), {bogo, freeShipping, loyalty}));
  const json vip = {{"customer", {{"segments", {"vip"}}}}};
  // 55.00 in items: BOGO + free shipping (35.00) beats loyalty alone (38.50 + 6.50 shipping).
  json q = quote(store, cart({{"tee-black-m", 2}, {"cap", 1}}, vip));
  BOOST_TEST(q["totals"]["grandTotal"] == "35.00");
  json loyal = promotionOutcome(q, "loyalty");
  BOOST_TEST(loyal["reason"] == "stacking_condition_not_met");
  BOOST_TEST(loyal["missing"] == "minSubtotal");
  BOOST_TEST(loyal["amountNeeded"] == "95.00");
  BOOST_TEST(loyal["by"] == "bogo");
  BOOST_TEST(loyal["message"] ==
             "Combines with other offers only once your items reach 150.00 USD (95.00 USD to go), and \"Tees: buy one, get one\" gives you "
             "the best price here.");
  BOOST_TEST(findById(q["promotions"]["applied"], "ship") != nullptr);
  // 95.00 in items: loyalty alone (66.50 + 6.50 = 73.00) beats BOGO + free shipping (75.00), which pays for shipping.
  q = quote(store, cart({{"tee-black-m", 2}, {"hoodie-m", 1}}, vip));
  BOOST_TEST(q["totals"]["grandTotal"] == "73.00");
  BOOST_TEST(promotionOutcome(q, "bogo")["reason"] == "not_combinable_with");
  BOOST_TEST(promotionOutcome(q, "bogo")["by"] == "loyalty");
  BOOST_TEST(promotionOutcome(q, "ship")["by"] == "loyalty");
  BOOST_TEST(q["totals"]["shipping"] == "6.50");
  // 150.00 in items: everything stacks: 150 - 20 (BOGO) = 130, 30 % off = 91.00, shipping free.
  q = quote(store, cart({{"tee-black-m", 2}, {"hoodie-m", 2}}, vip));
  BOOST_TEST(q["totals"]["grandTotal"] == "91.00");
  BOOST_TEST(q["promotions"]["applied"].size() == 3);
  BOOST_TEST(!q.contains("stacking"));
  // Not a VIP: loyalty is out for its segment, not for stacking.
  q = quote(store, cart({{"tee-black-m", 2}, {"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "75.00");
  BOOST_TEST(promotionOutcome(q, "loyalty")["reason"] == "segment_not_eligible");
  // The sentences in every language the catalog speaks.
  json de = quote(store, cart({{"tee-black-m", 2}, {"cap", 1}}, {{"customer", {{"segments", {"vip"}}}}, {"locale", "de-DE"}}));
  BOOST_TEST(promotionOutcome(de, "loyalty")["message"] ==
             "Erst ab einem Warenwert von 150,00\u00a0$ mit anderen Angeboten kombinierbar (es fehlen noch 95,00\u00a0$); mit „Tees: buy one, get one“ "
             "zahlen Sie hier am wenigsten.");
  json fr = quote(store, cart({{"tee-black-m", 2}, {"hoodie-m", 1}}, {{"customer", {{"segments", {"vip"}}}}, {"locale", "fr"}}));
  BOOST_TEST(promotionOutcome(fr, "bogo")["message"] == "Non cumulable avec «\u00a0Loyalty 30%\u00a0», qui vous offre ici le meilleur prix.");
  json es = quote(store, cart({{"tee-black-m", 2}, {"hoodie-m", 1}}, {{"customer", {{"segments", {"vip"}}}}, {"locale", "es"}}));
  BOOST_TEST(promotionOutcome(es, "ship")["message"] == "No se puede combinar con «Loyalty 30%», que aquí te da el mejor precio.");
}

BOOST_AUTO_TEST_CASE(what_the_shopper_pays_decides_shipping_included) {
  // 5.00 off the items, or free shipping (6.50): the smaller item saving is the better price.
  json promotions = {amountOff("fiveoff", "5.00", 2, {{"selector", {{"products", {"hoodie"}}}}, {"notWith", {{"promotions", {"ship"}}}}}),
                     {{"id", "ship"}, {"type", "freeShipping"}}};
  json q = quote(withShipping(teeStore(json::array(), promotions)), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["grandTotal"] == "55.00");
  BOOST_TEST(promotionOutcome(q, "fiveoff")["reason"] == "not_combinable_with");
  BOOST_TEST(promotionOutcome(q, "fiveoff")["by"] == "ship");
}

BOOST_AUTO_TEST_CASE(pairs_by_tag_and_id_and_ties_to_priority) {
  auto store = [](const std::string& bAmount) {
    return teeStore(json::array(), {percentOff("a", "10", 5, {{"tags", {"seasonal"}}}),
                                    amountOff("b", bAmount, 4, {{"notWith", {{"tags", {"seasonal"}}}}}),
                                    spendOff("c", "10.00", "1.00", 3, {{"onlyWith", {{"promotions", {"a"}}}}})});
  };
  // One cap (15.00): a then c (13.50, then 1.00 off) = 12.50 beats b alone (13.00).
  json q = quote(store("2.00"), cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "12.50");
  BOOST_TEST(leftOut(q) == std::set<std::string>{"b"});
  BOOST_TEST(promotionOutcome(q, "b")["by"] == "a");
  BOOST_TEST(q["stacking"]["combinations"] == 2);
  // Three caps (45.00): b alone (39.00) beats a then c (39.50); both are left out by b.
  q = quote(store("2.00"), cart({{"cap", 3}}));
  BOOST_TEST(q["totals"]["total"] == "39.00");
  BOOST_TEST((leftOut(q) == std::set<std::string>{"a", "c"}));
  BOOST_TEST(promotionOutcome(q, "c")["by"] == "b");
  // A tie (12.50 either way) goes to the combination holding the promotion that comes first (a, priority 5).
  q = quote(store("2.50"), cart({{"cap", 1}}));
  BOOST_TEST(q["totals"]["total"] == "12.50");
  BOOST_TEST(leftOut(q) == std::set<std::string>{"b"});
}

BOOST_AUTO_TEST_CASE(stacking_conditions_on_segment_and_code) {
  json member = percentOff("member", "20", 2, {{"name", "Members 20%"}, {"stacksWhen", {{"segments", {"vip"}}}}});
  // Not a VIP: member competes alone and wins (44.00 against 49.50); for a VIP both stack (55 -> 44 -> 39.60).
  json q = quote(teeStore(json::array(), {member, percentOff("site", "10", 1)}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "44.00");
  BOOST_TEST(promotionOutcome(q, "site")["reason"] == "not_combinable_with");
  BOOST_TEST(promotionOutcome(q, "site")["by"] == "member");
  q = quote(teeStore(json::array(), {member, percentOff("site", "10", 1)}), cart({{"hoodie-m", 1}}, {{"customer", {{"segments", {"vip"}}}}}));
  BOOST_TEST(q["totals"]["total"] == "39.60");
  // Alone it loses to a bigger sale, and says which condition would have let it stack.
  q = quote(teeStore(json::array(), {member, percentOff("site", "25", 1, {{"name", "Sitewide 25%"}})}), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "41.25");
  json out = promotionOutcome(q, "member");
  BOOST_TEST(out["reason"] == "stacking_condition_not_met");
  BOOST_TEST(out["missing"] == "segments");
  BOOST_TEST(!out.contains("amountNeeded"));
  BOOST_TEST(out["message"] == "Combines with other offers only for vip customers, and \"Sitewide 25%\" gives you the best price here.");
  // A code that lets it stack.
  json coded = percentOff("member", "20", 2, {{"stacksWhen", {{"coupons", {"STACK"}}}}});
  json store = teeStore(json::array(), {coded, percentOff("site", "25", 1, {{"name", "Sitewide 25%"}}),
                                        {{"id", "code"}, {"type", "freeShipping"}, {"coupons", {"stack"}}}});
  q = quote(store, cart({{"hoodie-m", 1}}));
  BOOST_TEST(promotionOutcome(q, "member")["missing"] == "coupons");
  BOOST_TEST(promotionOutcome(q, "member")["message"] ==
             "Combines with other offers only with the code STACK, and \"Sitewide 25%\" gives you the best price here.");
  q = quote(store, cart({{"hoodie-m", 1}}, {{"coupons", {"Stack"}}}));
  BOOST_TEST(q["totals"]["total"] == "33.00");  // 55 -> 44 -> 33
  BOOST_TEST(!q.contains("stacking"));
}

BOOST_AUTO_TEST_CASE(priority_by_segment_reorders_and_breaks_ties) {
  // Two 10.00 discounts that do not combine: the tie goes to the one first in this customer's order.
  json promotions = {amountOff("sale", "10.00", 10, {{"selector", {{"products", {"hoodie"}}}}}),
                     amountOff("loyal", "10.00", 5, {{"selector", {{"products", {"hoodie"}}}}, {"priorityBySegment", {{"vip", 20}, {"gold", 1}}},
                                                     {"notWith", {{"promotions", {"sale"}}}}})};
  json store = teeStore(json::array(), promotions);
  json q = quote(store, cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "sale");
  BOOST_TEST(promotionOutcome(q, "loyal")["by"] == "sale");
  q = quote(store, cart({{"hoodie-m", 1}}, {{"customer", {{"segments", {"gold", "vip"}}}}}));  // the highest listed wins
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "loyal");
  BOOST_TEST(promotionOutcome(q, "sale")["by"] == "loyal");
  q = quote(store, cart({{"hoodie-m", 1}}, {{"customer", {{"segments", {"gold"}}}}}));  // gold: 1, below the sale's 10
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "sale");
  // Without a conflict the order still changes what compounds: 20 % then 10.00 off, or 10.00 off then 20 %.
  promotions = {percentOff("sale", "20", 10), amountOff("loyal", "10.00", 5, {{"selector", {{"products", {"hoodie"}}}}, {"priorityBySegment", {{"vip", 20}}}})};
  store = teeStore(json::array(), promotions);
  BOOST_TEST(quote(store, cart({{"hoodie-m", 1}}))["totals"]["total"] == "34.00");
  q = quote(store, cart({{"hoodie-m", 1}}, {{"customer", {{"segments", {"vip"}}}}}));
  BOOST_TEST(q["totals"]["total"] == "36.00");
  BOOST_TEST(q["promotions"]["applied"][0]["id"] == "loyal");
}

BOOST_AUTO_TEST_CASE(the_search_is_exact_within_its_bound_and_says_so_past_it) {
  // n pairs a_i / b_i that do not combine: 2^n maximal combinations. b_i saves 2.00, a_i 1.00 and comes first.
  auto pairs = [](int n) {
    json promotions = json::array();
    for (int i = 0; i < n; ++i) {
      std::string k = std::to_string(i);
      promotions.push_back(amountOff("a" + k, "1.00", 2));
      promotions.push_back(amountOff("b" + k, "2.00", 1, {{"notWith", {{"promotions", {"a" + k}}}}}));
    }
    return teeStore(json::array(), promotions);
  };
  json q = quote(pairs(9), cart({{"hoodie-m", 1}}));  // 512 combinations: every b
  BOOST_TEST(q["totals"]["total"] == "37.00");
  BOOST_TEST(q["stacking"] == json({{"combinations", 512}}));
  q = quote(pairs(11), cart({{"hoodie-m", 1}}));  // 2,048 combinations: 1,024 priced, never worse than the first (44.00)
  BOOST_TEST(q["stacking"] == json({{"combinations", 1024}, {"exhaustive", false}}));
  BOOST_TEST(minor(q["totals"]["total"]) <= 4400);
  BOOST_TEST(minor(q["totals"]["total"]) >= 3300);
  q = quote(pairs(33), cart({{"hoodie-m", 1}}));  // 66 conflicting: past 64, the priority-order combination (every a)
  BOOST_TEST(q["stacking"] == json({{"combinations", 1}, {"exhaustive", false}}));
  BOOST_TEST(q["totals"]["total"] == "22.00");
  BOOST_TEST(leftOut(q).size() == 33);
}

BOOST_AUTO_TEST_CASE(promotions_that_cannot_apply_never_keep_others_out) {
  // "big" needs 500.00 and can never apply to this cart: it does not block "small", and the quote has no conflict.
  json promotions = {spendOff("big", "500.00", "100.00", 5, {{"notWith", {{"promotions", {"small"}}}}}), percentOff("small", "10", 1)};
  json q = quote(teeStore(json::array(), promotions), cart({{"hoodie-m", 1}}));
  BOOST_TEST(q["totals"]["total"] == "49.50");
  BOOST_TEST(promotionOutcome(q, "big")["reason"] == "min_subtotal_not_met");
  BOOST_TEST(!q.contains("stacking"));
}

// The choice against brute force: every maximal set of mutually combinable promotions (among those that apply on
// their own), each priced as a plain store holding only it, with the rules written out again here from the config.
BOOST_AUTO_TEST_CASE(matches_brute_force_on_random_small_stores) {
  RandomStores random(20261201);
  int cases = 0;
  int conflicted = 0;
  int exclusiveCases = 0;
  int exclusiveWins = 0;
  for (int iteration = 0; iteration < 250; ++iteration) {
    const int count = 2 + random.pick(5);
    json promotions = json::array();
    for (int i = 0; i < count; ++i) {
      json p = random.promotion("p" + std::to_string(i), iteration % 3 == 0);
      if (random.pick(4) == 0) p["coupons"] = {"C" + std::to_string(random.pick(2))};
      random.stackingRules(p, "C0");
      promotions.push_back(p);
    }
    random.pairRules(promotions, "C0");
    auto hasTag = RandomStores::hasTag;
    json store = teeStore(json::array(), promotions);
    if (iteration % 2 == 0) store["shipping"] = {{"methods", {{{"id", "std"}, {"flat", "6.50"}}}}};
    const auto lines = random.lines();
    json extra = json::object();
    const bool vip = random.pick(2) == 0;
    if (vip) extra["customer"] = {{"segments", {"vip"}}};
    json coupons = json::array();
    if (random.pick(2)) coupons.push_back("C0");
    if (random.pick(2)) coupons.push_back("C1");
    extra["coupons"] = coupons;
    const json request = cart(lines, extra);
    int64_t itemsTotal = 0;
    json plain = quote(teeStore(), request);
    itemsTotal = minor(plain["totals"]["total"]);

    // The rules, written out again from the config.
    auto classOf = [&](const json& p) {
      if (p.contains("discountClass")) return std::string(p["discountClass"]);
      if (p["type"] == "spendThreshold") return std::string("order");
      if (p["type"] == "freeShipping") return std::string("shipping");
      return std::string("product");
    };
    auto names = [&](const json& refs, const json& q) {
      if (refs.contains("promotions") && std::find(refs["promotions"].begin(), refs["promotions"].end(), q["id"]) != refs["promotions"].end()) return true;
      if (refs.contains("tags")) {
        for (const auto& t : refs["tags"]) {
          if (hasTag(q, t)) return true;
        }
      }
      return false;
    };
    auto accepts = [&](const json& p, const json& q) {
      if (p.contains("combinesWith") && std::find(p["combinesWith"].begin(), p["combinesWith"].end(), classOf(q)) == p["combinesWith"].end()) return false;
      if (p.contains("notWith") && names(p["notWith"], q)) return false;
      if (p.contains("onlyWith") && !names(p["onlyWith"], q)) return false;
      return true;
    };
    auto stacksHere = [&](const json& p) {
      if (!p.contains("stacksWhen")) return true;
      const json& w = p["stacksWhen"];
      if (w.contains("segments") && !vip) return false;
      if (w.contains("minSubtotal") && itemsTotal < minor(w["minSubtotal"])) return false;
      if (w.contains("coupons") && std::find(coupons.begin(), coupons.end(), "C0") == coupons.end()) return false;
      return true;
    };
    auto effective = [&](const json& p) -> int {
      if (vip && p.contains("priorityBySegment")) return p["priorityBySegment"]["vip"];
      return p["priority"];
    };
    auto stripped = [&](json p) {
      p["priority"] = effective(p);
      for (const char* key : {"discountClass", "combinesWith", "tags", "notWith", "onlyWith", "stacksWhen", "priorityBySegment"}) p.erase(key);
      return p;
    };
    auto storeWith = [&](const json& list) {
      json s = store;
      s["promotions"] = list;
      return s;
    };
    // Vertices: the non-exclusive promotions that apply on their own. An exclusive promotion that applies on its own
    // (judged as stackable, alone) is an alternative of its own instead: the store holding only it.
    std::vector<int> vertices;
    std::vector<int> exclusives;
    for (int i = 0; i < count; ++i) {
      json alone = stripped(promotions[i]);
      alone["stacking"] = "stackable";
      json q = quote(storeWith(json::array({alone})), request);
      if (q["promotions"]["applied"].empty()) continue;
      (promotions[i]["stacking"] == "exclusive" ? exclusives : vertices).push_back(i);
    }
    auto inApplicationOrder = [&](int a, int b) {
      int ea = effective(promotions[a]), eb = effective(promotions[b]);
      return ea != eb ? ea > eb : promotions[a]["id"] < promotions[b]["id"];
    };
    std::sort(vertices.begin(), vertices.end(), inApplicationOrder);
    std::sort(exclusives.begin(), exclusives.end(), inApplicationOrder);
    const std::size_t n = vertices.size();
    auto conflict = [&](std::size_t i, std::size_t j) {
      const json& p = promotions[vertices[i]];
      const json& q = promotions[vertices[j]];
      return !stacksHere(p) || !stacksHere(q) || !accepts(p, q) || !accepts(q, p);
    };
    bool anyConflict = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) anyConflict = anyConflict || conflict(i, j);
    }
    int64_t best = INT64_MAX;
    unsigned bestMask = 0;
    int valid = 0;
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      bool ok = true;
      for (std::size_t i = 0; i < n && ok; ++i) {
        bool in = mask & (1u << i);
        bool blocked = false;
        for (std::size_t j = 0; j < n; ++j) {
          if (j != i && (mask & (1u << j)) && conflict(i, j)) blocked = true;
        }
        ok = in ? !blocked : blocked;  // independent, and maximal
      }
      if (!ok) continue;
      ++valid;
      json list = json::array();
      for (int k = 0; k < count; ++k) {
        if (promotions[k]["stacking"] == "exclusive") continue;
        auto at = std::find(vertices.begin(), vertices.end(), k);
        if (at != vertices.end() && !(mask & (1u << (at - vertices.begin())))) continue;
        list.push_back(stripped(promotions[k]));
      }
      int64_t total = minor(payable(quote(storeWith(list), request)));
      // Ties: the combination holding the promotion first in application order where they differ (lowest bit).
      unsigned differ = mask ^ bestMask;
      if (total < best || (total == best && (mask & (differ & (~differ + 1))))) {
        best = total;
        bestMask = mask;
      }
    }
    // Each exclusive alone; a tie keeps the combination, then the exclusive first in application order.
    std::optional<int> winner;
    for (int x : exclusives) {
      json alone = stripped(promotions[x]);
      alone["stacking"] = "stackable";
      int64_t total = minor(payable(quote(storeWith(json::array({alone})), request)));
      if (total < best) {
        best = total;
        winner = x;
      }
    }
    std::set<std::string> expectedLeftOut;
    for (std::size_t i = 0; i < n && !winner; ++i) {
      if (!(bestMask & (1u << i))) expectedLeftOut.insert(promotions[vertices[i]]["id"]);
    }
    json q = quote(store, request);
    BOOST_TEST_CONTEXT("iteration " << iteration << " request " << request.dump() << " store " << store["promotions"].dump()) {
      BOOST_TEST(minor(payable(q)) == best);
      BOOST_TEST(leftOut(q) == expectedLeftOut);
      if (anyConflict || !exclusives.empty()) {
        BOOST_TEST(q["stacking"] == json({{"combinations", valid + static_cast<int>(exclusives.size())}}));
        conflicted += anyConflict ? 1 : 0;
        exclusiveCases += exclusives.empty() ? 0 : 1;
      } else {
        BOOST_TEST(!q.contains("stacking"));
      }
      if (winner) {
        const std::string id = promotions[*winner]["id"];
        BOOST_TEST(promotionOutcome(q, id)["reason"] == "applied");
        BOOST_TEST(q["promotions"]["applied"].size() == 1u);
        // Every other promotion either failed for its own reason in the stack, or is blocked by the winner.
        for (const auto& o : q["promotions"]["notApplied"]) {
          if (o["reason"] == "blocked_by_exclusive") BOOST_TEST(o["by"] == id);
        }
        ++exclusiveWins;
      } else {
        for (int x : exclusives) BOOST_TEST(promotionOutcome(q, promotions[x]["id"])["reason"] == "lost_to_better_combination");
      }
      // Whatever applies respects every rule, also for promotions the search never weighed (those that cannot apply
      // alone): no two applied promotions conflict.
      const json& applied = q["promotions"]["applied"];
      for (std::size_t i = 0; i < applied.size(); ++i) {
        for (std::size_t j = i + 1; j < applied.size(); ++j) {
          auto byId = [&](const json& id) { return *std::find_if(promotions.begin(), promotions.end(), [&](const json& x) { return x["id"] == id; }); };
          const json p = byId(applied[i]["id"]);
          const json r = byId(applied[j]["id"]);
          BOOST_TEST((stacksHere(p) && stacksHere(r) && accepts(p, r) && accepts(r, p)), applied[i]["id"] << " with " << applied[j]["id"]);
        }
      }
      for (const auto& o : q["promotions"]["notApplied"]) {
        if (!expectedLeftOut.count(o["id"])) continue;
        BOOST_TEST(!expectedLeftOut.count(o["by"]));  // named by a member of the chosen combination
        const json& p = *std::find_if(promotions.begin(), promotions.end(), [&](const json& x) { return x["id"] == o["id"]; });
        BOOST_TEST((o["reason"] == "stacking_condition_not_met") == !stacksHere(p));
      }
    }
    ++cases;
  }
  BOOST_TEST(cases == 250);
  BOOST_TEST(conflicted > 50);  // the generator really makes rules conflict
  BOOST_TEST(exclusiveCases > 30);  // and exclusive promotions compete
  BOOST_TEST(exclusiveWins > 5);
}

BOOST_AUTO_TEST_SUITE_END()
