// The owner-shard side of compaction: where a log stands, the snapshot a
// cleaning pass reads, and swapping the cleaned segments in (log_cleaner.h).
#include <algorithm>
#include <limits>

#include "base/log.h"
#include "storage/batch_reader.h"
#include "storage/clean_swap.h"
#include "storage/cleaner_checkpoint.h"
#include "storage/log_cleaner.h"
#include "storage/partition_log.h"

namespace gregor::storage {
namespace {

// A segment the cleaner may read: sealed on disk and every byte written.
bool settled(const Segment& s) {
  return s.sealed_on_disk() && s.written_size() == s.size();
}

}  // namespace

int64_t PartitionLog::first_dirty_offset() {
  if (!cleaner_checkpoint_loaded_) {
    cleaner_checkpoint_ = read_cleaner_checkpoint(io_.io(), dir_);
    cleaner_checkpoint_loaded_ = true;
  }
  // Kafka resets a checkpoint outside the log to the log start.
  const int64_t offset = cleaner_checkpoint_.value_or(log_start_offset_);
  if (offset < log_start_offset_ || offset > log_end_offset()) return log_start_offset_;
  return offset;
}

// The active segment's base, or the first earlier segment (from the one
// holding first_dirty) that is not settled, is inside min.compaction.lag.ms
// or reaches past the last stable offset (Kafka's first unstable offset: data
// of a transaction not yet decided must not enter the key map).
int64_t PartitionLog::first_uncleanable(const CompactionConfig& config, int64_t first_dirty,
                                        int64_t now_ms) const {
  const int64_t stable = last_stable_offset();
  for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
    const Segment& s = *it->second;
    if (std::next(it)->first <= first_dirty) continue;
    if (!settled(s) || std::next(it)->first > stable) return std::max(it->first, first_dirty);
    if (config.min_compaction_lag_ms > 0 &&
        largest_timestamp(s) > now_ms - config.min_compaction_lag_ms) {
      return std::max(it->first, first_dirty);
    }
  }
  return std::max(active().base_offset(), first_dirty);
}

// Kafka's LogCleanerManager.maxCompactionDelay: how far the earliest first-
// batch timestamp of the dirty segments is behind now - max.compaction.lag.ms.
int64_t PartitionLog::max_compaction_delay(const CompactionConfig& config, int64_t first_dirty,
                                           int64_t first_uncleanable, int64_t now_ms) {
  if (config.max_compaction_lag_ms == std::numeric_limits<int64_t>::max()) return 0;
  int64_t earliest = std::numeric_limits<int64_t>::max();
  for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
    if (std::next(it)->first <= first_dirty || it->first >= first_uncleanable) continue;
    auto fd = it->second->file()->open_read();
    if (!fd.ok()) continue;
    FileBatchReader reader(io_.io(), (*fd)->fd(), 0, it->second->written_size());
    auto first = reader.next();
    if (first.ok() && first->has_value() && (*first)->max_timestamp > 0)
      earliest = std::min(earliest, (*first)->max_timestamp);
  }
  const int64_t clean_until = now_ms - std::max<int64_t>(config.max_compaction_lag_ms, 0);
  return earliest < clean_until ? clean_until - earliest : 0;
}

CleanableState PartitionLog::cleanable_state(const CompactionConfig& config) {
  CleanableState st;
  if (closed_ || failure_) return st;
  const int64_t now = clock_.now_ms();
  st.first_dirty_offset = first_dirty_offset();
  st.first_uncleanable_offset = first_uncleanable(config, st.first_dirty_offset, now);
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    const int64_t base = it->first;
    const int64_t next = std::next(it) == segments_.end() ? log_end_offset() : std::next(it)->first;
    if (base < st.first_dirty_offset) st.clean_bytes += it->second->size();
    if (next > st.first_dirty_offset && base < st.first_uncleanable_offset)
      st.dirty_bytes += it->second->size();
  }
  const int64_t total = st.clean_bytes + st.dirty_bytes;
  st.dirty_ratio = total > 0 ? static_cast<double>(st.dirty_bytes) / static_cast<double>(total) : 0;
  if (st.dirty_bytes > 0) {
    st.max_compaction_delay_ms =
        max_compaction_delay(config, st.first_dirty_offset, st.first_uncleanable_offset, now);
  }
  return st;
}

std::optional<CleanTask> PartitionLog::clean_task(const CompactionConfig& config) {
  if (closed_ || failure_) return std::nullopt;
  const CleanableState st = cleanable_state(config);
  if (st.dirty_bytes == 0) return std::nullopt;
  CleanTask task;
  task.io = &io_.io();
  task.dir = dir_;
  task.topic = topic_;
  task.partition = partition_;
  task.log_config = config_;
  task.compaction = config;
  task.first_dirty_offset = st.first_dirty_offset;
  task.now_ms = clock_.now_ms();
  task.flush_in_flight = in_flight_.get();
  const int64_t stable = last_stable_offset();
  for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
    const Segment& s = *it->second;
    if (it->first >= st.first_uncleanable_offset || !settled(s)) break;
    if (std::next(it)->first > stable) break;
    task.segments.push_back(
        {s.file(), it->first, s.size(), std::next(it)->first, s.offset_index().size()});
  }
  if (task.segments.empty()) return std::nullopt;
  task.first_uncleanable_offset = task.segments.back().next_offset;
  if (task.first_uncleanable_offset <= task.first_dirty_offset) return std::nullopt;
  task.aborted =
      aborted_transactions(task.segments.front().base_offset, task.first_uncleanable_offset);
  return task;
}

// The segments the pass read are still the log's, unchanged and in place.
bool PartitionLog::clean_segments_match(const CleanTask& task, const CleanResult& result) const {
  if (result.plan.old_bases.empty() || result.cleaned.empty()) return false;
  // A job that sealed one of these segments reports on it once more when it
  // completes (by base offset): that must not land on a new segment.
  if (in_flight_ && in_flight_.get() == task.flush_in_flight) return false;
  size_t i = 0;
  auto it = segments_.find(result.plan.old_bases.front());
  for (int64_t base : result.plan.old_bases) {
    while (i < task.segments.size() && task.segments[i].base_offset != base) ++i;
    if (i == task.segments.size() || it == segments_.end() || it->first != base) return false;
    if (it->second->file() != task.segments[i].file || !settled(*it->second)) return false;
    if (std::next(it) == segments_.end()) return false;  // never the active segment
    ++it;
  }
  return it != segments_.end() && it->first == result.cleaned.back().next_offset;
}

// Replaces the old segments by the new ones in memory.
void PartitionLog::install_cleaned(const CleanResult& result) {
  for (int64_t base : result.plan.old_bases) segments_.erase(base);
  const int64_t now = clock_.now_ms();
  for (const CleanedSegment& c : result.cleaned) {
    auto file = std::make_shared<SegmentFile>(io_.io(), dir_, c.base_offset, io_.fd_caches());
    auto segment = std::make_unique<Segment>(std::move(file), config_);
    segment->restore_sealed(c.size, c.next_offset, c.offsets, c.times, now);
    segments_.emplace(c.base_offset, std::move(segment));
  }
  // Cached copies of the replaced batches must not be served any more.
  tail_.drop_segments_below(result.cleaned.back().next_offset);
}

Result<bool, StorageError> PartitionLog::apply_clean(const CleanTask& task,
                                                     const CleanResult& result) {
  if (closed_ || failure_ || !clean_segments_match(task, result)) {
    discard_cleaned(io_.io(), dir_, result.plan.new_bases);
    return false;
  }
  if (auto r = commit_swap(io_.io(), dir_, result.plan); !r.ok()) return Err(r.error());
  if (auto r = finish_swap(io_.io(), dir_, result.plan); !r.ok()) {
    fail(r.error());
    return Err(r.error());
  }
  install_cleaned(result);
  cleaner_checkpoint_ = result.end_offset;
  cleaner_checkpoint_loaded_ = true;
  log::info("{}: compacted offsets [{}, {}) into {} segment(s): {} -> {} bytes read/written", dir_,
            result.plan.old_bases.front(), result.cleaned.back().next_offset, result.cleaned.size(),
            result.stats.bytes_read, result.stats.bytes_written);
  return true;
}

}  // namespace gregor::storage
