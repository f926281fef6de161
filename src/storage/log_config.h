// Effective per-partition log settings. Kafka's topic-config names are given in
// the comments; the settings without one are Gregor's own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gregor::storage {

struct LogConfig {
  int64_t segment_bytes = 1073741824;      // segment.bytes
  int64_t segment_ms = 604800000;          // segment.ms
  int64_t segment_jitter_ms = 0;           // segment.jitter.ms
  int32_t index_interval_bytes = 4096;     // index.interval.bytes
  int32_t segment_index_bytes = 10485760;  // segment.index.bytes (caps offset-index entries)
  bool preallocate = true;                 // preallocate (see preallocate_step_bytes)

  // With `preallocate`, the segment file is fallocate'd ahead of the writes
  // in steps of this size (capped at segment.bytes), rather than all of
  // segment.bytes at once: writes then rarely extend the file (an extending
  // write makes fdatasync journal the new size), while a thousand idle
  // partitions do not reserve a thousand times segment.bytes of disk.
  int64_t preallocate_step_bytes = int64_t{32} << 20;

  // Write segments with O_DIRECT when the filesystem allows it (falls back to
  // buffered writes automatically on EINVAL). Buffered + fdatasync measured
  // 3-4x slower on the development machines: see src/storage/README.md.
  bool direct_io = true;
  // Recently appended batches kept in memory for tail reads (Fetch at the
  // head of the log never touches the disk). Data not yet written is always
  // kept regardless of this budget.
  size_t tail_cache_bytes = size_t{8} << 20;
  // Largest in-memory write chunk; chunks start small (64 KiB) and double up
  // to this size, so idle partitions hold little memory.
  size_t max_chunk_bytes = size_t{1} << 20;
};

}  // namespace gregor::storage
