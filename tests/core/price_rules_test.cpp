// SPDX-License-Identifier: MIT
// The price-rules stage alone: which rule sets each line's shelf price, and the verdict every touching rule gets.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/price_rules.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

json bulk(bool mixAndMatch) {
  json rule = {{"id", "bulk"}, {"type", "tiered"}, {"selector", {{"categories", {"tees"}}}},
               {"tiers", {{{"minQuantity", 3}, {"percentOff", "10"}}, {{"minQuantity", 5}, {"unitPrice", "15.00"}}}}};
  if (mixAndMatch) rule["scope"] = "mixAndMatch";
  return rule;
}

json vip() {
  return {{"id", "vip"}, {"type", "memberPrice"}, {"selector", {{"products", {"tee"}}}}, {"segments", {"vip"}}, {"percentOff", "20"}};
}

json flash(const char* price) {
  return {{"id", "flash"}, {"type", "flashSale"}, {"selector", {{"variants", {"tee-black-m"}}}}, {"unitPrice", price},
          {"startsAt", "2026-11-27T09:00:00.000Z"}, {"endsAt", "2026-11-27T10:00:00.000Z"}};
}

const RuleVerdict& verdictOf(const StageFixture& f, const std::vector<RuleVerdict>& verdicts, const std::string& id) {
  for (const auto& v : verdicts) {
    if (f.store.priceRules[v.rule].id == id) return v;
  }
  BOOST_FAIL("no verdict for " + id);
  return verdicts.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(price_rules)

BOOST_AUTO_TEST_CASE(the_winner_sets_the_base_price_and_records_one_adjustment) {
  StageFixture f(teeStore(json::array({bulk(false)})), test::cart({{"tee-black-m", 3}, {"tee-white-m", 2}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  const LineState& black = line(c, "tee-black-m");
  BOOST_TEST(black.baseUnit == 1800);
  BOOST_TEST((unitPrices(black) == Units{{3, 1800}}));
  BOOST_REQUIRE(black.adjustments.size() == 1u);
  BOOST_TEST(black.adjustments[0].source == "priceRule");
  BOOST_TEST(black.adjustments[0].amount == -600);
  const LineState& white = line(c, "tee-white-m");
  BOOST_TEST(white.baseUnit == 2000);  // 2 units on their own line reach no tier
  BOOST_TEST(white.adjustments.empty());
  BOOST_REQUIRE(verdicts.size() == 1u);
  BOOST_TEST(verdicts[0].applied);
  BOOST_TEST(verdicts[0].reason == Reason::Applied);
  BOOST_TEST(verdicts[0].amount == 600);
  BOOST_TEST(verdicts[0].why.message == Message::PriceRuleApplied);
  BOOST_TEST(verdicts[0].why.count == 1);  // lines
}

BOOST_AUTO_TEST_CASE(mix_and_match_counts_every_matching_line) {
  StageFixture f(teeStore(json::array({bulk(true)})), test::cart({{"tee-black-m", 3}, {"tee-white-m", 2}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  BOOST_TEST(line(c, "tee-black-m").baseUnit == 1500);
  BOOST_TEST(line(c, "tee-white-m").baseUnit == 1500);
  BOOST_TEST(verdicts[0].amount == 2500);
  BOOST_TEST(verdicts[0].why.count == 2);

  StageFixture few(teeStore(json::array({bulk(true)})), test::cart({{"tee-black-m", 1}, {"tee-white-m", 1}}));
  Cart d = few.cart();
  verdicts = applyPriceRules(d);
  BOOST_TEST(verdicts[0].why.message == Message::TierNotReachedInRange);
  BOOST_TEST(verdicts[0].quantityNeeded.value() == 1);  // 2 tees together, 3 needed
}

BOOST_AUTO_TEST_CASE(a_missed_tier_reports_the_smallest_shortfall_of_any_line) {
  StageFixture f(teeStore(json::array({bulk(false)})), test::cart({{"tee-black-m", 1}, {"tee-white-m", 2}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  BOOST_REQUIRE(verdicts.size() == 1u);
  BOOST_TEST(!verdicts[0].applied);
  BOOST_TEST(verdicts[0].reason == Reason::TierNotReached);
  BOOST_TEST(verdicts[0].quantityNeeded.value() == 1);  // the white line needs one more, the black two
  BOOST_TEST(verdicts[0].why.message == Message::TierNotReached);  // per line, not mix and match
  BOOST_TEST(line(c, "tee-black-m").total() == 2000);
}

BOOST_AUTO_TEST_CASE(the_lowest_price_wins_and_the_loser_names_the_winner) {
  StageFixture f(teeStore({vip(), flash("17.00")}), test::cart({{"tee-black-m", 1}}, {{"customer", {{"segments", {"vip"}}}}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  BOOST_TEST(c.lines[0].baseUnit == 1600);  // vip 20 % beats the 17.00 flash price
  BOOST_REQUIRE(verdicts.size() == 2u);
  BOOST_TEST(f.store.priceRules[verdicts[0].rule].id == "flash");  // verdicts by rule id
  const RuleVerdict& lost = verdictOf(f, verdicts, "flash");
  BOOST_TEST(lost.reason == Reason::BetterPriceRuleApplied);
  BOOST_TEST(lost.by == "vip");
  BOOST_TEST(lost.why.name == f.store.priceRules[verdictOf(f, verdicts, "vip").rule].name);
}

BOOST_AUTO_TEST_CASE(equal_prices_go_to_the_rule_id_sorting_first) {
  StageFixture f(teeStore({vip(), flash("16.00")}), test::cart({{"tee-black-m", 1}}, {{"customer", {{"segments", {"vip"}}}}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  BOOST_TEST(verdictOf(f, verdicts, "flash").applied);
  BOOST_TEST(verdictOf(f, verdicts, "vip").reason == Reason::BetterPriceRuleApplied);
}

BOOST_AUTO_TEST_CASE(each_reason_a_rule_can_miss_for) {
  StageFixture f(teeStore({vip(), flash("25.00")}), test::cart({{"tee-black-m", 1}}, {{"now", "2026-11-27T08:00:00.000Z"}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(c);
  const RuleVerdict& early = verdictOf(f, verdicts, "flash");
  BOOST_TEST(early.reason == Reason::OutsideWindow);
  BOOST_TEST(early.why.message == Message::OfferStarts);
  BOOST_TEST(early.why.time == f.store.priceRules[early.rule].window->start);
  const RuleVerdict& member = verdictOf(f, verdicts, "vip");
  BOOST_TEST(member.reason == Reason::SegmentNotEligible);
  BOOST_TEST(member.why.segments == &f.store.priceRules[member.rule].segments);

  StageFixture during(teeStore(json::array({flash("25.00")})), test::cart({{"tee-black-m", 1}}));
  Cart d = during.cart();
  verdicts = applyPriceRules(d);
  BOOST_TEST(verdicts[0].reason == Reason::NoSaving);  // 25.00 is not below the 20.00 list price
  BOOST_TEST(verdicts[0].why.message == Message::PriceNotLower);
  BOOST_TEST(d.lines[0].total() == 2000);
}

BOOST_AUTO_TEST_CASE(rules_for_other_variants_get_no_verdict) {
  StageFixture f(teeStore({bulk(false), flash("10.00")}), test::cart({{"cap", 4}}));
  Cart c = f.cart();
  BOOST_TEST(applyPriceRules(c).empty());
}

// Member prices are indexed by segment: the shopper's own are judged line by line, every other one touching the cart
// gets one segment_not_eligible verdict (none for those on items not in the cart), and the work does not grow with
// member prices for segments the shopper is not in.
BOOST_AUTO_TEST_CASE(member_prices_are_judged_per_line_only_for_the_shoppers_segments) {
  auto store = [](int others) {
    json rules = json::array();
    rules.push_back({{"id", "m-vip"}, {"type", "memberPrice"}, {"selector", {{"products", {"tee"}}}}, {"segments", {"vip"}}, {"percentOff", "20"}});
    rules.push_back({{"id", "m-vip-all"}, {"type", "memberPrice"}, {"selector", {{"everything", true}}}, {"segments", {"staff", "vip"}}, {"percentOff", "10"}});
    rules.push_back({{"id", "m-hoodie"}, {"type", "memberPrice"}, {"selector", {{"products", {"hoodie"}}}}, {"segments", {"gold"}}, {"percentOff", "30"}});
    for (int i = 0; i < others; ++i) {
      rules.push_back({{"id", "o" + std::to_string(1000 + i)}, {"type", "memberPrice"}, {"selector", {{"everything", true}}},
                       {"segments", {"s" + std::to_string(i)}}, {"percentOff", "50"}});
    }
    return teeStore(rules);
  };
  const json request = test::cart({{"tee-black-m", 2}, {"cap", 1}}, {{"customer", {{"segments", {"vip"}}}}});
  StageFixture few(store(1), request);
  Cart fewCart = few.cart();
  std::vector<RuleVerdict> verdicts = applyPriceRules(fewCart);
  BOOST_TEST(verdictOf(few, verdicts, "m-vip").applied);
  BOOST_TEST(line(fewCart, "tee-black-m").baseUnit == 1600);  // 20 % beats 10 %
  const RuleVerdict& everything = verdictOf(few, verdicts, "m-vip-all");
  BOOST_TEST(everything.applied);  // the cap's only price rule
  BOOST_TEST(line(fewCart, "cap").baseUnit == 1350);
  const RuleVerdict& other = verdictOf(few, verdicts, "o1000");
  BOOST_TEST(!other.applied);
  BOOST_TEST(other.reason == Reason::SegmentNotEligible);
  BOOST_TEST(other.why.message == Message::PriceForSegments);
  BOOST_TEST(other.why.segments == &few.store.priceRules[other.rule].segments);
  BOOST_TEST(verdicts.size() == 3u);  // m-hoodie touches no line: no verdict
  for (std::size_t i = 1; i < verdicts.size(); ++i) BOOST_TEST(verdicts[i - 1].rule < verdicts[i].rule);

  StageFixture many(store(400), request);
  Cart manyCart = many.cart();
  std::vector<RuleVerdict> manyVerdicts = applyPriceRules(manyCart);
  BOOST_TEST(manyVerdicts.size() == 402u);
  BOOST_TEST(line(manyCart, "tee-black-m").baseUnit == 1600);
  // Each locked member price costs one check however many lines the cart has, not one per line (twice).
  BOOST_TEST(manyCart.meter.spent() - fewCart.meter.spent() <= 400);
}

BOOST_AUTO_TEST_SUITE_END()
