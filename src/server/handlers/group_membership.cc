// The classic group protocol: JoinGroup (key 11, v0-9), SyncGroup (14, v0-5),
// Heartbeat (12, v0-4), LeaveGroup (13, v0-5). The work happens in the group's
// coordinator (coordinator/group/), on the shard that owns the group's
// __consumer_offsets partition.
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/sync_group.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::HeartbeatRequest;
using protocol::HeartbeatResponse;
using protocol::JoinGroupRequest;
using protocol::JoinGroupResponse;
using protocol::LeaveGroupRequest;
using protocol::LeaveGroupResponse;
using protocol::SyncGroupRequest;
using protocol::SyncGroupResponse;

// Kafka shows a member's host as "/<ip>".
std::string client_host(const std::string& peer) {
  std::string host = peer.substr(0, peer.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return "/" + host;
}

}  // namespace

asio::awaitable<net::Response> handle_join_group(Broker& broker, net::Request& req) {
  JoinGroupRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed JoinGroup request");
  cg::JoinContext ctx{req.header.api_version, req.header.client_id.value_or(""),
                      client_host(req.conn->peer)};
  GroupAsyncCall<JoinGroupResponse> run = [&request, ctx](cg::GroupCoordinator& c, auto done) {
    c.join(request, ctx, std::move(done));
  };
  auto answer = co_await broker.groups().call_async<JoinGroupResponse>(request.group_id, run);
  if (!answer) {
    JoinGroupResponse r;
    r.error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
    r.generation_id = -1;
    r.member_id = request.member_id;
    answer = std::move(r);
  }
  co_return respond(*answer, req);
}

asio::awaitable<net::Response> handle_sync_group(Broker& broker, net::Request& req) {
  SyncGroupRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed SyncGroup request");
  const int16_t version = req.header.api_version;
  GroupAsyncCall<SyncGroupResponse> run = [&request, version](cg::GroupCoordinator& c, auto done) {
    c.sync(request, version, std::move(done));
  };
  auto answer = co_await broker.groups().call_async<SyncGroupResponse>(request.group_id, run);
  if (!answer) {
    answer.emplace();
    answer->error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
  }
  co_return respond(*answer, req);
}

asio::awaitable<net::Response> handle_heartbeat(Broker& broker, net::Request& req) {
  HeartbeatRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed Heartbeat request");
  GroupCall<ErrorCode> run = [&request](cg::GroupCoordinator& c) { return c.heartbeat(request); };
  auto error = co_await broker.groups().call<ErrorCode>(request.group_id, run);
  HeartbeatResponse resp;
  resp.error_code = to_wire(error.value_or(ErrorCode::kCoordinatorNotAvailable));
  co_return respond(resp, req);
}

asio::awaitable<net::Response> handle_leave_group(Broker& broker, net::Request& req) {
  LeaveGroupRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed LeaveGroup request");
  const int16_t version = req.header.api_version;
  GroupCall<LeaveGroupResponse> run = [&request, version](cg::GroupCoordinator& c) {
    return c.leave(request, version);
  };
  auto answer = co_await broker.groups().call<LeaveGroupResponse>(request.group_id, run);
  if (!answer) {
    answer.emplace();
    answer->error_code = to_wire(ErrorCode::kCoordinatorNotAvailable);
  }
  co_return respond(*answer, req);
}

}  // namespace gregor::server
