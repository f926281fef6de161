#include "storage/batch_reader.h"

namespace gregor::storage {

FileBatchReader::FileBatchReader(FileIo& io, int fd, int64_t start, int64_t end)
    : io_(io), fd_(fd), pos_(start), end_(end), window_(kWindow) {}

Result<std::optional<BatchMeta>, StorageError> FileBatchReader::next() {
  if (pos_ >= end_) return std::optional<BatchMeta>();
  if (end_ - pos_ < static_cast<int64_t>(record::kHeaderSize)) return Err(StorageError::kCorrupt);
  const int64_t want_end = pos_ + static_cast<int64_t>(record::kHeaderSize);
  if (pos_ < window_start_ || want_end > window_start_ + static_cast<int64_t>(window_size_)) {
    ssize_t n = io_.pread_full(fd_, window_.data(), window_.size(), pos_);
    if (n < 0) return Err(StorageError::kIo);
    window_start_ = pos_;
    window_size_ = static_cast<size_t>(n);
    if (n < static_cast<ssize_t>(record::kHeaderSize)) return Err(StorageError::kCorrupt);
  }
  BatchMeta meta = BatchMeta::from_header(window_.data() + (pos_ - window_start_), pos_);
  record::BatchHeaderView h(window_.data() + (pos_ - window_start_));
  if (meta.size < static_cast<int64_t>(record::kHeaderSize) || meta.end_position() > end_ ||
      h.magic() != 2 || meta.last_offset < meta.base_offset) {
    return Err(StorageError::kCorrupt);
  }
  last_ = pos_;
  pos_ = meta.end_position();
  return std::optional<BatchMeta>(meta);
}

Result<std::vector<uint8_t>, StorageError> read_batch(FileIo& io, int fd, const BatchMeta& meta) {
  std::vector<uint8_t> out(static_cast<size_t>(meta.size));
  ssize_t n = io.pread_full(fd, out.data(), out.size(), meta.position);
  if (n < 0) return Err(StorageError::kIo);
  if (static_cast<size_t>(n) != out.size()) return Err(StorageError::kCorrupt);
  return out;
}

}  // namespace gregor::storage
