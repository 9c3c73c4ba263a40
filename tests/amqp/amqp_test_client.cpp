// SPDX-License-Identifier: MIT
// The RabbitMQ side of the broker test (tests/amqp): declares the consumer's queue, and drains it as JSON lines.
//   amqp-test-client declare URL EXCHANGE QUEUE BINDING   durable topic exchange, durable queue, binding
//   amqp-test-client drain URL QUEUE                      every message (basic.get + ack) until the queue is empty:
//                                                         {"messageId","routingKey","type","deliveryMode","contentType","body"}
// Exit 0 on success, 1 with the reason on stderr (e.g. the broker is not up yet: the test retries).
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

std::string text(amqp_bytes_t bytes) { return {static_cast<const char*>(bytes.bytes), bytes.len}; }

void check(amqp_rpc_reply_t reply, const char* what) {
  if (reply.reply_type != AMQP_RESPONSE_NORMAL) throw std::runtime_error(std::string(what) + " failed");
}

amqp_connection_state_t open(const std::string& url) {
  std::string copy = url;
  amqp_connection_info info;
  if (amqp_parse_url(copy.data(), &info) != AMQP_STATUS_OK) throw std::runtime_error("bad URL");
  amqp_connection_state_t connection = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(connection);
  timeval timeout{5, 0};
  if (!socket || amqp_socket_open_noblock(socket, info.host, info.port, &timeout) != AMQP_STATUS_OK)
    throw std::runtime_error("cannot connect");
  check(amqp_login(connection, info.vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password), "login");
  amqp_channel_open(connection, 1);
  check(amqp_get_rpc_reply(connection), "channel.open");
  return connection;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string command = argc > 1 ? argv[1] : "";
    if (command == "declare" && argc == 6) {
      amqp_connection_state_t c = open(argv[2]);
      amqp_exchange_declare(c, 1, amqp_cstring_bytes(argv[3]), amqp_cstring_bytes("topic"), 0, 1, 0, 0, amqp_empty_table);
      check(amqp_get_rpc_reply(c), "exchange.declare");
      amqp_queue_declare(c, 1, amqp_cstring_bytes(argv[4]), 0, /*durable=*/1, 0, 0, amqp_empty_table);
      check(amqp_get_rpc_reply(c), "queue.declare");
      amqp_queue_bind(c, 1, amqp_cstring_bytes(argv[4]), amqp_cstring_bytes(argv[3]), amqp_cstring_bytes(argv[5]),
                      amqp_empty_table);
      check(amqp_get_rpc_reply(c), "queue.bind");
      amqp_connection_close(c, AMQP_REPLY_SUCCESS);
      amqp_destroy_connection(c);
      return 0;
    }
    if (command == "drain" && argc == 4) {
      amqp_connection_state_t c = open(argv[2]);
      for (;;) {
        amqp_rpc_reply_t reply = amqp_basic_get(c, 1, amqp_cstring_bytes(argv[3]), /*no_ack=*/0);
        check(reply, "basic.get");
        if (reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD) break;
        uint64_t tag = static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded)->delivery_tag;
        std::string routingKey = text(static_cast<amqp_basic_get_ok_t*>(reply.reply.decoded)->routing_key);
        amqp_message_t message;
        check(amqp_read_message(c, 1, &message, 0), "reading a message");
        const amqp_basic_properties_t& p = message.properties;
        nlohmann::json line = {
            {"messageId", p._flags & AMQP_BASIC_MESSAGE_ID_FLAG ? text(p.message_id) : ""},
            {"routingKey", routingKey},
            {"type", p._flags & AMQP_BASIC_TYPE_FLAG ? text(p.type) : ""},
            {"deliveryMode", p._flags & AMQP_BASIC_DELIVERY_MODE_FLAG ? p.delivery_mode : 0},
            {"contentType", p._flags & AMQP_BASIC_CONTENT_TYPE_FLAG ? text(p.content_type) : ""},
            {"body", text(message.body)}};
        std::cout << line.dump() << "\n";
        amqp_destroy_message(&message);
        if (amqp_basic_ack(c, 1, tag, 0) != AMQP_STATUS_OK) throw std::runtime_error("basic.ack failed");
      }
      amqp_connection_close(c, AMQP_REPLY_SUCCESS);
      amqp_destroy_connection(c);
      return 0;
    }
    std::cerr << "usage: amqp-test-client declare URL EXCHANGE QUEUE BINDING | drain URL QUEUE\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "amqp-test-client: " << e.what() << "\n";
    return 1;
  }
}
