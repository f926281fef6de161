// Turning `consume -o` into each assigned partition's start offset
// (watermarks for +N, ListOffsets by time for @TIMESTAMP).
#pragma once

#include <string>
#include <vector>

#include "cli/client.h"
#include "cli/offset_spec.h"
#include "cli/rdkafka_ptr.h"

namespace gregor::cli {

struct TopicPartitions {
  std::string topic;
  std::vector<int> partitions;
};

// A partition list with every partition's start offset resolved.
PartitionListPtr resolve_start_offsets(Client& consumer,
                                       const std::vector<TopicPartitions>& targets,
                                       const OffsetSpec& spec);

}  // namespace gregor::cli
