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
  void schedule(int64_t monotonic_ms);
  void load_step(Uuid topic_id, int32_t partition, int64_t offset);
  void replay_batch(int32_t partition, record::BatchRecords& batch);
  storage::PartitionLog* log_of(int32_t partition);

  Broker& broker_;
  unsigned shard_;
  asio::steady_timer timer_;
  int64_t armed_ = -1;
  bool stopped_ = false;
  coordinator::group::GroupCoordinator coordinator_;
};

class GroupService {
 public:
  explicit GroupService(Broker& broker);
  ~GroupService();

  // Creates the per-shard coordinators (each on its own shard) and, if
  // __consumer_offsets exists, starts loading it. Called once after the
  // partition logs are open.
  void start();
  void stop();

  // Whether __consumer_offsets exists, creating it on first use
  // (offsets.topic.num.partitions, compacted) and starting its partitions'
  // loading; false if it cannot be made.
  asio::awaitable<bool> ensure_topic();
  // Its id, if it exists.
  std::optional<Uuid> topic_id() const;

  // __consumer_offsets was deleted: every coordinator drops the groups of its
  // partitions (parked requests get NOT_COORDINATOR).
  void unload(const TopicInfo& topic);

  GroupShard& shard(unsigned s) { return *shards_[s]; }
  // The shard whose coordinator serves `group` (the topic must exist).
  unsigned owner_of(const Uuid& topic_id, const std::string& group) const;

  // Runs `fn` on the coordinator that serves `group` and returns its result on
  // the calling shard; nullopt if __consumer_offsets does not exist.
  template <typename T>
  asio::awaitable<std::optional<T>> call(const std::string& group, GroupCall<T> fn);
  // Same for coordinator operations that answer through a callback.
  template <typename T>
  asio::awaitable<std::optional<T>> call_async(const std::string& group, GroupAsyncCall<T> fn);
  // Runs `fn` on every shard's coordinator and collects the results.
  template <typename T>
  asio::awaitable<std::vector<T>> on_every_shard(GroupCall<T> fn);

 private:
  void start_loading(const TopicInfo& topic);

  Broker& broker_;
  std::vector<std::unique_ptr<GroupShard>> shards_;
};

}  // namespace gregor::server

#include "server/group_service_inl.h"
