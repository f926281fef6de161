#include "storage/batch_cursor.h"

#include "base/assert.h"

namespace gregor::storage {

BatchCursor::BatchCursor(PartitionLog& log, int64_t offset) : log_(log), offset_(offset) {}

void BatchCursor::enter_cache(int64_t offset) {
  in_cache_ = true;
  cache_index_ = log_.tail_.find(offset);
}

// Starts reading `segment` at `position` (opening its read descriptor through
// the shard's cache); false if its file holds nothing written yet (then the
// rest of the log is in the cache).
Result<bool, StorageError> BatchCursor::open_segment(Segment* segment, int64_t position) {
  segment_ = segment;
  reader_.reset();
  fd_.reset();
  if (segment->written_size() == 0) {
    GREGOR_ASSERT(segment->size() == 0 || log_.tail_.covers(segment->base_offset()),
                  "unwritten data must be cached");
    return false;
  }
  auto fd = segment->file()->open_read();
  if (!fd.ok()) return Err(error_from_errno(-fd.error()));
  fd_ = std::move(fd).value();
  reader_.emplace(log_.io_.io(), fd_->fd(), position, segment->written_size());
  return true;
}

Result<Ok, StorageError> BatchCursor::start() {
  started_ = true;
  if (log_.tail_.covers(offset_)) {
    enter_cache(offset_);
    return Ok{};
  }
  Segment* segment = log_.segment_for(offset_);
  if (segment == nullptr) segment = log_.segments_.begin()->second.get();
  const int64_t position = segment->offset_index().lookup(offset_).position;
  auto opened = open_segment(segment, position);
  if (!opened.ok()) return Err(opened.error());
  if (!*opened) enter_cache(offset_);
  return Ok{};
}

Result<bool, StorageError> BatchCursor::next() {
  cached_ = nullptr;
  if (!started_) {
    if (auto r = start(); !r.ok()) return Err(r.error());
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
      auto opened = open_segment(it->second.get(), 0);
      if (!opened.ok()) return Err(opened.error());
      if (!*opened) enter_cache(it->second->base_offset());
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
  auto read = read_batch(log_.io_.io(), fd_->fd(), meta_);
  if (!read.ok()) return Err(read.error());
  copy_ = std::move(read).value();
  return std::span<const uint8_t>(copy_);
}

}  // namespace gregor::storage
