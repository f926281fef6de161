#include "storage/cleaned_segment_writer.h"

#include <fcntl.h>

#include "protocol/record/batch_header.h"
#include "storage/batch_meta.h"

namespace gregor::storage {

std::string cleaned_path(const std::string& dir, int64_t base, std::string_view suffix) {
  return dir + "/" + segment_file_name(base, suffix) + ".cleaned";
}

std::string swap_path(const std::string& dir, int64_t base, std::string_view suffix) {
  return dir + "/" + segment_file_name(base, suffix) + ".swap";
}

CleanedSegmentWriter::CleanedSegmentWriter(FileIo& io, std::string dir, int64_t base_offset,
                                           const LogConfig& config, size_t buffer_bytes)
    : io_(io),
      dir_(std::move(dir)),
      base_offset_(base_offset),
      config_(config),
      segment_(std::make_shared<SegmentFile>(io, dir_, base_offset), config_),
      buffer_bytes_(std::max<size_t>(buffer_bytes, 4096)) {
  buffer_.reserve(buffer_bytes_);
}

CleanedSegmentWriter::~CleanedSegmentWriter() {
  if (fd_ >= 0) io_.close(fd_);
  if (!finished_) remove_files();
}

void CleanedSegmentWriter::remove_files() {
  for (std::string_view suffix : {".log", ".index", ".timeindex"})
    io_.unlink(cleaned_path(dir_, base_offset_, suffix));
}

Result<Ok, StorageError> CleanedSegmentWriter::open() {
  fd_ = io_.open(cleaned_path(dir_, base_offset_, ".log"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd_ < 0) return Err(error_from_errno(-fd_));
  return Ok{};
}

Result<Ok, StorageError> CleanedSegmentWriter::flush_buffer() {
  if (buffer_.empty()) return Ok{};
  if (int r = io_.pwrite_full(fd_, buffer_.data(), buffer_.size(), flushed_); r < 0)
    return Err(error_from_errno(-r));
  flushed_ += static_cast<int64_t>(buffer_.size());
  bytes_written_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
  return Ok{};
}

Result<Ok, StorageError> CleanedSegmentWriter::append(std::span<const uint8_t> batch) {
  const BatchMeta meta = BatchMeta::from_header(batch.data(), segment_.size());
  // The cleaner's clock does not matter here: it only feeds segment.ms rolls.
  segment_.on_append(meta, 0);
  if (buffer_.size() + batch.size() > buffer_bytes_) {
    if (auto r = flush_buffer(); !r.ok()) return r;
  }
  if (batch.size() > buffer_bytes_) {
    if (int r = io_.pwrite_full(fd_, batch.data(), batch.size(), flushed_); r < 0)
      return Err(error_from_errno(-r));
    flushed_ += static_cast<int64_t>(batch.size());
    bytes_written_ += static_cast<int64_t>(batch.size());
    return Ok{};
  }
  buffer_.insert(buffer_.end(), batch.begin(), batch.end());
  return Ok{};
}

Result<Ok, StorageError> CleanedSegmentWriter::write_index(std::string_view suffix,
                                                           const std::vector<uint8_t>& bytes) {
  int fd = io_.open(cleaned_path(dir_, base_offset_, suffix), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Err(error_from_errno(-fd));
  int r = io_.pwrite_full(fd, bytes.data(), bytes.size(), 0);
  if (r == 0) r = io_.fsync(fd);
  io_.close(fd);
  if (r < 0) return Err(error_from_errno(-r));
  bytes_written_ += static_cast<int64_t>(bytes.size());
  return Ok{};
}

Result<CleanedSegment, StorageError> CleanedSegmentWriter::finish(int64_t next_offset) {
  if (auto r = flush_buffer(); !r.ok()) return Err(r.error());
  if (int r = io_.fsync(fd_); r < 0) return Err(error_from_errno(-r));
  io_.close(fd_);
  fd_ = -1;
  segment_.prepare_seal();
  if (auto r = write_index(".index", segment_.offset_index().serialize()); !r.ok())
    return Err(r.error());
  if (auto r = write_index(".timeindex", segment_.time_index().serialize()); !r.ok())
    return Err(r.error());
  finished_ = true;
  return CleanedSegment{base_offset_, segment_.size(), next_offset, segment_.offset_index(),
                        segment_.time_index()};
}

}  // namespace gregor::storage
