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
    : SegmentFile(io, std::move(dir), base_offset, SegmentFdCaches::process_default()) {}

SegmentFile::SegmentFile(FileIo& io, std::string dir, int64_t base_offset, SegmentFdCaches caches)
    : io_(io),
      dir_(std::move(dir)),
      base_offset_(base_offset),
      log_path_(dir_ + "/" + segment_file_name(base_offset, ".log")),
      caches_(std::move(caches)) {}

SegmentFile::~SegmentFile() {
  caches_.write->forget(write_slot_);
  caches_.read->forget(read_slot_);
}

std::string SegmentFile::index_path() const {
  return dir_ + "/" + segment_file_name(base_offset_, ".index");
}

std::string SegmentFile::txn_index_path() const {
  return dir_ + "/" + segment_file_name(base_offset_, ".txnindex");
}

std::string SegmentFile::time_index_path() const {
  return dir_ + "/" + segment_file_name(base_offset_, ".timeindex");
}

Result<std::shared_ptr<OpenFd>, int> SegmentFile::open_read() {
  return caches_.read->acquire(read_slot_, io_,
                               [this] { return io_.open(log_path_, O_RDONLY, 0); });
}

bool SegmentFile::read_open() const {
  return caches_.read->peek(read_slot_) != nullptr;
}

Result<std::shared_ptr<OpenFd>, int> SegmentFile::open_for_write(bool try_direct, bool* created) {
  *created = false;
  return caches_.write->acquire(write_slot_, io_,
                                [&] { return open_write_fd(try_direct, created); });
}

int SegmentFile::open_write_fd(bool try_direct, bool* created) {
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
  try_direct = try_direct && !direct_refused_;
  int fd = open_rw(try_direct);
  direct_ = try_direct;
  if (fd == -EINVAL && try_direct) {
    // The filesystem has no direct I/O (tmpfs before Linux 6.6, some FUSE and
    // network filesystems): fall back to the page cache.
    log::warn("{}: O_DIRECT not supported here, using buffered writes", log_path_);
    direct_ = false;
    direct_refused_ = true;
    fd = open_rw(false);
  }
  return fd;
}

void SegmentFile::close_write() {
  caches_.write->forget(write_slot_);
}

bool SegmentFile::write_open() const {
  return caches_.write->peek(write_slot_) != nullptr;
}

}  // namespace gregor::storage
