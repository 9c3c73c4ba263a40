// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "server_clock.hpp"
#include "shop.hpp"
#include "storage.hpp"

namespace cartcore::server {

/**
 * One open event stream's outgoing text: events wait here until the connection's writer takes them. Bounded: a
 * reader that falls `maxPendingBytes` behind is closed (it reconnects and gets a fresh snapshot), so a slow client
 * never grows the server's memory. Thread-safe.
 */
class StreamSubscription {
 public:
  explicit StreamSubscription(std::size_t maxPendingBytes) : maxPendingBytes_(maxPendingBytes) {}
  /** Queues text; false (and the subscription closes) when it would pass the bound. */
  bool push(std::string_view text);
  /** Everything queued so far (empty when nothing is). */
  std::string take();
  bool closed() const;
  void close();
  /** Called, outside the lock, whenever text is queued or the subscription closes: the writer's wake-up. */
  void onReady(std::function<void()> wake);

 private:
  void wake();
  mutable std::mutex mutex_;
  std::string pending_;
  bool closed_ = false;
  std::size_t maxPendingBytes_;
  std::function<void()> wake_;
};

/**
 * The live stock and holds view (GET /v1/admin/stream, server-sent events). One sampling thread reads the stock
 * levels and hold counts every `intervalMillis` while a stream is open and sends each stream only what changed,
 * so the cost is one sample per interval whatever the number of streams. At most `maxStreams` are open at once.
 */
class AdminStream {
 public:
  AdminStream(Storage& storage, Shop& shop, ServerClock& clock, std::size_t maxStreams, int intervalMillis);
  ~AdminStream();
  AdminStream(const AdminStream&) = delete;
  AdminStream& operator=(const AdminStream&) = delete;

  /** A new stream that starts with a snapshot, or 503 too_many_streams. */
  ApiResponse open();
  /** Recorded stock switches, sent to every open stream. */
  void publish(const std::vector<StockSwitch>& switches);

 private:
  struct Sample {
    int64_t configVersion = 0;
    int64_t activeHolds = 0;
    int64_t unitsHeld = 0;
    std::map<std::string, std::string> stock;   // variant -> its JSON object text
    std::map<std::string, std::string> guards;  // stock-guarded promotion -> its JSON object text
  };
  Sample sample();
  void broadcast(const std::string& event);
  void run();

  Storage& storage_;
  Shop& shop_;
  ServerClock& clock_;
  std::size_t maxStreams_;
  int intervalMillis_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::shared_ptr<StreamSubscription>> streams_;
  Sample last_;
  std::thread thread_;
};

}  // namespace cartcore::server
