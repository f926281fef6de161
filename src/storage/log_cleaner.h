// The log cleaner (Kafka's Cleaner): compacts the cleanable part of one
// partition log, keeping the newest record of every key.
//
// A pass works on a snapshot (CleanTask) the owner shard takes of the log's
// sealed segments from the log start up to the first uncleanable offset (the
// active segment, or the first segment still inside min.compaction.lag.ms),
// and never touches the live PartitionLog:
//
//  1. Key map: reads the dirty range [first dirty offset, first uncleanable)
//     and records, per key, the offset of its newest record
//     (cleaner_offset_map.h). Control batches add nothing. If the map fills
//     up, the range ends at the last offset it holds: the prefix that fits is
//     cleaned now, the rest by a later pass.
//  2. Groups: the segments from the log start up to that end are grouped,
//     consecutive, so each group fits segment.bytes, its offset index fits
//     segment.index.bytes and its offsets fit an int32 relative offset
//     (Kafka's groupSegmentsBySize).
//  3. Each group is filtered batch by batch (cleaner_batch_filter.h) into
//     one new segment, `<first base>.log.cleaned` with its indexes
//     (cleaned_segment_writer.h). Offsets never change. A group left with no
//     batch at all is carried into the next group's segment, and a last one
//     extends the previous new segment, so no empty segment is produced; if
//     nothing at all is left, the range's last batch is kept unchanged (an
//     empty segment would be a hole the read path does not walk over).
//
// The owner shard then swaps the new segments in (PartitionLog::apply_clean,
// clean_swap.h), and the cleaner records the end offset as the first dirty
// offset of the next pass (cleaner_checkpoint.h).
//
// Transactions, without a transaction index or producer state (the broker
// has neither yet): records of aborted transactions are treated like committed
// ones (Kafka leaves them out of the key map and drops them); a transaction
// marker (commit or abort) is kept while this pass met a transactional batch
// of its producer since that producer's previous marker, and otherwise gets a
// delete horizon and is dropped once it has passed (Kafka's rule for
// markers). The "last batch of a producer" that keeps an empty header is the
// last one in the dirty range, not Kafka's producer-state view.
//
// Thread contract: a LogCleaner belongs to one cleaner thread and runs one
// pass at a time; it reads segment files through their shared descriptors
// and writes only `.cleaned` files.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "storage/clean_swap.h"
#include "storage/cleaned_segment_writer.h"
#include "storage/cleaner_offset_map.h"
#include "storage/io_throttler.h"
#include "storage/log_config.h"
#include "storage/producer_state.h"
#include "storage/segment_file.h"
#include "storage/storage_error.h"

namespace gregor::storage {

// A compacted topic's cleaning settings (Kafka's topic keys).
struct CompactionConfig {
  int64_t delete_retention_ms = 86400000;                               // delete.retention.ms
  int64_t min_compaction_lag_ms = 0;                                    // min.compaction.lag.ms
  int64_t max_compaction_lag_ms = std::numeric_limits<int64_t>::max();  // max.compaction.lag.ms
  double min_cleanable_dirty_ratio = 0.5;                               // min.cleanable.dirty.ratio
};

// One sealed segment as the cleaner sees it.
struct CleanerSegment {
  std::shared_ptr<SegmentFile> file;
  int64_t base_offset = 0;
  int64_t size = 0;
  int64_t next_offset = 0;  // base of the following segment
  size_t index_entries = 0;
};

// Where a compacted log stands (Kafka's LogToClean), computed on the owner shard.
struct CleanableState {
  int64_t first_dirty_offset = 0;
  int64_t first_uncleanable_offset = 0;
  int64_t clean_bytes = 0;  // segments below the first dirty offset
  int64_t dirty_bytes = 0;  // segments from it up to the first uncleanable offset
  double dirty_ratio = 0;   // dirty / (clean + dirty)
  // How long max.compaction.lag.ms is overdue for the oldest dirty record; > 0 forces a pass.
  int64_t max_compaction_delay_ms = 0;

  // Kafka's rule: a pass is due when the ratio exceeds min.cleanable.dirty.ratio,
  // or max.compaction.lag.ms forces it and there is something to clean.
  bool due(double min_cleanable_dirty_ratio) const {
    return dirty_bytes > 0 &&
           (max_compaction_delay_ms > 0 || dirty_ratio > min_cleanable_dirty_ratio);
  }
};

struct CleanTask {
  FileIo* io = nullptr;  // the log's file operations
  std::string dir;
  std::string topic;
  int32_t partition = 0;
  LogConfig log_config;  // segment.bytes, index.interval.bytes, segment.index.bytes
  CompactionConfig compaction;
  std::vector<CleanerSegment> segments;  // log start .. first uncleanable, in order
  // The log's aborted transactions overlapping the segments.
  std::vector<AbortedTxn> aborted;
  int64_t first_dirty_offset = 0;
  int64_t first_uncleanable_offset = 0;
  int64_t now_ms = 0;
  // The log's flush job in flight when the snapshot was taken (identity only):
  // it may still report on the segments read, so the swap waits for it to end.
  const void* flush_in_flight = nullptr;
};

struct CleanStats {
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  int64_t records_read = 0;
  int64_t records_dropped = 0;
  int64_t batches_rebuilt = 0;
  int64_t batches_dropped = 0;
  double map_utilization = 0;
};

struct CleanResult {
  SwapPlan plan;  // old segments replaced by the new ones
  std::vector<CleanedSegment> cleaned;
  int64_t end_offset = 0;  // the first dirty offset after this pass
  CleanStats stats;
};

class LogCleaner {
 public:
  // `dedupe_buffer_bytes`: this thread's share of log.cleaner.dedupe.buffer.size;
  // `io_buffer_bytes`: its share of log.cleaner.io.buffer.size (half to read,
  // half to write, as Kafka).
  LogCleaner(size_t dedupe_buffer_bytes, size_t io_buffer_bytes, IoThrottler& throttler,
             const std::atomic<bool>& stop);

  // Runs one pass. kClosed if stopped midway, kTooLarge if the key map cannot
  // hold a single key; kIo / kCorrupt / kNoSpace from the files. On error no
  // `.cleaned` file is left behind.
  Result<CleanResult, StorageError> clean(FileIo& io, const CleanTask& task);

 private:
  class Pass;

  CleanerOffsetMap map_;
  const size_t io_buffer_bytes_;
  IoThrottler& throttler_;
  const std::atomic<bool>& stop_;
};

}  // namespace gregor::storage
