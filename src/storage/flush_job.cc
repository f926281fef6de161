#include "storage/flush_job.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "base/log.h"
#include "storage/aligned_buffer.h"

namespace gregor::storage {
namespace {

constexpr int64_t kMinPreallocateBytes = 64 * 1024;

// Writes every byte of `iov` at `offset`, continuing after short writes. With
// O_DIRECT a continuation must start on a page boundary, so after a short
// write the partly written page is written again. Returns 0 or -errno.
int write_all(FileIo& io, int fd, bool direct, const std::vector<iovec>& iov, int64_t offset) {
  size_t total = 0;
  for (const iovec& v : iov) total += v.iov_len;
  size_t done = 0;
  std::vector<iovec> rest;
  while (done < total) {
    rest.clear();
    size_t skip = done;
    for (const iovec& v : iov) {
      if (skip >= v.iov_len) {
        skip -= v.iov_len;
        continue;
      }
      rest.push_back({static_cast<uint8_t*>(v.iov_base) + skip, v.iov_len - skip});
      skip = 0;
    }
    const int count = static_cast<int>(std::min<size_t>(rest.size(), IOV_MAX));
    ssize_t n = io.pwritev(fd, rest.data(), count, offset + static_cast<int64_t>(done));
    if (n < 0) return static_cast<int>(n);
    if (n == 0) return -EIO;
    done += static_cast<size_t>(n);
    if (direct) done = static_cast<size_t>(align_down(static_cast<int64_t>(done)));
  }
  return 0;
}

int prepare_file(FileIo& io, SegmentFlush& s, const FlushJob& job) {
  bool created = false;
  auto fd = s.file->open_for_write(job.try_direct, &created);
  if (!fd.ok()) return fd.error();
  s.fd = std::move(fd).value();
  if (created) {
    if (int r = io.fsync_dir(s.file->dir()); r < 0) return r;
  }
  if (s.unseal) {
    for (const std::string& path : {s.file->index_path(), s.file->time_index_path()}) {
      if (int r = io.unlink(path); r < 0 && r != -ENOENT) return r;
    }
    if (int r = io.fsync_dir(s.file->dir()); r < 0) return r;
  }
  const int64_t need = align_up(s.logical_end);
  if (job.preallocate && !s.seal && need > s.file->allocated_bytes()) {
    // Ahead by as much as the segment holds (64 KiB at least, the configured
    // step at most): a busy segment soon gets whole steps, while thousands
    // of partitions holding a few records do not reserve a step each.
    const int64_t step = std::clamp<int64_t>(
        need, kMinPreallocateBytes, std::max(job.preallocate_step_bytes, kMinPreallocateBytes));
    const int64_t from = s.file->allocated_bytes();
    const int64_t target = std::min(need + step, std::max(job.segment_bytes, need));
    int r = io.fallocate(s.fd->fd(), from, target - from);
    if (r == -EOPNOTSUPP) {
      log::debug("{}: no fallocate on this filesystem", s.file->log_path());
    } else if (r < 0) {
      return r;
    }
    s.file->set_allocated_bytes(target);
  }
  return 0;
}

int seal(FileIo& io, SegmentFlush& s) {
  const int fd = s.fd->fd();
  if (int r = io.ftruncate(fd, s.logical_end); r < 0) return r;
  if (int r = io.fsync(fd); r < 0) return r;
  if (!s.txn_index.empty()) {
    if (int r =
            io.write_file_atomic(s.file->txn_index_path(), s.txn_index.data(), s.txn_index.size());
        r < 0) {
      return r;
    }
  }
  if (int r =
          io.write_file_atomic(s.file->index_path(), s.offset_index.data(), s.offset_index.size());
      r < 0) {
    return r;
  }
  if (int r =
          io.write_file_atomic(s.file->time_index_path(), s.time_index.data(), s.time_index.size());
      r < 0) {
    return r;
  }
  s.file->close_write();
  s.fd.reset();
  s.file->set_allocated_bytes(0);
  return 0;
}

FlushResult failed(int err, const SegmentFlush& s, const char* what) {
  log::error("{}: {} failed: {}", s.file->log_path(), what, std::strerror(-err));
  return {error_from_errno(-err), false, false};
}

FlushResult run_job(FileIo& io, FlushJob& job, const std::function<void()>& on_written) {
  for (SegmentFlush& s : job.segments) {
    if (int r = prepare_file(io, s, job); r < 0) return failed(r, s, "opening or allocating");
    if (!s.iov.empty()) {
      if (int r = write_all(io, s.fd->fd(), s.file->direct(), s.iov, s.write_from); r < 0) {
        return failed(r, s, "write");
      }
    }
    if (s.seal) {
      if (int r = seal(io, s); r < 0) return failed(r, s, "sealing");
    }
  }
  FlushResult result{std::nullopt, true, false};
  if (on_written) on_written();
  for (SegmentFlush& s : job.segments) {
    if (!s.sync || s.seal) continue;
    if (int r = io.fdatasync(s.fd->fd()); r < 0) {
      FlushResult f = failed(r, s, "fdatasync");
      f.written = true;
      return f;
    }
  }
  result.synced = true;
  return result;
}

}  // namespace

FlushResult run_flush_job(FileIo& io, FlushJob& job, const std::function<void()>& on_written) {
  FlushResult result = run_job(io, job, on_written);
  // Unpinned now, so the I/O worker's cache may close them once idle; the
  // job object itself lives on until the shard has applied its completion.
  for (SegmentFlush& s : job.segments) s.fd.reset();
  return result;
}

}  // namespace gregor::storage
