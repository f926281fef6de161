// The group coordinator inside the broker: one GroupCoordinator per shard,
// serving the __consumer_offsets partitions that shard owns; their records are
// appended to those partitions' logs, and replayed from them at start-up.
//
// Threads: GroupShard lives on its shard and is touched only there. Handlers
// on any shard reach a group's coordinator with for_group() / on_group(),
// which hop to the owner shard of the group's partition.
#pragma once

#include <asio.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "coordinator/group/group_coordinator.h"
#include "server/completion.h"
#include "server/coordinator_service.h"
#include "server/coordinator_timer.h"
#include "server/topic_table.h"

namespace gregor::storage {
class PartitionLog;
}
namespace gregor::record {
class BatchRecords;
}

namespace gregor::server {

class Broker;

inline constexpr const char* kOffsetsTopic = "__consumer_offsets";

// Work for a group's coordinator, run on its shard. Handlers name these
// (GCC 12 mishandles lambdas created inside a co_await expression).
template <typename T>
using GroupCall = std::function<T(coordinator::group::GroupCoordinator&)>;
template <typename T>
using GroupAsyncCall =
    std::function<void(coordinator::group::GroupCoordinator&, std::function<void(T)>)>;

// The coordinator of one shard, its record writer and its timer.
class GroupShard final : public coordinator::group::RecordWriter {
 public:
  GroupShard(Broker& broker, unsigned shard);
  ~GroupShard() override;

  coordinator::group::GroupCoordinator& coordinator() { return coordinator_; }
  void write(int32_t partition, std::vector<coordinator::group::CoordinatorRecord> records,
             std::function<void(ErrorCode)> done,
             const coordinator::group::BatchProducer* producer) override;
  // Replays partition `partition` of __consumer_offsets (topic `topic_id`) in
  // steps, so requests keep flowing; its groups answer
  // COORDINATOR_LOAD_IN_PROGRESS until the end.
  void load(const Uuid& topic_id, int32_t partition);
  void stop();

 private:
  void load_step(Uuid topic_id, int32_t partition, int64_t offset);
  void replay_batch(int32_t partition, record::BatchRecords& batch);
  storage::PartitionLog* log_of(int32_t partition);

  Broker& broker_;
  unsigned shard_;
  CoordinatorTimer timer_;
  coordinator::group::GroupCoordinator coordinator_;
};

// The group coordinators of every shard over __consumer_offsets
// (coordinator_service.h: call(), call_async(), on_every_shard(), start/stop,
// unload when the topic is deleted).
class GroupService : public CoordinatorService<GroupShard> {
 public:
  explicit GroupService(Broker& broker);

  // Whether __consumer_offsets exists, creating it on first use
  // (offsets.topic.num.partitions, compacted) and starting its partitions'
  // loading; false if it cannot be made.
  asio::awaitable<bool> ensure_topic();
};

}  // namespace gregor::server
