// Shared helpers for request handlers. Each handler is a coroutine
// `asio::awaitable<net::Response> handle_x(Broker&, net::Request&)` that runs on
// the connection's shard.
#pragma once

#include <asio.hpp>
#include <string_view>

#include "base/byte_reader.h"
#include "base/error_code.h"
#include "base/log.h"
#include "net/request_handler.h"

namespace gregor::server {

class Broker;

// Decodes the request body at the request's version; false if malformed.
template <typename Msg>
bool decode_body(const net::Request& req, Msg& out) {
  ByteReader r(req.body);
  out.decode(r, req.header.api_version);
  return r.ok();
}

// A response carrying `msg` encoded at the request's version.
template <typename Msg>
net::Response respond(const Msg& msg, const net::Request& req) {
  net::Response resp;
  msg.encode(resp.body, req.header.api_version);
  return resp;
}

// No answer; the connection is closed with a log line saying why (Kafka closes
// connections that send requests it cannot parse or does not enable).
net::Response close_connection(const net::Request& req, std::string_view why);

asio::awaitable<net::Response> handle_api_versions(Broker&, net::Request&);
asio::awaitable<net::Response> handle_metadata(Broker&, net::Request&);
asio::awaitable<net::Response> handle_produce(Broker&, net::Request&);
asio::awaitable<net::Response> handle_fetch(Broker&, net::Request&);
asio::awaitable<net::Response> handle_list_offsets(Broker&, net::Request&);
asio::awaitable<net::Response> handle_create_topics(Broker&, net::Request&);
asio::awaitable<net::Response> handle_delete_topics(Broker&, net::Request&);
asio::awaitable<net::Response> handle_create_partitions(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_cluster(Broker&, net::Request&);
asio::awaitable<net::Response> handle_find_coordinator(Broker&, net::Request&);
asio::awaitable<net::Response> handle_join_group(Broker&, net::Request&);
asio::awaitable<net::Response> handle_sync_group(Broker&, net::Request&);
asio::awaitable<net::Response> handle_heartbeat(Broker&, net::Request&);
asio::awaitable<net::Response> handle_leave_group(Broker&, net::Request&);
asio::awaitable<net::Response> handle_offset_commit(Broker&, net::Request&);
asio::awaitable<net::Response> handle_offset_fetch(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_groups(Broker&, net::Request&);
asio::awaitable<net::Response> handle_list_groups(Broker&, net::Request&);
asio::awaitable<net::Response> handle_delete_groups(Broker&, net::Request&);
asio::awaitable<net::Response> handle_offset_delete(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_configs(Broker&, net::Request&);
asio::awaitable<net::Response> handle_alter_configs(Broker&, net::Request&);
asio::awaitable<net::Response> handle_incremental_alter_configs(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_log_dirs(Broker&, net::Request&);
asio::awaitable<net::Response> handle_delete_records(Broker&, net::Request&);
asio::awaitable<net::Response> handle_txn_offset_commit(Broker&, net::Request&);
asio::awaitable<net::Response> handle_init_producer_id(Broker&, net::Request&);
asio::awaitable<net::Response> handle_add_partitions_to_txn(Broker&, net::Request&);
asio::awaitable<net::Response> handle_add_offsets_to_txn(Broker&, net::Request&);
asio::awaitable<net::Response> handle_end_txn(Broker&, net::Request&);
asio::awaitable<net::Response> handle_write_txn_markers(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_producers(Broker&, net::Request&);
asio::awaitable<net::Response> handle_describe_transactions(Broker&, net::Request&);
asio::awaitable<net::Response> handle_list_transactions(Broker&, net::Request&);

}  // namespace gregor::server
