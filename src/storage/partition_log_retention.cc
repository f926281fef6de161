// Retention and the log start offset of PartitionLog (Kafka's
// UnifiedLog.deleteOldSegments and maybeIncrementLogStartOffset): choosing the
// segments that may go, taking them out of the log on the shard, and the file
// work (rename to *.deleted, later unlink) on the I/O thread.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "base/log.h"
#include "storage/partition_log.h"

namespace gregor::storage {
namespace {

constexpr char kDeletedSuffix[] = ".deleted";

std::vector<std::string> segment_paths(const SegmentFile& file) {
  return {file.log_path(), file.index_path(), file.time_index_path(), file.txn_index_path()};
}

// Runs on the I/O thread, after every flush job queued before it (jobs run in
// order), so no job still writes or seals these segments.
struct RenameTask {
  FileIo* io;
  std::string dir;
  std::string create_path;  // the new active segment's .log, when one was rolled
  std::vector<std::shared_ptr<SegmentFile>> files;

  void operator()() const {
    if (!create_path.empty()) {
      // The new (empty) active segment exists on disk before the old ones go:
      // a crash in between never leaves a directory without segments, which
      // would reopen at offset 0.
      const int fd = io->open(create_path, O_RDWR | O_CREAT, 0644);
      if (fd >= 0) {
        io->close(fd);
        io->fsync_dir(dir);
      } else {
        log::warn("{}: cannot create: {}", create_path, std::strerror(-fd));
      }
    }
    for (const auto& file : files) {
      file->close_write();
      for (const std::string& path : segment_paths(*file)) {
        const int r = io->rename(path, path + kDeletedSuffix);
        if (r < 0 && r != -ENOENT) log::warn("{}: cannot rename: {}", path, std::strerror(-r));
      }
    }
    io->fsync_dir(dir);
  }
};

// Also on the I/O thread; the last reference to each file is dropped here, so
// a large unlinked file is freed off the shard (unless a response still holds it).
struct UnlinkTask {
  FileIo* io;
  std::vector<std::shared_ptr<SegmentFile>> files;

  void operator()() {
    for (const auto& file : files) {
      for (const std::string& path : segment_paths(*file)) {
        const int r = io->unlink(path + kDeletedSuffix);
        if (r < 0 && r != -ENOENT) log::warn("{}: cannot unlink: {}", path, std::strerror(-r));
      }
    }
    files.clear();
  }
};

}  // namespace

int64_t PartitionLog::largest_timestamp(const Segment& segment) const {
  if (segment.max_timestamp() >= 0) return segment.max_timestamp();
  // No record carries a timestamp: Kafka falls back to the file's mtime.
  struct stat st {};
  if (::stat(segment.file()->log_path().c_str(), &st) != 0) return clock_.now_ms();
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

size_t PartitionLog::count_deletable(const SegmentPredicate& pred) const {
  size_t count = 0;
  for (auto it = segments_.begin(); it != segments_.end(); ++it, ++count) {
    const Segment& s = *it->second;
    const auto next = std::next(it);
    const bool is_active = next == segments_.end();
    const int64_t end = is_active ? log_end_offset() : next->first;
    if (is_active && s.empty()) break;
    if (written_end_ < end || s.written_size() < s.size()) break;  // never beyond the HW
    if (!pred(s, is_active)) break;
  }
  return count;
}

void PartitionLog::delete_first_segments(size_t count, int64_t delay_ms, const char* reason) {
  if (count == 0) return;
  RenameTask task{&io_.io(), dir_, {}, {}};
  if (count == segments_.size()) {
    // A log keeps one segment: roll an empty one to take over (Kafka does the same).
    task.create_path = roll(log_end_offset()).file()->log_path();
  }
  const int64_t due = clock_.monotonic_ms() + std::max<int64_t>(delay_ms, 0);
  for (size_t i = 0; i < count; ++i) {
    auto first = segments_.begin();
    log::info("{}: deleting segment {} ({} bytes, offsets {}..{}): {}", dir_, first->first,
              first->second->size(), first->first, first->second->next_offset() - 1, reason);
    task.files.push_back(first->second->file());
    deleted_segments_.push_back({first->second->file(), due});
    segments_.erase(first);
  }
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  trim_producers();
  if (io_.running()) {
    io_.submit(std::move(task));
  } else {
    task();  // the worker is stopped (shutdown): do it here
  }
}

int PartitionLog::delete_below_log_start(int64_t delay_ms) {
  // Kafka's deleteLogStartOffsetBreachedSegments: the next segment starts at
  // or below the log start. Never the active segment.
  auto pred = [this](const Segment& s, bool is_active) {
    if (is_active) return false;
    auto next = segments_.upper_bound(s.base_offset());
    return next->first <= log_start_offset_;
  };
  const size_t n = count_deletable(pred);
  delete_first_segments(n, delay_ms, "below the log start offset");
  return static_cast<int>(n);
}

int PartitionLog::apply_retention(const RetentionPolicy& policy) {
  if (closed_ || failure_) return 0;
  int deleted = delete_below_log_start(policy.file_delete_delay_ms);
  const int64_t total = size_bytes();
  if (policy.retention_bytes >= 0 && total >= policy.retention_bytes) {
    int64_t excess = total - policy.retention_bytes;
    auto pred = [&excess](const Segment& s, bool) {
      if (excess - s.size() < 0) return false;
      excess -= s.size();
      return true;
    };
    const size_t n = count_deletable(pred);
    delete_first_segments(n, policy.file_delete_delay_ms, "retention.bytes breached");
    deleted += static_cast<int>(n);
  }
  if (policy.retention_ms >= 0) {
    const int64_t now = clock_.now_ms();
    auto pred = [this, now, &policy](const Segment& s, bool) {
      return now - largest_timestamp(s) > policy.retention_ms;
    };
    const size_t n = count_deletable(pred);
    delete_first_segments(n, policy.file_delete_delay_ms, "retention.ms breached");
    deleted += static_cast<int>(n);
  }
  return deleted;
}

Result<int64_t, StorageError> PartitionLog::delete_records(int64_t offset,
                                                           int64_t file_delete_delay_ms) {
  if (closed_) return Err(StorageError::kClosed);
  if (failure_) return Err(*failure_);
  if (offset < 0 || offset > high_watermark()) return Err(StorageError::kOffsetOutOfRange);
  if (offset > log_start_offset_) {
    log::info("{}: log start offset {} -> {} (records deleted by request)", dir_, log_start_offset_,
              offset);
    log_start_offset_ = offset;
    delete_below_log_start(file_delete_delay_ms);
    trim_producers();
  }
  return log_start_offset_;
}

void PartitionLog::purge_deleted_segments() {
  if (deleted_segments_.empty()) return;
  const int64_t now = clock_.monotonic_ms();
  UnlinkTask task{&io_.io(), {}};
  std::vector<DeletedSegment> later;
  for (auto& d : deleted_segments_) {
    if (d.due_ms <= now) {
      task.files.push_back(std::move(d.file));
    } else {
      later.push_back(std::move(d));
    }
  }
  deleted_segments_ = std::move(later);
  if (task.files.empty()) return;
  if (io_.running()) {
    io_.submit(std::move(task));
  } else {
    task();
  }
}

std::optional<int64_t> PartitionLog::next_purge_ms() const {
  std::optional<int64_t> next;
  for (const auto& d : deleted_segments_) {
    if (!next || d.due_ms < *next) next = d.due_ms;
  }
  return next;
}

}  // namespace gregor::storage
