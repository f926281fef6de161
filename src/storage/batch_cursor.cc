#include "storage/batch_cursor.h"

#include "base/assert.h"

namespace gregor::storage {

BatchCursor::BatchCursor(PartitionLog& log, int64_t offset) : log_(log), offset_(offset) {}

void BatchCursor::enter_cache(int64_t offset) {
  in_cache_ = true;
  cache_index_ = log_.tail_.find(offset);
}

// Starts reading `segment` at `position`; false if its file holds nothing
// readable (then the rest of the log is in the cache).
bool BatchCursor::open_segment(Segment* segment, int64_t position) {
  segment_ = segment;
  if (!segment->file()->readable() || segment->written_size() == 0) {
    GREGOR_ASSERT(segment->size() == 0 || log_.tail_.covers(segment->base_offset()),
                  "unwritten data must be cached");
    return false;
  }
  reader_.emplace(log_.io_.io(), segment->file()->read_fd(), position, segment->written_size());
  return true;
}

void BatchCursor::start() {
  started_ = true;
  if (log_.tail_.covers(offset_)) return enter_cache(offset_);
  Segment* segment = log_.segment_for(offset_);
  if (segment == nullptr) segment = log_.segments_.begin()->second.get();
  const int64_t position = segment->offset_index().lookup(offset_).position;
  if (!open_segment(segment, position)) enter_cache(offset_);
}

Result<bool, StorageError> BatchCursor::next() {
  cached_ = nullptr;
  if (!started_) {
    start();
  } else if (in_cache_) {
    ++cache_index_;
  }
  while (!in_cache_) {
    auto header = reader_->next();
    if (!header.ok()) return Err(header.error());
    if (!header->has_value()) {
      // The rest of this segment (not written yet) or of the log may be cached.
      const int64_t resume = std::max(offset_, resume_);
      if (log_.tail_.covers(resume)) {
        enter_cache(resume);
        break;
      }
      auto it = log_.segments_.upper_bound(segment_->base_offset());
      if (it == log_.segments_.end()) return false;
      if (!open_segment(it->second.get(), 0)) enter_cache(it->second->base_offset());
      continue;
    }
    meta_ = **header;
    resume_ = meta_.last_offset + 1;
    if (meta_.last_offset < offset_) continue;
    // From the first cached batch on, memory is the faster source.
    if (log_.tail_.covers(meta_.base_offset)) {
      enter_cache(meta_.base_offset);
      break;
    }
    return true;
  }
  if (cache_index_ >= log_.tail_.batch_count()) return false;
  cached_ = &log_.tail_.batch(cache_index_);
  meta_ = cached_->meta;
  return true;
}

Result<std::span<const uint8_t>, StorageError> BatchCursor::bytes() {
  if (cached_ != nullptr)
    return std::span<const uint8_t>(cached_->data(), static_cast<size_t>(meta_.size));
  auto read = read_batch(log_.io_.io(), segment_->file()->read_fd(), meta_);
  if (!read.ok()) return Err(read.error());
  copy_ = std::move(read).value();
  return std::span<const uint8_t>(copy_);
}

}  // namespace gregor::storage
