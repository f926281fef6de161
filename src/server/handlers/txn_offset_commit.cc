// TxnOffsetCommit (key 28), versions 0-4: offsets committed as part of a
// producer's transaction. Offsets of unknown topics or partitions are refused
// with UNKNOWN_TOPIC_OR_PARTITION; the rest go to the group's coordinator,
// which writes them as one transactional batch of the producer and answers
// once it is durable. They become visible to OffsetFetch only when the
// transaction commits. As in Kafka, the transactional id is not checked with
// the transaction coordinator here (only authorization would be).
#include "protocol/messages/txn_offset_commit.h"
#include "server/broker.h"
#include "server/group_service.h"
#include "server/handlers/handler.h"
#include "server/handlers/offset_commit_common.h"

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::TxnOffsetCommitRequest;
using protocol::TxnOffsetCommitResponse;

}  // namespace

asio::awaitable<net::Response> handle_txn_offset_commit(Broker& broker, net::Request& req) {
  TxnOffsetCommitRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed TxnOffsetCommit request");
  cg::TxnCommitRequest commit;
  commit.group_id = request.group_id;
  commit.producer_id = request.producer_id;
  commit.producer_epoch = request.producer_epoch;
  commit.generation = request.generation_id;
  commit.member_id = request.member_id;
  commit.instance_id = request.group_instance_id;
  commit.version = req.header.api_version;

  TxnOffsetCommitResponse resp;
  co_await commit_offsets(broker, request, commit, resp, &cg::GroupCoordinator::txn_commit);
  co_return respond(resp, req);
}

}  // namespace gregor::server
