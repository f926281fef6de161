// The records the group coordinator writes to __consumer_offsets, in Kafka's
// format (WIRE-NOTES §12): key = int16 key version + key struct (0-1 offset
// commit, 2 group metadata), value = int16 value version + value struct, null
// value = tombstone. Apache Kafka can read a Gregor __consumer_offsets and
// the other way round.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "coordinator/group/group.h"

namespace gregor::coordinator::group {

struct CoordinatorRecord {
  std::vector<uint8_t> key;
  std::optional<std::vector<uint8_t>> value;  // nullopt: tombstone
};

CoordinatorRecord offset_commit_record(const std::string& group, const TopicPartition& tp,
                                       const CommittedOffset& offset);
CoordinatorRecord offset_tombstone(const std::string& group, const TopicPartition& tp);
// The group's generation, protocol, leader and members with their assignments.
CoordinatorRecord group_metadata_record(const Group& group);
CoordinatorRecord group_tombstone(const std::string& group);

// Where a replayed record sits: its place in the log order (stamped on the
// offsets it sets, CommittedOffset::record_order) and, for a record of a
// transactional batch, the producer whose transaction it belongs to.
struct ReplayContext {
  int64_t record_order = 0;
  int64_t txn_producer_id = -1;
};

// Replays one record of partition `partition` into `groups` (by group id).
// An offset commit of a transactional batch becomes pending for its producer
// (replay_txn_marker() completes it). Record types this coordinator does not
// keep (KIP-848 and share groups) are skipped. Errors describe an undecodable
// record.
using GroupMap = std::map<std::string, Group>;
Result<Ok, std::string> replay_record(std::span<const uint8_t> key,
                                      std::optional<std::span<const uint8_t>> value,
                                      int32_t partition, int64_t now_ms, const ReplayContext& ctx,
                                      GroupMap& groups);
// Replays a COMMIT or ABORT marker of `producer_id`: its pending offsets in
// `groups` are committed or dropped, as the live coordinator does.
void replay_txn_marker(int64_t producer_id, bool commit, GroupMap& groups);

}  // namespace gregor::coordinator::group
