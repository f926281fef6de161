#include "storage/segment_file.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>

#include "base/log.h"

namespace gregor::storage {

std::string segment_file_name(int64_t base_offset, std::string_view suffix) {
  char name[32];
  std::snprintf(name, sizeof name, "%020lld", static_cast<long long>(base_offset));
  return std::string(name) + std::string(suffix);
}

SegmentFile::SegmentFile(FileIo& io, std::string dir, int64_t base_offset)
    : io_(io),
      dir_(std::move(dir)),
      base_offset_(base_offset),
      log_path_(dir_ + "/" + segment_file_name(base_offset, ".log")) {}

SegmentFile::~SegmentFile() {
  close_write();
  int fd = read_fd_.exchange(-1);
  if (fd >= 0) io_.close(fd);
}

std::string SegmentFile::index_path() const {
  return dir_ + "/" + segment_file_name(base_offset_, ".index");
}

std::string SegmentFile::time_index_path() const {
  return dir_ + "/" + segment_file_name(base_offset_, ".timeindex");
}

int SegmentFile::open_existing() {
  if (readable()) return 0;
  int fd = io_.open(log_path_, O_RDONLY, 0);
  if (fd < 0) return fd;
  read_fd_.store(fd, std::memory_order_release);
  return 0;
}

int SegmentFile::open_for_write(bool try_direct, bool* created) {
  *created = false;
  auto open_rw = [&](bool direct) {
    const int flags = O_RDWR | (direct ? O_DIRECT : 0);
    int fd = io_.open(log_path_, flags, 0644);
    if (fd == -ENOENT) {
      // Even a failed attempt may have created the file (O_DIRECT is checked
      // after creation), so the directory is synced either way.
      *created = true;
      fd = io_.open(log_path_, flags | O_CREAT, 0644);
    }
    return fd;
  };
  if (write_fd_ < 0) {
    int fd = open_rw(try_direct);
    direct_ = try_direct;
    if (fd == -EINVAL && try_direct) {
      // The filesystem has no direct I/O (tmpfs before Linux 6.6, some FUSE and
      // network filesystems): fall back to the page cache.
      log::warn("{}: O_DIRECT not supported here, using buffered writes", log_path_);
      direct_ = false;
      fd = open_rw(false);
    }
    if (fd < 0) return fd;
    write_fd_ = fd;
  }
  if (!readable()) {
    int fd = io_.open(log_path_, O_RDONLY, 0);
    if (fd < 0) return fd;
    read_fd_.store(fd, std::memory_order_release);
  }
  return 0;
}

void SegmentFile::close_write() {
  if (write_fd_ >= 0) io_.close(write_fd_);
  write_fd_ = -1;
}

}  // namespace gregor::storage
