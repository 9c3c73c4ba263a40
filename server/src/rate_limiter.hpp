// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace cartcore::server {

/**
 * Token buckets by key (a client IP): `perMinute` tokens a minute, at most `burst` saved up. In memory and per server
 * instance, so N instances allow N times the rate; enough to slow a bot to a human pace without a database
 * round trip per request. At most `maxKeys` buckets are kept: when full, buckets that have refilled completely
 * (idle clients) are dropped, and if none has, all are (failing open rather than growing without bound).
 */
class RateLimiter {
 public:
  RateLimiter(int64_t perMinute, int64_t burst, std::size_t maxKeys = 100'000);
  /** Takes a token for `key` at `nowMillis`: 0 when allowed, else how many milliseconds until one is available. */
  int64_t take(const std::string& key, int64_t nowMillis);
  bool enabled() const { return perMinute_ > 0; }

 private:
  // Credit in 1/60000 tokens, so a bucket refills by exactly `perMinute_` units each millisecond.
  static constexpr int64_t kToken = 60'000;
  struct Bucket {
    int64_t credit = 0;
    int64_t updatedAt = 0;
  };
  int64_t refilled(const Bucket& bucket, int64_t nowMillis) const;

  int64_t perMinute_;
  int64_t capacity_;
  std::size_t maxKeys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace cartcore::server
