#include "storage/tail_cache.h"

#include <algorithm>
#include <cstring>

#include "base/assert.h"

namespace gregor::storage {

namespace {
constexpr size_t kFirstChunkBytes = 64 * 1024;
}

TailCache::TailCache(size_t budget_bytes, size_t max_chunk_bytes)
    : budget_(budget_bytes),
      max_chunk_(std::max(max_chunk_bytes, kFirstChunkBytes)),
      next_capacity_(kFirstChunkBytes) {}

std::shared_ptr<TailChunk> TailCache::new_chunk(int64_t segment_base, int64_t position,
                                                size_t need) {
  const int64_t page = align_down(position);
  const auto prefix = static_cast<size_t>(position - page);
  const size_t capacity =
      std::max(next_capacity_, static_cast<size_t>(align_up(static_cast<int64_t>(prefix + need))));
  auto chunk = std::make_shared<TailChunk>(segment_base, page, capacity);
  if (prefix > 0 && chunks_.empty()) {
    GREGOR_ASSERT(seed_.segment_base == segment_base && seed_.position == position &&
                      seed_.bytes.size() == prefix,
                  "a mid-page chunk needs the page's earlier bytes");
    std::memcpy(chunk->buf.data(), seed_.bytes.data(), prefix);
  } else if (prefix > 0) {
    const TailChunk& prev = *chunks_.back();
    GREGOR_ASSERT(
        prev.segment_base == segment_base && prev.file_end() == position && prev.file_base <= page,
        "a mid-page chunk must continue the previous chunk");
    std::memcpy(chunk->buf.data(), prev.buf.data() + (page - prev.file_base), prefix);
  }
  chunk->begin = chunk->end = prefix;
  if (seed_.segment_base >= 0) {
    memory_ -= seed_.bytes.size();
    seed_ = {};
  }
  next_capacity_ = std::min(next_capacity_ * 2, max_chunk_);
  memory_ += chunk->buf.capacity();
  chunks_.push_back(chunk);
  return chunk;
}

uint8_t* TailCache::append(int64_t segment_base, const BatchMeta& meta,
                           std::span<const uint8_t> bytes) {
  GREGOR_ASSERT(static_cast<int64_t>(bytes.size()) == meta.size, "batch size mismatch");
  std::shared_ptr<TailChunk> chunk = chunks_.empty() ? nullptr : chunks_.back();
  const bool continues =
      chunk && chunk->segment_base == segment_base && chunk->file_end() == meta.position;
  // After a reopen the first chunk starts at the log end: mid-page from the
  // seed, or at a page boundary.
  const bool reopened =
      !chunk && (seed_.segment_base == segment_base ? seed_.position == meta.position
                                                    : meta.position % kPageSize == 0);
  GREGOR_ASSERT(
      continues || meta.position == 0 || reopened || (chunk && chunk->segment_base == segment_base),
      "tail cache positions must be contiguous within a segment");
  if (!continues || chunk->end + bytes.size() > chunk->buf.capacity()) {
    chunk = new_chunk(segment_base, meta.position, bytes.size());
  }
  uint8_t* copy = chunk->buf.data() + chunk->end;
  std::memcpy(copy, bytes.data(), bytes.size());
  chunk->end += bytes.size();
  batches_.push_back({meta, std::move(chunk)});
  return copy;
}

void TailCache::seed_page(int64_t segment_base, int64_t position, std::span<const uint8_t> page) {
  GREGOR_ASSERT(static_cast<int64_t>(page.size()) == position - align_down(position),
                "seed must be the partial page");
  GREGOR_ASSERT(chunks_.empty(), "only a log without cached data is seeded");
  memory_ -= seed_.bytes.size();
  seed_ = {segment_base, position, std::vector<uint8_t>(page.begin(), page.end())};
  memory_ += seed_.bytes.size();
}

bool TailCache::covers(int64_t offset) const {
  return !batches_.empty() && offset >= batches_.front().meta.base_offset;
}

size_t TailCache::find(int64_t offset) const {
  auto it =
      std::lower_bound(batches_.begin(), batches_.end(), offset,
                       [](const CachedBatch& b, int64_t o) { return b.meta.last_offset < o; });
  return static_cast<size_t>(it - batches_.begin());
}

std::vector<std::shared_ptr<TailChunk>> TailCache::chunks_of(int64_t segment_base) const {
  std::vector<std::shared_ptr<TailChunk>> out;
  for (const auto& c : chunks_) {
    if (c->segment_base == segment_base) out.push_back(c);
  }
  return out;
}

void TailCache::evict(int64_t written_end_offset) {
  while (memory_ > budget_ && chunks_.size() > 1) {
    const TailChunk* front = chunks_.front().get();
    // Batches of the front chunk are at the front of batches_.
    size_t n = 0;
    while (n < batches_.size() && batches_[n].chunk.get() == front) {
      if (batches_[n].meta.last_offset >= written_end_offset) return;  // not written yet
      ++n;
    }
    batches_.erase(batches_.begin(), batches_.begin() + static_cast<ptrdiff_t>(n));
    memory_ -= front->buf.capacity();
    chunks_.pop_front();
  }
}

void TailCache::drop_segments_below(int64_t segment_base) {
  while (chunks_.size() > 1 && chunks_.front()->segment_base < segment_base) {
    const TailChunk* front = chunks_.front().get();
    size_t n = 0;
    while (n < batches_.size() && batches_[n].chunk.get() == front) ++n;
    batches_.erase(batches_.begin(), batches_.begin() + static_cast<ptrdiff_t>(n));
    memory_ -= front->buf.capacity();
    chunks_.pop_front();
  }
}

void TailCache::clear() {
  batches_.clear();
  chunks_.clear();
  seed_ = {};
  memory_ = 0;
}

}  // namespace gregor::storage
