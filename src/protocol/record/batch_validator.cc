#include "protocol/record/batch_validator.h"

#include <algorithm>
#include <vector>

#include "protocol/record/compression.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record_parser.h"

namespace gregor::record {
namespace {

// Kafka's RecordBatch.NO_TIMESTAMP: exempt from the timestamp window.
constexpr int64_t kNoTimestamp = -1;
// The smallest possible record: seven one-byte fields.
constexpr size_t kMinRecordSize = 7;
// A per-thread decompression buffer larger than this is released after use
// instead of being kept for the next batch.
constexpr size_t kScratchKeepBytes = size_t{8} << 20;

int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t saturating_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}
int64_t saturating_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b > 0 ? INT64_MIN : INT64_MAX;
  return r;
}

// Would Java's batch iterator find a complete batch in `tail`?
bool holds_whole_batch(std::span<const uint8_t> tail) {
  if (tail.size() < kHeaderUpToMagic) return false;
  BatchHeaderView h(tail.data());
  return h.batch_length() >= kMinBatchLength && h.magic() >= 0 && h.magic() <= kMagicV2 &&
         static_cast<uint64_t>(h.total_size()) <= tail.size();
}

// Rule 1: exactly one whole v2 batch fills the field.
ErrorCode check_frame(std::span<const uint8_t> f, const ValidationOptions& o) {
  if (f.size() < kLogOverhead) return ErrorCode::kInvalidRecord;
  BatchHeaderView h(f.data());
  if (h.batch_length() < kMinBatchLength) return ErrorCode::kCorruptMessage;
  if (f.size() < kHeaderUpToMagic) return ErrorCode::kInvalidRecord;
  if (h.magic() < 0 || h.magic() > kMagicV2) return ErrorCode::kCorruptMessage;
  auto size = static_cast<uint64_t>(h.total_size());
  if (size > f.size()) return ErrorCode::kInvalidRecord;
  if (h.magic() != kMagicV2) return ErrorCode::kUnsupportedForMessageFormat;
  if (size < f.size())
    return holds_whole_batch(f.subspan(size)) ? ErrorCode::kInvalidRecord
                                              : ErrorCode::kCorruptMessage;
  if (!o.zstd_allowed && size >= kAttributesPos + 2 &&
      h.compression() == static_cast<int>(Codec::kZstd))
    return ErrorCode::kUnsupportedCompressionType;
  return ErrorCode::kNone;
}

// Rule 6: batch-level fields a client may not get wrong.
ErrorCode check_batch_fields(const BatchHeaderView& h) {
  int32_t count = h.records_count();
  if (count <= 0 || int64_t{h.last_offset_delta()} + 1 != count) return ErrorCode::kInvalidRecord;
  if (h.is_control()) return ErrorCode::kInvalidRecord;
  if (h.producer_id() >= 0 && h.base_sequence() < 0) return ErrorCode::kInvalidRecord;
  return ErrorCode::kNone;
}

struct Walk {
  int64_t base_timestamp = 0;
  bool check_timestamps = false;
  bool require_keys = false;
  int64_t min_ts = INT64_MIN;
  int64_t max_ts = INT64_MAX;
  // Results.
  int64_t max_timestamp = kNoTimestamp;
  bool bad_timestamp = false;
  bool missing_key = false;
};

// Rule 7 over the (uncompressed) record bytes: structure errors stop the walk
// at once; timestamp and key problems are noted and reported after it, which
// is the precedence Kafka's LogValidator gives them.
ErrorCode walk_records(const uint8_t* p, const uint8_t* end, int32_t count, Walk& w) {
  if (static_cast<size_t>(count) > static_cast<size_t>(end - p) / kMinRecordSize)
    return ErrorCode::kInvalidRecord;
  detail::RawRecord r;
  for (int32_t i = 0; i < count; ++i) {
    p = detail::parse_record(p, end, r);
    if (p == nullptr || r.offset_delta != i) return ErrorCode::kInvalidRecord;
    int64_t ts = wrapping_add(w.base_timestamp, r.timestamp_delta);
    if (ts > w.max_timestamp) w.max_timestamp = ts;
    if (w.check_timestamps && ts != kNoTimestamp && (ts < w.min_ts || ts > w.max_ts))
      w.bad_timestamp = true;
    if (w.require_keys && r.key_size < 0) w.missing_key = true;
  }
  return p == end ? ErrorCode::kNone : ErrorCode::kInvalidRecord;
}

ErrorCode walk_compressed(Codec codec, std::span<const uint8_t> payload, int32_t count,
                          size_t max_decompressed, Walk& w) {
  thread_local std::vector<uint8_t> scratch;
  auto r = decompress_into(codec, payload, max_decompressed, scratch);
  ErrorCode e = r ? walk_records(scratch.data(), scratch.data() + scratch.size(), count, w)
                  : codec_error_code(r.error());
  if (scratch.capacity() > kScratchKeepBytes) std::vector<uint8_t>().swap(scratch);
  return e;
}

// Overwrites header bytes covered by the CRC and re-signs the batch without
// re-reading it (the CRC is patched for the changed bytes only).
void rewrite_signed(uint8_t* batch, size_t size, size_t pos, uint64_t value, int width) {
  uint8_t old_bytes[8], new_bytes[8];
  std::copy(batch + pos, batch + pos + width, old_bytes);
  store_be(batch + pos, value, width);
  std::copy(batch + pos, batch + pos + width, new_bytes);
  uint32_t crc = BatchHeaderView(batch).crc();
  crc = crc32c_patch(crc, size - kAttributesPos, pos - kAttributesPos, old_bytes, new_bytes,
                     static_cast<size_t>(width));
  store_be(batch + kCrcPos, crc, 4);
}

}  // namespace

Result<BatchInfo, ErrorCode> validate_produce_batch(std::span<uint8_t> records_field,
                                                    const ValidationOptions& o) {
  if (ErrorCode e = check_frame(records_field, o); e != ErrorCode::kNone) return Err{e};
  uint8_t* b = records_field.data();
  BatchHeaderView h(b);
  const size_t size = records_field.size();
  if (h.base_offset() != 0) return Err{ErrorCode::kInvalidRecord};
  if (static_cast<int64_t>(size) > int64_t{o.max_batch_bytes})
    return Err{ErrorCode::kMessageTooLarge};
  if (size < kHeaderSize) return Err{ErrorCode::kCorruptMessage};
  if (crc32c(b + kAttributesPos, size - kAttributesPos) != h.crc())
    return Err{ErrorCode::kCorruptMessage};
  Codec codec;
  if (!codec_from_id(h.compression(), codec)) return Err{ErrorCode::kUnsupportedCompressionType};
  if (ErrorCode e = check_batch_fields(h); e != ErrorCode::kNone) return Err{e};

  Walk w;
  w.base_timestamp = h.base_timestamp();
  // A bound of INT64_MAX (the default) means "no limit", even at the extremes.
  const int64_t before = std::min(o.max_timestamp_diff_ms, o.max_timestamp_before_ms);
  const int64_t after = std::min(o.max_timestamp_diff_ms, o.max_timestamp_after_ms);
  w.check_timestamps = !o.log_append_time && (before != INT64_MAX || after != INT64_MAX);
  w.require_keys = o.require_keys;
  w.min_ts = before == INT64_MAX ? INT64_MIN : saturating_sub(o.now_ms, before);
  w.max_ts = after == INT64_MAX ? INT64_MAX : saturating_add(o.now_ms, after);
  bool walked = codec == Codec::kNone || o.deep_validate_compressed;
  ErrorCode e = ErrorCode::kNone;
  if (codec == Codec::kNone)
    e = walk_records(b + kHeaderSize, b + size, h.records_count(), w);
  else if (walked)
    e = walk_compressed(codec, records_field.subspan(kHeaderSize), h.records_count(),
                        o.max_decompressed_bytes, w);
  if (e != ErrorCode::kNone) return Err{e};
  // Rule 8: only the broker may declare LogAppendTime.
  if (h.log_append_time() || w.bad_timestamp) return Err{ErrorCode::kInvalidTimestamp};
  if (w.missing_key) return Err{ErrorCode::kInvalidRecord};

  if (o.log_append_time) {
    rewrite_signed(b, size, kAttributesPos,
                   static_cast<uint16_t>(h.attributes() | kTimestampTypeBit), 2);
    rewrite_signed(b, size, kMaxTimestampPos, static_cast<uint64_t>(o.now_ms), 8);
  } else if (walked && w.max_timestamp != h.max_timestamp()) {
    rewrite_signed(b, size, kMaxTimestampPos, static_cast<uint64_t>(w.max_timestamp), 8);
  }

  BatchInfo info;
  info.records_count = h.records_count();
  info.last_offset_delta = h.last_offset_delta();
  info.max_timestamp = h.max_timestamp();
  info.base_timestamp = h.base_timestamp();
  info.attributes = h.attributes();
  info.producer_id = h.producer_id();
  info.producer_epoch = h.producer_epoch();
  info.base_sequence = h.base_sequence();
  info.size_bytes = size;
  return info;
}

void set_offsets(std::span<uint8_t> batch, int64_t base_offset, int32_t leader_epoch) {
  GREGOR_ASSERT(batch.size() >= kHeaderSize, "set_offsets on a buffer shorter than a batch header");
  patch_base_offset(batch.data(), base_offset);
  patch_leader_epoch(batch.data(), leader_epoch);
}

}  // namespace gregor::record
