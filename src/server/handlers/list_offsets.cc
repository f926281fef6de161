// ListOffsets (key 2), versions 0-10: latest (-1), earliest (-2), max
// timestamp (-3, v7+), earliest local (-4, v8+), earliest pending upload (-5,
// v9+: nothing is tiered, so -1), and by timestamp through the time index.
// isolation_level (v2+) READ_COMMITTED bounds latest and timestamp lookups by
// the last stable offset instead of the high watermark, as Kafka does.
#include "protocol/messages/list_offsets.h"
#include "server/broker.h"
#include "server/handlers/handler.h"

namespace gregor::server {
namespace {

using protocol::ListOffsetsRequest;
using protocol::ListOffsetsResponse;
using PartitionOut = ListOffsetsResponse::ListOffsetsPartitionResponse;

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;
constexpr int64_t kEarliestLocal = -4;
constexpr int64_t kEarliestPendingUpload = -5;

// Looks up one offset on the partition's owner shard.
void lookup(storage::PartitionLog& log, int64_t timestamp, bool read_committed, PartitionOut& out) {
  const int64_t hw = read_committed ? log.last_stable_offset() : log.high_watermark();
  switch (timestamp) {
    case kLatest:
      out.offset = hw;
      return;
    case kEarliest:
    case kEarliestLocal:
      out.offset = log.log_start_offset();
      return;
    case kEarliestPendingUpload:
      return;
    case kMaxTimestamp:
      if (auto found = log.max_timestamp()) {
        out.timestamp = found->timestamp;
        out.offset = found->offset;
      }
      return;
    default:
      if (timestamp < 0) return;
      if (auto found = log.offset_for_timestamp(timestamp); found && found->offset < hw) {
        out.timestamp = found->timestamp;
        out.offset = found->offset;
      }
  }
}

}  // namespace

asio::awaitable<net::Response> handle_list_offsets(Broker& broker, net::Request& req) {
  ListOffsetsRequest request;
  if (!decode_body(req, request)) co_return close_connection(req, "malformed ListOffsets request");
  const int16_t version = req.header.api_version;
  const bool read_committed = version >= 2 && request.isolation_level == 1;
  ListOffsetsResponse resp;
  auto table = broker.topics();
  for (const auto& t : request.topics) {
    auto& topic_out = resp.topics.emplace_back();
    topic_out.name = t.name;
    const TopicInfo* topic = table->find(t.name);
    for (const auto& p : t.partitions) {
      PartitionOut& out = topic_out.partitions.emplace_back();
      out.partition_index = p.partition_index;
      out.timestamp = -1;
      out.offset = -1;
      out.leader_epoch = -1;
      if (topic == nullptr || !topic->has_partition(p.partition_index)) {
        out.error_code = to_wire(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      if (p.current_leader_epoch > 0) {
        out.error_code = to_wire(ErrorCode::kUnknownLeaderEpoch);
        continue;
      }
      const unsigned owner = broker.owner_shard(topic->id, p.partition_index);
      co_await broker.shards().invoke_on(owner, [&, owner] {
        storage::PartitionLog* log = broker.partitions_of(owner).find(topic->id, p.partition_index);
        if (log == nullptr) {
          out.error_code = to_wire(ErrorCode::kNotLeaderOrFollower);
        } else {
          lookup(*log, p.timestamp, read_committed, out);
        }
        return true;
      });
      if (out.offset >= 0) out.leader_epoch = 0;
      if (version == 0 && out.error_code == 0 && out.offset >= 0 && p.max_num_offsets > 0) {
        out.old_style_offsets.push_back(out.offset);
      }
    }
  }
  co_return respond(resp, req);
}

}  // namespace gregor::server
