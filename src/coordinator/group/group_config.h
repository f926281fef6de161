// The group coordinator's settings, taken from the broker configuration
// (Kafka's names in the comments).
#pragma once

#include <cstdint>

namespace gregor::coordinator::group {

struct GroupConfig {
  int32_t num_partitions = 50;                   // offsets.topic.num.partitions
  int32_t initial_rebalance_delay_ms = 3000;     // group.initial.rebalance.delay.ms
  int32_t min_session_timeout_ms = 6000;         // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;      // group.max.session.timeout.ms
  int32_t max_size = 2147483647;                 // group.max.size
  int64_t offsets_retention_ms = 604800000;      // offsets.retention.minutes
  int64_t retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
  int32_t offset_metadata_max_bytes = 4096;
  // Largest record batch the coordinator may write (message.max.bytes): a
  // member's protocol metadata must fit it, as must the group's assignment.
  int32_t max_record_bytes = 1048588;  // offset.metadata.max.bytes
};

}  // namespace gregor::coordinator::group
