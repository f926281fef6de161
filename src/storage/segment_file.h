// The open descriptors of one segment's `.log` file, and the names of its
// sibling index files (`<20-digit base offset>.log|.index|.timeindex`, Kafka's
// naming).
//
// Two descriptors: a write descriptor opened with O_DIRECT when the filesystem
// allows it (EINVAL falls back to buffered writes), and a buffered read-only
// descriptor that readers pread or sendfile from. Read-only chunks handed to
// Fetch hold a shared_ptr to this object, so the descriptor stays open even if
// the segment is deleted before the response is sent.
//
// Thread contract: the write side (open_for_write, write_fd, the allocation
// mark, close_write) belongs to the shard's I/O thread, or to the owner shard
// while no flush job is in flight (open and close of the log). read_fd() may
// be called from the owner shard once readable() is true; it is published
// with release/acquire ordering by whichever thread opened it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/file_io.h"

namespace gregor::storage {

// "00000000000000001234.log" for (1234, ".log").
std::string segment_file_name(int64_t base_offset, std::string_view suffix);

class SegmentFile {
 public:
  SegmentFile(FileIo& io, std::string dir, int64_t base_offset);
  ~SegmentFile();
  SegmentFile(const SegmentFile&) = delete;
  SegmentFile& operator=(const SegmentFile&) = delete;

  int64_t base_offset() const { return base_offset_; }
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  std::string index_path() const;
  std::string time_index_path() const;

  // Opens the read descriptor of an existing .log; 0 or -errno.
  int open_existing();
  // Opens the write descriptor, creating the file when missing (`*created`
  // tells), and the read descriptor if not open yet. 0 or -errno.
  int open_for_write(bool try_direct, bool* created);
  void close_write();

  bool readable() const { return read_fd_.load(std::memory_order_acquire) >= 0; }
  int read_fd() const { return read_fd_.load(std::memory_order_acquire); }
  bool writable() const { return write_fd_ >= 0; }
  int write_fd() const { return write_fd_; }
  bool direct() const { return direct_; }

  // Bytes fallocate'd so far (write side only).
  int64_t allocated_bytes() const { return allocated_bytes_; }
  void set_allocated_bytes(int64_t n) { allocated_bytes_ = n; }

  FileIo& io() const { return io_; }

 private:
  FileIo& io_;
  const std::string dir_;
  const int64_t base_offset_;
  const std::string log_path_;
  std::atomic<int> read_fd_{-1};
  int write_fd_ = -1;
  bool direct_ = false;
  int64_t allocated_bytes_ = 0;
};

}  // namespace gregor::storage
