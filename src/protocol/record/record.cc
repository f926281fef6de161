#include "protocol/record/record.h"

#include "protocol/record/compression.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record_parser.h"

namespace gregor::record {
namespace {

int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// Re-walks a record's header region, already validated by parse_record.
void collect_headers(const detail::RawRecord& r, std::vector<Header>& out) {
  out.clear();
  const uint8_t* p = r.headers;
  for (int32_t i = 0; i < r.header_count; ++i) {
    int32_t ksize = 0, vsize = 0;
    const uint8_t* key = nullptr;
    const uint8_t* value = nullptr;
    p = detail::read_bytes(p, r.end, ksize, key);
    p = detail::read_bytes(p, r.end, vsize, value);
    GREGOR_ASSERT(p != nullptr, "header region changed after validation");
    Header h{{key, static_cast<size_t>(ksize)}, std::nullopt};
    if (vsize >= 0) h.value = std::span<const uint8_t>(value, static_cast<size_t>(vsize));
    out.push_back(h);
  }
}

}  // namespace

Result<size_t, ErrorCode> batch_size_at(std::span<const uint8_t> data) {
  if (data.size() < kHeaderUpToMagic) return Err{ErrorCode::kCorruptMessage};
  BatchHeaderView h(data.data());
  if (h.batch_length() < kMinBatchLength) return Err{ErrorCode::kCorruptMessage};
  if (h.magic() == 0 || h.magic() == 1) return Err{ErrorCode::kUnsupportedForMessageFormat};
  if (h.magic() != kMagicV2) return Err{ErrorCode::kCorruptMessage};
  return static_cast<size_t>(h.total_size());
}

Result<BatchRecords, ErrorCode> BatchRecords::open(std::span<const uint8_t> batch,
                                                   const ReadOptions& options) {
  auto size = batch_size_at(batch);
  if (!size) return Err{size.error()};
  if (*size < kHeaderSize || *size > batch.size()) return Err{ErrorCode::kCorruptMessage};
  BatchRecords br;
  br.batch_ = batch.first(*size);
  BatchHeaderView h(br.batch_.data());
  if (options.verify_crc &&
      crc32c(br.batch_.data() + kAttributesPos, *size - kAttributesPos) != h.crc())
    return Err{ErrorCode::kCorruptMessage};
  Codec codec;
  if (!codec_from_id(h.compression(), codec)) return Err{ErrorCode::kUnsupportedCompressionType};
  br.count_ = h.records_count();
  if (br.count_ < 0) return Err{ErrorCode::kInvalidRecord};
  auto payload = br.batch_.subspan(kHeaderSize);
  if (codec != Codec::kNone) {
    auto r = decompress_into(codec, payload, options.max_decompressed_bytes, br.decompressed_);
    if (!r) return Err{codec_error_code(r.error())};
    payload = br.decompressed_;
  }
  br.cursor_ = payload.data();
  br.end_ = payload.data() + payload.size();
  return br;
}

Result<bool, ErrorCode> BatchRecords::next(RecordView& out) {
  if (read_ == count_) {
    if (cursor_ != end_) return Err{ErrorCode::kInvalidRecord};
    return false;
  }
  detail::RawRecord r;
  const uint8_t* after = detail::parse_record(cursor_, end_, r);
  if (after == nullptr) return Err{ErrorCode::kInvalidRecord};
  cursor_ = after;
  ++read_;
  BatchHeaderView h = header();
  out.offset = wrapping_add(h.base_offset(), r.offset_delta);
  out.timestamp =
      h.log_append_time() ? h.max_timestamp() : wrapping_add(h.base_timestamp(), r.timestamp_delta);
  out.key.reset();
  out.value.reset();
  if (r.key_size >= 0) out.key = std::span<const uint8_t>(r.key, static_cast<size_t>(r.key_size));
  if (r.value_size >= 0)
    out.value = std::span<const uint8_t>(r.value, static_cast<size_t>(r.value_size));
  collect_headers(r, out.headers);
  return true;
}

Result<std::vector<RecordView>, ErrorCode> BatchRecords::read_all() {
  std::vector<RecordView> all;
  for (;;) {
    RecordView v;
    auto more = next(v);
    if (!more) return Err{more.error()};
    if (!*more) return all;
    all.push_back(std::move(v));
  }
}

}  // namespace gregor::record
