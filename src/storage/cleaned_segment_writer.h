// Writes one cleaned segment (the output of compacting a group of segments):
// `<base>.log.cleaned` with the kept batches back to back from position 0,
// then `<base>.index.cleaned` and `<base>.timeindex.cleaned`, built by the
// same rules as a live segment's indexes (segment.h). finish() fsyncs every
// file; the caller fsyncs the directory once all segments of a pass are
// written. The `.cleaned` names are never trusted: until the swap renames
// them (clean_swap.h), a restart deletes them.
//
// Writes go through a buffer of `buffer_bytes` (Kafka's write buffer,
// log.cleaner.io.buffer.size / 2 per thread), buffered I/O (no O_DIRECT:
// the file is written once and fsynced at the end).
//
// Thread contract: owned by one cleaner thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "storage/file_io.h"
#include "storage/log_config.h"
#include "storage/offset_index.h"
#include "storage/segment.h"
#include "storage/storage_error.h"
#include "storage/time_index.h"

namespace gregor::storage {

// "<dir>/<20-digit base><suffix>.cleaned" and ".swap" names.
std::string cleaned_path(const std::string& dir, int64_t base, std::string_view suffix);
std::string swap_path(const std::string& dir, int64_t base, std::string_view suffix);

// A cleaned segment as written: what the owner shard needs to install it.
struct CleanedSegment {
  int64_t base_offset = 0;
  int64_t size = 0;
  int64_t next_offset = 0;  // the base of the segment that follows it
  OffsetIndex offsets{0, 1};
  TimeIndex times{0, 1};
};

class CleanedSegmentWriter {
 public:
  // `config` supplies index.interval.bytes and segment.index.bytes.
  CleanedSegmentWriter(FileIo& io, std::string dir, int64_t base_offset, const LogConfig& config,
                       size_t buffer_bytes);
  ~CleanedSegmentWriter();  // closes; unlinks the files unless finish() succeeded
  CleanedSegmentWriter(const CleanedSegmentWriter&) = delete;
  CleanedSegmentWriter& operator=(const CleanedSegmentWriter&) = delete;

  Result<Ok, StorageError> open();
  // Appends one whole batch (offsets must increase).
  Result<Ok, StorageError> append(std::span<const uint8_t> batch);
  // Writes the rest, the index files, fsyncs all three. `next_offset` is the
  // base offset of the segment that follows this one in the log.
  Result<CleanedSegment, StorageError> finish(int64_t next_offset);

  int64_t base_offset() const { return base_offset_; }
  int64_t size() const { return segment_.size(); }
  int64_t bytes_written() const { return bytes_written_; }

 private:
  Result<Ok, StorageError> flush_buffer();
  Result<Ok, StorageError> write_index(std::string_view suffix, const std::vector<uint8_t>& bytes);
  void remove_files();

  FileIo& io_;
  const std::string dir_;
  const int64_t base_offset_;
  const LogConfig config_;  // the segment below keeps a reference
  Segment segment_;         // index bookkeeping only; its file is never opened
  std::vector<uint8_t> buffer_;
  size_t buffer_bytes_;
  int fd_ = -1;
  int64_t flushed_ = 0;  // file bytes written
  int64_t bytes_written_ = 0;
  bool finished_ = false;
};

}  // namespace gregor::storage
