// SPDX-License-Identifier: MIT
#include "webhook_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>

namespace cartcore::server {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct ParsedUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

bool parseHttpUrl(const std::string& url, ParsedUrl& out) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  std::string rest = url.substr(scheme.size());
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
  }
  return !out.host.empty();
}

}  // namespace

void HttpPoster::close() {
  if (socket_) {
    beast::error_code ignored;
    socket_->shutdown(tcp::socket::shutdown_both, ignored);
    socket_->close(ignored);
  }
  socket_.reset();
  buffer_.clear();
}

void HttpPoster::connect(const std::string& host, const std::string& port) {
  close();
  tcp::resolver resolver(io_);
  auto socket = std::make_unique<tcp::socket>(io_);
  boost::asio::connect(*socket, resolver.resolve(host, port));
  timeval timeout{5, 0};  // a stuck receiver must not stall every other partition forever
  setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  socket_ = std::move(socket);
  host_ = host;
  port_ = port;
}

std::string HttpPoster::send(const std::string& host, const std::string& path, const std::string& body,
                             const std::string& authorization, bool& transportFailed) {
  transportFailed = false;
  try {
    http::request<http::string_body> request{http::verb::post, path, 11};
    request.set(http::field::host, host);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::user_agent, "cartcore-server");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    http::write(*socket_, request);
    http::response<http::string_body> response;
    http::read(*socket_, buffer_, response);
    if (!response.keep_alive()) close();
    unsigned status = response.result_int();
    if (status >= 200 && status < 300) return {};
    return "HTTP " + std::to_string(status);
  } catch (const std::exception& e) {
    transportFailed = true;
    close();
    return e.what();
  }
}

std::string HttpPoster::post(const std::string& url, const std::string& body, const std::string& authorization) {
  ParsedUrl target;
  if (!parseHttpUrl(url, target)) return "unsupported URL (only http:// is supported): " + url;
  bool reused = socket_ && host_ == target.host && port_ == target.port;
  try {
    if (!reused) connect(target.host, target.port);
  } catch (const std::exception& e) {
    close();
    return e.what();
  }
  bool transportFailed = false;
  std::string error = send(target.host, target.path, body, authorization, transportFailed);
  if (transportFailed && reused) {
    // The receiver may have closed an idle kept-alive connection: one more try on a fresh one. If the first
    // attempt did reach it, the event arrives twice, which at-least-once delivery allows (receivers dedupe on id).
    try {
      connect(target.host, target.port);
    } catch (const std::exception& e) {
      close();
      return e.what();
    }
    error = send(target.host, target.path, body, authorization, transportFailed);
  }
  return error;
}

}  // namespace cartcore::server
