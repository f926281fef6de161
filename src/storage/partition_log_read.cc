// The read side of PartitionLog: Fetch reads and ListOffsets lookups.
#include "protocol/record/record.h"
#include "storage/batch_cursor.h"
#include "storage/partition_log.h"

namespace gregor::storage {
namespace {

// Adds the cursor's batch to `out`, extending the previous chunk when the
// batch continues it in the same memory chunk or file.
Result<Ok, StorageError> add_chunk(ReadResult& out, BatchCursor& cursor) {
  const BatchMeta& m = cursor.meta();
  const auto size = static_cast<size_t>(m.size);
  ExternalChunk* last = out.chunks.empty() ? nullptr : &out.chunks.back();
  out.size_bytes += size;
  if (const CachedBatch* c = cursor.cached()) {
    if (last != nullptr && last->fd < 0 && last->owner == c->chunk &&
        last->data + last->size == c->data()) {
      last->size += size;
    } else {
      out.chunks.push_back({c->chunk, c->data(), -1, 0, size});
    }
    return Ok{};
  }
  // A file chunk holds a loan of the open descriptor (not just the segment),
  // so the descriptor cache cannot close it before sendfile is done.
  const int fd = cursor.fd()->fd();
  const bool same_file = last != nullptr && last->fd == fd;  // its loan keeps fd open
  if (same_file && last->file_offset + static_cast<int64_t>(last->size) == m.position) {
    last->size += size;
    return Ok{};
  }
  auto loan = same_file ? last->owner : cursor.file()->lend_read(cursor.fd());
  if (loan != nullptr) {
    out.chunks.push_back({std::move(loan), nullptr, fd, m.position, size});
    return Ok{};
  }
  // Too many descriptors are lent to responses in flight: copy the batch
  // rather than keep one more descriptor open.
  auto bytes = cursor.bytes();
  if (!bytes.ok()) return Err(bytes.error());
  auto copy = std::make_shared<std::vector<uint8_t>>(bytes->begin(), bytes->end());
  out.chunks.push_back({copy, copy->data(), -1, 0, size});
  return Ok{};
}

// The first record of `batch` whose timestamp is >= ts, read with the record
// codec (which decompresses compressed batches).
std::optional<TimestampOffset> first_record_at_or_after(std::span<const uint8_t> batch,
                                                        int64_t ts) {
  auto records = record::BatchRecords::open(batch);
  if (!records.ok()) return std::nullopt;
  record::RecordView r;
  for (;;) {
    auto more = records->next(r);
    if (!more.ok() || !*more) return std::nullopt;
    if (r.timestamp >= ts) return TimestampOffset{r.timestamp, r.offset};
  }
}

}  // namespace

Result<ReadResult, StorageError> PartitionLog::read(int64_t offset, int64_t max_offset,
                                                    size_t max_bytes, bool min_one_batch) {
  if (closed_) return Err(StorageError::kClosed);
  if (offset < log_start_offset_ || offset > log_end_offset())
    return Err(StorageError::kOffsetOutOfRange);
  ReadResult out;
  BatchCursor cursor(*this, offset);
  for (;;) {
    auto more = cursor.next();
    if (!more.ok()) return Err(more.error());
    if (!*more) break;
    const BatchMeta& m = cursor.meta();
    if (m.base_offset >= max_offset) break;
    const bool fits = out.size_bytes + static_cast<size_t>(m.size) <= max_bytes;
    if (!fits && !(out.chunks.empty() && min_one_batch)) break;
    if (auto added = add_chunk(out, cursor); !added.ok()) return Err(added.error());
    if (!fits) break;
  }
  return out;
}

std::optional<TimestampOffset> PartitionLog::offset_for_timestamp(int64_t ts) {
  if (closed_) return std::nullopt;
  // The first segment (in offset order) holding a timestamp >= ts, as Kafka does.
  const Segment* target = nullptr;
  for (const auto& [base, segment] : segments_) {
    if (segment->max_timestamp() >= ts && segment->next_offset() > log_start_offset_) {
      target = segment.get();
      break;
    }
  }
  if (target == nullptr) return std::nullopt;
  int64_t start = target->base_offset();
  if (auto entry = target->time_index().lookup(ts)) start = entry->offset;
  BatchCursor cursor(*this, std::max(start, log_start_offset_));
  for (;;) {
    auto more = cursor.next();
    if (!more.ok() || !*more) return std::nullopt;
    if (cursor.meta().max_timestamp < ts) continue;
    auto bytes = cursor.bytes();
    if (!bytes.ok()) return std::nullopt;
    if (auto found = first_record_at_or_after(*bytes, ts)) {
      if (found->offset >= log_start_offset_) return found;
    }
  }
}

std::optional<TimestampOffset> PartitionLog::max_timestamp() {
  if (closed_) return std::nullopt;
  const Segment* best = nullptr;
  for (const auto& [base, segment] : segments_) {
    if (segment->max_timestamp() >= 0 &&
        (best == nullptr || segment->max_timestamp() > best->max_timestamp())) {
      best = segment.get();
    }
  }
  if (best == nullptr) return std::nullopt;
  const int64_t max_ts = best->max_timestamp();
  BatchCursor cursor(*this, std::max(best->offset_of_max_timestamp(), log_start_offset_));
  for (;;) {
    auto more = cursor.next();
    if (!more.ok() || !*more) return std::nullopt;
    if (cursor.meta().max_timestamp != max_ts) continue;
    auto bytes = cursor.bytes();
    if (!bytes.ok()) return std::nullopt;
    if (auto found = first_record_at_or_after(*bytes, max_ts)) return found;
    return TimestampOffset{max_ts, cursor.meta().last_offset};
  }
}

}  // namespace gregor::storage
