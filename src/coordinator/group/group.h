// A classic consumer group (JoinGroup/SyncGroup protocol): its state, members,
// generation and committed offsets. Plain data plus the rules that depend on
// the group alone (protocol compatibility and selection, static member
// mapping); the transitions that involve timers, callbacks and persistence are
// in GroupCoordinator.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coordinator/group/member.h"

namespace gregor::coordinator::group {

// Kafka's ClassicGroupState, with its display names.
enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
std::string_view state_name(GroupState s);

using TopicPartition = std::pair<std::string, int32_t>;

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp = -1;  // wall ms
  int64_t expire_timestamp = -1;  // wall ms; -1: by the group's retention rule
  // Where its record sits in the partition's log order (not an offset; larger
  // = later). Kafka keeps a transactional commit only if no later record has
  // committed the partition by the time its transaction commits.
  int64_t record_order = -1;
};

// Offsets of one producer's open transaction, by partition.
using PendingOffsets = std::map<TopicPartition, CommittedOffset>;

class Group {
 public:
  Group(std::string id, int32_t partition, int64_t now_ms)
      : id_(std::move(id)), partition_(partition), state_timestamp_(now_ms) {}

  const std::string& id() const { return id_; }
  int32_t partition() const { return partition_; }
  GroupState state() const { return state_; }
  void set_state(GroupState s, int64_t now_ms) {
    state_ = s;
    state_timestamp_ = now_ms;
  }
  int64_t state_timestamp() const { return state_timestamp_; }
  bool is(GroupState s) const { return state_ == s; }

  int32_t generation = 0;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader;
  std::map<std::string, Member> members;              // by member id
  std::map<std::string, std::string> static_members;  // group.instance.id -> member id
  std::map<std::string, int64_t> pending_members;     // KIP-394 ids -> expiry (monotonic)
  std::map<TopicPartition, CommittedOffset> offsets;
  // Transactional offsets waiting for their transaction's marker, by producer
  // id (Kafka's pendingTransactionalOffsetCommits): not visible to OffsetFetch.
  std::map<int64_t, PendingOffsets> pending_txn_offsets;

  // Timers (monotonic ms, -1 = none).
  int64_t join_deadline = -1;      // PreparingRebalance: the join phase ends
  int64_t initial_delay_left = 0;  // budget left to extend the initial join delay
  bool initial_delay = false;      // the join phase is the first, delayed one
  bool new_member_added = false;   // a member joined during the initial delay
  int64_t sync_deadline = -1;      // members that have not synced by then are removed
  int64_t armed_deadline = -1;     // the deadline registered with the coordinator's timers

  Member* find(const std::string& member_id);
  bool has_static(const std::optional<std::string>& instance_id) const;
  bool is_leader(const std::string& member_id) const { return leader && *leader == member_id; }
  bool all_joined() const;
  int awaiting_join_count() const;
  int32_t max_rebalance_timeout_ms() const;

  // KIP-345: a request naming `instance_id` must come from the member id that
  // instance is mapped to. Returns false if it is mapped to another member.
  bool instance_matches(const std::optional<std::string>& instance_id,
                        const std::string& member_id) const;

  // Whether a member offering `protocols` of `type` may join (Kafka's
  // supportsProtocols): an empty group takes any non-empty type and list;
  // otherwise the type must match and one offered protocol must be supported
  // by every current member other than `except` (a rejoining member).
  bool supports_protocols(const std::string& type, const std::vector<MemberProtocol>& protocols,
                          const std::string& except = {}) const;
  // The protocol every member supports that gets most first-choice votes.
  std::string select_protocol() const;
  bool protocols_equal(const Member& m, const std::vector<MemberProtocol>& protocols) const;

  // Stores `c` as the committed offset of `tp` unless the current one was
  // written later (its record_order is larger).
  void put_offset_if_newer(const TopicPartition& tp, CommittedOffset c);
  // The producer's transaction ended (Kafka's completePendingTxnOffsetCommit):
  // on commit its pending offsets become committed (put_offset_if_newer), on
  // abort they are dropped. False if the producer had none here.
  bool complete_txn_offsets(int64_t producer_id, bool commit);
  bool has_pending_txn_offset(const TopicPartition& tp) const;
  // No members, no committed or pending offsets: nothing worth keeping.
  bool has_offsets() const { return !offsets.empty() || !pending_txn_offsets.empty(); }

  // Removes a member (and its static mapping); clears the leader if it was.
  void remove_member(const std::string& member_id);

  // The earliest deadline of any timer of the group, -1 if none.
  int64_t next_deadline() const;

 private:
  std::string id_;
  int32_t partition_;
  GroupState state_ = GroupState::kEmpty;
  int64_t state_timestamp_;
};

}  // namespace gregor::coordinator::group
