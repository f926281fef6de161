// FindCoordinator (key 10), versions 0-6. Groups (key type 0): this broker
// coordinates every group; the first request creates __consumer_offsets.
// Transactions (key type 1) have no coordinator yet: COORDINATOR_NOT_AVAILABLE,
// retriable. librdkafka only enables LZ4 when FindCoordinator v0 is advertised.
#include "protocol/messages/find_coordinator.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"

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
  if (key_type == kTransactionKey) {
    f.error = ErrorCode::kCoordinatorNotAvailable;
    f.message = "This broker does not run a transaction coordinator yet.";
    co_return f;
  }
  if (key_type != kGroupKey) {
    f.error = ErrorCode::kInvalidRequest;
    f.message = "Unknown coordinator key type " + std::to_string(key_type);
    co_return f;
  }
  const bool exists = co_await broker.groups().ensure_topic();
  if (!exists) {
    f.error = ErrorCode::kCoordinatorNotAvailable;
    f.message = "The group coordinator is not available.";
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
