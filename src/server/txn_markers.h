// Transaction markers (Kafka's WriteTxnMarkers, done in-process): a COMMIT or
// ABORT control batch appended to each partition of a transaction on its owner
// shard. A marker in a __consumer_offsets partition also completes the
// producer's pending transactional offset commits there (they become committed
// offsets, or are dropped), once the marker is durable.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/error_code.h"

namespace gregor::server {

class Broker;

struct MarkerSpec {
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  bool commit = false;
  int32_t coordinator_epoch = 0;
};

struct MarkerTarget {
  std::string topic;
  int32_t partition = 0;
};

// Appends the marker to every target in parallel and calls `done` on shard
// `reply_shard` with one error per target, in order: NONE once the marker is
// durable; UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist
// (any more); else the append's or the sync's error.
void write_markers(Broker& broker, const MarkerSpec& spec, std::vector<MarkerTarget> targets,
                   unsigned reply_shard, std::function<void(std::vector<ErrorCode>)> done);

}  // namespace gregor::server
