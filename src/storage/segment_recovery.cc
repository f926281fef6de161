#include "storage/segment_recovery.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "protocol/record/crc32c.h"

namespace gregor::storage {
namespace {

constexpr int64_t kScanWindow = int64_t{1} << 20;

// Sequential reader that keeps [pos, pos + n) of the file in memory.
class ScanWindow {
 public:
  ScanWindow(FileIo& io, int fd, int64_t file_size) : io_(io), fd_(fd), file_size_(file_size) {}

  // Makes [pos, pos + n) available; false with *io_error on a read failure.
  bool ensure(int64_t pos, int64_t n, bool* io_error) {
    if (pos >= start_ && pos + n <= start_ + static_cast<int64_t>(size_)) return true;
    const int64_t want = std::min(std::max(n, kScanWindow), file_size_ - pos);
    buf_.resize(static_cast<size_t>(want));
    ssize_t got = io_.pread_full(fd_, buf_.data(), buf_.size(), pos);
    if (got < 0) {
      *io_error = true;
      return false;
    }
    start_ = pos;
    size_ = static_cast<size_t>(got);
    scanned_ += got;
    return pos + n <= start_ + static_cast<int64_t>(size_);
  }
  const uint8_t* at(int64_t pos) const { return buf_.data() + (pos - start_); }
  int64_t scanned() const { return scanned_; }

 private:
  FileIo& io_;
  int fd_;
  int64_t file_size_;
  std::vector<uint8_t> buf_;
  int64_t start_ = 0;
  size_t size_ = 0;
  int64_t scanned_ = 0;
};

// Why the batch at `p` (whole batch present) is not acceptable; nullptr if it is.
const char* check_batch(const uint8_t* p, const BatchMeta& meta, const Segment& segment) {
  record::BatchHeaderView h(p);
  if (h.magic() != 2) return "bad magic";
  uint32_t crc = record::crc32c(p + record::kAttributesPos,
                                static_cast<size_t>(meta.size) - record::kAttributesPos);
  if (crc != h.crc()) return "CRC mismatch";
  if (meta.base_offset < segment.next_offset() || meta.last_offset < meta.base_offset) {
    return "offsets out of order";
  }
  if (meta.last_offset - segment.base_offset() > std::numeric_limits<int32_t>::max()) {
    return "offset too far from the segment base";
  }
  return nullptr;
}

}  // namespace

Result<SegmentScan, StorageError> scan_segment(FileIo& io, Segment& segment, int64_t file_size,
                                               int64_t now_ms) {
  segment.reset();
  SegmentScan scan;
  auto fd = segment.file()->open_read();
  if (!fd.ok()) return Err(error_from_errno(-fd.error()));
  ScanWindow window(io, (*fd)->fd(), file_size);
  bool io_error = false;
  int64_t pos = 0;
  for (;;) {
    const int64_t left = file_size - pos;
    if (left == 0) {
      scan.stop_reason = "end of file";
      break;
    }
    if (left < static_cast<int64_t>(record::kLogOverhead)) {
      if (!window.ensure(pos, left, &io_error)) return Err(StorageError::kIo);
      scan.stop_reason = "partial batch header";
      scan.dropped_data =
          std::any_of(window.at(pos), window.at(pos) + left, [](uint8_t b) { return b != 0; });
      break;
    }
    if (!window.ensure(pos, static_cast<int64_t>(record::kLogOverhead), &io_error)) {
      if (io_error) return Err(StorageError::kIo);
      scan.stop_reason = "short read";
      break;
    }
    const uint8_t* p = window.at(pos);
    const int64_t length = static_cast<int32_t>(record::load_be(p + record::kLengthPos, 4));
    if (length == 0 && record::load_be(p, 8) == 0) {
      scan.stop_reason = "zeros";
      break;
    }
    const int64_t total = length + static_cast<int64_t>(record::kLogOverhead);
    if (total < static_cast<int64_t>(record::kHeaderSize) || total > left) {
      scan.stop_reason = total > left ? "torn batch" : "impossible batch length";
      scan.dropped_data = true;
      break;
    }
    if (!window.ensure(pos, total, &io_error)) {
      if (io_error) return Err(StorageError::kIo);
      scan.stop_reason = "short read";
      scan.dropped_data = true;
      break;
    }
    p = window.at(pos);
    BatchMeta meta = BatchMeta::from_header(p, pos);
    if (const char* why = check_batch(p, meta, segment)) {
      scan.stop_reason = why;
      scan.dropped_data = true;
      break;
    }
    segment.on_append(meta, now_ms);
    pos += total;
  }
  scan.valid_bytes = pos;
  scan.scanned_bytes = window.scanned();
  segment.set_written_size(pos);
  return scan;
}

}  // namespace gregor::storage
