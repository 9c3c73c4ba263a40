// SPDX-License-Identifier: MIT
// cartcore-history: writes a synthetic order history into a server database, for the analytics and replay
// benchmarks. Every order is a real cart priced by the engine under the given config, with the stock it saw; its
// hold, order and analytics facts go through the server's own SQLite statements (sqlite_store, sqlite_analytics),
// so the tables hold exactly what checkouts would have written, only faster (10,000 orders per transaction).
// With --delivered-to KEY, each order also leaves what its checkout leaves in the event history (for the write
// latency benchmark, bench/history-bench.mjs): its order.committed event in the outbox, queued for the endpoint KEY
// and then delivered (the delivery row deleted, as the dispatcher does), and the checkout's idempotency record.
//
// usage: cartcore-history --db FILE --config store.json --orders N [--days D] [--end ISO] [--seed S]
//                         [--delivered-to ENDPOINT-KEY]
#include <cartcore/engine.hpp>
#include <cartcore/order_facts.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "outbox.hpp"
#include "sqlite_analytics.hpp"
#include "sqlite_store.hpp"

using namespace cartcore;
using namespace cartcore::server;
using nlohmann::json;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/** The coupon codes the config's promotions accept, so some carts enter one (and some enter a wrong one). */
std::vector<std::string> couponCodes(const json& config) {
  std::vector<std::string> codes = {"NOT-A-CODE"};
  for (const auto& p : config.value("promotions", json::array()))
    for (const auto& code : p.value("coupons", json::array())) codes.push_back(code.get<std::string>());
  return codes;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, configPath, end = "2026-11-27T00:00:00Z", deliveredTo;
  int64_t orders = 0, days = 365;
  unsigned seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--db")
      db = value;
    else if (arg == "--config")
      configPath = value;
    else if (arg == "--orders")
      orders = std::stoll(value);
    else if (arg == "--days")
      days = std::stoll(value);
    else if (arg == "--end")
      end = value;
    else if (arg == "--seed")
      seed = static_cast<unsigned>(std::stoul(value));
    else if (arg == "--delivered-to")
      deliveredTo = value;
    else {
      std::cerr << "unknown option " << arg << "\n";
      return 2;
    }
  }
  auto endMillis = parseUtcTimestamp(end);
  if (db.empty() || configPath.empty() || orders <= 0 || days <= 0 || !endMillis) {
    std::cerr << "usage: cartcore-history --db FILE --config store.json --orders N [--days D] [--end ISO] [--seed S] "
                 "[--delivered-to ENDPOINT-KEY]\n";
    return 2;
  }
  try {
    std::string configText = readFile(configPath);
    auto compiled = Engine::compile(configText);
    if (!compiled) throw std::runtime_error("config: " + renderError(compiled.error()));
    const Engine& engine = compiled.value();
    json config = json::parse(configText);
    std::vector<std::string> variants = engine.variantIds();
    std::vector<std::string> codes = couponCodes(config);
    std::vector<std::string> guarded;
    for (const auto& p : engine.promotionSummaries())
      guarded.insert(guarded.end(), p.guardVariants.begin(), p.guardVariants.end());
    auto catalog = engine.catalogVariants(engine.currency());
    if (!catalog) throw std::runtime_error("catalog: " + renderError(catalog.error()));

    SqliteStore store(db, false);  // its migrations create the analytics tables too
    int64_t version;
    {
      Transaction tx(store.db());
      version = store.insertConfig(configText, engine.configDigest(), *endMillis - days * kDayMillis);
      tx.commit();
    }
    std::mt19937_64 rng(seed);
    const int64_t start = *endMillis - days * kDayMillis, step = std::max<int64_t>(1, days * kDayMillis / orders);
    auto began = std::chrono::steady_clock::now();
    constexpr int64_t kPerTransaction = 10000;
    for (int64_t done = 0; done < orders;) {
      Transaction tx(store.db());
      for (int64_t k = 0; k < kPerTransaction && done < orders; ++k, ++done) {
        const int64_t now = start + done * step + static_cast<int64_t>(rng() % static_cast<uint64_t>(step));
        // 1-4 distinct variants, 1-3 units each; a coupon on a quarter of the carts; VIPs on a tenth.
        json lines = json::array();
        std::vector<std::string> picked = variants;
        std::shuffle(picked.begin(), picked.end(), rng);
        picked.resize(1 + rng() % std::min<std::size_t>(4, picked.size()));
        std::sort(picked.begin(), picked.end());
        for (const auto& v : picked) lines.push_back({{"variant", v}, {"quantity", 1 + static_cast<int>(rng() % 3)}});
        json cart = {{"currency", engine.currency()}, {"lines", lines}};
        if (rng() % 4 == 0) cart["coupons"] = {codes[rng() % codes.size()]};
        if (rng() % 10 == 0) cart["customer"] = {{"segments", {"vip"}}};
        std::string cartText = cart.dump();
        auto request = engine.parseRequest(R"({"now":"2026-01-01T00:00:00Z",)" + cartText.substr(1));
        if (!request) throw std::runtime_error("cart: " + renderError(request.error()));
        QuoteRequest& typed = request.value();
        typed.now = now;
        json stock = json::object();
        for (const auto& v : picked) stock[v] = typed.stock[v] = static_cast<int64_t>(rng() % 60);
        for (const auto& v : guarded) stock[v] = typed.stock[v] = static_cast<int64_t>(rng() % 60);
        auto quoted = engine.quote(typed);
        if (!quoted) throw std::runtime_error("quote: " + renderError(quoted.error()));
        const Quote& quote = quoted.value();
        std::string rendered = renderQuote(quote);
        std::string quoteText = rendered.substr(std::string(R"({"ok":true,"quote":)").size());
        quoteText.pop_back();

        char suffix[24];
        std::snprintf(suffix, sizeof suffix, "%012lld", static_cast<long long>(done));
        HoldRecord hold;
        hold.id = std::string("hold_gen") + suffix;
        hold.cartJson = cartText;
        hold.quoteJson = quoteText;
        hold.quoteDigest = quote.digest;
        hold.createdAt = hold.updatedAt = now;
        hold.expiresAt = now + 15 * 60 * 1000;
        for (const auto& line : quote.lines) hold.allocations.push_back({line.variant, "", line.quantity});
        OrderRecord order;
        order.id = std::string("ord_gen") + suffix;
        order.holdId = hold.id;
        order.currency = quote.currency;
        order.totalMinor = quote.grandTotal.value_or(quote.total);
        order.quoteDigest = quote.digest;
        order.quoteJson = quoteText;
        order.createdAt = now;
        order.orderJson = json{{"id", order.id}, {"holdId", hold.id}, {"status", "committed"}}.dump();
        if (!deliveredTo.empty()) order.idempotencyKey = std::string("checkout-gen") + suffix;
        for (const auto& line : quote.lines)
          order.lines.push_back({line.id, line.variant, line.sku, line.quantity, line.total});
        store.insertHold(hold);
        store.finishHold(hold.id, HoldStatus::Committed, now, order.id);
        store.insertOrder(order);
        if (!deliveredTo.empty()) {
          const int64_t seq = store.appendEvent(orderCommittedEvent(order.orderJson), now, {deliveredTo});
          store.deleteDelivery(deliveredTo, seq);
          store.insertIdempotency(*order.idempotencyKey, {"sha256:gen", 200, order.orderJson}, now);
        }
        OrderAnalytics analytics{true, version, stock.dump(), json(typed.segments).dump(),
                                 analytics::orderFacts(quote, catalog.value())};
        SqliteAnalytics::insertOrderFacts(store.db(), order.id, now, analytics, 0);
        if (rng() % 5 == 0) {  // a fifth as many holds expire or are released as orders commit
          const std::string fate = rng() % 2 ? "expired" : "released";
          SqliteAnalytics::insertHoldFate(store.db(), "hold_gen_fate" + std::string(suffix), fate, now + 1, 0);
        }
      }
      tx.commit();
      // SqliteStore leaves checkpoints to the server's WalCheckpointer, which is not running here: without this the
      // log only grows (past 8 GB on the way to 1M orders) and the generator slows down with it.
      sqlite3_wal_checkpoint_v2(store.db().handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
      std::cerr << "\r" << done << " orders" << std::flush;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    std::cout << "\n"
              << json{{"orders", orders}, {"days", days}, {"configVersion", version}, {"seconds", seconds}}.dump()
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cartcore-history: " << e.what() << "\n";
    return 1;
  }
}
