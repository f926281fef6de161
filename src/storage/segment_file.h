// The files of one segment: its `.log` and the names of its sibling index
// files (`<20-digit base offset>.log|.index|.timeindex`, Kafka's naming).
//
// Descriptors are opened lazily and kept in the shard's bounded caches
// (fd_cache.h), so a broker with many partitions does not keep two
// descriptors per segment open:
//  - the read descriptor (buffered, read-only) is opened on the first read and
//    closed when the shard's read cache evicts it; readers pin it (hold the
//    returned OpenFd) while they use it, and Fetch response chunks hold it
//    until sendfile is done, so the descriptor outlives an eviction or a
//    deletion of the segment;
//  - the write descriptor (O_DIRECT when the filesystem allows it, EINVAL
//    falls back to buffered writes) is opened by the first flush job that
//    writes the segment and closed when sealing, when the log closes, or when
//    the I/O worker's write cache evicts it (the least recently written
//    segments first; the next flush job reopens it). A flush job pins it for
//    the duration of the job.
//
// Thread contract: the read side (open_read) is used on the owner shard; the
// write side (open_for_write, the allocation mark, close_write) belongs to the
// shard's I/O thread, or to the owner shard while no flush job is in flight
// (open and close of the log). The caches are thread-safe, so the destructor
// may run on any thread: it drops both descriptors from their caches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "storage/fd_cache.h"
#include "storage/file_io.h"

namespace gregor::storage {

// "00000000000000001234.log" for (1234, ".log").
std::string segment_file_name(int64_t base_offset, std::string_view suffix);

class SegmentFile {
 public:
  // Without `caches`, the process-wide default caches are used (tools, tests).
  SegmentFile(FileIo& io, std::string dir, int64_t base_offset);
  SegmentFile(FileIo& io, std::string dir, int64_t base_offset, SegmentFdCaches caches);
  ~SegmentFile();
  SegmentFile(const SegmentFile&) = delete;
  SegmentFile& operator=(const SegmentFile&) = delete;

  int64_t base_offset() const { return base_offset_; }
  const std::string& dir() const { return dir_; }
  const std::string& log_path() const { return log_path_; }
  std::string index_path() const;
  std::string time_index_path() const;
  std::string txn_index_path() const;

  // A read-only descriptor of the .log, opened now if the cache holds none;
  // it stays open while the returned reference is held. Err(-errno).
  Result<std::shared_ptr<OpenFd>, int> open_read();
  // Whether a read descriptor is open right now (tests).
  bool read_open() const;
  // Keeps `fd` (from open_read) open beyond the current request, for a Fetch
  // response chunk; nullptr when too many are lent already (FdCache::lend),
  // then the reader copies the bytes it needs instead.
  std::shared_ptr<const void> lend_read(std::shared_ptr<OpenFd> fd) const {
    return caches_.read->lend(std::move(fd));
  }

  // The write descriptor, opened (the file created when missing: `*created`
  // tells) if the cache holds none; pinned while the reference is held.
  // Err(-errno).
  Result<std::shared_ptr<OpenFd>, int> open_for_write(bool try_direct, bool* created);
  // Closes the write descriptor (now, or when its last job lets go).
  void close_write();
  bool write_open() const;
  // Whether the write descriptor bypasses the page cache (once opened).
  bool direct() const { return direct_; }

  // Bytes fallocate'd so far (write side only; survives closing the
  // descriptor: the allocation belongs to the file).
  int64_t allocated_bytes() const { return allocated_bytes_; }
  void set_allocated_bytes(int64_t n) { allocated_bytes_ = n; }

  FileIo& io() const { return io_; }

 private:
  int open_write_fd(bool try_direct, bool* created);

  FileIo& io_;
  const std::string dir_;
  const int64_t base_offset_;
  const std::string log_path_;
  const SegmentFdCaches caches_;
  mutable FdSlot read_slot_;
  mutable FdSlot write_slot_;
  bool direct_ = false;
  bool direct_refused_ = false;  // O_DIRECT failed once: do not try again
  int64_t allocated_bytes_ = 0;
};

}  // namespace gregor::storage
