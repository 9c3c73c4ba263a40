// SPDX-License-Identifier: MIT
// The explanations layer: reason codes, and a sentence for every message the stages can record.
#include <boost/test/unit_test.hpp>

#include <set>

#include "explanations.hpp"
#include "stage_support.hpp"

using namespace cartcore;
using namespace cartcore::test;

namespace {

constexpr Message kLastMessage = Message::StaleRates;
constexpr Reason kLastReason = Reason::FreeShippingThreshold;

json storeWithOnePromotion() {
  return teeStore(json::array(), {{{"id", "tenth"}, {"name", "Ten off"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}},
                                   {"discount", {{"percentOff", "10"}}}}});
}

/** Facts for any message: every field set, so whichever fields a sentence reads are there. */
Explanation factsFor(Message message, const CompiledStore& store, const std::vector<std::string>& segments) {
  Explanation why{message};
  why.count = 2;
  why.count2 = 3;
  why.count3 = 4;
  why.amount = 1250;
  why.amount2 = 990;
  why.time = 1'795'000'000'000;
  why.flag = true;
  why.name = "Summer";
  why.name2 = "Tee";
  why.variant = &store.variants.front();
  why.segments = &segments;
  return why;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explanations)

BOOST_AUTO_TEST_CASE(every_reason_has_its_own_snake_case_code) {
  std::set<std::string_view> codes;
  for (int r = 0; r <= static_cast<int>(kLastReason); ++r) {
    std::string_view code = reasonCode(static_cast<Reason>(r));
    BOOST_TEST(!code.empty());
    BOOST_TEST(code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
    codes.insert(code);
  }
  BOOST_TEST(codes.size() == static_cast<std::size_t>(kLastReason) + 1);
  BOOST_TEST(reasonCode(Reason::MinSubtotalNotMet) == "min_subtotal_not_met");
}

BOOST_AUTO_TEST_CASE(every_message_is_a_distinct_sentence) {
  StageFixture f(storeWithOnePromotion(), test::cart({{"cap", 1}}));
  const std::vector<std::string> segments{"gold", "staff", "vip"};
  PricedCart priced;
  for (int m = 1; m <= static_cast<int>(kLastMessage); ++m) {
    RuleVerdict verdict(0);
    verdict.why = factsFor(static_cast<Message>(m), f.store, segments);
    priced.promotions.push_back(verdict);
  }
  explain(f.store, priced);
  std::set<std::string> sentences;
  for (const auto& outcome : priced.quote.promotions) {
    BOOST_TEST_CONTEXT(outcome.message) {
      BOOST_TEST(outcome.message.size() > 10u);
      BOOST_TEST((outcome.message.back() == '.'));
    }
    sentences.insert(outcome.message);
  }
  BOOST_TEST(sentences.size() == static_cast<std::size_t>(kLastMessage));
  BOOST_TEST(priced.quote.promotions[static_cast<int>(Message::OfferForSegments) - 1].message ==
             "This offer is for gold, staff or vip customers.");
}

BOOST_AUTO_TEST_CASE(an_applied_promotion_states_its_saving_and_a_limited_one_restates_it) {
  json store = storeWithOnePromotion();
  StageFixture f(store, test::cart({{"cap", 1}}));
  PricedCart priced;
  RuleVerdict applied(0);
  applied.applied = true;
  applied.reason = Reason::Applied;
  applied.amount = 150;
  applied.why = {Message::ItemDiscountApplied};
  applied.why.count = 1;
  priced.promotions.push_back(applied);
  applied.limitedFrom = 300;
  priced.promotions.push_back(applied);
  CouponVerdict unknown;
  unknown.code = "NOPE";
  unknown.status = "unknown";
  priced.coupons.push_back(unknown);
  CouponVerdict mirrored;
  mirrored.code = "TEN";
  mirrored.status = "applied";
  mirrored.reason = Reason::Applied;
  mirrored.promotion = 1;
  priced.coupons.push_back(mirrored);
  explain(f.store, priced);
  const Quote& q = priced.quote;
  BOOST_TEST(q.promotions[0].message == "Applied to 1 item. You save 1.50 USD.");
  BOOST_TEST(q.promotions[1].message == "Applied to 1 item. You save 1.50 USD (limited from 3.00 USD).");
  BOOST_TEST(q.promotions[0].reason == "applied");
  BOOST_TEST(q.promotions[0].id == "tenth");
  BOOST_TEST(q.promotions[0].kind == "promotion");
  BOOST_TEST(q.coupons[0].message == "The code NOPE is not valid in this store.");
  BOOST_TEST(q.coupons[0].reason == "unknown_coupon");
  BOOST_TEST(q.coupons[1].message == q.promotions[1].message);  // a code is explained by its promotion
  BOOST_TEST(q.coupons[1].promotion == "tenth");
}

BOOST_AUTO_TEST_SUITE_END()
