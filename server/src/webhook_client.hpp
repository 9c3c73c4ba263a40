// SPDX-License-Identifier: MIT
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <string>

namespace cartcore::server {

/**
 * Posts JSON to webhook receivers over plain http://, keeping the connection open between posts to the same host
 * and port (a new TCP connection per event capped delivery at a few hundred events a second). Blocking, with 5 s
 * socket timeouts, for use by one thread at a time.
 */
class HttpPoster {
 public:
  /** "" when the receiver answered 2xx; otherwise what went wrong (to log with the retry). */
  std::string post(const std::string& url, const std::string& body, const std::string& authorization);

 private:
  std::string send(const std::string& host, const std::string& path, const std::string& body,
                   const std::string& authorization, bool& transportFailed);
  void connect(const std::string& host, const std::string& port);
  void close();

  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ip::tcp::socket> socket_;
  std::string host_;
  std::string port_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace cartcore::server
