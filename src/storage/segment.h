// One segment of a partition log (Kafka's LogSegment): the `.log` file of
// record batches stored exactly as produced, and its sparse offset and time
// indexes.
//
// `.log` on-disk format: v2 record batches back to back from position 0,
// offsets increasing (layout in protocol/record/batch_header.h). The file may
// be longer than its data: segments are preallocated, and O_DIRECT writes whole
// 4 KiB pages, so the bytes after the last batch are zeros. The logical size
// is tracked here, never taken from the file size, except for a sealed segment
// (trimmed to its data when sealed). Recovery finds the end by scanning:
// a zero batch header, a torn batch or a bad CRC ends the data.
//
// Sealing: a segment whose `.index` and `.timeindex` files exist on disk is
// sealed: its data was fdatasync'ed and trimmed before the index files were
// written (each atomically), so after a crash it is trusted without a scan.
// The active segment is never sealed while the log is open; close() seals it,
// which is what makes a clean restart skip recovery.
//
// Thread contract: owned by its PartitionLog, touched only on the owner shard.
// The SegmentFile is shared with the I/O thread and with readers.
#pragma once

#include <cstdint>
#include <memory>

#include "storage/batch_meta.h"
#include "storage/log_config.h"
#include "storage/offset_index.h"
#include "storage/segment_file.h"
#include "storage/time_index.h"

namespace gregor::storage {

class Segment {
 public:
  Segment(std::shared_ptr<SegmentFile> file, const LogConfig& config);

  int64_t base_offset() const { return file_->base_offset(); }
  const std::shared_ptr<SegmentFile>& file() const { return file_; }
  // Logical size: bytes of batch data.
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // One past the last offset stored here (the base offset when empty).
  int64_t next_offset() const { return next_offset_; }
  // Largest batch max-timestamp, and the last offset of the first batch that
  // carried it; -1 / -1 when empty.
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }

  // Bytes of this segment known to be in the file (completed writes).
  int64_t written_size() const { return written_size_; }
  void set_written_size(int64_t n) { written_size_ = n; }
  // Whether the index files are on disk (see "Sealing" above).
  bool sealed_on_disk() const { return sealed_on_disk_; }
  void set_sealed_on_disk(bool sealed) { sealed_on_disk_ = sealed; }

  // Kafka's roll rules: the batch would overflow segment.bytes, the segment
  // is older than segment.ms (since its first append), an index is full, or
  // the batch's offsets do not fit a relative int32. Never for an empty segment.
  bool should_roll(int64_t batch_size, int64_t last_offset, int64_t now_ms) const;
  // Records a batch appended at position size(): indexes, size, timestamps.
  void on_append(const BatchMeta& batch, int64_t now_ms);
  // Adds the time-index entry for the largest timestamp, which must be on disk
  // once the segment is sealed.
  void prepare_seal();
  // Installs the state of a sealed segment loaded from disk.
  void restore_sealed(int64_t size, int64_t next_offset, OffsetIndex offsets, TimeIndex times,
                      int64_t now_ms);
  // Forgets every batch (before a rebuild by scanning).
  void reset();
  // Sets where the next batch begins after a recovery scan or restore.
  void set_next_offset(int64_t next) { next_offset_ = next; }

  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }

 private:
  std::shared_ptr<SegmentFile> file_;
  const LogConfig& config_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  int64_t size_ = 0;
  int64_t written_size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = -1;
  int64_t offset_of_max_timestamp_ = -1;
  int64_t bytes_since_index_entry_ = 0;
  int64_t first_append_ms_ = -1;
  // Kafka's rollJitterMs: drawn once per segment, uniformly in
  // [0, min(segment.jitter.ms, segment.ms)), and subtracted from segment.ms,
  // so that partitions created together do not all roll at the same moment.
  int64_t roll_jitter_ms_ = 0;
  bool sealed_on_disk_ = false;
};

}  // namespace gregor::storage
