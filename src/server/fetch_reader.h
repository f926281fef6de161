// The read side of Fetch: reads each requested partition on its owner shard
// with Kafka's byte limits, and waits for new data (long polling).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <vector>

#include "base/error_code.h"
#include "protocol/records.h"
#include "server/fetch_session.h"
#include "storage/partition_log.h"

namespace gregor::server {

class Broker;

struct PartitionRead {
  ErrorCode error = ErrorCode::kNone;
  Uuid topic_id;  // resolved id (zero when the topic is unknown)
  int64_t high_watermark = -1;
  int64_t last_stable_offset = -1;
  int64_t log_start_offset = -1;
  protocol::Records records;
  size_t bytes = 0;
  // read_committed: the aborted transactions overlapping what was read.
  std::vector<storage::AbortedTxn> aborted;
};

// Reads `targets` in order. `max_bytes` bounds the whole response and each
// target's partition_max_bytes bounds that partition, except that the first
// batch of the first partition with data is returned whole even when larger
// (KIP-74), exactly as Kafka does. Topics are looked up by id when `by_id`.
// `read_committed` reads only below the last stable offset and lists the
// aborted transactions of that range.
asio::awaitable<std::vector<PartitionRead>> read_partitions(Broker& broker,
                                                            const std::vector<FetchTarget>& targets,
                                                            int32_t max_bytes, bool by_id,
                                                            bool read_committed);

// Returns when a readable target's high watermark moves past the one in
// `reads`, or at `deadline`, whichever comes first.
asio::awaitable<void> wait_for_data(Broker& broker, const std::vector<FetchTarget>& targets,
                                    const std::vector<PartitionRead>& reads,
                                    std::chrono::steady_clock::time_point deadline);

}  // namespace gregor::server
