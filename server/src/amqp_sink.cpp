// SPDX-License-Identifier: MIT
#include "amqp_sink.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

namespace cartcore::server {

namespace {

constexpr std::size_t kMaxRoutingKey = 255;  // AMQP 0-9-1 shortstr

amqp_bytes_t bytesOf(const std::string& text) { return {text.size(), const_cast<char*>(text.data())}; }

timeval timevalOf(std::chrono::milliseconds duration) {
  return {static_cast<time_t>(duration.count() / 1000), static_cast<suseconds_t>(duration.count() % 1000 * 1000)};
}

/** Why an RPC failed, or "" if it did not. */
std::string replyError(const amqp_rpc_reply_t& reply, const char* what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return {};
    case AMQP_RESPONSE_NONE: return std::string(what) + ": no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return std::string(what) + ": " + amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD || reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        // Both close methods start with reply_code and reply_text.
        const auto* close = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return std::string(what) + ": broker refused (" + std::to_string(close->reply_code) + " " +
               std::string(static_cast<const char*>(close->reply_text.bytes), close->reply_text.len) + ")";
      }
      return std::string(what) + ": broker error";
  }
  return std::string(what) + ": failed";
}

}  // namespace

std::string amqpRoutingKey(const OutboxEvent& event) {
  std::string key = event.type;
  // Events about one variant (stock.*, hold.*) partition by it and carry its SKU; orders and configs do not.
  if (event.type.starts_with("stock.") || event.type.starts_with("hold.")) {
    auto data = nlohmann::json::parse(event.payload, nullptr, false);
    std::string sku = data.is_object() && data.value("sku", nlohmann::json()).is_string() && !data["sku"].get<std::string>().empty()
                          ? data["sku"].get<std::string>()
                          : event.partitionKey;
    for (char& c : sku) c = c == '.' ? '_' : c;  // a topic key's words are dot-separated: a SKU is one word
    key += "." + sku;
  }
  if (key.size() > kMaxRoutingKey) key.resize(kMaxRoutingKey);
  return key;
}

std::string redactAmqpUrl(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

AmqpSink::AmqpSink(AmqpOptions options, Metrics& metrics) : options_(std::move(options)), metrics_(metrics) {
  std::string copy = options_.url;
  amqp_connection_info info;
  if (amqp_parse_url(copy.data(), &info) != AMQP_STATUS_OK)
    throw std::invalid_argument("--amqp needs an amqp://user:password@host:port/vhost URL");
}

AmqpSink::~AmqpSink() { disconnect(); }

void AmqpSink::disconnect() {
  if (!connection_) return;
  // Close politely when the connection is still good; destroying the state closes the socket either way.
  amqp_destroy_connection(connection_);
  connection_ = nullptr;
}

std::string AmqpSink::connect() {
  disconnect();
  std::string copy = options_.url;
  amqp_connection_info info;
  amqp_default_connection_info(&info);
  if (amqp_parse_url(copy.data(), &info) != AMQP_STATUS_OK) return "bad amqp URL";
  connection_ = amqp_new_connection();
  timeval timeout = timevalOf(options_.timeout);
  amqp_set_handshake_timeout(connection_, &timeout);
  amqp_set_rpc_timeout(connection_, &timeout);
  amqp_socket_t* socket = amqp_tcp_socket_new(connection_);
  if (!socket) return "cannot create a socket";
  if (int status = amqp_socket_open_noblock(socket, info.host, info.port, &timeout); status != AMQP_STATUS_OK)
    return std::string("cannot connect to ") + info.host + ":" + std::to_string(info.port) + ": " + amqp_error_string2(status);
  amqp_rpc_reply_t login = amqp_login(connection_, info.vhost, /*channel_max=*/0, /*frame_max=*/131072, /*heartbeat=*/0,
                                      AMQP_SASL_METHOD_PLAIN, info.user, info.password);
  if (std::string error = replyError(login, "login"); !error.empty()) return error;
  amqp_channel_open(connection_, 1);
  if (std::string error = replyError(amqp_get_rpc_reply(connection_), "channel.open"); !error.empty()) return error;
  amqp_confirm_select(connection_, 1);
  if (std::string error = replyError(amqp_get_rpc_reply(connection_), "confirm.select"); !error.empty()) return error;
  amqp_exchange_declare(connection_, 1, bytesOf(options_.exchange), amqp_cstring_bytes("topic"), 0, /*durable=*/1,
                        /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  if (std::string error = replyError(amqp_get_rpc_reply(connection_), "exchange.declare"); !error.empty()) return error;
  nextDeliveryTag_ = 1;
  return {};
}

std::vector<DeliveryResult> AmqpSink::deliver(const std::vector<PendingDelivery>& due, int64_t retryBaseMillis,
                                              int64_t retryMaxMillis) {
  enum class State { Unsent, Sent, Confirmed, Refused };
  std::vector<State> states(due.size(), State::Unsent);
  std::vector<std::string> errors(due.size());
  std::string failure;
  if (!connection_) failure = connect();
  if (!failure.empty()) disconnect();

  // Publish the whole round, then wait for the confirms: one round trip per round, not per event.
  std::map<uint64_t, std::size_t> byTag;
  std::map<int64_t, std::size_t> bySeq;
  for (std::size_t i = 0; i < due.size() && failure.empty(); ++i) {
    const OutboxEvent& event = due[i].event;
    std::string body = eventEnvelope(event), messageId = std::to_string(event.seq), routingKey = amqpRoutingKey(event);
    amqp_basic_properties_t properties{};
    properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                        AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_APP_ID_FLAG;
    properties.content_type = amqp_cstring_bytes("application/json");
    properties.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    properties.message_id = bytesOf(messageId);
    properties.type = bytesOf(event.type);
    properties.timestamp = static_cast<uint64_t>(event.createdAt / 1000);
    properties.app_id = amqp_cstring_bytes("cartcore-server");
    int status = amqp_basic_publish(connection_, 1, bytesOf(options_.exchange), bytesOf(routingKey), /*mandatory=*/1,
                                    /*immediate=*/0, &properties, bytesOf(body));
    if (status != AMQP_STATUS_OK) {
      failure = std::string("publish: ") + amqp_error_string2(status);
      break;
    }
    states[i] = State::Sent;
    byTag[nextDeliveryTag_++] = i;
    bySeq[event.seq] = i;
  }

  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  std::size_t waiting = byTag.size();
  while (failure.empty() && waiting > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = "no publisher confirm for " + std::to_string(options_.timeout.count()) + " ms";
      break;
    }
    timeval wait = timevalOf(left);
    amqp_frame_t frame;
    int status = amqp_simple_wait_frame_noblock(connection_, &frame, &wait);
    if (status == AMQP_STATUS_TIMEOUT) continue;
    if (status != AMQP_STATUS_OK) {
      failure = std::string("waiting for confirms: ") + amqp_error_string2(status);
      break;
    }
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    // The limit is on silence, not on the round: a big round confirmed steadily is not cut off.
    deadline = std::chrono::steady_clock::now() + options_.timeout;
    amqp_method_number_t method = frame.payload.method.id;
    if (method == AMQP_BASIC_ACK_METHOD || method == AMQP_BASIC_NACK_METHOD) {
      uint64_t tag = 0;
      bool multiple = false;
      if (method == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(frame.payload.method.decoded);
        tag = ack->delivery_tag, multiple = ack->multiple;
      } else {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(frame.payload.method.decoded);
        tag = nack->delivery_tag, multiple = nack->multiple;
      }
      auto settle = [&](std::size_t index) {
        if (states[index] != State::Sent) return;  // a returned message keeps its refusal
        states[index] = method == AMQP_BASIC_ACK_METHOD ? State::Confirmed : State::Refused;
        if (method == AMQP_BASIC_NACK_METHOD) errors[index] = "the broker nacked the message";
        --waiting;
      };
      for (auto it = multiple ? byTag.begin() : byTag.find(tag); it != byTag.end() && it->first <= tag;
           it = multiple ? std::next(it) : byTag.end())
        settle(it->second);
    } else if (method == AMQP_BASIC_RETURN_METHOD) {
      // No queue took it (mandatory): its ack follows, but the event is not delivered anywhere, so retry it.
      amqp_message_t message;
      amqp_rpc_reply_t read = amqp_read_message(connection_, 1, &message, 0);
      if (read.reply_type != AMQP_RESPONSE_NORMAL) {
        failure = replyError(read, "reading a returned message");
        break;
      }
      std::string id(static_cast<const char*>(message.properties.message_id.bytes), message.properties.message_id.len);
      amqp_destroy_message(&message);
      auto it = bySeq.find(std::strtoll(id.c_str(), nullptr, 10));
      if (it != bySeq.end() && states[it->second] == State::Sent) {
        states[it->second] = State::Refused;
        errors[it->second] = "no queue is bound for " + amqpRoutingKey(due[it->second].event) + " (message returned)";
        --waiting;
      }
    } else if (method == AMQP_CHANNEL_CLOSE_METHOD || method == AMQP_CONNECTION_CLOSE_METHOD) {
      failure = "the broker closed the channel";
      break;
    }
  }
  if (!failure.empty()) {
    std::cerr << nlohmann::json{{"event", "amqp_delivery_failed"}, {"broker", redactAmqpUrl(options_.url)},
                                {"reason", failure}}.dump()
              << "\n";
    disconnect();  // unconfirmed publishes are in an unknown state: a new connection starts clean
  }

  std::vector<DeliveryResult> results;
  bool blocked = false;  // an earlier event of the current partition failed: the rest of it waits behind it
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (i == 0 || due[i].event.partitionKey != due[i - 1].event.partitionKey) blocked = false;
    if (blocked) continue;
    if (states[i] == State::Confirmed) {
      results.push_back({due[i].event.seq, true, 0, {}, due[i].lease});
      metrics_.amqpPublished.fetch_add(1);
      continue;
    }
    results.push_back(failedDelivery(due[i], errors[i].empty() ? failure : errors[i], retryBaseMillis, retryMaxMillis));
    metrics_.amqpFailures.fetch_add(1);
    blocked = true;
  }
  return results;
}

}  // namespace cartcore::server
