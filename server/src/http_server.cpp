// SPDX-License-Identifier: MIT
#include "http_server.hpp"

#include <algorithm>
#include <array>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <limits>
#include <optional>

#include "admin_stream.hpp"

namespace cartcore::server {

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Api& api, Metrics& metrics, const HttpOptions& options,
          std::shared_ptr<std::atomic<std::size_t>> openConnections)
      : stream_(std::move(socket)), api_(api), metrics_(metrics), options_(options),
        openConnections_(std::move(openConnections)) {
    openConnections_->fetch_add(1);
    metrics_.connectionsOpen.fetch_add(1);
  }
  ~Session() {
    if (subscription_) subscription_->close();
    openConnections_->fetch_sub(1);
    metrics_.connectionsOpen.fetch_sub(1);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    beast::error_code ec;
    auto peer = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      // One client, one key: an IPv4 peer on a dual-stack socket is named as IPv4.
      auto address = peer.address();
      peerAddress_ = address.is_v6() && address.to_v6().is_v4_mapped()
                         ? boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string()
                         : address.to_string();
    }
    readHeader();
  }

 private:
  void readHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.maxHeaderBytes));
    // The real limit depends on the route, known only after the header; it is set in onHeader.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(std::chrono::seconds(options_.idleTimeoutSeconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) {
      if (ec == http::error::header_limit) return reject(431, "header_too_large", "The request headers are too large.");
      if (ec == http::error::body_limit) return reject(413, "payload_too_large", "The body is too large.");
      if (ec != http::error::end_of_stream && ec != beast::error::timeout && ec != boost::asio::error::eof &&
          ec != boost::asio::error::connection_reset)
        return reject(400, "malformed_request", "The HTTP request could not be parsed.");
      return close();
    }
    auto& request = parser_->get();
    std::size_t limit = api_.bodyLimitFor(std::string_view(request.target().data(), request.target().size()));
    // Refuse an announced oversize body before reading a byte of it.
    if (auto length = parser_->content_length(); length && *length > limit)
      return reject(413, "payload_too_large", "The body is larger than " + std::to_string(limit) + " bytes.");
    parser_->body_limit(limit);
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      continue_ = std::make_shared<http::response<http::empty_body>>(http::status::continue_, request.version());
      http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code writeError, std::size_t) {
        if (writeError) return self->close();
        self->readBody();
      });
      return;
    }
    readBody();
  }

  void readBody() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRequest(ec); });
  }

  void onRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) return reject(413, "payload_too_large", "The body is too large.");
    if (ec) {
      if (ec == beast::error::timeout || ec == http::error::end_of_stream) return close();
      return reject(400, "malformed_request", "The HTTP request could not be parsed.");
    }
    auto started = std::chrono::steady_clock::now();
    auto& request = parser_->get();
    auto view = [](beast::string_view s) { return std::string_view(s.data(), s.size()); };
    const bool head = request.method() == http::verb::head;
    ApiRequest apiRequest{head ? std::string_view("HEAD") : view(request.method_string()),
                          view(request.target()),
                          request.body(),
                          view(request[http::field::authorization]),
                          view(request["Idempotency-Key"]),
                          view(request[http::field::content_type]),
                          view(request["Cartcore-Customer"]),
                          peerAddress_,
                          view(request[http::field::if_none_match]),
                          view(request["Cartcore-Client-Ip"]),
                          [&request, &view](std::string_view name) {
                            return view(request[beast::string_view(name.data(), name.size())]);
                          },
                          view(request[http::field::accept])};
    Route route = Route::NotFound;
    ApiResponse answer;
    if (request.method() == http::verb::options) {
      route = Route::Preflight;
      answer = {204, "", "application/json"};
    } else {
      answer = api_.handle(apiRequest, route);
    }
    const int status = answer.status;
    if (answer.stream && !head) {
      metrics_.observeRequest(route, status,
                              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      return startStream(std::move(answer.stream), view(request[http::field::origin]));
    }
    if (answer.stream) answer.stream->close();  // HEAD: the headers only
    send(std::move(answer), request.keep_alive(), view(request[http::field::origin]),
         request.method() == http::verb::options, head);
    metrics_.observeRequest(route, status,
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

  void reject(int status, std::string_view code, const std::string& message) {
    send(errorResponse(status, code, message), false, {}, false, false);
  }

  void send(ApiResponse answer, bool keepAlive, std::string_view origin, bool preflight, bool head) {
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), 11);
    response->set(http::field::server, "cartcore");
    if (answer.status != 204) response->set(http::field::content_type, answer.contentType);
    for (const auto& [name, value] : answer.headers) response->set(name, value);
    addCors(*response, origin, preflight);
    response->keep_alive(keepAlive);
    if (head) {
      // RFC 9110 9.3.2: a HEAD answer has GET's headers, Content-Length included, and no body.
      response->content_length(answer.body.size());
    } else if (answer.status == 304) {
      // RFC 9110 8.6: a 304's Content-Length could only be the full representation's; send none and no body.
    } else {
      response->body() = std::move(answer.body);
      response->prepare_payload();
    }
    response_ = response;
    http::async_write(stream_, *response_, [self = shared_from_this(), keepAlive](beast::error_code ec, std::size_t) {
      if (ec || !keepAlive) return self->close();
      self->readHeader();
    });
  }

  /** An event stream (GET /v1/admin/stream): chunked text/event-stream written as the subscription fills. */
  void startStream(std::shared_ptr<StreamSubscription> subscription, std::string_view origin) {
    auto header = std::make_shared<http::response<http::empty_body>>(http::status::ok, 11);
    header->set(http::field::server, "cartcore");
    header->set(http::field::content_type, "text/event-stream");
    header->set(http::field::cache_control, "no-cache");
    header->chunked(true);
    addCors(*header, origin, false);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*header);
    subscription_ = std::move(subscription);
    stream_.expires_never();  // the stream lives until either side closes; writes set their own deadline
    http::async_write_header(stream_, *serializer,
                             [self = shared_from_this(), header, serializer](beast::error_code ec, std::size_t) {
                               if (ec) return self->closeStream();
                               std::weak_ptr<Session> weak = self;
                               auto executor = self->stream_.get_executor();
                               self->subscription_->onReady([weak, executor] {
                                 boost::asio::post(executor, [weak] {
                                   if (auto session = weak.lock()) session->writeStream();
                                 });
                               });
                               self->watchStreamClose();
                               self->writeStream();
                             });
  }

  /** A read that only ends when the client hangs up; it also keeps the session alive between events. */
  void watchStreamClose() {
    if (!scratch_) scratch_ = std::make_unique<std::array<char, 16384>>();
    stream_.async_read_some(boost::asio::buffer(*scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!self->subscription_) return;
      if (ec) return self->closeStream();
      self->watchStreamClose();  // whatever a client sends on a stream is ignored
    });
  }

  void writeStream() {
    if (streamWriting_ || !subscription_) return;
    std::string text = subscription_->take();
    if (text.empty()) {
      if (subscription_->closed()) closeStream();  // the server stopped, or the client fell too far behind
      return;
    }
    streamWriting_ = true;
    auto chunk = std::make_shared<std::string>(std::move(text));
    stream_.expires_after(std::chrono::seconds(60));  // a client that stops reading does not hold the socket forever
    boost::asio::async_write(stream_, http::make_chunk(boost::asio::buffer(*chunk)),
                             [self = shared_from_this(), chunk](beast::error_code ec, std::size_t) {
                               self->streamWriting_ = false;
                               if (ec) return self->closeStream();
                               self->stream_.expires_never();
                               self->writeStream();
                             });
  }

  void closeStream() {
    if (subscription_) subscription_->close();
    subscription_.reset();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  template <class Response>
  void addCors(Response& response, std::string_view origin, bool preflight) {
    const auto& allowed = options_.corsOrigins;
    if (origin.empty() || allowed.empty()) return;
    bool any = std::find(allowed.begin(), allowed.end(), "*") != allowed.end();
    if (!any && std::find(allowed.begin(), allowed.end(), origin) == allowed.end()) return;
    response.set(http::field::access_control_allow_origin, any ? std::string_view("*") : origin);
    if (!any) response.set(http::field::vary, "Origin");
    if (preflight) {
      response.set(http::field::access_control_allow_methods, "GET, POST, PUT, DELETE, OPTIONS");
      response.set(http::field::access_control_allow_headers, "Content-Type, Authorization, Idempotency-Key, Cartcore-Customer");
      response.set(http::field::access_control_max_age, "600");
    }
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // Lingering close: read and discard what the client is still sending (say, the rest of a refused huge
    // body) until it hangs up. Closing with unread data makes the kernel send RST, and the client would lose
    // the error response it has not read yet.
    stream_.expires_after(std::chrono::seconds(5));
    drain();
  }

  void drain() {
    if (!scratch_) scratch_ = std::make_unique<std::array<char, 16384>>();
    stream_.async_read_some(boost::asio::buffer(*scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->drain();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::shared_ptr<http::response<http::empty_body>> continue_;
  std::unique_ptr<std::array<char, 16384>> scratch_;
  std::shared_ptr<StreamSubscription> subscription_;  // set while this connection is an event stream
  bool streamWriting_ = false;
  Api& api_;
  Metrics& metrics_;
  const HttpOptions& options_;
  std::shared_ptr<std::atomic<std::size_t>> openConnections_;
  std::string peerAddress_;
};

/** Accept failures that mean "no file descriptor or memory for a new socket right now": retrying at once would
 *  fail the same way in a busy loop, and the connection waits in the backlog either way. */
bool outOfResources(const beast::error_code& ec) {
  return ec == boost::system::errc::too_many_files_open || ec == boost::system::errc::too_many_files_open_in_system ||
         ec == boost::system::errc::no_buffer_space || ec == boost::system::errc::not_enough_memory;
}

}  // namespace

HttpServer::HttpServer(boost::asio::io_context& acceptIo, std::vector<boost::asio::io_context*> workers,
                       const tcp::endpoint& endpoint, Api& api, Metrics& metrics, HttpOptions options)
    : workers_(std::move(workers)),
      acceptor_(acceptIo),
      acceptRetry_(acceptIo),
      api_(api),
      metrics_(metrics),
      options_(std::move(options)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

unsigned short HttpServer::port() const { return acceptor_.local_endpoint().port(); }

void HttpServer::start() { accept(); }

void HttpServer::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
  acceptRetry_.cancel();
}

void HttpServer::acceptLater(std::chrono::milliseconds delay) {
  acceptRetry_.expires_after(delay);
  acceptRetry_.async_wait([this](beast::error_code ec) {
    if (!ec && acceptor_.is_open()) accept();
  });
}

void HttpServer::accept() {
  // At the cap, new connections wait in the kernel's listen backlog (their handshake is done, nothing is read)
  // until a session ends; polling the count every 20 ms costs nothing measurable and needs no cross-thread wake-up.
  if (openConnections_->load() >= options_.maxConnections) return acceptLater(std::chrono::milliseconds(20));
  // Connections are dealt round-robin to the single-threaded workers.
  boost::asio::io_context& worker = *workers_[nextWorker_++ % workers_.size()];
  acceptor_.async_accept(worker, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == boost::asio::error::operation_aborted) return;
      if (outOfResources(ec)) {
        // EMFILE and friends: the pending connection stays queued, so accepting again at once would fail again
        // and spin a core. Back off (10 ms doubling to 1 s) until a descriptor is free.
        backoff_ = std::min<std::chrono::milliseconds>(std::max(backoff_ * 2, std::chrono::milliseconds(10)),
                                                       std::chrono::milliseconds(1000));
        metrics_.acceptBackoffs.fetch_add(1);
        auto now = std::chrono::steady_clock::now();
        if (now - lastBackoffLog_ > std::chrono::seconds(10)) {
          lastBackoffLog_ = now;
          std::cerr << "cartcore-server: cannot accept connections (" << ec.message() << "); retrying in "
                    << backoff_.count() << " ms\n";
        }
        return acceptLater(backoff_);
      }
    } else {
      backoff_ = std::chrono::milliseconds(0);
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), api_, metrics_, options_, openConnections_)->start();
    }
    accept();
  });
}

}  // namespace cartcore::server
