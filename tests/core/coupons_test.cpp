// SPDX-License-Identifier: MIT
// The coupons stage alone: what each entered code did, told by a promotion it unlocks.
#include <boost/test/unit_test.hpp>

#include "stage_support.hpp"
#include "stages/coupons.hpp"
#include "stages/stacking.hpp"

using namespace cartcore;
using namespace cartcore::test;

BOOST_AUTO_TEST_SUITE(coupons)

BOOST_AUTO_TEST_CASE(each_code_is_applied_not_applied_or_unknown) {
  json tenth = {{"id", "tenth"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}},
                {"coupons", {"SAVE"}}};
  json later = {{"id", "later"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}},
                {"coupons", {"LATER", "SAVE"}}, {"conditions", {{"window", {{"startsAt", "2027-01-01T00:00:00.000Z"}, {"endsAt", "2027-02-01T00:00:00.000Z"}}}}}};
  StageFixture f(teeStore(json::array(), {tenth, later}), test::cart({{"cap", 1}}, {{"coupons", {"save", "later", "nope"}}}));
  Cart c = f.cart();
  std::vector<RuleVerdict> promotions = applyPromotions(c);
  std::vector<CouponVerdict> codes = couponVerdicts(c, promotions);
  BOOST_REQUIRE(codes.size() == 3u);
  BOOST_TEST(codes[0].code == "LATER");
  BOOST_TEST(codes[0].status == "not_applied");
  BOOST_TEST(codes[0].reason == Reason::OutsideWindow);
  BOOST_TEST(f.store.promotions[promotions[*codes[0].promotion].rule].id == "later");
  BOOST_TEST(codes[1].code == "NOPE");
  BOOST_TEST(codes[1].status == "unknown");
  BOOST_TEST(codes[1].reason == Reason::UnknownCoupon);
  BOOST_TEST(!codes[1].promotion.has_value());
  BOOST_TEST(codes[2].code == "SAVE");  // unlocks both: told by the one that applied
  BOOST_TEST(codes[2].status == "applied");
  BOOST_TEST(f.store.promotions[promotions[*codes[2].promotion].rule].id == "tenth");
}

BOOST_AUTO_TEST_SUITE_END()
