// Reads the batches of a sealed segment for the log cleaner, through a read
// buffer of a fixed size (Kafka's read buffer, log.cleaner.io.buffer.size / 2
// per thread) that grows for a batch larger than itself. Every read is
// reported to the I/O throttler. The segment file is held by shared_ptr, so
// the read descriptor stays valid even if the log drops the segment meanwhile.
//
// Thread contract: a local object of one cleaner thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "storage/io_throttler.h"
#include "storage/segment_file.h"
#include "storage/storage_error.h"

namespace gregor::storage {

class CleanerSegmentReader {
 public:
  CleanerSegmentReader(std::shared_ptr<SegmentFile> file, int64_t size, size_t buffer_bytes,
                       IoThrottler& throttler, const std::atomic<bool>& stop);

  // The next whole batch (valid until the next call), nullopt at the end.
  // kCorrupt for a malformed batch, kIo for a failed read, kClosed once `stop`.
  Result<std::optional<std::span<const uint8_t>>, StorageError> next();
  int64_t bytes_read() const { return bytes_read_; }

 private:
  Result<Ok, StorageError> fill(size_t need);

  std::shared_ptr<SegmentFile> file_;
  std::shared_ptr<OpenFd> fd_;  // pinned while reading
  const int64_t size_;
  const size_t buffer_bytes_;
  IoThrottler& throttler_;
  const std::atomic<bool>& stop_;
  std::vector<uint8_t> buffer_;
  int64_t buffer_start_ = 0;  // file position of buffer_[0]
  size_t buffer_len_ = 0;
  int64_t pos_ = 0;
  int64_t bytes_read_ = 0;
};

}  // namespace gregor::storage
