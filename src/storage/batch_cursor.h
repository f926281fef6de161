// Walks a partition log's batches in offset order, starting with the batch
// that holds a given offset: first through the segment files (offset index,
// then batch headers), then through the tail cache once the cached suffix of
// the log is reached. Shared by Fetch reads and the timestamp lookups.
//
// The segment being read has its read descriptor pinned (fd()) while the
// cursor is on it; a caller that keeps a file chunk past the cursor keeps
// the descriptor too (partition_log_read.cc).
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
  // The segment file of a batch that is not cached, and its open read
  // descriptor.
  const std::shared_ptr<SegmentFile>& file() const { return segment_->file(); }
  const std::shared_ptr<OpenFd>& fd() const { return fd_; }
  // The batch's bytes (from memory, or read from the file).
  Result<std::span<const uint8_t>, StorageError> bytes();

 private:
  Result<Ok, StorageError> start();
  void enter_cache(int64_t offset);
  Result<bool, StorageError> open_segment(Segment* segment, int64_t position);

  PartitionLog& log_;
  const int64_t offset_;
  bool started_ = false;
  bool in_cache_ = false;
  size_t cache_index_ = 0;
  Segment* segment_ = nullptr;
  int64_t resume_ = 0;          // one past the last batch read from a file
  std::shared_ptr<OpenFd> fd_;  // of segment_, while read from its file
  std::optional<FileBatchReader> reader_;
  BatchMeta meta_;
  const CachedBatch* cached_ = nullptr;
  std::vector<uint8_t> copy_;
};

}  // namespace gregor::storage
