// SPDX-License-Identifier: MIT
// Cart-side nudges: what is missing for an offer, taken from the same evaluation that priced the cart.
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

using namespace cartcore::test;

namespace {

json teeBogo() {
  return {{"id", "tee-bogo"}, {"name", "Buy a tee, get one free"}, {"type", "buyXGetY"},
          {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}, {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
}

json spend50() {
  return {{"id", "spend50"}, {"name", "5.00 off 50.00"}, {"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", "50.00"}, {"amountOff", "5.00"}}}}};
}

json withNudges(std::vector<std::pair<std::string, int64_t>> lines) { return cart(std::move(lines), {{"nudges", true}}); }

bool applied(const json& q, const std::string& id) { return findById(q["promotions"]["applied"], id) != nullptr; }

}  // namespace

BOOST_AUTO_TEST_SUITE(nudges)

BOOST_AUTO_TEST_CASE(says_what_is_missing_for_an_item_offer) {
  json store = teeStore(json::array(), json::array({teeBogo()}));
  json q = quote(store, withNudges({{"tee-black-m", 1}}));
  BOOST_REQUIRE(q["nudges"].size() == 1u);
  BOOST_TEST(q["nudges"][0]["id"] == "tee-bogo");
  BOOST_TEST(q["nudges"][0]["kind"] == "promotion");
  BOOST_TEST(q["nudges"][0]["quantityNeeded"] == 1);
  BOOST_TEST(q["nudges"][0]["message"] == "Add 1 more Tee to get one free.");
  BOOST_TEST(applied(quote(store, withNudges({{"tee-black-m", 2}})), "tee-bogo"));  // following the nudge works
  BOOST_TEST(quote(store, withNudges({{"tee-black-m", 2}})).contains("nudges") == false);
}

BOOST_AUTO_TEST_CASE(says_how_much_more_to_spend) {
  json store = teeStore(json::array(), json::array({spend50()}));
  store["shipping"] = {{"methods", {{{"id", "standard"}, {"name", "Standard"}, {"flat", "4.99"}, {"freeAbove", "47.40"}}}}};
  json q = quote(store, withNudges({{"tee-black-m", 1}, {"cap", 1}}));  // 35.00
  BOOST_REQUIRE(q["nudges"].size() == 2u);
  BOOST_TEST(q["nudges"][0]["amountNeeded"] == "15.00");
  BOOST_TEST(q["nudges"][0]["message"] == "Spend 15.00 USD more to get \"5.00 off 50.00\".");
  BOOST_TEST(q["nudges"][1]["kind"] == "shipping");
  BOOST_TEST(q["nudges"][1]["reason"] == "free_shipping_threshold");
  BOOST_TEST(q["nudges"][1]["amountNeeded"] == "12.40");
  BOOST_TEST(q["nudges"][1]["message"] == "Spend 12.40 USD more for free Standard shipping.");
  q = quote(store, withNudges({{"tee-black-m", 1}, {"cap", 2}}));  // 50.00 reaches spend50 ...
  BOOST_TEST(applied(q, "spend50"));
  BOOST_TEST(q["nudges"][0]["amountNeeded"] == "2.40");  // ... whose 5.00 off leaves 45.00 for the shipping threshold
  q = quote(store, withNudges({{"tee-black-m", 1}, {"cap", 3}}));  // 65.00 - 5.00 = 60.00: both reached
  BOOST_TEST(q["shipping"]["amount"] == "0.00");
  BOOST_TEST(q.contains("nudges") == false);
}

BOOST_AUTO_TEST_CASE(only_when_asked_and_only_fixable_reasons) {
  json later = {{"id", "later"}, {"type", "itemDiscount"}, {"selector", {{"everything", true}}}, {"discount", {{"percentOff", "10"}}},
                {"conditions", {{"window", {{"startsAt", "2027-01-01T00:00:00.000Z"}, {"endsAt", "2027-02-01T00:00:00.000Z"}}}}}};
  json store = teeStore(json::array(), {teeBogo(), later});
  BOOST_TEST(quote(store, cart({{"tee-black-m", 1}})).contains("nudges") == false);  // not asked
  json q = quote(store, withNudges({{"tee-black-m", 1}}));
  BOOST_TEST(q["nudges"].size() == 1u);  // the future offer cannot be unlocked by adding items
  auto [code, pointer] = errorOf(store, cart({{"cap", 1}}, {{"nudges", "yes"}}));
  BOOST_TEST(code == "invalid_type");
  BOOST_TEST(pointer == "/nudges");
}

BOOST_AUTO_TEST_CASE(following_any_quantity_nudge_exactly_qualifies) {
  json bundle = {{"id", "kit"}, {"type", "bundle"}, {"bundlePrice", "60.00"},
                 {"components", {{{"selector", {{"products", {"tee"}}}}, {"quantity", 2}}, {{"selector", {{"products", {"hoodie"}}}}, {"quantity", 1}}}}};
  json three = {{"id", "three"}, {"type", "buyXGetY"}, {"buy", {{"selector", {{"products", {"tee"}}}}, {"quantity", 2}}},
                {"get", {{"selector", {{"products", {"cap"}}}}, {"quantity", 1}}}};
  json store = teeStore(json::array(), {teeBogo(), bundle, three});
  const std::vector<std::string> adds = {"tee-black-m", "hoodie-m", "cap"};
  int checked = 0;
  for (int tees = 0; tees <= 2; ++tees) {
    for (int hoodies = 0; hoodies <= 1; ++hoodies) {
      for (int caps = 0; caps <= 1; ++caps) {
        std::map<std::string, int64_t> counts = {{"tee-black-m", tees}, {"hoodie-m", hoodies}, {"cap", caps}};
        auto linesOf = [](const std::map<std::string, int64_t>& c) {
          std::vector<std::pair<std::string, int64_t>> lines;
          for (const auto& [v, n] : c) if (n > 0) lines.push_back({v, n});
          return lines.empty() ? std::vector<std::pair<std::string, int64_t>>{{"cap", 1}} : lines;
        };
        if (tees + hoodies + caps == 0) continue;
        json q = quote(store, withNudges(linesOf(counts)));
        if (!q.contains("nudges")) continue;
        for (const auto& nudge : q["nudges"]) {
          // Some way of adding exactly quantityNeeded units qualifies, and no way of adding one fewer does.
          int64_t need = nudge["quantityNeeded"];
          auto qualifiesAfterAdding = [&](int64_t n) {
            for (int64_t a = 0; a <= n; ++a) {
              for (int64_t b = 0; a + b <= n; ++b) {
                auto more = counts;
                more["tee-black-m"] += a;
                more["hoodie-m"] += b;
                more["cap"] += n - a - b;
                if (applied(quote(store, cart(linesOf(more))), nudge["id"])) return true;
              }
            }
            return false;
          };
          BOOST_TEST_CONTEXT(nudge.dump() << " for " << json(counts).dump()) {
            BOOST_TEST(qualifiesAfterAdding(need));
            BOOST_TEST(!qualifiesAfterAdding(need - 1));
          }
          ++checked;
        }
      }
    }
  }
  BOOST_TEST(checked >= 6);
}

BOOST_AUTO_TEST_SUITE_END()
