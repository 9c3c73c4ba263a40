// SPDX-License-Identifier: MIT
#include "http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>

namespace cartcore::server {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBytes = 8 << 20;  // a WooCommerce batch answer for 100 products is ~200 KB

}  // namespace

std::optional<HttpUrl> parseHttpUrl(const std::string& url) {
  HttpUrl out;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    out.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.target = std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') out.target = "/" + out.target;
  if (std::size_t hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // credentials go in headers, not URLs
  std::string_view port;
  if (authority.starts_with("[")) {  // [IPv6]:port
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else {
    std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return std::nullopt;
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else {
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) return std::nullopt;
    out.port = std::to_string(number);
  }
  return out;
}

std::string HttpResult::failure() const {
  if (!answered) return error.empty() ? "no answer" : error;
  if (status >= 200 && status < 300) return {};
  return "HTTP " + std::to_string(status);
}

struct HttpClient::State {
  explicit State(const TlsTrust& trust, std::chrono::milliseconds limit) : tls(ssl::context::tls_client), timeout(limit) {
    // TLS 1.2 or newer, the peer's chain verified against the trusted CAs; the name is checked per connection.
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.set_verify_mode(ssl::verify_peer);
    if (trust.caFile.empty()) tls.set_default_verify_paths();
    else tls.load_verify_file(trust.caFile);  // throws on an unreadable or empty file: a start-up error
  }

  /** Runs the io_context until the operation started by `start` completes, and returns its error code. */
  template <class Start>
  beast::error_code run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void close() {
    if (plain || secure) {
      beast::error_code ignored;
      tcp().socket().close(ignored);
    }
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  /** Opens a connection to `url` (TLS handshake and name check included); "" or what failed. */
  std::string open(const HttpUrl& url) {
    close();
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    beast::error_code ec;
    // The resolver has no deadline of its own; names are local (hosts file, loopback) or answered by the system's
    // resolver, whose own timeouts apply.
    endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return "cannot resolve " + url.host + ": " + ec.message();
    if (url.tls) {
      secure.emplace(io, tls);
      // SNI for name-based virtual hosts (not for an IP address, RFC 6066 section 3), and the certificate must
      // name the host: a valid certificate for another name is refused like an untrusted one.
      // OpenSSL's own name check, so a mismatch is reported as X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH.
      SSL* handle = secure->native_handle();
      boost::system::error_code notAnAddress;
      asio::ip::make_address(url.host, notAnAddress);
      bool named = notAnAddress ? SSL_set_tlsext_host_name(handle, url.host.c_str()) == 1 && SSL_set1_host(handle, url.host.c_str()) == 1
                                : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), url.host.c_str()) == 1;
      if (!named) return "cannot set the TLS peer name " + url.host;
    } else {
      plain.emplace(io);
    }
    tcp().expires_after(timeout);
    ec = run([&](auto handler) { tcp().async_connect(endpoints, handler); });
    if (ec) return "cannot connect to " + url.host + ":" + url.port + ": " + ec.message();
    if (url.tls) {
      tcp().expires_after(timeout);
      ec = run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
      if (ec) {
        long verify = SSL_get_verify_result(secure->native_handle());
        std::string reason = verify != X509_V_OK ? X509_verify_cert_error_string(verify) : ec.message();
        return "TLS handshake with " + url.host + " failed: " + reason;
      }
    }
    connectedTo = {url.tls, url.host, url.port};
    return {};
  }

  asio::io_context io;
  ssl::context tls;
  std::chrono::milliseconds timeout;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  std::tuple<bool, std::string, std::string> connectedTo;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(TlsTrust trust, std::chrono::milliseconds timeout)
    : state_(std::make_unique<State>(trust, timeout)) {}

HttpClient::~HttpClient() { state_->close(); }

HttpResult HttpClient::exchange(const HttpUrl& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                bool& retryable) {
  State& s = *state_;
  retryable = false;
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  bool ipv6 = url.host.find(':') != std::string::npos;
  bool defaultPort = url.port == (url.tls ? "443" : "80");
  request.set(http::field::host, (ipv6 ? "[" + url.host + "]" : url.host) + (defaultPort ? "" : ":" + url.port));
  request.set(http::field::content_type, "application/json");
  request.set(http::field::user_agent, "cartcore-server");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  s.tcp().expires_after(s.timeout);
  beast::error_code ec = s.secure ? s.run([&](auto handler) { http::async_write(*s.secure, request, handler); })
                                  : s.run([&](auto handler) { http::async_write(*s.plain, request, handler); });
  if (!ec) {
    s.tcp().expires_after(s.timeout);
    ec = s.secure ? s.run([&](auto handler) { http::async_read(*s.secure, s.buffer, parser, handler); })
                  : s.run([&](auto handler) { http::async_read(*s.plain, s.buffer, parser, handler); });
  }
  HttpResult result;
  if (ec) {
    retryable = ec != beast::error::timeout;  // a stale kept-alive connection fails at once; a slow server does not
    result.error = ec == beast::error::timeout ? "no answer within " + std::to_string(s.timeout.count()) + " ms"
                                               : ec.message();
    s.close();
    return result;
  }
  auto& response = parser.get();
  result.answered = true;
  result.status = response.result_int();
  result.body = std::move(response.body());
  if (!response.keep_alive()) s.close();
  return result;
}

HttpResult HttpClient::postJson(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpResult result;
  std::optional<HttpUrl> target = parseHttpUrl(url);
  if (!target) {
    result.error = "not an http:// or https:// URL: " + url;
    return result;
  }
  State& s = *state_;
  bool reused = (s.plain || s.secure) && s.connectedTo == std::tuple{target->tls, target->host, target->port};
  if (!reused) {
    if (std::string error = s.open(*target); !error.empty()) {
      s.close();
      result.error = error;
      return result;
    }
  }
  bool retryable = false;
  result = exchange(*target, body, headers, retryable);
  if (retryable && reused) {
    // The server may have closed the idle kept-alive connection: one more try on a new one.
    if (std::string error = s.open(*target); !error.empty()) {
      s.close();
      result.error = error;
      return result;
    }
    result = exchange(*target, body, headers, retryable);
  }
  return result;
}

}  // namespace cartcore::server
