#include "storage/cleaner_segment_reader.h"

#include <algorithm>

#include "protocol/record/batch_header.h"
#include "protocol/record/record.h"

namespace gregor::storage {

CleanerSegmentReader::CleanerSegmentReader(std::shared_ptr<SegmentFile> file, int64_t size,
                                           size_t buffer_bytes, IoThrottler& throttler,
                                           const std::atomic<bool>& stop)
    : file_(std::move(file)),
      size_(size),
      buffer_bytes_(std::max<size_t>(buffer_bytes, 4096)),
      throttler_(throttler),
      stop_(stop) {}

// Makes the buffer hold at least `need` bytes from pos_ (fewer at the end of
// the segment).
Result<Ok, StorageError> CleanerSegmentReader::fill(size_t need) {
  const int64_t end = buffer_start_ + static_cast<int64_t>(buffer_len_);
  if (pos_ >= buffer_start_ && pos_ + static_cast<int64_t>(need) <= end) return Ok{};
  if (stop_.load()) return Err(StorageError::kClosed);
  const auto want = static_cast<size_t>(
      std::min<int64_t>(static_cast<int64_t>(std::max(need, buffer_bytes_)), size_ - pos_));
  if (buffer_.size() < want) buffer_.resize(want);
  if (!fd_) {
    auto fd = file_->open_read();
    if (!fd.ok()) return Err(StorageError::kIo);
    fd_ = std::move(fd).value();
  }
  ssize_t n = file_->io().pread_full(fd_->fd(), buffer_.data(), want, pos_);
  if (n < 0) return Err(StorageError::kIo);
  buffer_start_ = pos_;
  buffer_len_ = static_cast<size_t>(n);
  bytes_read_ += n;
  throttler_.maybe_throttle(n, &stop_);
  return Ok{};
}

Result<std::optional<std::span<const uint8_t>>, StorageError> CleanerSegmentReader::next() {
  using Batch = std::optional<std::span<const uint8_t>>;
  if (pos_ >= size_) return Batch();
  if (auto r = fill(record::kHeaderSize); !r.ok()) return Err(r.error());
  auto offset = static_cast<size_t>(pos_ - buffer_start_);
  if (buffer_len_ - offset < record::kHeaderSize) return Err(StorageError::kCorrupt);
  auto size = record::batch_size_at({buffer_.data() + offset, buffer_len_ - offset});
  if (!size.ok() || *size < record::kHeaderSize || pos_ + static_cast<int64_t>(*size) > size_) {
    return Err(StorageError::kCorrupt);
  }
  if (auto r = fill(*size); !r.ok()) return Err(r.error());
  offset = static_cast<size_t>(pos_ - buffer_start_);
  if (buffer_len_ - offset < *size) return Err(StorageError::kCorrupt);
  pos_ += static_cast<int64_t>(*size);
  return Batch(std::span<const uint8_t>(buffer_.data() + offset, *size));
}

}  // namespace gregor::storage
