#include "storage/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace gregor::storage {
namespace {

template <typename F>
auto retry_eintr(F f) {
  for (;;) {
    auto r = f();
    if (r >= 0 || errno != EINTR) return r < 0 ? static_cast<decltype(r)>(-errno) : r;
  }
}

class PosixFileIo final : public FileIo {
 public:
  int open(const std::string& path, int flags, mode_t mode) override {
    return retry_eintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, mode); });
  }
  int close(int fd) override {
    // Linux closes the descriptor even when close() reports EINTR: never retry.
    return ::close(fd) == 0 ? 0 : -errno;
  }
  ssize_t pwritev(int fd, const iovec* iov, int iovcnt, int64_t offset) override {
    return retry_eintr([&] { return ::pwritev(fd, iov, iovcnt, static_cast<off_t>(offset)); });
  }
  ssize_t pread(int fd, void* buf, size_t n, int64_t offset) override {
    return retry_eintr([&] { return ::pread(fd, buf, n, static_cast<off_t>(offset)); });
  }
  int fdatasync(int fd) override {
    return retry_eintr([&] { return ::fdatasync(fd); });
  }
  int fsync(int fd) override {
    return retry_eintr([&] { return ::fsync(fd); });
  }
  int fallocate(int fd, int64_t offset, int64_t len) override {
    return retry_eintr(
        [&] { return ::fallocate(fd, 0, static_cast<off_t>(offset), static_cast<off_t>(len)); });
  }
  int ftruncate(int fd, int64_t size) override {
    return retry_eintr([&] { return ::ftruncate(fd, static_cast<off_t>(size)); });
  }
  int64_t file_size(int fd) override {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return -errno;
    return static_cast<int64_t>(st.st_size);
  }
  int rename(const std::string& from, const std::string& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : -errno;
  }
  int unlink(const std::string& path) override { return ::unlink(path.c_str()) == 0 ? 0 : -errno; }
  int mkdir(const std::string& path, mode_t mode) override {
    return ::mkdir(path.c_str(), mode) == 0 ? 0 : -errno;
  }
};

}  // namespace

ssize_t FileIo::pread_full(int fd, void* buf, size_t n, int64_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t r =
        pread(fd, static_cast<uint8_t*>(buf) + done, n - done, offset + static_cast<int64_t>(done));
    if (r < 0) return r;
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return static_cast<ssize_t>(done);
}

int FileIo::pwrite_full(int fd, const void* buf, size_t n, int64_t offset) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pwrite(fd, static_cast<const uint8_t*>(buf) + done, n - done,
                       offset + static_cast<int64_t>(done));
    if (r < 0) return static_cast<int>(r);
    if (r == 0) return -EIO;
    done += static_cast<size_t>(r);
  }
  return 0;
}

int FileIo::fsync_dir(const std::string& path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY, 0);
  if (fd < 0) return fd;
  int r = fsync(fd);
  close(fd);
  return r;
}

int FileIo::write_file_atomic(const std::string& path, const void* data, size_t size) {
  const std::string tmp = path + ".tmp";
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return fd;
  int r = pwrite_full(fd, data, size, 0);
  if (r == 0) r = fsync(fd);
  close(fd);
  if (r == 0) r = rename(tmp, path);
  if (r != 0) {
    unlink(tmp);
    return r;
  }
  auto slash = path.find_last_of('/');
  return fsync_dir(slash == std::string::npos ? "." : path.substr(0, slash));
}

int FileIo::read_file(const std::string& path, std::string& out) {
  int fd = open(path, O_RDONLY, 0);
  if (fd < 0) return fd;
  int64_t size = file_size(fd);
  if (size < 0) {
    close(fd);
    return static_cast<int>(size);
  }
  out.resize(static_cast<size_t>(size));
  ssize_t r = pread_full(fd, out.data(), out.size(), 0);
  close(fd);
  if (r < 0) return static_cast<int>(r);
  out.resize(static_cast<size_t>(r));
  return 0;
}

FileIo& posix_file_io() {
  static PosixFileIo io;
  return io;
}

}  // namespace gregor::storage
