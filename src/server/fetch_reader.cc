#include "server/fetch_reader.h"

#include <algorithm>
#include <map>

#include "server/broker.h"
#include "server/completion.h"
#include "server/handlers/storage_errors.h"

namespace gregor::server {
namespace {

// Resolves the topic of a target; sets `read.error` when it cannot be read.
const TopicInfo* resolve(const TopicTable& table, const FetchTarget& t, bool by_id,
                         PartitionRead& read) {
  const TopicInfo* topic = by_id ? table.find(t.topic_id) : table.find(t.topic);
  if (topic == nullptr) {
    read.error = by_id ? ErrorCode::kUnknownTopicId : ErrorCode::kUnknownTopicOrPartition;
    return nullptr;
  }
  if (!topic->has_partition(t.partition)) {
    read.error = ErrorCode::kUnknownTopicOrPartition;
    return nullptr;
  }
  // This broker has led every partition since epoch 0; a newer epoch is unknown here.
  if (t.current_leader_epoch > 0) {
    read.error = ErrorCode::kUnknownLeaderEpoch;
    return nullptr;
  }
  read.topic_id = topic->id;
  return topic;
}

// Kafka's Log.read with FetchIsolation: read_uncommitted reads up to the high
// watermark, read_committed up to the last stable offset and lists the aborted
// transactions that overlap [fetch offset, last stable offset) (a superset of
// the batches returned, which clients accept).
void read_local(storage::PartitionLog& log, const FetchTarget& t, size_t limit, bool min_one,
                bool read_committed, PartitionRead& read) {
  read.high_watermark = log.high_watermark();
  read.last_stable_offset = log.last_stable_offset();
  read.log_start_offset = log.log_start_offset();
  read.records.is_null = false;
  if (t.fetch_offset < read.log_start_offset || t.fetch_offset > log.log_end_offset()) {
    read.error = ErrorCode::kOffsetOutOfRange;
    return;
  }
  const int64_t visible_end = read_committed ? read.last_stable_offset : read.high_watermark;
  if (t.fetch_offset >= visible_end) return;  // nothing visible yet
  auto result = log.read(t.fetch_offset, visible_end, limit, min_one);
  if (!result.ok()) {
    read.error = to_error_code(result.error());
    return;
  }
  read.bytes = result->size_bytes;
  read.records.chunks = std::move(result->chunks);
  if (read_committed) read.aborted = log.aborted_transactions(t.fetch_offset, visible_end);
}

}  // namespace

asio::awaitable<std::vector<PartitionRead>> read_partitions(Broker& broker,
                                                            const std::vector<FetchTarget>& targets,
                                                            int32_t max_bytes, bool by_id,
                                                            bool read_committed) {
  std::vector<PartitionRead> reads(targets.size());
  auto table = broker.topics();
  size_t remaining = static_cast<size_t>(std::max(max_bytes, 0));
  bool min_one = true;
  for (size_t i = 0; i < targets.size(); ++i) {
    const FetchTarget& t = targets[i];
    PartitionRead& read = reads[i];
    const TopicInfo* topic = resolve(*table, t, by_id, read);
    if (topic == nullptr) continue;
    size_t limit = std::min(remaining, static_cast<size_t>(std::max(t.partition_max_bytes, 0)));
    const unsigned owner = broker.owner_shard(topic->id, t.partition);
    co_await broker.shards().invoke_on(owner, [&, owner] {
      storage::PartitionLog* log = broker.partitions_of(owner).find(topic->id, t.partition);
      if (log == nullptr) {
        read.error = ErrorCode::kNotLeaderOrFollower;
      } else {
        read_local(*log, t, limit, min_one, read_committed, read);
      }
      return true;
    });
    if (read.bytes > 0) min_one = false;
    remaining -= std::min(remaining, read.bytes);
  }
  co_return reads;
}

asio::awaitable<void> wait_for_data(Broker& broker, const std::vector<FetchTarget>& targets,
                                    const std::vector<PartitionRead>& reads,
                                    std::chrono::steady_clock::time_point deadline) {
  auto executor = co_await asio::this_coro::executor;
  auto wake = Completion<bool>::make(executor);
  struct Watch {
    Uuid topic;
    int32_t partition;
    int64_t seen_hw;
    uint64_t listener = 0;
  };
  std::map<unsigned, std::vector<Watch>> by_owner;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (reads[i].error != ErrorCode::kNone || reads[i].topic_id.is_zero()) continue;
    unsigned owner = broker.owner_shard(reads[i].topic_id, targets[i].partition);
    by_owner[owner].push_back({reads[i].topic_id, targets[i].partition, reads[i].high_watermark});
  }
  for (auto& [owner, watches] : by_owner) {
    co_await broker.shards().invoke_on(owner, [&, owner = owner] {
      for (Watch& w : watches) {
        storage::PartitionLog* log = broker.partitions_of(owner).find(w.topic, w.partition);
        if (log == nullptr) continue;
        // Data may have arrived since the read: do not sleep through it.
        if (log->high_watermark() != w.seen_hw) wake->complete(true);
        w.listener = log->add_hw_listener([wake] { wake->complete(true); });
      }
      return true;
    });
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  // The listeners are in place: a shutdown that began before this check
  // either fired them or is seen here.
  if (left.count() > 0 && !broker.stopping()) co_await wake->wait(left);
  for (auto& [owner, watches] : by_owner) {
    co_await broker.shards().invoke_on(owner, [&, owner = owner] {
      for (const Watch& w : watches) {
        if (w.listener == 0) continue;
        if (storage::PartitionLog* log = broker.partitions_of(owner).find(w.topic, w.partition)) {
          log->remove_hw_listener(w.listener);
        }
      }
      return true;
    });
  }
}

}  // namespace gregor::server
