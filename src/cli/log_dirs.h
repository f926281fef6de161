// Replica sizes on disk, from DescribeLogDirs (which librdkafka 2.0 has no
// admin call for), asked of each broker that holds a replica of a topic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "cli/metadata.h"

namespace gregor::cli {

class ReplicaSizes {
 public:
  void set(int broker, int partition, int64_t bytes) { bytes_[{broker, partition}] = bytes; }
  // The size of `partition`'s replica on `broker`, if that broker reported it.
  std::optional<int64_t> of(int broker, int partition) const;

 private:
  std::map<std::pair<int, int>, int64_t> bytes_;
};

// Sends DescribeLogDirs (the highest of v0-4 each broker supports) for the
// topic's partitions to every broker in their replica lists. Throws a
// CommandError when a broker cannot be reached, does not support the request
// (exit code 4) or answers with an error. A partition in several log dirs of
// one broker (a future replica being moved) counts with its current replica.
ReplicaSizes describe_replica_sizes(const ClusterMetadata& md, const TopicMetadata& topic,
                                    int timeout_ms);

}  // namespace gregor::cli
