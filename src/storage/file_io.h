// Every file operation the storage engine performs goes through FileIo, so that
// tests can inject failures (a failed write or fsync, a short write, ENOSPC) at
// a chosen call, deterministically (fault_injecting_file_io.h).
//
// The methods mirror the system calls: they return a non-negative value on
// success and -errno on failure, and retry EINTR themselves. Implementations
// must be thread-safe: the shard threads and the I/O threads call them
// concurrently.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <string>

namespace gregor::storage {

class FileIo {
 public:
  virtual ~FileIo() = default;

  // Returns the new descriptor (O_CLOEXEC is always added).
  virtual int open(const std::string& path, int flags, mode_t mode) = 0;
  virtual int close(int fd) = 0;
  // Returns bytes written, possibly fewer than asked (a short write).
  virtual ssize_t pwritev(int fd, const iovec* iov, int iovcnt, int64_t offset) = 0;
  // Returns bytes read; 0 at end of file.
  virtual ssize_t pread(int fd, void* buf, size_t n, int64_t offset) = 0;
  virtual int fdatasync(int fd) = 0;
  // Full fsync: used for directories (new names) and small metadata files.
  virtual int fsync(int fd) = 0;
  // Allocates [offset, offset + len) (mode 0: may extend the file size).
  virtual int fallocate(int fd, int64_t offset, int64_t len) = 0;
  virtual int ftruncate(int fd, int64_t size) = 0;
  // Returns the file size in bytes.
  virtual int64_t file_size(int fd) = 0;
  virtual int rename(const std::string& from, const std::string& to) = 0;
  virtual int unlink(const std::string& path) = 0;
  // Creates one directory level; EEXIST is reported as -EEXIST.
  virtual int mkdir(const std::string& path, mode_t mode) = 0;

  // Helpers built on the primitives.
  ssize_t pwrite(int fd, const void* buf, size_t n, int64_t offset) {
    iovec iov{const_cast<void*>(buf), n};
    return pwritev(fd, &iov, 1, offset);
  }
  // Reads exactly n bytes unless end of file comes first; returns bytes read or -errno.
  ssize_t pread_full(int fd, void* buf, size_t n, int64_t offset);
  // Writes every byte (continuing after short writes); returns 0 or -errno.
  int pwrite_full(int fd, const void* buf, size_t n, int64_t offset);
  // fsync of a directory, so that names created or removed in it are durable.
  int fsync_dir(const std::string& path);
  // Writes `size` bytes to `path` atomically: a temporary file, fsync, rename,
  // fsync of the directory. Returns 0 or -errno.
  int write_file_atomic(const std::string& path, const void* data, size_t size);
  // Reads a whole (small) file; returns 0 or -errno.
  int read_file(const std::string& path, std::string& out);
};

// The real implementation (plain system calls). A process-wide instance.
FileIo& posix_file_io();

}  // namespace gregor::storage
