// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api.hpp"
#include "metrics.hpp"

namespace cartcore::server {

struct HttpOptions {
  std::vector<std::string> corsOrigins;  // "*" allows any origin
  std::size_t maxHeaderBytes = 16 * 1024;
  int idleTimeoutSeconds = 30;
  std::size_t maxConnections = 1000;  // open client connections; more wait in the kernel's listen backlog
};

/**
 * Accepts connections and runs keep-alive HTTP/1.1 sessions (Boost.Beast) that call the Api. Each connection lives
 * on one of `workers`, each an io_context run by exactly one thread: a session's handlers never run concurrently
 * and no handler crosses threads, which saves the shared scheduler's locking and wake-ups on every request.
 */
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& acceptIo, std::vector<boost::asio::io_context*> workers,
             const boost::asio::ip::tcp::endpoint& endpoint, Api& api, Metrics& metrics, HttpOptions options);
  /** The bound port (useful when asked for port 0). */
  unsigned short port() const;
  void start();
  void stop();

 private:
  void accept();
  /** Accepts again after `delay` (at the connection cap, or out of file descriptors). */
  void acceptLater(std::chrono::milliseconds delay);

  std::vector<boost::asio::io_context*> workers_;
  std::size_t nextWorker_ = 0;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer acceptRetry_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point lastBackoffLog_{};
  // Shared with the sessions, which may outlive this object while their io_context shuts down.
  std::shared_ptr<std::atomic<std::size_t>> openConnections_ = std::make_shared<std::atomic<std::size_t>>(0);
  Api& api_;
  Metrics& metrics_;
  HttpOptions options_;
};

}  // namespace cartcore::server
