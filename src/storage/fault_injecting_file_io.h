// A FileIo that forwards to another one and fails chosen calls: the Nth write,
// the Nth fdatasync, a short write, ENOSPC from a write or an allocation, or
// refuses O_DIRECT as tmpfs used to. Counting is per operation kind and can be
// restricted to files whose path ends with a given suffix (e.g. ".log"), so a
// test can say "fail the second fdatasync of a segment file" and get exactly
// that, every run.
//
// Thread-safe (one mutex); meant for tests and fault drills, not production.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "storage/file_io.h"

namespace gregor::storage {

enum class IoOp {
  kOpen,
  kPwrite,
  kPread,
  kFdatasync,
  kFsync,
  kFallocate,
  kFtruncate,
  kRename,
  kUnlink
};

class FaultInjectingFileIo final : public FileIo {
 public:
  explicit FaultInjectingFileIo(FileIo& inner = posix_file_io()) : inner_(inner) {}

  // The nth matching call from now on (1 = the next one) fails with `error`
  // (a positive errno). With `sticky`, that call and every later matching one fail.
  void fail_nth(IoOp op, uint64_t nth, int error, std::string path_suffix = "",
                bool sticky = false);
  // The nth matching pwrite from now on writes only `bytes` bytes (at most;
  // rounded down to 4 KiB on an O_DIRECT descriptor) and reports that.
  void short_write_nth(uint64_t nth, size_t bytes, std::string path_suffix = "");
  // open() with O_DIRECT fails with EINVAL, as on filesystems without direct I/O.
  void refuse_direct_io(bool refuse);
  void clear();

  // Calls seen so far (matching any path), including failed ones.
  uint64_t calls(IoOp op) const;
  uint64_t bytes_read() const;
  uint64_t bytes_written() const;

  int open(const std::string& path, int flags, mode_t mode) override;
  int close(int fd) override;
  ssize_t pwritev(int fd, const iovec* iov, int iovcnt, int64_t offset) override;
  ssize_t pread(int fd, void* buf, size_t n, int64_t offset) override;
  int fdatasync(int fd) override;
  int fsync(int fd) override;
  int fallocate(int fd, int64_t offset, int64_t len) override;
  int ftruncate(int fd, int64_t size) override;
  int64_t file_size(int fd) override { return inner_.file_size(fd); }
  int rename(const std::string& from, const std::string& to) override;
  int unlink(const std::string& path) override;
  int mkdir(const std::string& path, mode_t mode) override { return inner_.mkdir(path, mode); }

 private:
  struct Fault {
    IoOp op;
    std::string path_suffix;
    uint64_t remaining;  // matching calls to let through before firing (0 = this one)
    int error;           // 0 for a short write
    size_t short_bytes;
    bool sticky;
  };
  // Counts one call and returns the fault that fires for it, if any. Caller holds mu_.
  std::optional<Fault> match(IoOp op, const std::string& path);
  std::string path_of(int fd) const;

  FileIo& inner_;
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  std::vector<Fault> fired_sticky_;
  struct FileInfo {
    std::string path;
    bool direct = false;
  };
  std::map<int, FileInfo> files_;
  std::map<IoOp, uint64_t> calls_;
  uint64_t bytes_read_ = 0;
  uint64_t bytes_written_ = 0;
  bool refuse_direct_ = false;
};

}  // namespace gregor::storage
