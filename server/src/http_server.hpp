// SPDX-License-Identifier: MIT
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
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

  std::vector<boost::asio::io_context*> workers_;
  std::size_t nextWorker_ = 0;
  boost::asio::ip::tcp::acceptor acceptor_;
  Api& api_;
  Metrics& metrics_;
  HttpOptions options_;
};

}  // namespace cartcore::server
