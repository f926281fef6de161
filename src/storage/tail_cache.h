// The in-memory tail of a partition log: the most recently appended batches,
// in page-aligned chunks laid out exactly as they sit in the segment file.
//
// It is two things at once:
//  - the write buffer: flush jobs write straight from these chunks with
//    O_DIRECT (whole pages; the partially filled last page is rewritten by the
//    next job as it fills), so appended bytes are copied once, into a chunk;
//  - the read cache: Fetch at the head of the log is served from these chunks
//    as zero-copy memory slices, never touching the disk.
//
// Layout: a chunk starts at a page-aligned file position. When a batch starts
// a new chunk in the middle of a page, the chunk begins with a copy of that
// page's earlier bytes, so every chunk can be written from its first page on.
//
// Invariants: the cached batches are a contiguous suffix of the log; every
// byte not yet written to its file is cached (only written chunks are evicted,
// oldest first, and never the newest one); bytes of a chunk below `end` never
// change, which is what lets the I/O thread and readers use them without locks.
//
// Thread contract: owned by the PartitionLog, touched only on the owner shard.
// Chunks are shared (shared_ptr) with flush jobs on the I/O thread and with
// response chunks on their way to a socket; those only read bytes below `end`
// as of the time they got the chunk.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "storage/aligned_buffer.h"
#include "storage/batch_meta.h"
#include "storage/buffer_pool.h"

namespace gregor::storage {

struct TailChunk {
  TailChunk(int64_t segment_base, int64_t file_base, size_t capacity)
      : buf(capacity), segment_base(segment_base), file_base(file_base) {}

  PooledBuffer buf;
  const int64_t segment_base;  // the segment whose file this chunk mirrors
  const int64_t file_base;     // file position of buf.data()[0]; page aligned
  size_t begin = 0;            // first byte appended here; [0, begin) copies the previous page
  size_t end = 0;              // one past the last byte appended

  int64_t file_end() const { return file_base + static_cast<int64_t>(end); }
};

struct CachedBatch {
  BatchMeta meta;  // position: file position within the segment
  std::shared_ptr<TailChunk> chunk;

  const uint8_t* data() const { return chunk->buf.data() + (meta.position - chunk->file_base); }
};

class TailCache {
 public:
  TailCache(size_t budget_bytes, size_t max_chunk_bytes);

  // Copies a batch that goes to `meta.position` of segment `segment_base`.
  // Positions within a segment must follow each other; a new segment starts at 0.
  // Returns the cached copy, which the caller may patch before anyone reads it.
  uint8_t* append(int64_t segment_base, const BatchMeta& meta, std::span<const uint8_t> bytes);
  // Seeds the partially filled last page of a segment reopened for appending:
  // `page` holds the file bytes [align_down(position), position). Only these
  // bytes are kept (no chunk) until the next append needs them, so a
  // partition that stays idle after a restart holds no chunk.
  void seed_page(int64_t segment_base, int64_t position, std::span<const uint8_t> page);

  // Whether `offset` is at or after the first cached batch.
  bool covers(int64_t offset) const;
  // Index of the first cached batch whose last offset >= offset (size() if none).
  size_t find(int64_t offset) const;
  const CachedBatch& batch(size_t i) const { return batches_[i]; }
  size_t batch_count() const { return batches_.size(); }

  // The chunks of a segment, oldest first (for building flush jobs).
  std::vector<std::shared_ptr<TailChunk>> chunks_of(int64_t segment_base) const;

  // Frees the oldest chunks while over budget, as long as all their batches
  // end below `written_end_offset` and they are not the newest chunk.
  void evict(int64_t written_end_offset);
  // Forgets the cached batches of segments whose base is below `segment_base`
  // (written and sealed segments that compaction replaced), never the newest chunk.
  void drop_segments_below(int64_t segment_base);
  void clear();
  size_t memory_bytes() const { return memory_; }

 private:
  std::shared_ptr<TailChunk> new_chunk(int64_t segment_base, int64_t position, size_t need);

  // The seeded partial page, until the first chunk takes it.
  struct Seed {
    int64_t segment_base = -1;
    int64_t position = 0;
    std::vector<uint8_t> bytes;
  };

  const size_t budget_;
  const size_t max_chunk_;
  size_t next_capacity_;
  std::deque<std::shared_ptr<TailChunk>> chunks_;
  std::deque<CachedBatch> batches_;
  Seed seed_;
  size_t memory_ = 0;
};

}  // namespace gregor::storage
