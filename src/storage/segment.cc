#include "storage/segment.h"

#include <algorithm>
#include <limits>
#include <random>

#include "base/assert.h"

namespace gregor::storage {
namespace {

int64_t random_roll_jitter(const LogConfig& config) {
  const int64_t bound = std::min(config.segment_jitter_ms, config.segment_ms);
  if (bound <= 0) return 0;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return static_cast<int64_t>(rng() % static_cast<uint64_t>(bound));
}

}  // namespace

Segment::Segment(std::shared_ptr<SegmentFile> file, const LogConfig& config)
    : file_(std::move(file)),
      config_(config),
      offset_index_(file_->base_offset(),
                    static_cast<size_t>(config.segment_index_bytes) / OffsetIndex::kEntrySize),
      time_index_(file_->base_offset(),
                  static_cast<size_t>(config.segment_index_bytes) / TimeIndex::kEntrySize),
      next_offset_(file_->base_offset()),
      roll_jitter_ms_(random_roll_jitter(config)) {}

bool Segment::should_roll(int64_t batch_size, int64_t last_offset, int64_t now_ms) const {
  if (empty()) return false;
  if (size_ > config_.segment_bytes - batch_size) return true;
  if (size_ + batch_size > std::numeric_limits<int32_t>::max()) return true;  // positions are int32
  if (first_append_ms_ >= 0 && now_ms - first_append_ms_ >= config_.segment_ms - roll_jitter_ms_)
    return true;
  if (offset_index_.full() || time_index_.full()) return true;
  return last_offset - base_offset() > std::numeric_limits<int32_t>::max();
}

void Segment::on_append(const BatchMeta& batch, int64_t now_ms) {
  GREGOR_ASSERT(batch.position == size_, "batches are appended at the end of the segment");
  GREGOR_ASSERT(batch.base_offset >= next_offset_, "offsets must increase");
  if (first_append_ms_ < 0) first_append_ms_ = now_ms;
  if (batch.max_timestamp > max_timestamp_) {
    max_timestamp_ = batch.max_timestamp;
    offset_of_max_timestamp_ = batch.last_offset;
  }
  // Kafka's rule: an index entry once more than index.interval.bytes were
  // appended since the previous one, pointing at this batch.
  if (bytes_since_index_entry_ > config_.index_interval_bytes) {
    offset_index_.append(batch.last_offset, batch.position);
    // Batches without timestamps (-1, "no timestamp") leave nothing to index.
    if (max_timestamp_ >= 0) time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += batch.size;
  size_ += batch.size;
  next_offset_ = batch.last_offset + 1;
}

void Segment::prepare_seal() {
  if (max_timestamp_ >= 0) {
    time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
  }
}

void Segment::restore_sealed(int64_t size, int64_t next_offset, OffsetIndex offsets,
                             TimeIndex times, int64_t now_ms) {
  offset_index_ = std::move(offsets);
  time_index_ = std::move(times);
  size_ = size;
  written_size_ = size;
  next_offset_ = next_offset;
  if (auto last = time_index_.last()) {
    max_timestamp_ = last->timestamp;
    offset_of_max_timestamp_ = last->offset;
  }
  auto last_entry = offset_index_.last();
  bytes_since_index_entry_ = size - (last_entry ? last_entry->position : 0);
  first_append_ms_ = size > 0 ? now_ms : -1;
  sealed_on_disk_ = true;
}

void Segment::reset() {
  offset_index_.clear();
  time_index_.clear();
  size_ = 0;
  written_size_ = 0;
  next_offset_ = base_offset();
  max_timestamp_ = -1;
  offset_of_max_timestamp_ = -1;
  bytes_since_index_entry_ = 0;
  first_append_ms_ = -1;
  sealed_on_disk_ = false;
}

}  // namespace gregor::storage
