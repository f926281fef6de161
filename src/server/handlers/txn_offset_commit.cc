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

namespace gregor::server {
namespace {

namespace cg = coordinator::group;
using protocol::TxnOffsetCommitRequest;
using protocol::TxnOffsetCommitResponse;
using Errors = std::vector<ErrorCode>;

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
  auto table = broker.topics();
  for (const auto& t : request.topics) {
    auto& topic_out = resp.topics.emplace_back();
    topic_out.name = t.name;
    const TopicInfo* topic = table->find(t.name);
    for (const auto& p : t.partitions) {
      auto& out = topic_out.partitions.emplace_back();
      out.partition_index = p.partition_index;
      if (topic == nullptr || !topic->has_partition(p.partition_index)) {
        out.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      commit.entries.push_back({{t.name, p.partition_index},
                                p.committed_offset,
                                p.committed_leader_epoch,
                                p.committed_metadata,
                                -1});
    }
  }
  // Pointers into resp are taken once it no longer grows.
  std::vector<int16_t*> slots;  // response error of each entry sent to the coordinator
  for (auto& t : resp.topics)
    for (auto& p : t.partitions)
      if (p.error_code == 0) slots.push_back(&p.error_code);

  if (!commit.entries.empty()) {
    GroupAsyncCall<Errors> run = [&commit](cg::GroupCoordinator& c, auto done) {
      c.txn_commit(commit, std::move(done));
    };
    auto errors = co_await broker.groups().call_async<Errors>(request.group_id, std::move(run));
    if (!errors) errors = Errors(slots.size(), ErrorCode::kCoordinatorNotAvailable);
    for (size_t i = 0; i < slots.size() && i < errors->size(); ++i)
      *slots[i] = to_wire((*errors)[i]);
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
