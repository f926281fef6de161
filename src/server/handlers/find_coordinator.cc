// FindCoordinator (key 10), versions 0-6. This broker coordinates every group
// (key type 0) and every transactional id (key type 1); the first request of
// each kind creates __consumer_offsets / __transaction_state. librdkafka only
// enables LZ4 when FindCoordinator v0 is advertised.
#include "protocol/messages/find_coordinator.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"
#include "server/txn_service.h"

namespace gregor::server {
namespace {

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;

struct Found {
  ErrorCode error = ErrorCode::kNone;
  std::optional<std::string> message;
  int32_t node_id = -1;
  std::string host;
  int32_t port = -1;
};

asio::awaitable<Found> find(Broker& broker, const net::Request& req, int8_t key_type) {
  Found f;
  if (key_type != kGroupKey && key_type != kTransactionKey) {
    f.error = ErrorCode::kInvalidRequest;
    f.message = "Unknown coordinator key type " + std::to_string(key_type);
    co_return f;
  }
  bool exists = false;
  if (key_type == kGroupKey) {
    exists = co_await broker.groups().ensure_topic();
  } else {
    exists = co_await broker.txns().ensure_topic();
  }
  if (!exists) {
    f.error = ErrorCode::kCoordinatorNotAvailable;
    f.message = key_type == kGroupKey ? "The group coordinator is not available."
                                      : "The transaction coordinator is not available.";
    co_return f;
  }
  const config::Endpoint ep = broker.advertised_endpoint(req.conn->listener_name);
  f.node_id = broker.node_id();
  f.host = ep.host;
  f.port = ep.port;
  co_return f;
}

}  // namespace

asio::awaitable<net::Response> handle_find_coordinator(Broker& broker, net::Request& req) {
  protocol::FindCoordinatorRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed FindCoordinator request");
  protocol::FindCoordinatorResponse resp;
  if (req.header.api_version < 4) {
    Found f = co_await find(broker, req, request.key_type);
    resp.error_code = to_wire(f.error);
    resp.error_message = f.message;
    resp.node_id = f.node_id;
    resp.host = f.host;
    resp.port = f.port;
    co_return respond(resp, req);
  }
  for (const auto& key : request.coordinator_keys) {
    Found f = co_await find(broker, req, request.key_type);
    auto& c = resp.coordinators.emplace_back();
    c.key = key;
    c.error_code = to_wire(f.error);
    c.error_message = f.message;
    c.node_id = f.node_id;
    c.host = f.host;
    c.port = f.port;
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
