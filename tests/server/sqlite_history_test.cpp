// SPDX-License-Identifier: MIT
// Write cost must not grow with history (issue 10). Every statement the SQLite store runs for a hold, a checkout,
// the dispatcher, the retention purge and /metrics must do the same work on a store with 4x the past orders and
// delivered events. Work is counted as SQLite VM steps per statement (sqlite3_stmt_status), which is deterministic:
// an index seek is one step however deep the B-tree, while a scan of the history (a missing index, or a range that
// takes in the past) costs steps per row and shows as ~4x. bench/history-bench.mjs measures the same with 1M orders.
#define BOOST_TEST_MODULE sqlite_history
#include <boost/test/unit_test.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "outbox.hpp"
#include "sqlite_analytics.hpp"
#include "sqlite_store.hpp"

using namespace cartcore::server;

namespace {

constexpr int64_t kDay = 24 * 60 * 60 * 1000;
constexpr int64_t kNow = 1764547200000;  // 2025-12-01T00:00:00Z
const std::string kEndpoint = "cartcore http://127.0.0.1:9/events";
const std::vector<std::string> kVariants = {"tee-s", "tee-m", "tee-l", "mug"};

/** A fresh directory, removed with everything in it. */
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cartcore-history-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

HoldRecord holdOf(const std::string& id, const std::string& client, const std::string& variant, int64_t at) {
  HoldRecord hold;
  hold.id = id;
  hold.cartJson = R"({"lines":[{"variant":")" + variant + R"(","quantity":1}]})";
  hold.quoteJson = R"({"total":"10.00"})";
  hold.quoteDigest = "sha256:test";
  hold.createdAt = hold.updatedAt = at;
  hold.expiresAt = at + 15 * 60 * 1000;
  hold.allocations.push_back({variant, "", 1});
  hold.clientKey = client;
  return hold;
}

/** Everything a checkout writes for an order, as the server writes it (SqliteStorage::commitCheckout). */
void checkout(SqliteStore& store, const HoldRecord& hold, const std::string& orderId, int64_t at, bool deliver) {
  const std::string variant = hold.allocations.front().variant;
  store.decrementOnHand(variant, 1, at);
  store.finishHold(hold.id, HoldStatus::Committed, at, orderId);
  OrderRecord order;
  order.id = orderId;
  order.holdId = hold.id;
  order.idempotencyKey = "checkout-" + hold.id;
  order.currency = "USD";
  order.totalMinor = 1000;
  order.quoteDigest = hold.quoteDigest;
  order.quoteJson = hold.quoteJson;
  order.createdAt = at;
  order.orderJson = R"({"id":")" + orderId + R"("})";
  order.lines.push_back({"line-1", variant, variant, 1, 1000});
  store.insertOrder(order);
  for (const NewEvent& event : {NewEvent{"stock.changed", variant, "{}"}, orderCommittedEvent(order.orderJson)}) {
    int64_t seq = store.appendEvent(event, at, {kEndpoint});
    if (deliver) store.deleteDelivery(kEndpoint, seq);
  }
  store.insertIdempotency(*order.idempotencyKey, {"sha256:request", 200, order.orderJson}, at);
  SqliteAnalytics::insertOrderFacts(store.db(), orderId, at, OrderAnalytics{}, 0);
}

/**
 * `orders` past orders spread over the 60 days before kNow, all delivered, from 50 clients; every fifth hold before
 * them was released instead, and WooCommerce was told each stock level. Half of it is older than the 30-day purge.
 */
void writeHistory(const std::string& path, SqliteStore& store, int orders) {
  StockLevel plenty;
  plenty.onHand = 1000000000;
  for (const auto& variant : kVariants) store.upsertStock(variant, plenty, kNow - 60 * kDay);
  for (int done = 0; done < orders;) {
    Transaction tx(store.db());
    for (int k = 0; k < 1000 && done < orders; ++k, ++done) {
      const int64_t at = kNow - 60 * kDay + done * (59 * kDay / orders);
      const std::string n = std::to_string(done), client = "ip:10.0.0." + std::to_string(done % 50);
      const std::string& variant = kVariants[static_cast<std::size_t>(done) % kVariants.size()];
      HoldRecord hold = holdOf("hold_past" + n, client, variant, at);
      store.insertHold(hold);
      store.appendEvent({"hold.placed", variant, "{}"}, at, {kEndpoint});
      checkout(store, hold, "ord_past" + n, at, true);
      if (done % 5 == 0) {
        store.insertHold(holdOf("hold_released" + n, client, variant, at));
        store.finishHold("hold_released" + n, HoldStatus::Released, at);
        SqliteAnalytics::insertHoldFate(store.db(), "hold_released" + n, "released", at, 0);
      }
      store.recordWooKnown(100 + done % 4, std::nullopt, 1000000000 - done, at);
      store.insertWooStockEdit("edit" + n, at);
    }
    tx.commit();
  }
  // Deliver the hold.placed events too: the history's backlog is empty, as on a store whose receiver keeps up.
  SqliteDeliveryReader reader(path);
  for (auto partitions = reader.partitionsAfter(kEndpoint, "", 1000); !partitions.empty();
       partitions = reader.partitionsAfter(kEndpoint, "", 1000)) {
    Transaction tx(store.db());
    for (const auto& partition : partitions)
      for (const auto& delivery : reader.run(kEndpoint, partition, kNow, 1000)) store.deleteDelivery(kEndpoint, delivery.event.seq);
    tx.commit();
  }
}

void resetStepCounts(Database& db) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s; s = sqlite3_next_stmt(db.handle(), s))
    sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
}

/** VM steps per SQL text since the last reset, for every cached statement of the connection that ran. */
void addStepCounts(Database& db, std::map<std::string, int64_t>& steps) {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s; s = sqlite3_next_stmt(db.handle(), s)) {
    int n = sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 0);
    if (n > 0) steps[sqlite3_sql(s)] += n;
  }
}

/**
 * The present, on top of the history: 20 shoppers each pass the fair-access checks, hold, and check out with an
 * Idempotency-Key; the dispatcher delivers each round through its reader (one delivery fails and is retried);
 * /metrics reads the backlog; the sweeper looks for expired holds and the purge deletes one batch of what is older
 * than 30 days. Returns the VM steps each statement took.
 */
std::map<std::string, int64_t> stepsOfThePresent(SqliteStore& store, SqliteDeliveryReader& reader) {
  resetStepCounts(store.db());
  resetStepCounts(reader.db());
  for (int k = 0; k < 20; ++k) {
    const int64_t at = kNow + k * 1000;
    const std::string client = "ip:192.0.2.1", n = std::to_string(k);
    const std::string& variant = kVariants[static_cast<std::size_t>(k) % kVariants.size()];
    HoldRecord hold = holdOf("hold_now" + n, client, variant, at);
    {
      Transaction tx(store.db());
      store.clientActiveHolds(client, at);
      store.clientUnits(client, at, 0);
      store.clientUnits(client, at, at - kDay);
      store.clientExtensionMillis(client, at);
      store.insertHold(hold);
      store.appendEvent({"hold.placed", variant, "{}"}, at, {kEndpoint});
      tx.commit();
    }
    {
      Transaction tx(store.db());
      store.findIdempotency("checkout-" + hold.id);
      BOOST_REQUIRE(store.loadHold(hold.id));
      checkout(store, hold, "ord_now" + n, at, false);
      tx.commit();
    }
    std::vector<PendingDelivery> due;
    for (const auto& partition : reader.partitionsAfter(kEndpoint, "", 256))
      for (auto& delivery : reader.run(kEndpoint, partition, at, 64)) due.push_back(std::move(delivery));
    BOOST_REQUIRE(!due.empty());
    {
      Transaction tx(store.db());
      for (std::size_t i = 0; i < due.size(); ++i) {
        if (k == 3 && i == 0)
          store.markFailed(kEndpoint, due[i].event.seq, at, "503");
        else
          store.deleteDelivery(kEndpoint, due[i].event.seq);
      }
      tx.commit();
    }
    reader.backlog();
  }
  {
    Transaction tx(store.db());
    store.holdsDueForExpiry(kNow + kDay, 100);
    store.activeHoldCount();
    store.retireDeliveries({kEndpoint}, 1000);
    BOOST_TEST(store.purgeBefore(kNow - 30 * kDay, 50) > 0);
    store.wooKnownStock(100, std::nullopt, 5, kNow - kDay);
    store.recordWooKnown(100, std::nullopt, 5, kNow);
    store.insertWooStockEdit("edit-now", kNow);
    tx.commit();
  }
  std::map<std::string, int64_t> steps;
  addStepCounts(store.db(), steps);
  addStepCounts(reader.db(), steps);
  return steps;
}

/** The statements whose steps grew with the history: more than 25 % and 100 steps above the smaller store's. */
std::vector<std::string> statementsThatGrew(const std::map<std::string, int64_t>& small,
                                            const std::map<std::string, int64_t>& large) {
  std::vector<std::string> grew;
  for (const auto& [sql, steps] : large) {
    auto it = small.find(sql);
    const int64_t before = it == small.end() ? 0 : it->second;
    if (steps > before + before / 4 + 100)
      grew.push_back(std::to_string(before) + " -> " + std::to_string(steps) + " steps: " + sql);
  }
  return grew;
}

struct Stores {
  TempDir dir;
  std::string smallPath = (dir.path / "small.db").string(), largePath = (dir.path / "large.db").string();
  SqliteStore small{smallPath, false};
  SqliteStore large{largePath, false};
  Stores() {
    writeHistory(smallPath, small, 1000);
    writeHistory(largePath, large, 4000);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(write_path_statements_do_not_grow_with_history) {
  Stores stores;
  SqliteDeliveryReader smallReader(stores.smallPath), largeReader(stores.largePath);
  auto small = stepsOfThePresent(stores.small, smallReader);
  auto large = stepsOfThePresent(stores.large, largeReader);
  BOOST_TEST(small.size() >= 25u);  // the check sees the whole path: holds, checkout, delivery, purge, metrics
  BOOST_TEST(large.size() == small.size());
  for (const auto& line : statementsThatGrew(small, large)) BOOST_ERROR("grows with history: " << line);
}

BOOST_AUTO_TEST_CASE(a_missing_index_is_caught) {
  // The check can fail: without the outbox's age index, the purge reads every past event to find the old ones.
  Stores stores;
  for (SqliteStore* store : {&stores.small, &stores.large}) store->db().exec("DROP INDEX outbox_by_age");
  SqliteDeliveryReader smallReader(stores.smallPath), largeReader(stores.largePath);
  auto grew = statementsThatGrew(stepsOfThePresent(stores.small, smallReader), stepsOfThePresent(stores.large, largeReader));
  BOOST_REQUIRE_EQUAL(grew.size(), 1u);
  BOOST_TEST(grew.front().find("DELETE FROM outbox") != std::string::npos, grew.front());
}
