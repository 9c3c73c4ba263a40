// SPDX-License-Identifier: MIT
// The live admin stream: stock levels and hold counts as server-sent events, sampled once for every stream.
#include "admin_stream.hpp"

#include <chrono>

#include "util.hpp"

namespace cartcore::server {

using nlohmann::json;

namespace {
constexpr std::size_t kMaxPendingBytes = 256 * 1024;
constexpr int64_t kKeepAliveMillis = 15000;

std::string event(std::string_view name, const std::string& data) {
  return "event: " + std::string(name) + "\ndata: " + data + "\n\n";
}
}  // namespace

bool StreamSubscription::push(std::string_view text) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    if (pending_.size() + text.size() > maxPendingBytes_) {
      closed_ = true;  // too far behind: drop the client rather than buffer without bound
      pending_.clear();
    } else {
      pending_.append(text);
    }
  }
  wake();
  return !closed();
}

std::string StreamSubscription::take() {
  std::lock_guard lock(mutex_);
  std::string out;
  out.swap(pending_);
  return out;
}

bool StreamSubscription::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void StreamSubscription::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  wake();
}

void StreamSubscription::onReady(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

void StreamSubscription::wake() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    wake = wake_;
  }
  if (wake) wake();
}

AdminStream::AdminStream(Storage& storage, Shop& shop, ServerClock& clock, std::size_t maxStreams, int intervalMillis)
    : storage_(storage),
      shop_(shop),
      clock_(clock),
      maxStreams_(maxStreams),
      intervalMillis_(intervalMillis),
      thread_([this] { run(); }) {}

AdminStream::~AdminStream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& stream : streams_) stream->close();
  }
  wake_.notify_one();
  thread_.join();
}

AdminStream::Sample AdminStream::sample() {
  Sample out;
  auto catalog = shop_.currentCatalog();
  out.configVersion = catalog->version;
  StorageGauges gauges = storage_.gauges();
  out.activeHolds = gauges.activeHolds;
  out.unitsHeld = gauges.unitsHeld;
  std::map<std::string, StockLevel> levels = storage_.stockLevels();
  // Each stock-guarded promotion as the general pool decides it now: on while every guarded variant shows
  // minAvailable units; the variant with the fewest units is the one to watch.
  for (const auto& promotion : catalog->guardedPromotions) {
    std::string decider;
    int64_t fewest = 0;
    for (const auto& variant : promotion.guardVariants) {
      int64_t available = levels.count(variant) ? levels[variant].available({}) : 0;
      if (decider.empty() || available < fewest) {
        decider = variant;
        fewest = available;
      }
    }
    out.guards[promotion.id] = json{{"promotion", promotion.id},
                                    {"name", promotion.name},
                                    {"state", !decider.empty() && fewest < promotion.guardMinAvailable ? "off" : "on"},
                                    {"variant", decider},
                                    {"sku", factsOf(catalog->facts, decider).sku},
                                    {"available", fewest},
                                    {"minAvailable", promotion.guardMinAvailable}}
                                   .dump();
  }
  for (const auto& variant : catalog->variantIds) {
    StockLevel level = levels.count(variant) ? levels[variant] : StockLevel{};
    const VariantFacts& facts = factsOf(catalog->facts, variant);
    std::optional<int64_t> low = level.lowStockLevel ? level.lowStockLevel : facts.lowStockLevel;
    int64_t available = level.available({});
    std::string state = available <= 0 ? "out" : (low && available < *low ? "low" : "ok");
    out.stock[variant] = json{
        {"variant", variant},   {"sku", facts.sku},       {"onHand", level.onHand},
        {"held", level.held()}, {"available", available}, {"lowStockLevel", low ? json(*low) : json()},
        {"state", state}}.dump();
  }
  return out;
}

ApiResponse AdminStream::open() {
  Sample now = sample();
  auto list = [](const std::map<std::string, std::string>& items) {
    std::string out = "[";
    for (const auto& [key, text] : items) out += (out.size() > 1 ? "," : "") + text;
    return out + "]";
  };
  std::string stock = list(now.stock);
  std::string snapshot = event("snapshot", R"({"at":")" + isoTime(clock_.nowMillis()) + R"(","configVersion":)" +
                                               std::to_string(now.configVersion) + R"(,"guards":)" + list(now.guards) + R"(,"holds":{"active":)" +
                                               std::to_string(now.activeHolds) + R"(,"units":)" +
                                               std::to_string(now.unitsHeld) + R"(},"stock":)" + stock + "}");
  auto subscription = std::make_shared<StreamSubscription>(kMaxPendingBytes);
  std::lock_guard lock(mutex_);
  std::erase_if(streams_, [](const auto& s) { return s->closed(); });
  if (streams_.size() >= maxStreams_) {
    ApiResponse busy =
        errorResponse(503, "too_many_streams", "Too many admin streams are open; close one or retry later.");
    busy.headers.emplace_back("Retry-After", "5");
    return busy;
  }
  subscription->push(snapshot);
  streams_.push_back(subscription);
  if (streams_.size() == 1) last_ = std::move(now);  // the first stream's snapshot is the base for changes
  wake_.notify_one();
  ApiResponse response{200, "", "text/event-stream"};
  response.stream = subscription;
  return response;
}

void AdminStream::broadcast(const std::string& text) {
  for (auto& stream : streams_) stream->push(text);
  std::erase_if(streams_, [](const auto& s) { return s->closed(); });
}

void AdminStream::publish(const std::vector<StockSwitch>& switches) {
  std::lock_guard lock(mutex_);
  if (streams_.empty()) return;
  for (const auto& s : switches)
    broadcast(event("switch", json{{"at", isoTime(s.at)},
                                   {"kind", s.kind},
                                   {"subject", s.subject},
                                   {"state", s.state},
                                   {"variant", s.variant},
                                   {"available", s.available},
                                   {"threshold", s.threshold},
                                   {"configVersion", s.configVersion}}
                                  .dump()));
}

void AdminStream::run() {
  int64_t sinceKeepAlive = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (streams_.empty()) {
      wake_.wait(lock, [this] { return stopping_ || !streams_.empty(); });
      continue;
    }
    wake_.wait_for(lock, std::chrono::milliseconds(intervalMillis_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Sample now;
    try {
      now = sample();  // outside the lock: it reads the storage
    } catch (const std::exception&) {
      lock.lock();
      continue;  // the next interval tries again
    }
    lock.lock();
    std::string at = isoTime(clock_.nowMillis());
    std::string changed;
    for (const auto& [variant, text] : now.stock) {
      auto before = last_.stock.find(variant);
      if (before == last_.stock.end() || before->second != text) changed += (changed.empty() ? "" : ",") + text;
    }
    if (!changed.empty() || now.configVersion != last_.configVersion)
      broadcast(event("stock", R"({"at":")" + at + R"(","configVersion":)" + std::to_string(now.configVersion) +
                                   R"(,"stock":[)" + changed + "]}"));
    std::string guards;
    for (const auto& [promotion, text] : now.guards) {
      auto before = last_.guards.find(promotion);
      if (before == last_.guards.end() || before->second != text) guards += (guards.empty() ? "" : ",") + text;
    }
    if (!guards.empty())
      broadcast(event("guards", R"({"at":")" + at + R"(","guards":[)" + guards + "]}"));
    if (now.activeHolds != last_.activeHolds || now.unitsHeld != last_.unitsHeld)
      broadcast(event("holds", R"({"active":)" + std::to_string(now.activeHolds) + R"(,"at":")" + at + R"(","units":)" +
                                   std::to_string(now.unitsHeld) + "}"));
    last_ = std::move(now);
    sinceKeepAlive += intervalMillis_;
    if (sinceKeepAlive >= kKeepAliveMillis) {
      sinceKeepAlive = 0;
      broadcast(": keep-alive\n\n");  // proxies keep the connection; a vanished client is noticed on write
    }
  }
}

}  // namespace cartcore::server
