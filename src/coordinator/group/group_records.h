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

// Replays one record of partition `partition` into `groups` (by group id).
// Record types this coordinator does not keep (KIP-848 and share groups) are
// skipped. Errors describe an undecodable record.
using GroupMap = std::map<std::string, Group>;
Result<Ok, std::string> replay_record(std::span<const uint8_t> key,
                                      std::optional<std::span<const uint8_t>> value,
                                      int32_t partition, int64_t now_ms, GroupMap& groups);

}  // namespace gregor::coordinator::group
