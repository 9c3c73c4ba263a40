// SPDX-License-Identifier: MIT
#include "rate_limiter.hpp"

#include <algorithm>

namespace cartcore::server {

RateLimiter::RateLimiter(int64_t perMinute, int64_t burst, std::size_t maxKeys)
    : perMinute_(std::clamp<int64_t>(perMinute, 0, 1'000'000)),
      capacity_(std::clamp<int64_t>(burst, 1, 1'000'000) * kToken),
      maxKeys_(std::max<std::size_t>(maxKeys, 1)) {}

int64_t RateLimiter::refilled(const Bucket& bucket, int64_t nowMillis) const {
  // Clamp the elapsed time first: a bucket idle for days must not overflow the product.
  const int64_t elapsed = std::clamp<int64_t>(nowMillis - bucket.updatedAt, 0, capacity_ / perMinute_ + 1);
  return std::min(capacity_, bucket.credit + elapsed * perMinute_);
}

int64_t RateLimiter::take(const std::string& key, int64_t nowMillis) {
  if (perMinute_ == 0) return 0;
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(key);
  if (found == buckets_.end()) {
    if (buckets_.size() >= maxKeys_) {
      std::erase_if(buckets_, [&](const auto& entry) { return refilled(entry.second, nowMillis) >= capacity_; });
      if (buckets_.size() >= maxKeys_) buckets_.clear();
    }
    found = buckets_.emplace(key, Bucket{capacity_, nowMillis}).first;
  }
  Bucket& bucket = found->second;
  bucket.credit = refilled(bucket, nowMillis);
  bucket.updatedAt = nowMillis;
  if (bucket.credit >= kToken) {
    bucket.credit -= kToken;
    return 0;
  }
  return (kToken - bucket.credit + perMinute_ - 1) / perMinute_;
}

}  // namespace cartcore::server
