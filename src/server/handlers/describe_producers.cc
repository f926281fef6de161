// DescribeProducers (key 61), version 0: the producers a partition knows
// (producer state kept for idempotence and transactions), read on each
// partition's owner shard. Unknown topics and partitions get
// UNKNOWN_TOPIC_OR_PARTITION; internal topics are described like any other.
#include "protocol/messages/describe_producers.h"
#include "server/broker.h"
#include "server/handlers/handler.h"
#include "storage/partition_log.h"

namespace gregor::server {
namespace {

using protocol::DescribeProducersRequest;
using protocol::DescribeProducersResponse;
using PartitionOut = DescribeProducersResponse::PartitionResponse;

void describe_local(const storage::PartitionLog& log, PartitionOut& out) {
  for (const storage::ProducerInfo& p : log.active_producers()) {
    auto& state = out.active_producers.emplace_back();
    state.producer_id = p.producer_id;
    state.producer_epoch = p.epoch;
    state.last_sequence = p.last_sequence;
    state.last_timestamp = p.last_timestamp;
    state.coordinator_epoch = p.coordinator_epoch;
    state.current_txn_start_offset = p.current_txn_start_offset;
  }
}

}  // namespace

asio::awaitable<net::Response> handle_describe_producers(Broker& broker, net::Request& req) {
  DescribeProducersRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DescribeProducers request");
  DescribeProducersResponse resp;
  auto table = broker.topics();
  for (const auto& t : request.topics) {
    auto& topic_out = resp.topics.emplace_back();
    topic_out.name = t.name;
    const TopicInfo* topic = table->find(t.name);
    for (int32_t p : t.partition_indexes) {
      PartitionOut& out = topic_out.partitions.emplace_back();
      out.partition_index = p;
      if (topic == nullptr || !topic->has_partition(p)) {
        out.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      const unsigned owner = broker.owner_shard(topic->id, p);
      co_await broker.shards().invoke_on(owner, [&, owner] {
        const storage::PartitionLog* log = broker.partitions_of(owner).find(topic->id, p);
        if (log == nullptr) {
          out.error_code = to_wire(ErrorCode::kNotLeaderOrFollower);
        } else {
          describe_local(*log, out);
        }
        return true;
      });
    }
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
