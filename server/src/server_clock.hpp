// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cartcore::server {

/**
 * The server's notion of "now" in epoch milliseconds: the wall clock plus an offset. Only the test clock
 * endpoint (enabled by --test-clock) moves the offset, so expiry tests advance time instead of sleeping. A skew
 * (--clock-skew-ms, tests only) shifts this process's clock alone, as a machine whose clock is wrong would: it
 * moves "now" for pricing and for the SQLite store, not the database clock PostgreSQL decides expiry on.
 */
class ServerClock {
 public:
  explicit ServerClock(int64_t skewMillis = 0) : skewMillis_(skewMillis) {}
  int64_t nowMillis() const { return wallMillis() + skewMillis_ + offsetMillis_.load(std::memory_order_relaxed); }
  void advance(int64_t millis) { offsetMillis_.fetch_add(millis, std::memory_order_relaxed); }
  void set(int64_t epochMillis) {
    offsetMillis_.store(epochMillis - wallMillis() - skewMillis_, std::memory_order_relaxed);
  }
  /** How far the test clock has moved this process's time (0 in production). A database that keeps its own clock
   *  adds it to that clock, so the test clock drives expiry there too. */
  int64_t offsetMillis() const { return offsetMillis_.load(std::memory_order_relaxed); }

  /** Real time, for delivery backoff and latency figures that must not follow the test clock. */
  static int64_t wallMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  const int64_t skewMillis_;
  std::atomic<int64_t> offsetMillis_{0};
};

}  // namespace cartcore::server
