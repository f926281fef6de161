// DeleteRecords (key 21), versions 0-2 (KIP-107): moves the log start offset of
// partitions forward (PartitionLog::delete_records), deleting the segments
// wholly below it. Per partition, as Kafka's ReplicaManager.deleteRecords:
//   unknown topic or partition       UNKNOWN_TOPIC_OR_PARTITION
//   internal topic                   INVALID_TOPIC_EXCEPTION
//   cleanup.policy without delete    POLICY_VIOLATION
//   offset -1                        the high watermark
//   offset < 0 or > high watermark   OFFSET_OUT_OF_RANGE
// and the new log start offset as low_watermark (-1 with an error).
// Each owner shard is visited once for all its partitions; the answer waits
// until the new start offsets are in the log dirs' log-start-offset-checkpoint
// files, so deleted records never come back after a crash. timeout_ms bounds
// the wait for replicas in Kafka; with one replica nothing waits for it.
#include <map>
#include <set>

#include "protocol/messages/delete_records.h"
#include "server/broker.h"
#include "server/completion.h"
#include "server/handlers/handler.h"
#include "server/handlers/storage_errors.h"
#include "server/log_maintenance.h"

namespace gregor::server {
namespace {

using protocol::DeleteRecordsRequest;
using protocol::DeleteRecordsResponse;
using PartitionOut = DeleteRecordsResponse::DeleteRecordsPartitionResult;

constexpr int64_t kHighWatermark = -1;
constexpr int64_t kInvalidLowWatermark = -1;

struct Item {
  const TopicInfo* topic;
  int32_t partition;
  int64_t offset;
  size_t topic_index;
  size_t partition_index;
};

// Applies the items of one shard on that shard; the log dirs whose checkpoint
// files must be rewritten are added to `dirs`.
void apply_on_shard(Broker& broker, unsigned shard, const std::vector<Item>& items,
                    DeleteRecordsResponse& resp, std::set<std::string>& dirs) {
  ShardPartitions& partitions = broker.partitions_of(shard);
  for (const Item& item : items) {
    PartitionOut& out = resp.topics[item.topic_index].partitions[item.partition_index];
    storage::PartitionLog* log = partitions.find(item.topic->id, item.partition);
    if (log == nullptr) {
      out.error_code = to_wire(ErrorCode::kNotLeaderOrFollower);
      continue;
    }
    const int64_t offset = item.offset == kHighWatermark ? log->high_watermark() : item.offset;
    auto moved = log->delete_records(offset, item.topic->config.file_delete_delay_ms);
    if (!moved.ok()) {
      out.error_code = to_wire(to_error_code(moved.error()));
      continue;
    }
    out.low_watermark = *moved;
    out.error_code = 0;
    dirs.insert(broker.maintenance().checkpoints().log_dir_of(log->dir()));
  }
}

// The request's partitions that pass the checks made without the log, by owner shard.
std::map<unsigned, std::vector<Item>> prepare(Broker& broker, const TopicTable& table,
                                              const DeleteRecordsRequest& request,
                                              DeleteRecordsResponse& resp) {
  std::map<unsigned, std::vector<Item>> by_shard;
  resp.topics.resize(request.topics.size());
  for (size_t t = 0; t < request.topics.size(); ++t) {
    const auto& in = request.topics[t];
    auto& out = resp.topics[t];
    out.name = in.name;
    out.partitions.resize(in.partitions.size());
    const TopicInfo* topic = table.find(in.name);
    for (size_t p = 0; p < in.partitions.size(); ++p) {
      PartitionOut& po = out.partitions[p];
      po.partition_index = in.partitions[p].partition_index;
      po.low_watermark = kInvalidLowWatermark;
      if (topic == nullptr || !topic->has_partition(po.partition_index)) {
        po.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
      } else if (topic->internal) {
        po.error_code = to_wire(ErrorCode::kInvalidTopicException);
      } else if (!topic->config.cleanup_delete) {
        po.error_code = to_wire(ErrorCode::kPolicyViolation);
      } else {
        by_shard[broker.owner_shard(topic->id, po.partition_index)].push_back(
            {topic, po.partition_index, in.partitions[p].offset, t, p});
      }
    }
  }
  return by_shard;
}

// The partitions of a shard whose checkpoint could not be written: their new
// start offset is in effect but not durable.
void fail_shard(const std::vector<Item>& items, DeleteRecordsResponse& resp) {
  for (const Item& item : items) {
    PartitionOut& out = resp.topics[item.topic_index].partitions[item.partition_index];
    if (out.error_code != 0) continue;
    out.error_code = to_wire(ErrorCode::kKafkaStorageError);
    out.low_watermark = kInvalidLowWatermark;
  }
}

}  // namespace

asio::awaitable<net::Response> handle_delete_records(Broker& broker, net::Request& req) {
  DeleteRecordsRequest request;
  if (!decode_body(req, request))
    co_return close_connection(req, "malformed DeleteRecords request");
  auto table = broker.topics();  // keeps every TopicInfo referenced below alive
  DeleteRecordsResponse resp;
  auto by_shard = prepare(broker, *table, request, resp);
  auto executor = co_await asio::this_coro::executor;
  for (auto it = by_shard.begin(); it != by_shard.end(); ++it) {
    const unsigned shard = it->first;
    const std::vector<Item>& items = it->second;
    const std::vector<Item>* shard_items = &items;
    auto written = Completion<bool>::make(executor);
    auto apply = [&broker, &resp, shard, shard_items, written] {
      std::set<std::string> dirs;
      apply_on_shard(broker, shard, *shard_items, resp, dirs);
      dirs.erase(std::string());
      if (dirs.empty()) {
        written->complete(true);
        return true;
      }
      auto done = [written](bool ok) { written->complete(ok); };
      broker.maintenance().persist(shard, std::move(dirs), std::move(done));
      return true;
    };
    co_await broker.shards().invoke_on(shard, std::move(apply));
    const bool ok = co_await written->wait();
    if (!ok) fail_shard(items, resp);
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
