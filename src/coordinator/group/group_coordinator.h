// The classic group coordinator of one shard: the groups of the
// __consumer_offsets partitions that shard owns, driven through Kafka's
// JoinGroup / SyncGroup / Heartbeat / LeaveGroup state machine (WIRE-NOTES
// §10), with committed offsets, and persisted as records in those partitions.
//
// Threads: not thread-safe; every call, every callback it makes and every
// RecordWriter completion happens on the owning shard's thread.
//
// Time: deadlines (sessions, join and sync phases, pending members) use the
// clock's monotonic time, record timestamps its wall time. The coordinator
// asks to be woken through `Schedule`; the owner then calls tick(). Tests drive
// it with a ManualClock and call tick() themselves.
//
// Persistence: group metadata (after each completed rebalance and when a
// group empties), offset commits and tombstones go through RecordWriter; a
// request that needs them is answered only after they are durable. At start-up
// each partition is replayed (begin_loading / replay / finish_loading); until
// then requests for its groups get COORDINATOR_LOAD_IN_PROGRESS.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error_code.h"
#include "coordinator/group/group.h"
#include "coordinator/group/group_config.h"
#include "coordinator/group/group_records.h"
#include "protocol/messages/describe_groups.h"
#include "protocol/messages/heartbeat.h"
#include "protocol/messages/join_group.h"
#include "protocol/messages/leave_group.h"
#include "protocol/messages/list_groups.h"
#include "protocol/messages/sync_group.h"

namespace gregor::coordinator::group {

// The producer whose transaction a batch of coordinator records belongs to
// (TxnOffsetCommit).
struct BatchProducer {
  int64_t id = -1;
  int16_t epoch = -1;
};

// Appends records to a partition of __consumer_offsets, as one batch, in the
// order of the calls (the coordinator relies on that order matching the log's).
// `done` runs later on the coordinator's thread: NONE once the records are
// durable, else the error. With `producer`, the batch is transactional and
// carries that producer id and epoch (base sequence -1: a coordinator batch,
// not sequence-checked); the transaction's marker later commits or aborts it.
class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual void write(int32_t partition, std::vector<CoordinatorRecord> records,
                     std::function<void(ErrorCode)> done,
                     const BatchProducer* producer = nullptr) = 0;
};

// Kafka's partition for a group: abs(Java String.hashCode(group id)) mod n.
int32_t partition_for_group(std::string_view group_id, int32_t num_partitions);

struct JoinContext {
  int16_t version = 0;
  std::string client_id;
  std::string client_host;
};

struct CommitEntry {
  TopicPartition tp;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  int64_t commit_timestamp = -1;  // OffsetCommit v1 only
};

struct CommitRequest {
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;
  std::optional<std::string> instance_id;
  int64_t retention_ms = -1;  // OffsetCommit v2-4
  int16_t version = 0;
  std::vector<CommitEntry> entries;
};
// TxnOffsetCommit: offsets committed as part of a producer's transaction.
// generation -1, empty member id and no instance id (always so before v3):
// no membership check.
struct TxnCommitRequest {
  std::string group_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t generation = -1;
  std::string member_id;
  std::optional<std::string> instance_id;
  int16_t version = 0;
  std::vector<CommitEntry> entries;
};

// One error per entry, in order.
using CommitCallback = std::function<void(std::vector<ErrorCode>)>;

struct FetchedOffsets {
  ErrorCode error = ErrorCode::kNone;
  std::vector<std::pair<TopicPartition, CommittedOffset>> offsets;
  // With require_stable: the partitions among `offsets` that have pending
  // transactional offsets; they answer UNSTABLE_OFFSET_COMMIT with offset -1.
  std::set<TopicPartition> unstable;
};

struct OffsetDeleteResult {
  ErrorCode error = ErrorCode::kNone;
  std::vector<ErrorCode> partitions;  // one per requested partition
};

class GroupCoordinator {
 public:
  using Schedule = std::function<void(int64_t monotonic_ms)>;

  GroupCoordinator(GroupConfig config, const Clock& clock, RecordWriter& writer, Schedule schedule);
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  const GroupConfig& config() const { return config_; }

  // Partition lifecycle. replay() takes the records of the partition in
  // offset order; a record it cannot decode is an error (the caller logs it
  // and goes on, as Kafka does). `txn_producer_id` >= 0: the record is in a
  // transactional batch of that producer, so its offset commit stays pending
  // until replay_marker() sees that producer's COMMIT or ABORT marker
  // (transactions without a marker by the end stay pending after loading).
  void begin_loading(int32_t partition);
  Result<Ok, std::string> replay(int32_t partition, std::span<const uint8_t> key,
                                 std::optional<std::span<const uint8_t>> value,
                                 int64_t txn_producer_id = -1);
  void replay_marker(int32_t partition, int64_t producer_id, bool commit);
  void finish_loading(int32_t partition);
  // Drops the partition's groups; parked requests get NOT_COORDINATOR.
  void unload(int32_t partition);
  // unload() of every partition, loaded or loading (the broker shuts down).
  void unload_all();
  // NONE if this coordinator serves the partition, COORDINATOR_LOAD_IN_PROGRESS
  // while it replays it, NOT_COORDINATOR otherwise.
  ErrorCode partition_error(int32_t partition) const;
  ErrorCode group_error(const std::string& group_id) const;
  bool any_loading() const { return !loading_.empty(); }

  // Membership. `done` may run before join()/sync() return.
  void join(const protocol::JoinGroupRequest& req, const JoinContext& ctx, JoinCallback done);
  void sync(const protocol::SyncGroupRequest& req, int16_t version, SyncCallback done);
  ErrorCode heartbeat(const protocol::HeartbeatRequest& req);
  protocol::LeaveGroupResponse leave(const protocol::LeaveGroupRequest& req, int16_t version);

  // Offsets.
  void commit(const CommitRequest& req, CommitCallback done);
  // TxnOffsetCommit: validates as Kafka does, writes the offsets as one
  // transactional batch of the producer and, once durable, answers; they stay
  // pending (invisible to fetch_offsets) until complete_txn().
  void txn_commit(const TxnCommitRequest& req, CommitCallback done);
  // A COMMIT (commit = true) or ABORT marker of `producer_id` is durable in
  // `partition`: that producer's pending offsets in the partition's groups are
  // committed (each unless a commit written later to the log already replaced
  // it, Kafka's rule) or dropped.
  void complete_txn(int32_t partition, int64_t producer_id, bool commit);
  // `partitions` nullopt: every committed offset of the group. require_stable
  // (OffsetFetch v7+): partitions with pending transactional offsets are
  // listed in `unstable`.
  FetchedOffsets fetch_offsets(const std::string& group_id,
                               const std::optional<std::vector<TopicPartition>>& partitions,
                               bool require_stable = false);
  void delete_offsets(const std::string& group_id, const std::vector<TopicPartition>& partitions,
                      std::function<void(OffsetDeleteResult)> done);

  // Administration.
  void describe(const std::string& group_id, protocol::DescribeGroupsResponse::DescribedGroup& out);
  // Appends the groups of the loaded partitions that pass the filters (state
  // and type names, case-insensitive; empty = all).
  void list(const std::vector<std::string>& states, const std::vector<std::string>& types,
            std::vector<protocol::ListGroupsResponse::ListedGroup>& out) const;
  void delete_group(const std::string& group_id, std::function<void(ErrorCode)> done);

  // Runs every timer that is due. Call when the Schedule hook's time comes.
  void tick();

  // For tests and introspection.
  const Group* find(const std::string& group_id) const;
  size_t group_count() const { return groups_.size(); }

 private:
  enum class PartitionState { kLoading, kLoaded };

  Group* find_group(const std::string& group_id);
  Group& create_group(const std::string& group_id, int32_t partition);
  void erase_if_unused(const std::string& group_id);

  // Join paths (group_join.cc).
  void join_new_member(Group& g, const protocol::JoinGroupRequest& req, const JoinContext& ctx,
                       JoinCallback& done);
  void join_known_member(Group& g, const protocol::JoinGroupRequest& req, const JoinContext& ctx,
                         JoinCallback& done);
  void replace_static_member(Group& g, const protocol::JoinGroupRequest& req,
                             const JoinContext& ctx, JoinCallback& done);
  void add_member_and_rebalance(Group& g, const std::string& member_id,
                                const protocol::JoinGroupRequest& req, const JoinContext& ctx,
                                JoinCallback& done);
  void update_member_and_rebalance(Group& g, Member& m, const protocol::JoinGroupRequest& req,
                                   const JoinContext& ctx, JoinCallback& done);
  protocol::JoinGroupResponse current_generation_response(const Group& g, const Member& m,
                                                          int16_t version, bool skip) const;

  // Rebalance phases (group_rebalance.cc).
  void prepare_rebalance(Group& g, const char* reason);
  void maybe_complete_join(Group& g);
  void complete_join(Group& g);
  void finish_sync(const std::string& group_id, int32_t generation, ErrorCode error);
  void reset_pending_syncs(Group& g, ErrorCode error);
  void remove_member_and_rebalance(Group& g, const std::string& member_id, const char* reason);
  void persist_group(Group& g);

  // Timers.
  void reschedule(Group& g);
  void expire(Group& g, int64_t now);
  void expire_offsets();

  // Offsets (group_offsets.cc, group_txn_offsets.cc).
  ErrorCode validate_txn_commit(Group& g, const TxnCommitRequest& req) const;
  void finish_txn_write(const std::string& group_id, int64_t producer_id,
                        const std::vector<TopicPartition>& tps, int64_t order, ErrorCode e);

  int64_t now_ms() const { return clock_.now_ms(); }
  int64_t mono_ms() const { return clock_.monotonic_ms(); }

  GroupConfig config_;
  const Clock& clock_;
  RecordWriter& writer_;
  Schedule schedule_;
  std::map<int32_t, PartitionState> partitions_;
  std::map<int32_t, GroupMap> loading_;  // groups being replayed, by partition
  GroupMap groups_;
  std::multimap<int64_t, std::string> timers_;  // deadline -> group id
  int64_t next_retention_check_ = 0;
  // Stamps records in the order they reach the log (replay, then writes), for
  // Kafka's "the later offset commit record wins" rule (CommittedOffset::record_order).
  int64_t next_record_order_ = 0;
  // Groups with pending transactional offsets, by producer id (entries may be
  // stale: a group that is gone or has nothing of that producer is skipped).
  std::map<int64_t, std::set<std::string>> txn_producer_groups_;
};

}  // namespace gregor::coordinator::group
