// The arithmetic of `group reset-offsets` and the --topic syntax shared with
// `group delete-offsets` (pure functions; tested).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gregor::cli {

// "orders" (every partition) or "orders:0,2".
struct TopicSelection {
  std::string topic;
  std::vector<int> partitions;  // empty: all
};
TopicSelection parse_topic_selection(const std::string& text);

struct ResetTarget {
  enum class Kind { kEarliest, kLatest, kOffset, kTimestamp, kShiftBy };
  Kind kind = Kind::kEarliest;
  int64_t value = 0;  // the offset, the timestamp (ms) or the shift
};

struct PartitionOffsets {
  int64_t committed = -1;  // -1: none
  int64_t low = 0;         // log start offset
  int64_t high = 0;        // high watermark
  int64_t at_time = -1;    // first offset at/after the target time; -1: none (use high)
};

// The new committed offset, kept within [low, high] as Kafka's tool does. A
// shift applies to the committed offset, or to the log start when there is none.
int64_t reset_offset(const ResetTarget& target, const PartitionOffsets& p);

}  // namespace gregor::cli
