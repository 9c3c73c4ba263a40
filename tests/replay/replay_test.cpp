// SPDX-License-Identifier: MIT
// The replay library: order facts from a quote, percentages in integers, and replay reports that equal the sum of
// per-order re-quotes computed independently (straight from the engine's Quote), whatever the thread count.
#define BOOST_TEST_MODULE cartcore_replay
#include <boost/test/unit_test.hpp>
#include <cartcore/order_facts.hpp>
#include <cartcore/replay.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <random>
#include <thread>

using nlohmann::json;
using namespace cartcore;
using namespace cartcore::analytics;

namespace {

/** A small store: a stock-guarded flash price, a clamped half-price tee, an exclusion group, a coupon. */
json store(const std::string& flashPrice = "69.00") {
  return {{"schemaVersion", 1},
          {"store", {{"name", "Replay"}, {"currency", "USD"}}},
          {"catalog",
           {{"products",
             {{{"id", "skillet"},
               {"name", "Skillet"},
               {"categories", {"cookware"}},
               {"variants", {{{"id", "skillet"}, {"price", "99.00"}, {"cost", "40.00"}, {"lowStockLevel", 10}}}}},
              {{"id", "tee"},
               {"name", "Tee"},
               {"categories", {"apparel", "tees"}},
               {"variants", {{{"id", "tee"}, {"price", "20.00"}, {"cost", "8.00"}}}}},
              {{"id", "mug"},
               {"name", "Mug"},
               {"categories", {"accessories"}},
               {"variants", {{{"id", "mug"}, {"price", "12.00"}, {"cost", "3.00"}}}}},
              {{"id", "apron"}, {"name", "Apron"}, {"variants", {{{"id", "apron"}, {"price", "30.00"}}}}}}}}},
          {"promotions",
           {{{"id", "flash"},
             {"name", "Flash"},
             {"type", "itemDiscount"},
             {"priority", 20},
             {"selector", {{"products", {"skillet"}}}},
             {"discount", {{"fixedPrice", flashPrice}}},
             {"conditions", {{"stockGuard", {{"selector", {{"products", {"skillet"}}}}, {"minAvailable", 6}}}}}},
            {{"id", "tee-half"},
             {"name", "Tees half"},
             {"type", "itemDiscount"},
             {"priority", 10},
             {"selector", {{"categories", {"tees"}}}},
             {"discount", {{"percentOff", "50"}}}},
            {{"id", "mug-a"},
             {"name", "Mug 10"},
             {"type", "itemDiscount"},
             {"exclusionGroup", "mugs"},
             {"selector", {{"products", {"mug"}}}},
             {"discount", {{"percentOff", "10"}}}},
            {{"id", "mug-b"},
             {"name", "Mug 25"},
             {"type", "itemDiscount"},
             {"exclusionGroup", "mugs"},
             {"selector", {{"products", {"mug"}}}},
             {"discount", {{"percentOff", "25"}}}},
            {{"id", "apron-5"},
             {"name", "Apron 5"},
             {"type", "itemDiscount"},
             {"coupons", {"APRON5"}},
             {"selector", {{"products", {"apron"}}}},
             {"discount", {{"amountOff", "5.00"}}}}}},
          {"marginFloors",
           {{"floors", {{{"id", "tees-floor"}, {"categories", {"tees"}}, {"minMarginPercent", "40"}}}},
            {"missingCost", "skip"}}}};
}

Engine compile(const json& config) {
  auto engine = Engine::compile(config.dump());
  BOOST_REQUIRE_MESSAGE(engine.ok(), (engine.ok() ? std::string() : engine.error().message));
  return std::move(engine).value();
}

Quote quoteOf(const Engine& engine, const json& cart, int64_t now, const std::map<std::string, int64_t>& stock) {
  json request = cart;
  request["now"] = "2026-11-02T10:00:00Z";
  request["currency"] = "USD";
  auto parsed = engine.parseRequest(request.dump());
  BOOST_REQUIRE(parsed.ok());
  parsed.value().now = now;
  parsed.value().stock = stock;
  auto quoted = engine.quote(parsed.value());
  BOOST_REQUIRE(quoted.ok());
  return quoted.value();
}

/** Revenue and discount straight from a Quote, without the facts code: the independent side of the check. */
std::pair<int64_t, int64_t> revenueAndDiscount(const Quote& q) {
  int64_t revenue = 0;
  for (const auto& line : q.lines) revenue += line.total - (q.taxIncluded ? line.tax.value_or(0) : 0);
  return {revenue, q.promotionSavings};
}

std::vector<ReplayOrder> randomOrders(int count, unsigned seed) {
  std::mt19937 rng(seed);
  const std::vector<std::string> variants = {"skillet", "tee", "mug", "apron"};
  std::vector<ReplayOrder> orders;
  for (int i = 0; i < count; ++i) {
    json lines = json::array();
    for (const auto& v : variants)
      if (rng() % 2) lines.push_back({{"variant", v}, {"quantity", 1 + static_cast<int>(rng() % 3)}});
    if (lines.empty()) lines.push_back({{"variant", "mug"}, {"quantity", 1}});
    json cart = {{"currency", "USD"}, {"lines", lines}};
    if (rng() % 3 == 0) cart["coupons"] = {"APRON5"};
    char id[16];
    std::snprintf(id, sizeof id, "ord_%04d", i);
    orders.push_back({id,
                      1793613600000 + i * 60000LL,
                      1,
                      "USD",
                      "",
                      cart.dump(),
                      {{"skillet", static_cast<int64_t>(rng() % 12)}},
                      {}});
  }
  return orders;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(order_facts)

BOOST_AUTO_TEST_CASE(percentages_are_integers_rounded_half_away_from_zero) {
  BOOST_TEST(*formatPercent(1, 8) == "12.50");
  BOOST_TEST(*formatPercent(1, 3) == "33.33");
  BOOST_TEST(*formatPercent(2, 3) == "66.67");
  BOOST_TEST(*formatPercent(-2, 3) == "-66.67");
  BOOST_TEST(*formatPercent(1, 20000) == "0.01");  // 0.005 % rounds away from zero
  BOOST_TEST(*formatPercent(-1, 20000) == "-0.01");
  BOOST_TEST(*formatPercent(1, 20001) == "0.00");
  BOOST_TEST(*formatPercent(1067, 2667) == "40.01");
  BOOST_TEST(!formatPercent(INT64_MAX, 1));  // past int64 hundredths: no figure rather than a wrapped one
  BOOST_TEST(!formatPercent(5, 0));
}

BOOST_AUTO_TEST_CASE(catalog_costs_in_each_currency_convert_as_a_quote_reads_them) {
  json config = store();
  config["currencies"] = {{"rates", {{"EUR", "0.925"}, {"JPY", "150"}}}, {"asOf", "2026-11-26T00:00:00.000Z"}};
  Engine engine = compile(config);
  auto costs = [&](const std::string& currency) {
    auto catalog = engine.catalogVariants(currency);
    BOOST_REQUIRE_MESSAGE(catalog.ok(), currency);
    std::map<std::string, std::optional<int64_t>> byId;
    for (const auto& v : catalog.value()) byId[v.id] = v.cost;
    return byId;
  };
  using Costs = std::map<std::string, std::optional<int64_t>>;
  BOOST_TEST((costs("USD") == Costs{{"apron", std::nullopt}, {"mug", 300}, {"skillet", 4000}, {"tee", 800}}));
  // At the rate, half away from zero, no price ending: 3.00 x 0.925 = 2.775 -> 2.78; JPY has no minor digits.
  BOOST_TEST((costs("EUR") == Costs{{"apron", std::nullopt}, {"mug", 278}, {"skillet", 3700}, {"tee", 740}}));
  BOOST_TEST((costs("JPY") == Costs{{"apron", std::nullopt}, {"mug", 450}, {"skillet", 6000}, {"tee", 1200}}));
  auto noRate = engine.catalogVariants("GBP");
  BOOST_REQUIRE(!noRate.ok());
  BOOST_TEST((noRate.error().code == ErrorCode::MissingRate));
  BOOST_TEST(noRate.error().pointer == "/currency");
  auto noRates = compile(store()).catalogVariants("EUR");
  BOOST_REQUIRE(!noRates.ok());
  BOOST_TEST((noRates.error().code == ErrorCode::CurrencyMismatch));
}

BOOST_AUTO_TEST_CASE(facts_of_a_clamped_line_an_exclusion_group_and_coupons) {
  Engine engine = compile(store());
  auto catalog = engine.catalogVariants("USD");
  BOOST_REQUIRE(catalog.ok());
  json cart = {{"lines",
                {{{"variant", "tee"}, {"quantity", 2}},
                 {{"variant", "mug"}, {"quantity", 2}},
                 {{"variant", "apron"}, {"quantity", 1}}}},
               {"coupons", {"APRON5", "NOPE"}}};
  OrderFacts f = orderFacts(quoteOf(engine, cart, 1793613600000, {}), catalog.value());
  // Tees 40.00 at 50 % off would be 20.00; the 40 % floor on cost 16.00 keeps 26.67 (13.33 off). Mugs 24.00 - 25 %
  // = 18.00 (mug-a at 10 % loses in the group). Apron 30.00 - 5.00 = 25.00, no cost.
  BOOST_TEST(f.units == 5);
  BOOST_TEST(f.listAmount == 9400);
  BOOST_TEST(f.subtotal == 9400);
  BOOST_TEST(f.discount == 1333 + 600 + 500);
  BOOST_TEST(f.revenue == 2667 + 1800 + 2500);
  BOOST_TEST(f.costedRevenue == 2667 + 1800);
  BOOST_TEST(f.cost == 1600 + 600);
  BOOST_TEST(f.unitsWithoutCost == 1);
  BOOST_TEST(combinationKey(f.combination) == R"(["apron-5","mug-b","tee-half"])");
  BOOST_REQUIRE(f.clamps.size() == 1u);
  const ClampFacts& clamp = f.clamps[0];
  BOOST_TEST(clamp.floor == "tees-floor");
  BOOST_TEST(clamp.promotion == "tee-half");
  BOOST_TEST(clamp.discountBefore == 2000);
  BOOST_TEST(clamp.discountAfter == 1333);
  BOOST_TEST((clamp.categories == std::vector<std::string>{"apparel", "tees"}));
  std::map<std::string, PromotionFacts> byId;
  for (const auto& p : f.promotions) byId[p.promotion] = p;
  BOOST_REQUIRE(byId.size() == 4u);
  BOOST_TEST(byId["tee-half"].discount == 1333);
  BOOST_TEST(byId["tee-half"].clamps == 1);
  BOOST_TEST(byId["tee-half"].costedRevenue == 2667);
  BOOST_TEST(byId["mug-a"].applied == false);
  BOOST_TEST(byId["mug-a"].reason == "lost_to_better_in_group");
  BOOST_TEST(byId["mug-a"].by == "mug-b");
  BOOST_TEST(byId["apron-5"].unitsWithoutCost == 1);
  BOOST_REQUIRE(f.coupons.size() == 2u);
  BOOST_TEST((f.coupons[0].code == "APRON5" && f.coupons[0].applied));
  BOOST_TEST((f.coupons[1].code == "NOPE" && !f.coupons[1].applied && f.coupons[1].reason == "unknown_coupon"));
  // Line facts sum to the order's.
  int64_t revenue = 0, discount = 0;
  for (const auto& line : f.lines) {
    revenue += line.revenue;
    discount += line.promotionDiscount;
  }
  BOOST_TEST(revenue == f.revenue);
  BOOST_TEST(discount == f.discount);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replay)

BOOST_AUTO_TEST_CASE(report_difference_equals_the_sum_of_per_order_requotes) {
  Engine baseline = compile(store("69.00")), draft = compile(store("59.00"));
  std::vector<ReplayOrder> orders = randomOrders(300, 11);
  // Independently: quote each order under both configs straight through the engine and sum.
  int64_t revenueDifference = 0, discountDifference = 0, baselineRevenue = 0;
  int changed = 0;
  for (const auto& o : orders) {
    json cart = json::parse(o.cartJson);
    auto [r0, d0] = revenueAndDiscount(quoteOf(baseline, cart, o.createdAt, o.stock));
    auto [r1, d1] = revenueAndDiscount(quoteOf(draft, cart, o.createdAt, o.stock));
    revenueDifference += r1 - r0;
    discountDifference += d1 - d0;
    baselineRevenue += r0;
    if (r1 != r0) ++changed;
  }
  BOOST_TEST(changed > 20);  // the flash price change must actually matter in this sample
  for (unsigned threads : {1u, 4u}) {
    Replay replay(std::make_shared<CompiledConfig>(draft), {5, threads});
    replay.addVersion(1, std::make_shared<CompiledConfig>(baseline));
    std::atomic<bool> cancel{false};
    std::atomic<int64_t> done{0};
    replay.run(orders, cancel, done);
    BOOST_TEST(done.load() == 300);
    const auto& totals = replay.totals().at("USD");
    BOOST_TEST(totals.orders == 300);
    BOOST_TEST(totals.baseline.revenue == baselineRevenue);
    BOOST_TEST(totals.draft.revenue - totals.baseline.revenue == revenueDifference);
    BOOST_TEST(totals.draft.discount - totals.baseline.discount == discountDifference);
    // Cost does not change with prices, so the margin moves exactly with the revenue of costed lines.
    BOOST_TEST(totals.draft.cost == totals.baseline.cost);
    json report = json::parse(replay.reportJson());
    BOOST_TEST(report["orders"] == 300);
    BOOST_TEST(report["repriced"] == 300);
    BOOST_TEST(report["topChanges"].size() == 5u);
    BOOST_TEST(report["byCurrency"][0]["difference"]["revenue"] == formatMoney(revenueDifference, 2));
  }
}

BOOST_AUTO_TEST_CASE(report_bytes_do_not_depend_on_threads_or_batches) {
  Engine baseline = compile(store("69.00")), draft = compile(store("79.00"));
  std::vector<ReplayOrder> orders = randomOrders(200, 5);
  std::string reference;
  for (unsigned threads : {1u, 2u, 8u}) {
    for (std::size_t batch : {std::size_t{7}, std::size_t{200}}) {
      Replay replay(std::make_shared<CompiledConfig>(draft), {10, threads});
      replay.addVersion(1, std::make_shared<CompiledConfig>(baseline));
      std::atomic<bool> cancel{false};
      std::atomic<int64_t> done{0};
      for (std::size_t i = 0; i < orders.size(); i += batch)
        replay.run(std::vector<ReplayOrder>(orders.begin() + i, orders.begin() + std::min(orders.size(), i + batch)),
                   cancel, done);
      if (reference.empty()) reference = replay.reportJson();
      BOOST_TEST(replay.reportJson() == reference);
    }
  }
}

BOOST_AUTO_TEST_CASE(promotions_that_start_and_stop_and_the_reasons_of_the_top_changes) {
  json withoutCoupon = store("59.00");
  withoutCoupon["promotions"].erase(4);                            // apron-5 gone
  withoutCoupon["promotions"][3]["discount"]["percentOff"] = "5";  // mug-b now loses to mug-a
  Engine baseline = compile(store()), draft = compile(withoutCoupon);
  auto order = [](const char* id, int64_t version, const char* cart) {
    return ReplayOrder{id, 1793613600000, version, "USD", "", cart, {}, {}};
  };
  ReplayOrder mugs = order("ord_mugs", 1, R"({"currency":"USD","lines":[{"variant":"mug","quantity":2}]})");
  ReplayOrder apron =
      order("ord_apron", 1, R"({"currency":"USD","coupons":["APRON5"],"lines":[{"variant":"apron","quantity":1}]})");
  ReplayOrder unknown = order("ord_v9", 9, R"({"currency":"USD","lines":[{"variant":"mug","quantity":1}]})");
  ReplayOrder gone = order("ord_gone", 1, R"({"currency":"USD","lines":[{"variant":"ghost","quantity":1}]})");
  Replay replay(std::make_shared<CompiledConfig>(draft), {10, 1});
  replay.addVersion(1, std::make_shared<CompiledConfig>(baseline));
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> done{0};
  replay.run({mugs, apron, unknown, gone}, cancel, done);
  json report = json::parse(replay.reportJson());
  BOOST_TEST(report["orders"] == 4);
  BOOST_TEST(report["repriced"] == 2);
  BOOST_TEST(report["skipped"].dump() ==
             R"([{"code":"unknown_config_version","example":"ord_v9","orders":1,"side":"baseline"},)"
             R"({"code":"unknown_reference","example":"ord_gone","orders":1,"side":"baseline"}])");
  BOOST_TEST(report["newlyFiring"].dump() == R"(["mug-a"])");
  BOOST_TEST(report["stoppedFiring"].dump() == R"(["apron-5","mug-b"])");
  // Mugs: 24.00 - 25 % = 18.00 before; 24.00 - 10 % = 21.60 after (+3.60). Apron: 25.00 before, 30.00 after.
  BOOST_REQUIRE(report["topChanges"].size() == 2u);
  BOOST_TEST(report["topChanges"][0]["orderId"] == "ord_apron");
  BOOST_TEST(report["topChanges"][0]["difference"]["revenue"] == "5.00");
  BOOST_TEST(report["topChanges"][0]["promotions"].dump() ==
             R"([{"after":null,"before":"applied","by":null,"promotion":"apron-5"}])");
  BOOST_TEST(report["topChanges"][1]["orderId"] == "ord_mugs");
  BOOST_TEST(report["topChanges"][1]["difference"]["revenue"] == "3.60");
  BOOST_TEST(report["topChanges"][1]["promotions"].dump() ==
             R"([{"after":"applied","before":"lost_to_better_in_group","by":null,"promotion":"mug-a"},)"
             R"({"after":"lost_to_better_in_group","before":"applied","by":"mug-a","promotion":"mug-b"}])");
}

BOOST_AUTO_TEST_CASE(segments_recorded_at_checkout_override_the_carts_own_claim) {
  json members = store();
  members["promotions"].push_back({{"id", "vip-apron"},
                                   {"name", "VIP apron"},
                                   {"type", "itemDiscount"},
                                   {"selector", {{"products", {"apron"}}}},
                                   {"discount", {{"percentOff", "50"}}},
                                   {"conditions", {{"segments", {"vip"}}}}});
  auto config = std::make_shared<CompiledConfig>(compile(members));
  // The cart claims "vip"; the server priced it for no segment (unsigned claim), then for a verified VIP.
  const char* cart = R"({"currency":"USD","customer":{"segments":["vip"]},"lines":[{"variant":"apron","quantity":1}]})";
  ReplayOrder unverified{"ord_a", 1793613600000, 1, "USD", "", cart, {}, std::vector<std::string>{}};
  ReplayOrder verified{"ord_b", 1793613600000, 1, "USD", "", cart, {}, std::vector<std::string>{"vip"}};
  BOOST_TEST(replayOrder(unverified, *config, *config).baseline.revenue == 3000);
  BOOST_TEST(replayOrder(verified, *config, *config).baseline.revenue == 1500);
  ReplayOrder asSent{"ord_c", 1793613600000, 1, "USD", "", cart, {}, std::nullopt};
  BOOST_TEST(replayOrder(asSent, *config, *config).baseline.revenue == 1500);  // no record: the cart's own
}

BOOST_AUTO_TEST_CASE(cancel_stops_before_the_next_order_and_counts_what_was_taken) {
  Engine baseline = compile(store()), draft = compile(store("59.00"));
  std::vector<ReplayOrder> orders = randomOrders(2000, 3);
  Replay replay(std::make_shared<CompiledConfig>(draft), {5, 1});
  replay.addVersion(1, std::make_shared<CompiledConfig>(baseline));
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> done{0};
  std::thread watcher([&] {
    while (done.load() < 100) std::this_thread::yield();
    cancel = true;
  });
  replay.run(orders, cancel, done);
  watcher.join();
  BOOST_TEST(done.load() >= 100);
  BOOST_TEST(done.load() < 2000);
  BOOST_TEST(json::parse(replay.reportJson())["orders"] == done.load());
  std::atomic<int64_t> none{0};
  replay.run(orders, cancel, none);  // already cancelled: takes nothing
  BOOST_TEST(none.load() == 0);
}

BOOST_AUTO_TEST_CASE(export_lines_parse_or_say_why_not) {
  auto config = parseExportLine(R"({"type":"config","version":3,"config":{"a":1},"configDigest":"sha256:x"})");
  BOOST_TEST(config.error.empty());
  BOOST_TEST(config.configVersion == 3);
  BOOST_TEST(config.configJson == R"({"a":1})");
  auto order = parseExportLine(
      R"({"type":"order","id":"o","createdAt":"2026-11-02T10:00:00.000Z","configVersion":3,"currency":"USD",)"
      R"("quoteDigest":"d","total":"1.00","cart":{"lines":[]},"stock":{"mug":4}})");
  BOOST_REQUIRE(order.order.has_value());
  BOOST_TEST(order.order->createdAt == 1793613600000);
  BOOST_TEST(order.order->stock.at("mug") == 4);
  BOOST_TEST(parseExportLine(R"({"type":"end","orders":1,"next":null})").error.empty());
  BOOST_TEST(!parseExportLine("not json").error.empty());
  BOOST_TEST(!parseExportLine(R"({"type":"order","id":"o"})").error.empty());
  BOOST_TEST(!parseExportLine(R"({"type":"order","id":"o","createdAt":"yesterday","configVersion":1,)"
                              R"("currency":"USD","quoteDigest":"","cart":{},"stock":{}})")
                  .error.empty());
  BOOST_TEST(!parseExportLine(R"({"type":"mystery"})").error.empty());
}

BOOST_AUTO_TEST_SUITE_END()
