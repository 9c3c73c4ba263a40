// SPDX-License-Identifier: MIT
// An outgoing HTTP/1.1 client for webhooks and the WooCommerce REST API: http:// and https:// (Beast's SSL
// streams over OpenSSL, the peer's certificate verified against the system CA store or a given CA file, and its
// name checked against the URL's host), one kept-alive connection, a deadline on every step.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cartcore::server {

/** The parts of an http:// or https:// URL a request needs. */
struct HttpUrl {
  bool tls = false;
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  std::string port;  // "80" / "443" unless given
  std::string target = "/";  // path and query
};

/** Parses "http[s]://host[:port][/path]"; nothing for any other scheme, an empty host or a bad port. */
std::optional<HttpUrl> parseHttpUrl(const std::string& url);

/** How https:// peers are trusted. */
struct TlsTrust {
  std::string caFile;  // PEM bundle of the CAs to trust instead of the system store ("" = the system store)
};

/** One answer, or why there is none. */
struct HttpResult {
  bool answered = false;  // false: the request may or may not have reached the server (`error` says what failed)
  unsigned status = 0;
  std::string body;
  std::string error;  // "" when answered
  bool ok() const { return answered && status >= 200 && status < 300; }
  /** "" for a 2xx, else a short reason for logs and retries ("HTTP 503", the transport error). */
  std::string failure() const;
};

/**
 * A blocking client for one thread at a time. It keeps the last connection open and reuses it for the next
 * request to the same scheme, host and port; a reused connection that turns out closed is retried once on a new
 * one (so a request may reach the server twice: callers deliver at least once and receivers deduplicate).
 * Every step (resolve, connect, TLS handshake, write, read) must finish within `timeout`, so a receiver that
 * stops answering costs at most a few timeouts, never a stuck thread.
 */
class HttpClient {
 public:
  explicit HttpClient(TlsTrust trust = {}, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /** POSTs `body` (JSON) with the extra headers (name, value). */
  HttpResult postJson(const std::string& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  HttpResult exchange(const HttpUrl& url, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers, bool& retryable);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cartcore::server
