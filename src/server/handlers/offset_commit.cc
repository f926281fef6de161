// OffsetCommit (key 8), versions 0-9: offsets of unknown topics or partitions
// are refused with UNKNOWN_TOPIC_OR_PARTITION; the rest go to the group's
// coordinator, which answers once they are durable in __consumer_offsets.
#include "protocol/messages/offset_commit.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"
#include "server/handlers/offset_commit_common.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::OffsetCommitRequest;
using protocol::OffsetCommitResponse;

}  // namespace

asio::awaitable<net::Response> handle_offset_commit(Broker& broker, net::Request& req) {
  OffsetCommitRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed OffsetCommit request");
  cg::CommitRequest commit;
  commit.group_id = request.group_id;
  commit.generation = request.generation_id_or_member_epoch;
  commit.member_id = request.member_id;
  commit.instance_id = request.group_instance_id;
  commit.retention_ms = request.retention_time_ms;
  commit.version = req.header.api_version;

  OffsetCommitResponse resp;
  co_await commit_offsets(broker, request, commit, resp, &cg::GroupCoordinator::commit);
  co_return respond(resp, req);
}

}  // namespace gregor::server
