#include "storage/log_cleaner.h"

#include <algorithm>
#include <optional>

#include "base/log.h"
#include "protocol/record/batch_header.h"
#include "protocol/record/record.h"
#include "storage/cleaner_batch_filter.h"
#include "storage/cleaner_segment_reader.h"
#include "storage/cleaner_txn_state.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace gregor::storage {

// The state of one pass over one log.
class LogCleaner::Pass {
 public:
  Pass(LogCleaner& cleaner, FileIo& io, const CleanTask& task) : c_(cleaner), io_(io), t_(task) {
    writer_config_ = task.log_config;
    // Index sizes are bounded by the grouping; the writer never refuses an entry.
    writer_config_.segment_index_bytes = std::numeric_limits<int32_t>::max();
  }
  ~Pass() {
    writer_.reset();
    if (!committed_) discard_cleaned(io_, t_.dir, result_.plan.new_bases);
  }

  Result<CleanResult, StorageError> run();

 private:
  Result<Ok, StorageError> build_map();
  Result<bool, StorageError> map_segment(const CleanerSegment& segment);
  Result<Ok, StorageError> map_batch(std::span<const uint8_t> batch, bool* full);
  std::vector<std::vector<size_t>> group_segments() const;
  Result<Ok, StorageError> clean_group(const std::vector<size_t>& group, bool last);
  Result<Ok, StorageError> clean_segment(const CleanerSegment& segment);
  Result<Ok, StorageError> clean_batch(std::span<const uint8_t> batch);
  Result<Ok, StorageError> close_writer(int64_t next_offset);
  Result<Ok, StorageError> open_writer(int64_t base);

  LogCleaner& c_;
  FileIo& io_;
  const CleanTask& t_;
  LogConfig writer_config_;
  int64_t end_ = 0;  // one past the last offset the key map covers
  std::unordered_map<int64_t, int64_t> last_of_producer_;
  // Transactions as the map building and the cleaning meet them (each reads
  // its range from the start, so each has its own).
  std::optional<CleanerTxnState> map_txns_;
  std::optional<CleanerTxnState> clean_txns_;
  std::unique_ptr<CleanedSegmentWriter> writer_;
  std::vector<uint8_t> last_batch_;  // the last batch read, unchanged
  CleanResult result_;
  bool committed_ = false;
};

LogCleaner::LogCleaner(size_t dedupe_buffer_bytes, size_t io_buffer_bytes, IoThrottler& throttler,
                       const std::atomic<bool>& stop)
    : map_(dedupe_buffer_bytes),
      io_buffer_bytes_(io_buffer_bytes),
      throttler_(throttler),
      stop_(stop) {}

Result<CleanResult, StorageError> LogCleaner::clean(FileIo& io, const CleanTask& task) {
  Pass pass(*this, io, task);
  return pass.run();
}

Result<CleanResult, StorageError> LogCleaner::Pass::run() {
  if (auto r = build_map(); !r.ok()) return Err(r.error());
  if (end_ <= t_.first_dirty_offset) {
    log::warn(
        "{}: the cleaner's key map cannot hold a single key; raise "
        "log.cleaner.dedupe.buffer.size",
        t_.dir);
    return Err(StorageError::kTooLarge);
  }
  result_.end_offset = end_;
  result_.stats.map_utilization = c_.map_.utilization();
  const auto groups = group_segments();
  if (!t_.segments.empty()) clean_txns_.emplace(t_.aborted, t_.segments.front().base_offset);
  for (size_t i = 0; i < groups.size(); ++i) {
    if (auto r = clean_group(groups[i], i + 1 == groups.size()); !r.ok()) return Err(r.error());
  }
  if (int r = io_.fsync_dir(t_.dir); r < 0) return Err(error_from_errno(-r));
  committed_ = true;
  return std::move(result_);
}

Result<Ok, StorageError> LogCleaner::Pass::build_map() {
  c_.map_.clear();
  map_txns_.emplace(t_.aborted, t_.first_dirty_offset);
  for (const CleanerSegment& segment : t_.segments) {
    if (segment.next_offset <= t_.first_dirty_offset) continue;
    auto full = map_segment(segment);
    if (!full.ok()) return Err(full.error());
    if (*full) break;
  }
  end_ = std::min(c_.map_.latest_offset() + 1, t_.first_uncleanable_offset);
  return Ok{};
}

// True once the map is full.
Result<bool, StorageError> LogCleaner::Pass::map_segment(const CleanerSegment& segment) {
  CleanerSegmentReader reader(segment.file, segment.size, c_.io_buffer_bytes_ / 2, c_.throttler_,
                              c_.stop_);
  bool full = false;
  while (!full) {
    auto batch = reader.next();
    if (!batch.ok()) return Err(batch.error());
    if (!batch->has_value()) break;
    if (auto r = map_batch(**batch, &full); !r.ok()) return Err(r.error());
  }
  result_.stats.bytes_read += reader.bytes_read();
  return full;
}

Result<Ok, StorageError> LogCleaner::Pass::map_batch(std::span<const uint8_t> batch, bool* full) {
  const record::BatchHeaderView h(batch.data());
  if (h.last_offset() < t_.first_dirty_offset) return Ok{};
  // Records of aborted transactions never count as a key's latest value:
  // they would make the cleaner drop the committed value before them.
  bool aborted = false;
  if (h.is_control()) {
    map_txns_->on_control_batch(batch);
  } else {
    aborted = map_txns_->on_data_batch(h.producer_id(), h.is_transactional(), h.last_offset());
  }
  if (!h.is_control() && !aborted) {
    auto records = record::BatchRecords::open(batch);
    if (!records.ok()) return Err(StorageError::kCorrupt);
    record::RecordView r;
    for (;;) {
      auto more = records->next(r);
      if (!more.ok()) return Err(StorageError::kCorrupt);
      if (!*more) break;
      if (!r.key || r.offset < t_.first_dirty_offset) continue;
      if (!c_.map_.put(*r.key, r.offset)) {
        *full = true;
        return Ok{};
      }
    }
  }
  c_.map_.set_latest_offset(h.last_offset());
  if (h.producer_id() >= 0) last_of_producer_[h.producer_id()] = h.last_offset();
  return Ok{};
}

// Kafka's groupSegmentsBySize over the segments below end_.
std::vector<std::vector<size_t>> LogCleaner::Pass::group_segments() const {
  const auto& s = t_.segments;
  const size_t max_entries =
      static_cast<size_t>(t_.log_config.segment_index_bytes) / TimeIndex::kEntrySize;
  std::vector<std::vector<size_t>> groups;
  size_t i = 0;
  while (i < s.size() && s[i].base_offset < end_) {
    std::vector<size_t> group{i};
    int64_t bytes = s[i].size;
    size_t entries = s[i].index_entries;
    size_t j = i + 1;
    for (; j < s.size() && s[j].base_offset < end_; ++j) {
      const bool fits =
          bytes + s[j].size <= t_.log_config.segment_bytes &&
          entries + s[j].index_entries + 1 <= max_entries &&
          s[j].next_offset - 1 - s[i].base_offset <= std::numeric_limits<int32_t>::max();
      if (!fits) break;
      group.push_back(j);
      bytes += s[j].size;
      entries += s[j].index_entries;
    }
    groups.push_back(std::move(group));
    i = j;
  }
  return groups;
}

Result<Ok, StorageError> LogCleaner::Pass::open_writer(int64_t base) {
  writer_ = std::make_unique<CleanedSegmentWriter>(io_, t_.dir, base, writer_config_,
                                                   c_.io_buffer_bytes_ / 2);
  return writer_->open();
}

Result<Ok, StorageError> LogCleaner::Pass::clean_group(const std::vector<size_t>& group,
                                                       bool last) {
  const CleanerSegment& first = t_.segments[group.front()];
  const CleanerSegment& tail = t_.segments[group.back()];
  // A writer left empty by the previous group carries on here, if the
  // offsets still fit its relative int32 range.
  if (writer_ &&
      tail.next_offset - 1 - writer_->base_offset() > std::numeric_limits<int32_t>::max()) {
    if (auto r = close_writer(first.base_offset); !r.ok()) return r;
  }
  if (!writer_) {
    if (auto r = open_writer(first.base_offset); !r.ok()) return r;
  }
  for (size_t i : group) {
    result_.plan.old_bases.push_back(t_.segments[i].base_offset);
    if (auto r = clean_segment(t_.segments[i]); !r.ok()) return r;
  }
  if (writer_->size() > 0 || last) return close_writer(tail.next_offset);
  return Ok{};
}

Result<Ok, StorageError> LogCleaner::Pass::clean_segment(const CleanerSegment& segment) {
  CleanerSegmentReader reader(segment.file, segment.size, c_.io_buffer_bytes_ / 2, c_.throttler_,
                              c_.stop_);
  for (;;) {
    auto batch = reader.next();
    if (!batch.ok()) return Err(batch.error());
    if (!batch->has_value()) break;
    if (auto r = clean_batch(**batch); !r.ok()) return r;
  }
  result_.stats.bytes_read += reader.bytes_read();
  return Ok{};
}

Result<Ok, StorageError> LogCleaner::Pass::clean_batch(std::span<const uint8_t> batch) {
  const record::BatchHeaderView h(batch.data());
  last_batch_.assign(batch.begin(), batch.end());
  result_.stats.records_read += h.records_count();
  BatchFilterInput in;
  in.map = &c_.map_;
  in.now_ms = t_.now_ms;
  in.delete_retention_ms = t_.compaction.delete_retention_ms;
  if (h.is_control()) {
    in.control_discardable = clean_txns_->on_control_batch(batch);
  } else {
    in.aborted = clean_txns_->on_data_batch(h.producer_id(), h.is_transactional(), h.last_offset());
  }
  auto last = last_of_producer_.find(h.producer_id());
  in.last_of_producer = last != last_of_producer_.end() && last->second == h.last_offset();
  auto filtered = filter_batch(batch, in);
  if (!filtered.ok()) return Err(filtered.error());
  result_.stats.records_dropped += filtered->records_dropped;
  switch (filtered->fate) {
    case BatchFate::kKept:
      return writer_->append(batch);
    case BatchFate::kRebuilt:
    case BatchFate::kEmptyHeader:
      ++result_.stats.batches_rebuilt;
      return writer_->append(filtered->rebuilt);
    case BatchFate::kDropped:
      ++result_.stats.batches_dropped;
      return Ok{};
  }
  return Ok{};
}

// Finishes the open segment so it ends at next_offset. An empty one is not
// written: the previous new segment is extended over its range instead, or,
// if there is none, the last batch read is kept so the range is not a hole.
Result<Ok, StorageError> LogCleaner::Pass::close_writer(int64_t next_offset) {
  if (writer_->size() == 0 && !result_.cleaned.empty()) {
    result_.cleaned.back().next_offset = next_offset;
    writer_.reset();
    return Ok{};
  }
  if (writer_->size() == 0 && !last_batch_.empty()) {
    if (auto r = writer_->append(last_batch_); !r.ok()) return r;
  }
  auto done = writer_->finish(next_offset);
  if (!done.ok()) return Err(done.error());
  result_.stats.bytes_written += writer_->bytes_written();
  c_.throttler_.maybe_throttle(writer_->bytes_written(), &c_.stop_);
  result_.plan.new_bases.push_back(done->base_offset);
  result_.cleaned.push_back(std::move(done).value());
  writer_.reset();
  return Ok{};
}

}  // namespace gregor::storage
