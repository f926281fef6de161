// Maps a topic's effective configuration onto the storage engine's settings.
#pragma once

#include "config/topic_config.h"
#include "storage/partition_log.h"

namespace gregor::server {

inline storage::LogConfig to_log_config(const config::TopicConfig& t) {
  storage::LogConfig c;
  c.segment_bytes = t.segment_bytes;
  c.segment_ms = t.segment_ms;
  c.segment_jitter_ms = t.segment_jitter_ms;
  c.index_interval_bytes = t.index_interval_bytes;
  c.segment_index_bytes = t.segment_index_bytes;
  // Gregor's O_DIRECT write path always preallocates, in steps ahead of the
  // writes (storage/README.md); Kafka's whole-segment `preallocate` is accepted
  // for compatibility and has no further effect.
  c.preallocate = true;
  return c;
}

}  // namespace gregor::server
