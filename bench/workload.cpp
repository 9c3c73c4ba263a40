// SPDX-License-Identifier: MIT
#include "workload.hpp"

#include <nlohmann/json.hpp>

namespace cartcore::bench {
namespace {

using nlohmann::json;

// A tiny LCG: std:: distributions are implementation-defined, and the WASM bench must see identical workloads.
struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint32_t>(n)); }
};

constexpr int kProducts = 200;
const char* kColors[] = {"black", "white", "red", "navy", "grey", "green", "sand", "pink", "olive", "blue"};
const char* kSizes[] = {"S", "M", "L", "XL", "XXL"};
constexpr int kCategories = 20;

std::string productId(int p) { return "p" + std::to_string(p); }
std::string variantId(int p, int v) { return "p" + std::to_string(p) + "-v" + std::to_string(v); }
std::string money(int cents) { return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100); }

json randomSelector(Lcg& rng) {
  int kind = rng.below(10);
  if (kind < 5) return {{"products", {productId(rng.below(kProducts))}}};
  if (kind < 7) return {{"variants", {variantId(rng.below(kProducts), rng.below(10)), variantId(rng.below(kProducts), rng.below(10))}}};
  if (kind < 9) return {{"categories", {"c" + std::to_string(rng.below(kCategories))}}};
  return {{"all", {{{"categories", {"c" + std::to_string(rng.below(kCategories))}}}, {{"attribute", "color"}, {"equals", kColors[rng.below(10)]}}}}};
}

}  // namespace

std::string makeStore(int ruleCount, unsigned seed) {
  Lcg rng{seed};
  json products = json::array();
  for (int p = 0; p < kProducts; ++p) {
    json variants = json::array();
    int base = 1000 + rng.below(9000);
    for (int v = 0; v < 10; ++v) {
      variants.push_back({{"id", variantId(p, v)},
                          {"attributes", {{"color", kColors[v % 10]}, {"size", kSizes[v % 5]}}},
                          {"price", money(base + 100 * (v % 5))},
                          {"cost", money(base / 3)}});
    }
    products.push_back({{"id", productId(p)},
                        {"name", "Product " + std::to_string(p)},
                        {"categories", {"c" + std::to_string(p % kCategories), "all"}},
                        {"variants", variants}});
  }
  json priceRules = json::array();
  json promotions = json::array();
  for (int r = 0; r < ruleCount; ++r) {
    std::string id = "r" + std::to_string(r);
    int kind = rng.below(100);
    if (kind < 10) {
      priceRules.push_back({{"id", id}, {"type", "tiered"}, {"selector", randomSelector(rng)}, {"scope", rng.below(2) ? "line" : "mixAndMatch"},
                            {"tiers", {{{"minQuantity", 2 + rng.below(3)}, {"percentOff", std::to_string(5 + rng.below(20))}}}}});
      continue;
    }
    json promo = {{"id", id}, {"name", "Promotion " + std::to_string(r)}, {"priority", rng.below(100)}};
    // What a large store's rule book looks like: most rules are unlocked by a code, run on a schedule or target
    // a segment; a minority is always on. The quote still meets every rule whose items are in the cart.
    int gate = rng.below(20);
    if (gate < 8) {
      promo["coupons"] = {"CODE" + std::to_string(r)};
    } else if (gate < 11) {
      bool running = rng.below(2) == 0;  // half of the scheduled campaigns are live at the benchmark's "now"
      promo["conditions"] = {{"window", {{"startsAt", running ? "2026-11-27T00:00:00Z" : "2026-12-24T00:00:00Z"},
                                         {"endsAt", running ? "2026-11-28T00:00:00Z" : "2026-12-27T00:00:00Z"}}}};
    } else if (gate < 13) {
      promo["conditions"] = {{"segments", {"vip"}}};
    }
    if (rng.below(10) == 0) promo["exclusionGroup"] = "g" + std::to_string(rng.below(20));
    if (kind < 60) {
      promo["type"] = "itemDiscount";
      promo["selector"] = randomSelector(rng);
      promo["discount"] = rng.below(2) ? json{{"percentOff", std::to_string(5 + rng.below(30))}} : json{{"amountOff", money(100 + rng.below(500))}};
    } else if (kind < 75) {
      promo["type"] = "buyXGetY";
      json sel = randomSelector(rng);
      promo["buy"] = {{"selector", sel}, {"quantity", 1 + rng.below(2)}};
      promo["get"] = {{"selector", sel}, {"quantity", 1}, {"discount", {{"percentOff", "50"}}}};
    } else if (kind < 85) {
      promo["type"] = "bundle";
      promo["components"] = {{{"selector", randomSelector(rng)}}, {{"selector", randomSelector(rng)}}};
      promo["percentOff"] = std::to_string(10 + rng.below(15));
    } else if (kind < 97) {
      promo["type"] = "spendThreshold";
      promo["selector"] = randomSelector(rng);
      promo["tiers"] = {{{"minSubtotal", money(5000 + 100 * rng.below(100))}, {"amountOff", money(500 + rng.below(1000))}}};
    } else {
      promo["type"] = "freeShipping";
      promo["coupons"] = {"SHIP" + std::to_string(r)};
      promo.erase("conditions");
      promo["conditions"] = {{"minSubtotal", money(5000 + 100 * rng.below(100))}};
    }
    promotions.push_back(std::move(promo));
  }
  json store = {{"schemaVersion", 1},
                {"store", {{"name", "Bench Store"}, {"currency", "USD"}}},
                {"catalog", {{"products", products}}},
                {"priceRules", priceRules},
                {"promotions", promotions}};
  return store.dump();
}

std::vector<std::string> makeCarts(int count, unsigned seed) {
  Lcg rng{seed};
  std::vector<std::string> carts;
  for (int c = 0; c < count; ++c) {
    json lines = json::array();
    for (int l = 0; l < 10; ++l) {
      lines.push_back({{"id", "l" + std::to_string(l)}, {"variant", variantId(rng.below(kProducts), rng.below(10))}, {"quantity", 1 + rng.below(3)}});
    }
    json request = {{"schemaVersion", 1}, {"currency", "USD"}, {"now", "2026-11-27T09:30:00.000Z"},
                    {"coupons", {"CODE" + std::to_string(rng.below(1000))}}, {"lines", lines}};
    carts.push_back(request.dump());
  }
  return carts;
}

std::string makeCheckoutStore(int ruleCount, unsigned seed) {
  json store = json::parse(makeStore(ruleCount, seed));
  int index = 0;
  for (auto& product : store["catalog"]["products"]) {
    if (index % 4 == 0) product["taxClass"] = "reduced";
    for (auto& variant : product["variants"]) variant["weightGrams"] = 150 + 50 * (index % 10);
    ++index;
  }
  store["tax"] = {{"shippingTaxClass", "standard"},
                  {"rates", {{{"id", "de-vat"}, {"country", "DE"}, {"taxClasses", {"standard"}}, {"percent", "19"}},
                             {{"id", "de-vat-reduced"}, {"country", "DE"}, {"taxClasses", {"reduced"}}, {"percent", "7"}}}}};
  store["shipping"] = {{"methods",
                        {{{"id", "standard"}, {"flat", "4.99"}, {"freeAbove", "150.00"}},
                         {{"id", "freight"}, {"weightBands", {{{"upToGrams", 2000}, {"amount", "6.00"}}, {{"upToGrams", 20000}, {"amount", "11.00"}}}}},
                         {{"id", "express"}, {"flat", "14.00"}, {"countries", {"DE"}}}}}};
  store["marginFloors"] = {{"floors",
                            {{{"id", "base"}, {"minMarginPercent", "15"}},
                             {{"id", "premium"}, {"categories", {"c1", "c2"}}, {"minMarginPercent", "25"}}}},
                           {"maxOrderDiscountPercent", "40"}};
  return store.dump();
}

std::vector<std::string> makeCheckoutCarts(int count, unsigned seed) {
  std::vector<std::string> carts = makeCarts(count, seed);
  for (auto& cart : carts) {
    json request = json::parse(cart);
    request["destination"] = {{"country", "DE"}};
    cart = request.dump();
  }
  return carts;
}

std::pair<std::string, std::string> makeBestDealCase(int codes, int maxCodesPerOrder, bool grouped) {
  json store = json::parse(makeStore(0));
  Lcg rng{7};
  json promotions = json::array();
  json held = json::array();
  json lines = json::array();
  for (int l = 0; l < 10; ++l) lines.push_back({{"id", "l" + std::to_string(l)}, {"variant", variantId(l, l % 10)}, {"quantity", 1 + l % 3}});
  for (int c = 0; c < codes; ++c) {
    std::string code = "DEAL" + std::to_string(c);
    held.push_back(code);
    json promo = {{"id", "deal" + std::to_string(c)}, {"coupons", {code}}, {"priority", rng.below(5)}};
    json selector = {{"products", {productId(rng.below(10)), productId(rng.below(10)), productId(rng.below(10))}}};
    if (grouped) {  // group (c + c / 4) % 4: the cart's products p with p % 4 == group, so each group mixes kinds
      selector = {{"products", json::array()}};
      for (int p = (c + c / 4) % 4; p < 10; p += 4) selector["products"].push_back(productId(p));
    }
    switch (c % 4) {
      case 0: promo.update({{"type", "itemDiscount"}, {"selector", selector}, {"discount", {{"percentOff", std::to_string(10 + rng.below(30))}}}}); break;
      case 1:
        promo.update({{"type", "spendThreshold"}, {"tiers", {{{"minSubtotal", money((grouped ? 3000 : 10000) + 100 * rng.below(200))}, {"amountOff", money(500 + rng.below(2000))}}}}});
        if (grouped) promo["selector"] = selector;
        break;
      case 2: promo.update({{"type", "buyXGetY"}, {"buy", {{"selector", selector}, {"quantity", 1}}}, {"get", {{"selector", selector}, {"quantity", 1}, {"discount", {{"percentOff", "50"}}}}}}); break;
      default: promo.update({{"type", "itemDiscount"}, {"selector", selector}, {"discount", {{"amountOff", money(200 + rng.below(800))}}},
                             {"stacking", rng.below(2) && !grouped ? "exclusive" : "stackable"}}); break;
    }
    promotions.push_back(promo);
  }
  store["promotions"] = promotions;
  if (maxCodesPerOrder > 0) store["store"]["maxCodesPerOrder"] = maxCodesPerOrder;
  json request = {{"schemaVersion", 1}, {"currency", "USD"}, {"now", "2026-11-27T09:30:00.000Z"}, {"coupons", held}, {"bestDeal", true}, {"lines", lines}};
  return {store.dump(), request.dump()};
}

}  // namespace cartcore::bench
