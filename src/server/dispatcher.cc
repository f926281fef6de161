#include "server/dispatcher.h"

#include <fmt/format.h>

#include "protocol/messages/api_table.h"
#include "server/api_support.h"
#include "server/handlers/handler.h"

namespace gregor::server {

net::Response close_connection(const net::Request& req, std::string_view why) {
  const auto* api = protocol::find_api(req.header.api_key);
  log::warn("closing connection from {} (client '{}'): {} {} v{}: {}", req.conn->peer,
            req.header.client_id.value_or(""), api ? api->name : "unknown API", req.header.api_key,
            req.header.api_version, why);
  net::Response resp;
  resp.send = false;
  resp.close_after = true;
  return resp;
}

asio::awaitable<net::Response> Dispatcher::handle(net::Request& req) {
  const int16_t key = req.header.api_key;
  if (key == 18) co_return co_await handle_api_versions(broker_, req);
  if (!is_supported(key, req.header.api_version)) {
    co_return close_connection(req, "API or version not supported by this broker");
  }
  switch (key) {
    case 0:
      co_return co_await handle_produce(broker_, req);
    case 1:
      co_return co_await handle_fetch(broker_, req);
    case 2:
      co_return co_await handle_list_offsets(broker_, req);
    case 3:
      co_return co_await handle_metadata(broker_, req);
    case 8:
      co_return co_await handle_offset_commit(broker_, req);
    case 9:
      co_return co_await handle_offset_fetch(broker_, req);
    case 10:
      co_return co_await handle_find_coordinator(broker_, req);
    case 11:
      co_return co_await handle_join_group(broker_, req);
    case 12:
      co_return co_await handle_heartbeat(broker_, req);
    case 13:
      co_return co_await handle_leave_group(broker_, req);
    case 14:
      co_return co_await handle_sync_group(broker_, req);
    case 15:
      co_return co_await handle_describe_groups(broker_, req);
    case 16:
      co_return co_await handle_list_groups(broker_, req);
    case 19:
      co_return co_await handle_create_topics(broker_, req);
    case 20:
      co_return co_await handle_delete_topics(broker_, req);
    case 21:
      co_return co_await handle_delete_records(broker_, req);
    case 22:
      co_return co_await handle_init_producer_id(broker_, req);
    case 24:
      co_return co_await handle_add_partitions_to_txn(broker_, req);
    case 25:
      co_return co_await handle_add_offsets_to_txn(broker_, req);
    case 26:
      co_return co_await handle_end_txn(broker_, req);
    case 27:
      co_return co_await handle_write_txn_markers(broker_, req);
    case 28:
      co_return co_await handle_txn_offset_commit(broker_, req);
    case 32:
      co_return co_await handle_describe_configs(broker_, req);
    case 33:
      co_return co_await handle_alter_configs(broker_, req);
    case 35:
      co_return co_await handle_describe_log_dirs(broker_, req);
    case 37:
      co_return co_await handle_create_partitions(broker_, req);
    case 42:
      co_return co_await handle_delete_groups(broker_, req);
    case 44:
      co_return co_await handle_incremental_alter_configs(broker_, req);
    case 47:
      co_return co_await handle_offset_delete(broker_, req);
    case 60:
      co_return co_await handle_describe_cluster(broker_, req);
    case 61:
      co_return co_await handle_describe_producers(broker_, req);
    case 65:
      co_return co_await handle_describe_transactions(broker_, req);
    case 66:
      co_return co_await handle_list_transactions(broker_, req);
    default:
      co_return close_connection(req, "API advertised but has no handler");
  }
}

}  // namespace gregor::server
