// Sequential reading of batch headers from a segment file, through a small
// window so that a run of small batches costs one pread, not one per batch.
// Used by reads of data no longer in the tail cache and by the open path;
// recovery (segment_recovery.h) validates whole batches instead.
//
// Thread contract: a short-lived local object on the thread that reads.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "storage/batch_meta.h"
#include "storage/file_io.h"
#include "storage/storage_error.h"

namespace gregor::storage {

class FileBatchReader {
 public:
  // Reads batches that start in [start, end) of the file `fd`.
  FileBatchReader(FileIo& io, int fd, int64_t start, int64_t end);

  // The next batch's header, nullopt at `end`. kCorrupt if a header is
  // impossible or the batch runs past `end`; kIo if the read fails.
  Result<std::optional<BatchMeta>, StorageError> next();
  // The whole header (record::kHeaderSize bytes) of the batch next() just
  // returned; valid until the next call.
  const uint8_t* header() const { return window_.data() + (last_ - window_start_); }
  int64_t position() const { return pos_; }

 private:
  static constexpr size_t kWindow = 16 * 1024;

  FileIo& io_;
  int fd_;
  int64_t pos_;
  int64_t end_;
  std::vector<uint8_t> window_;
  int64_t window_start_ = 0;
  size_t window_size_ = 0;
  int64_t last_ = 0;  // position of the batch last returned
};

// Reads the whole batch described by `meta` from `fd`.
Result<std::vector<uint8_t>, StorageError> read_batch(FileIo& io, int fd, const BatchMeta& meta);

}  // namespace gregor::storage
