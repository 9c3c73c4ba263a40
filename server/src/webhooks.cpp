// SPDX-License-Identifier: MIT
#include "webhooks.hpp"

#include <nlohmann/json.hpp>

#include "util.hpp"

namespace cartcore::server {

namespace {

constexpr int kPartitionsPerRound = 256;
constexpr int kEventsPerPartition = 64;

}  // namespace

std::string eventEnvelope(const OutboxEvent& event) {
  nlohmann::json envelope = {{"id", event.seq},
                             {"type", event.type},
                             {"partitionKey", event.partitionKey},
                             {"partitionSeq", event.partitionSeq},
                             {"occurredAt", isoTime(event.createdAt)}};
  envelope["data"] = nlohmann::json::parse(event.payload, nullptr, false);
  return envelope.dump();
}

WebhookDispatcher::WebhookDispatcher(std::vector<WebhookEndpoint> endpoints, Storage& storage, Metrics& metrics,
                                     int64_t retryBaseMillis, int64_t retryMaxMillis, std::size_t senders)
    : endpoints_(std::move(endpoints)),
      storage_(storage),
      metrics_(metrics),
      retryBaseMillis_(retryBaseMillis),
      retryMaxMillis_(retryMaxMillis) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, senders); ++i) posters_.push_back(std::make_unique<HttpPoster>());
  for (const auto& endpoint : endpoints_) {
    if (endpoint.format == WebhookFormat::WooCommerce)
      sinks_.push_back(std::make_unique<WooStockDelivery>(endpoint.key(), endpoint.url, endpoint.authorization,
                                                          TlsTrust{endpoint.caFile}, storage_, metrics_));
    else if (endpoint.format == WebhookFormat::Amqp)
      sinks_.push_back(std::make_unique<AmqpSink>(AmqpOptions{endpoint.url, endpoint.exchange}, metrics_));
    else
      sinks_.push_back(nullptr);
  }
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::start() {
  if (endpoints_.empty() || thread_.joinable()) return;
  for (std::size_t i = 1; i < posters_.size(); ++i) senders_.emplace_back([this, i] { senderLoop(i); });
  thread_ = std::thread([this] { run(); });
}

void WebhookDispatcher::stop() {
  stopping_ = true;
  notify();
  {
    std::lock_guard lock(roundMutex_);
  }
  roundReady_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& sender : senders_)
    if (sender.joinable()) sender.join();
  senders_.clear();
}

void WebhookDispatcher::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void WebhookDispatcher::run() {
  while (!stopping_) {
    std::size_t attempted = 0;
    for (const auto& endpoint : endpoints_) {
      try {
        attempted += deliverRound(endpoint);
      } catch (const std::exception&) {
        // A database error here is retried on the next round; the outbox rows are still pending.
      }
    }
    if (attempted > 0) continue;
    std::unique_lock lock(mutex_);
    // Wake on new events, or poll so retries whose backoff has passed are picked up.
    wake_.wait_for(lock, std::chrono::milliseconds(50), [this] { return pending_ || stopping_.load(); });
    pending_ = false;
  }
}

std::size_t WebhookDispatcher::deliverRound(const WebhookEndpoint& endpoint) {
  const std::string key = endpoint.key();
  std::vector<PendingDelivery> due = storage_.claimDeliveries(key, kPartitionsPerRound, kEventsPerPartition);
  if (due.empty()) return 0;
  if (OutboxSink* sink = sinks_[static_cast<std::size_t>(&endpoint - endpoints_.data())].get()) {
    // WooCommerce and the broker take a round at once (batch requests; publishes, then their confirms).
    std::vector<DeliveryResult> results = sink->deliver(due, retryBaseMillis_, retryMaxMillis_);
    storage_.recordDeliveries(key, results);
    return results.size();
  }
  {
    std::lock_guard lock(roundMutex_);
    round_.endpoint = &endpoint;
    round_.due = std::move(due);
    round_.runs.clear();
    for (std::size_t i = 0; i < round_.due.size(); ++i)
      if (i == 0 || round_.due[i].event.partitionKey != round_.due[i - 1].event.partitionKey)
        round_.runs.emplace_back(i, i + 1);
      else
        round_.runs.back().second = i + 1;
    round_.results.assign(round_.runs.size(), {});
    round_.nextRun = 0;
    round_.finishedRuns = 0;
    ++round_.generation;
  }
  roundReady_.notify_all();
  workOnRound(*posters_[0]);
  std::vector<DeliveryResult> results;
  std::size_t attempted = 0;
  {
    std::unique_lock lock(roundMutex_);
    roundDone_.wait(lock, [this] { return round_.finishedRuns == round_.runs.size(); });
    for (auto& run : round_.results) {
      attempted += run.size();
      for (auto& result : run) results.push_back(std::move(result));
    }
    round_.endpoint = nullptr;
  }
  storage_.recordDeliveries(key, results);
  return attempted;
}

void WebhookDispatcher::workOnRound(HttpPoster& poster) {
  for (;;) {
    std::size_t index = 0;
    const PendingDelivery* first = nullptr;
    const PendingDelivery* last = nullptr;
    const WebhookEndpoint* endpoint = nullptr;
    {
      std::lock_guard lock(roundMutex_);
      if (!round_.endpoint || round_.nextRun >= round_.runs.size()) return;
      index = round_.nextRun++;
      first = round_.due.data() + round_.runs[index].first;
      last = round_.due.data() + round_.runs[index].second;
      endpoint = round_.endpoint;
    }
    std::vector<DeliveryResult> results = deliverRun(poster, *endpoint, first, last);
    {
      std::lock_guard lock(roundMutex_);
      round_.results[index] = std::move(results);
      ++round_.finishedRuns;
    }
    roundDone_.notify_one();
  }
}

void WebhookDispatcher::senderLoop(std::size_t index) {
  uint64_t seen = 0;
  while (!stopping_) {
    {
      std::unique_lock lock(roundMutex_);
      roundReady_.wait(lock, [&] { return stopping_.load() || round_.generation != seen; });
      if (stopping_) return;
      seen = round_.generation;
    }
    workOnRound(*posters_[index]);
  }
}

std::vector<DeliveryResult> WebhookDispatcher::deliverRun(HttpPoster& poster, const WebhookEndpoint& endpoint,
                                                          const PendingDelivery* first, const PendingDelivery* last) {
  std::vector<DeliveryResult> results;
  for (const PendingDelivery* delivery = first; delivery != last && !stopping_; ++delivery) {
    std::string error = deliverOne(poster, endpoint, delivery->event);
    if (error.empty()) {
      results.push_back({delivery->event.seq, true, 0, {}, delivery->lease});
      metrics_.webhookDeliveries.fetch_add(1);
      continue;
    }
    int64_t shift = std::min<int64_t>(delivery->attempts, 20);
    int64_t backoff = std::min(retryMaxMillis_, retryBaseMillis_ << shift);
    results.push_back({delivery->event.seq, false, backoff, error.substr(0, 500), delivery->lease});
    metrics_.webhookFailures.fetch_add(1);
    break;  // later events of this partition wait behind the failed one
  }
  return results;
}

std::string WebhookDispatcher::deliverOne(HttpPoster& poster, const WebhookEndpoint& endpoint,
                                          const OutboxEvent& event) {
  return poster.post(endpoint.url, eventEnvelope(event), endpoint.authorization);
}

}  // namespace cartcore::server
