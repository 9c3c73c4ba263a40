// SPDX-License-Identifier: MIT
// Cart-side nudges: what is missing for an offer, taken from the same evaluation that priced the cart.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <regex>
#include <tuple>

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

namespace {

/**
 * A variant that is what a nudge's words name, found in the catalog by those words alone: "item(s) in A V" (attribute
 * A = V), "item(s) from C" (category C), "Name (v1, v2)" (the variant of that product with those attribute values),
 * "Name" or "Names" (a product). Empty when the words name nothing in particular.
 */
std::string variantNamed(const json& store, std::string words) {
  std::smatch m;
  for (const auto& product : store["catalog"]["products"]) {
    for (const auto& variant : product["variants"]) {
      json attributes = variant.value("attributes", json::object());
      std::vector<std::string> values;
      for (const auto& [k, v] : attributes.items()) values.push_back(v);
      std::string listed;
      for (const auto& v : values) listed += (listed.empty() ? "" : ", ") + v;
      if (std::regex_match(words, m, std::regex("items? in (\\S+) (.+)")) && attributes.value(m[1].str(), "") == m[2].str()) return variant["id"];
      if (std::regex_match(words, m, std::regex("items? from (.+)"))) {
        for (const auto& c : product["categories"]) if (c == m[1].str()) return variant["id"];
      }
      if (words == product["name"].get<std::string>() + " (" + listed + ")") return variant["id"];
    }
    const std::string name = product["name"];
    if (words == name || words == name + "s") return product["variants"][0]["id"];
  }
  return "";
}

/** "25.00" -> 2500. */
int64_t cents(const std::string& amount) {
  std::string digits;
  for (char c : amount) if (c != '.') digits += c;
  return std::stoll(digits);
}

std::string variantPrice(const json& store, const std::string& id) {
  for (const auto& product : store["catalog"]["products"])
    for (const auto& variant : product["variants"])
      if (variant["id"] == id) return variant["price"];
  return "0.01";
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_nudge_names_what_to_add_and_adding_it_qualifies) {
  auto withMinimum = [](const char* id, json selector, json conditions) {
    return json{{"id", id}, {"name", id}, {"type", "itemDiscount"}, {"selector", std::move(selector)},
                {"discount", {{"percentOff", "10"}}}, {"conditions", std::move(conditions)}};
  };
  json capsForTee = {{"id", "cap-then-tee"}, {"name", "cap-then-tee"}, {"type", "buyXGetY"},
                     {"buy", {{"selector", {{"products", {"cap"}}}}, {"quantity", 1}}}, {"get", {{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}}};
  json outfit = {{"id", "outfit"}, {"name", "outfit"}, {"type", "bundle"}, {"percentOff", "10"},
                 {"components", {{{"selector", {{"products", {"tee"}}}}, {"quantity", 1}}, {{"selector", {{"categories", {"outerwear"}}}}, {"quantity", 1}}}}};
  const std::vector<std::tuple<json, std::vector<std::pair<std::string, int64_t>>, std::string>> cases = {
      {withMinimum("white-m", {{"variants", {"tee-white-m"}}}, {{"minQuantity", 2}}), {{"tee-white-m", 1}},
       "Add 1 more Tee (white, M) to get \"white-m\"."},
      {withMinimum("any-xl", {{"attribute", "size"}, {"equals", "XL"}}, {{"minQuantity", 2}}), {{"tee-black-xl", 1}},
       "Add 1 more item in size XL to get \"any-xl\"."},
      {capsForTee, {{"cap", 1}}, "Add 1 more Tee to get one free."},
      {outfit, {{"tee-black-m", 1}}, "Add 1 more item from outerwear to get \"outfit\"."},
      {withMinimum("accessories-40", {{"categories", {"accessories"}}}, {{"minSubtotal", "40.00"}}), {{"cap", 1}},
       "Spend 25.00 USD more on items from accessories to get \"accessories-40\"."},
      {withMinimum("tees-or-caps", {{"any", {{{"products", {"tee"}}}, {{"products", {"cap"}}}}}}, {{"minQuantity", 3}}), {{"cap", 1}},
       "Add 2 more eligible items to get \"tees-or-caps\"."},  // too complex to name: the generic phrase
  };
  for (const auto& [promotion, lines, sentence] : cases) {
    json store = teeStore(json::array(), json::array({promotion}));
    json q = quote(store, withNudges(lines));
    BOOST_TEST_CONTEXT(promotion["id"]) {
      BOOST_REQUIRE(q.contains("nudges"));
      BOOST_TEST(q["nudges"][0]["message"] == sentence);
      // Add exactly what the sentence names, as many as it says (or enough units of it for the amount): it qualifies.
      std::smatch m;
      const std::string text = q["nudges"][0]["message"];
      std::string variant;
      int64_t units = 0;
      if (std::regex_match(text, m, std::regex("Add (\\d+) more (.+?) to get .*"))) {
        units = std::stoll(m[1].str());
        variant = variantNamed(store, m[2].str());
      } else if (std::regex_match(text, m, std::regex("Spend ([0-9.]+) USD more on (.+?) to get .*"))) {
        variant = variantNamed(store, m[2].str());
        const int64_t needed = cents(m[1].str()), price = cents(variantPrice(store, variant));
        units = (needed + price - 1) / price;
      }
      if (promotion["id"] == "tees-or-caps") {
        BOOST_TEST(variant.empty());
        continue;
      }
      BOOST_REQUIRE(!variant.empty());
      auto more = lines;
      auto same = std::find_if(more.begin(), more.end(), [&](const auto& line) { return line.first == variant; });
      if (same != more.end()) same->second += units;
      else more.push_back({variant, units});
      BOOST_TEST(applied(quote(store, cart(more)), promotion["id"].get<std::string>()));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
