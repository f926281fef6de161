// FindCoordinator (key 10), versions 0-6. Group and transaction coordinators
// are not implemented yet, so every key gets COORDINATOR_NOT_AVAILABLE (a
// retriable error: clients keep working with manual partition assignment).
// The API must still be advertised: librdkafka only enables LZ4 compression
// (its "LZ4" feature) when FindCoordinator v0 is in the broker's range.
#include "protocol/messages/find_coordinator.h"
#include "server/broker.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

constexpr const char* kNotYet = "This broker does not run a group or transaction coordinator yet.";

}  // namespace

asio::awaitable<net::Response> handle_find_coordinator(Broker&, net::Request& req) {
  protocol::FindCoordinatorRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed FindCoordinator request");
  protocol::FindCoordinatorResponse resp;
  if (req.header.api_version < 4) {
    resp.error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
    resp.error_message = kNotYet;
    resp.node_id = -1;
    co_return respond(resp, req);
  }
  for (const auto& key : request.coordinator_keys) {
    protocol::FindCoordinatorResponse::Coordinator c;
    c.key = key;
    c.node_id = -1;
    c.error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
    c.error_message = kNotYet;
    resp.coordinators.push_back(std::move(c));
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
