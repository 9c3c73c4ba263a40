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

/** Accepts connections and runs keep-alive HTTP/1.1 sessions (Boost.Beast) that call the Api. */
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, Api& api, Metrics& metrics,
             HttpOptions options);
  /** The bound port (useful when asked for port 0). */
  unsigned short port() const;
  void start();
  void stop();

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Api& api_;
  Metrics& metrics_;
  HttpOptions options_;
};

}  // namespace cartcore::server
