#include "storage/fault_injecting_file_io.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>

#include "base/assert.h"

namespace gregor::storage {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void FaultInjectingFileIo::fail_nth(IoOp op, uint64_t nth, int error, std::string path_suffix,
                                    bool sticky) {
  GREGOR_ASSERT(nth >= 1 && error > 0, "fail_nth wants nth >= 1 and a positive errno");
  std::lock_guard lock(mu_);
  faults_.push_back({op, std::move(path_suffix), nth - 1, error, 0, sticky});
}

void FaultInjectingFileIo::short_write_nth(uint64_t nth, size_t bytes, std::string path_suffix) {
  GREGOR_ASSERT(nth >= 1, "short_write_nth wants nth >= 1");
  std::lock_guard lock(mu_);
  faults_.push_back({IoOp::kPwrite, std::move(path_suffix), nth - 1, 0, bytes, false});
}

void FaultInjectingFileIo::refuse_direct_io(bool refuse) {
  std::lock_guard lock(mu_);
  refuse_direct_ = refuse;
}

void FaultInjectingFileIo::clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
  fired_sticky_.clear();
  refuse_direct_ = false;
}

uint64_t FaultInjectingFileIo::calls(IoOp op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

uint64_t FaultInjectingFileIo::bytes_read() const {
  std::lock_guard lock(mu_);
  return bytes_read_;
}

uint64_t FaultInjectingFileIo::bytes_written() const {
  std::lock_guard lock(mu_);
  return bytes_written_;
}

std::optional<FaultInjectingFileIo::Fault> FaultInjectingFileIo::match(IoOp op,
                                                                       const std::string& path) {
  ++calls_[op];
  for (const Fault& f : fired_sticky_) {
    if (f.op == op && ends_with(path, f.path_suffix)) return f;
  }
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op || !ends_with(path, it->path_suffix)) continue;
    if (it->remaining > 0) {
      --it->remaining;
      continue;
    }
    Fault fired = *it;
    faults_.erase(it);
    if (fired.sticky) fired_sticky_.push_back(fired);
    return fired;
  }
  return std::nullopt;
}

std::string FaultInjectingFileIo::path_of(int fd) const {
  auto it = files_.find(fd);
  return it == files_.end() ? std::string() : it->second.path;
}

int FaultInjectingFileIo::open(const std::string& path, int flags, mode_t mode) {
  bool refuse = false;
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kOpen, path)) return -f->error;
    refuse = refuse_direct_ && (flags & O_DIRECT) != 0;
  }
  if (refuse) {
    // Like tmpfs before Linux 6.6: the file is created, then O_DIRECT refused.
    int fd = inner_.open(path, flags & ~O_DIRECT, mode);
    if (fd < 0) return fd;
    inner_.close(fd);
    return -EINVAL;
  }
  int fd = inner_.open(path, flags, mode);
  if (fd >= 0) {
    std::lock_guard lock(mu_);
    files_[fd] = {path, (flags & O_DIRECT) != 0};
  }
  return fd;
}

int FaultInjectingFileIo::close(int fd) {
  {
    std::lock_guard lock(mu_);
    files_.erase(fd);
  }
  return inner_.close(fd);
}

ssize_t FaultInjectingFileIo::pwritev(int fd, const iovec* iov, int iovcnt, int64_t offset) {
  size_t limit = SIZE_MAX;
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kPwrite, path_of(fd))) {
      if (f->error != 0) return -f->error;
      limit = f->short_bytes;
      // A direct-I/O write stops on a block boundary.
      auto it = files_.find(fd);
      if (it != files_.end() && it->second.direct) limit &= ~size_t{4095};
    }
  }
  std::vector<iovec> cut;
  size_t total = 0;
  for (int i = 0; i < iovcnt && total < limit; ++i) {
    size_t n = std::min(iov[i].iov_len, limit - total);
    cut.push_back({iov[i].iov_base, n});
    total += n;
  }
  if (cut.empty()) return 0;
  ssize_t r = inner_.pwritev(fd, cut.data(), static_cast<int>(cut.size()), offset);
  if (r > 0) {
    std::lock_guard lock(mu_);
    bytes_written_ += static_cast<uint64_t>(r);
  }
  return r;
}

ssize_t FaultInjectingFileIo::pread(int fd, void* buf, size_t n, int64_t offset) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kPread, path_of(fd))) return -f->error;
  }
  ssize_t r = inner_.pread(fd, buf, n, offset);
  if (r > 0) {
    std::lock_guard lock(mu_);
    bytes_read_ += static_cast<uint64_t>(r);
  }
  return r;
}

int FaultInjectingFileIo::fdatasync(int fd) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kFdatasync, path_of(fd))) return -f->error;
  }
  return inner_.fdatasync(fd);
}

int FaultInjectingFileIo::fsync(int fd) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kFsync, path_of(fd))) return -f->error;
  }
  return inner_.fsync(fd);
}

int FaultInjectingFileIo::fallocate(int fd, int64_t offset, int64_t len) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kFallocate, path_of(fd))) return -f->error;
  }
  return inner_.fallocate(fd, offset, len);
}

int FaultInjectingFileIo::ftruncate(int fd, int64_t size) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kFtruncate, path_of(fd))) return -f->error;
  }
  return inner_.ftruncate(fd, size);
}

int FaultInjectingFileIo::rename(const std::string& from, const std::string& to) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kRename, to)) return -f->error;
  }
  return inner_.rename(from, to);
}

int FaultInjectingFileIo::unlink(const std::string& path) {
  {
    std::lock_guard lock(mu_);
    if (auto f = match(IoOp::kUnlink, path)) return -f->error;
  }
  return inner_.unlink(path);
}

}  // namespace gregor::storage
