// SPDX-License-Identifier: MIT
#include "woo_stock_delivery.hpp"

#include <nlohmann/json.hpp>

namespace cartcore::server {

namespace {

using json = nlohmann::json;

std::optional<int64_t> idIn(const json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) return std::nullopt;
  return it->get<int64_t>();
}

}  // namespace

WooStockDelivery::WooStockDelivery(std::string endpointKey, std::string baseUrl, std::string authorization,
                                   const TlsTrust& trust, Storage& storage, Metrics& metrics)
    : http_(trust),
      client_(std::move(baseUrl), std::move(authorization), http_),
      storage_(storage),
      metrics_(metrics),
      endpointKey_(std::move(endpointKey)) {}

std::vector<DeliveryResult> WooStockDelivery::deliver(const std::vector<PendingDelivery>& due, int64_t retryBaseMillis,
                                                      int64_t retryMaxMillis) {
  // A run: one partition's events in `due`, [first, last), and the level it pushes (if any).
  struct Run {
    std::size_t first = 0, last = 0;
    int64_t newestSeq = 0;
    std::optional<WooStockTarget> target;
    int64_t onHand = 0;
    std::size_t push = 0;  // index into `pushes` when `target`
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (i == 0 || due[i].event.partitionKey != due[i - 1].event.partitionKey) {
      Run run;
      run.first = i;
      runs.push_back(run);
    }
    runs.back().last = i + 1;
  }
  std::vector<std::string> partitions;
  for (const Run& run : runs) partitions.push_back(due[run.first].event.partitionKey);
  const std::map<std::string, int64_t> deliveredSeq = storage_.wooDeliveredSeqs(endpointKey_, partitions);
  bool productTargets = false;
  for (Run& run : runs) {
    const std::string& partition = due[run.first].event.partitionKey;
    for (std::size_t i = run.first; i < run.last; ++i) {
      const OutboxEvent& event = due[i].event;
      if (event.type != "stock.changed") continue;
      json data = json::parse(event.payload, nullptr, false);
      if (!data.is_object()) continue;
      std::optional<int64_t> product = idIn(data, "wooProductId");
      if (!product) {
        run.target.reset();  // the newest level has no WooCommerce object (the link was removed)
        continue;
      }
      run.target = WooStockTarget{*product, idIn(data, "wooVariationId")};
      run.onHand = data.value("onHand", int64_t{0});
      run.newestSeq = event.partitionSeq;
    }
    auto delivered = deliveredSeq.find(partition);
    if (run.target && delivered != deliveredSeq.end() && run.newestSeq <= delivered->second) {
      run.target.reset();  // older than a level already in WooCommerce: sending it would move stock backwards
      metrics_.wooStockStaleDropped.fetch_add(1);
    }
    if (run.target && !run.target->variationId) productTargets = true;
  }

  // Product-level targets carry the sum of the variants that share them (one variant for a simple product).
  std::map<WooStockTarget, int64_t> productSums;
  if (productTargets) {
    for (const auto& [variant, level] : storage_.stockLevels())
      if (level.wooProductId && !level.wooVariationId) productSums[{*level.wooProductId, std::nullopt}] += level.onHand;
  }
  std::vector<WooStockPush> pushes;
  for (Run& run : runs) {
    if (!run.target) continue;
    int64_t quantity = run.onHand;
    if (!run.target->variationId) {
      auto sum = productSums.find(*run.target);
      if (sum != productSums.end()) quantity = sum->second;
    }
    run.push = pushes.size();
    pushes.push_back({*run.target, quantity});
  }
  std::vector<WooPush> sent;
  for (const Run& run : runs)
    if (run.target)
      sent.push_back({due[run.first].event.partitionKey, run.newestSeq, run.target->productId, run.target->variationId,
                      pushes[run.push].quantity});
  storage_.noteWooSent(sent);
  std::vector<WooPushOutcome> outcomes = client_.push(pushes);

  std::vector<DeliveryResult> results;
  std::vector<WooPush> confirmed;
  results.reserve(due.size());
  for (const Run& run : runs) {
    if (run.target && !outcomes[run.push].applied) {
      results.push_back(failedDelivery(due[run.first], outcomes[run.push].error, retryBaseMillis, retryMaxMillis));
      metrics_.webhookFailures.fetch_add(1);
      continue;  // the partition's later events wait behind its first
    }
    if (run.target) {
      confirmed.push_back({due[run.first].event.partitionKey, run.newestSeq, run.target->productId,
                           run.target->variationId, pushes[run.push].quantity});
      metrics_.wooStockPushed.fetch_add(1);
    }
    for (std::size_t i = run.first; i < run.last; ++i) {
      results.push_back({due[i].event.seq, true, 0, {}, due[i].lease});
      metrics_.webhookDeliveries.fetch_add(1);
    }
  }
  // Recorded before the round's events are acknowledged: a failure here leaves them pending, and the next round
  // pushes the same levels again, which WooCommerce applies idempotently (levels are absolute).
  storage_.recordWooDelivered(endpointKey_, confirmed);
  return results;
}

}  // namespace cartcore::server
