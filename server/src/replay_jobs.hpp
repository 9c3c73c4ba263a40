// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "server_clock.hpp"
#include "shop.hpp"
#include "storage.hpp"

namespace cartcore::server {

/**
 * Config replay as background jobs (POST/GET/DELETE /v1/admin/config/replay): one job at a time on its own thread,
 * off the request path, reading orders page by page (bounded memory) and pricing them with the shared replay
 * library (libcartcore_replay) on `threads` threads. Progress is polled; cancel stops before the next order.
 */
class ReplayJobs {
 public:
  ReplayJobs(Storage& storage, Shop& shop, ServerClock& clock, unsigned threads);
  ~ReplayJobs();
  ReplayJobs(const ReplayJobs&) = delete;
  ReplayJobs& operator=(const ReplayJobs&) = delete;

  /** Validates the draft and the period, then starts the job: 202, or 409 replay_busy while one runs. */
  ApiResponse start(std::string_view body, std::size_t maxBodyBytes);
  ApiResponse get(const std::string& id);
  /** Cancels a queued or running job; a finished one is returned as it is. */
  ApiResponse cancel(const std::string& id);

 private:
  struct Job;
  void run(const std::shared_ptr<Job>& job);
  std::string jobJson(const Job& job) const;

  Storage& storage_;
  Shop& shop_;
  ServerClock& clock_;
  unsigned threads_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Job>> jobs_;  // newest last; finished jobs beyond kKeptJobs are forgotten
  std::thread worker_;
};

}  // namespace cartcore::server
