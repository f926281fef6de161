// Walks a partition log's batches in offset order, starting with the batch
// that holds a given offset: first through the segment files (offset index,
// then batch headers), then through the tail cache once the cached suffix of
// the log is reached. Shared by Fetch reads and the timestamp lookups.
//
// Thread contract: a short-lived local on the owner shard; the log must not
// be modified while a cursor is in use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "storage/batch_reader.h"
#include "storage/partition_log.h"

namespace gregor::storage {

class BatchCursor {
 public:
  BatchCursor(PartitionLog& log, int64_t offset);

  // Moves to the next batch whose last offset is >= the start offset; false
  // at the end of the log.
  Result<bool, StorageError> next();

  const BatchMeta& meta() const { return meta_; }
  // The cached copy, or nullptr if the batch is read from its segment file.
  const CachedBatch* cached() const { return cached_; }
  // The segment file of a batch that is not cached.
  const std::shared_ptr<SegmentFile>& file() const { return segment_->file(); }
  // The batch's bytes (from memory, or read from the file).
  Result<std::span<const uint8_t>, StorageError> bytes();

 private:
  void start();
  void enter_cache(int64_t offset);
  bool open_segment(Segment* segment, int64_t position);

  PartitionLog& log_;
  const int64_t offset_;
  bool started_ = false;
  bool in_cache_ = false;
  size_t cache_index_ = 0;
  Segment* segment_ = nullptr;
  int64_t resume_ = 0;  // one past the last batch read from a file
  std::optional<FileBatchReader> reader_;
  BatchMeta meta_;
  const CachedBatch* cached_ = nullptr;
  std::vector<uint8_t> copy_;
};

}  // namespace gregor::storage
