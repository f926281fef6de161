#include "protocol/record/batch_builder.h"

#include <algorithm>

#include "base/assert.h"
#include "base/byte_writer.h"
#include "protocol/record/batch_header.h"
#include "protocol/record/crc32c.h"

namespace gregor::record {
namespace {

void write_nullable(ByteWriter& w, const std::optional<std::string>& s) {
  if (!s) {
    w.varint(-1);
    return;
  }
  w.varint(static_cast<int32_t>(s->size()));
  w.raw(*s);
}

// Appends one record (length-prefixed) to `out`.
void write_record(ByteWriter& out, ByteWriter& body, const RecordSpec& r, int64_t base_timestamp,
                  int32_t index) {
  body.buf().clear();
  body.i8(0);  // attributes: unused
  body.varlong(static_cast<int64_t>(static_cast<uint64_t>(r.timestamp) -
                                    static_cast<uint64_t>(base_timestamp)));
  body.varint(r.offset_delta.value_or(index));
  write_nullable(body, r.key);
  write_nullable(body, r.value);
  body.varint(static_cast<int32_t>(r.headers.size()));
  for (const auto& h : r.headers) {
    body.varint(static_cast<int32_t>(h.key.size()));
    body.raw(h.key);
    write_nullable(body, h.value);
  }
  out.varint(static_cast<int32_t>(body.buf().size()));
  out.raw(body.buf().data(), body.buf().size());
}

int16_t attributes_of(const BatchSpec& spec) {
  int16_t a = static_cast<int16_t>(spec.codec);
  if (spec.log_append_time) a |= kTimestampTypeBit;
  if (spec.transactional) a |= kTransactionalBit;
  if (spec.control) a |= kControlBit;
  return a;
}

}  // namespace

std::vector<uint8_t> build_batch(const BatchSpec& spec) {
  const auto& recs = spec.records;
  int64_t base_ts = spec.base_timestamp.value_or(recs.empty() ? -1 : recs.front().timestamp);
  int64_t max_ts = -1;
  for (const auto& r : recs) max_ts = std::max(max_ts, r.timestamp);
  if (spec.max_timestamp) max_ts = *spec.max_timestamp;
  int32_t last_delta =
      recs.empty() ? -1 : recs.back().offset_delta.value_or(static_cast<int32_t>(recs.size() - 1));

  ByteWriter records, body;
  for (size_t i = 0; i < recs.size(); ++i)
    write_record(records, body, recs[i], base_ts, static_cast<int32_t>(i));
  std::vector<uint8_t> payload = std::move(records.buf());
  if (spec.codec != Codec::kNone) {
    auto compressed = compress(spec.codec, payload, spec.compression_level);
    GREGOR_ASSERT(compressed.ok(), "compressing a batch in memory failed");
    payload = std::move(compressed).value();
  }

  ByteWriter w;
  w.i64(spec.base_offset);
  w.i32(static_cast<int32_t>(kHeaderSize - kLogOverhead + payload.size()));
  w.i32(spec.partition_leader_epoch);
  w.i8(kMagicV2);
  w.u32(0);  // CRC, filled in below
  w.i16(attributes_of(spec));
  w.i32(spec.last_offset_delta.value_or(last_delta));
  w.i64(base_ts);
  w.i64(max_ts);
  w.i64(spec.producer_id);
  w.i16(spec.producer_epoch);
  w.i32(spec.base_sequence);
  w.i32(spec.records_count.value_or(static_cast<int32_t>(recs.size())));
  w.raw(payload.data(), payload.size());
  std::vector<uint8_t> out = std::move(w.buf());
  store_be(out.data() + kCrcPos, crc32c(out.data() + kAttributesPos, out.size() - kAttributesPos),
           4);
  return out;
}

std::vector<uint8_t> build_txn_marker(int64_t producer_id, int16_t producer_epoch, ControlType type,
                                      int32_t coordinator_epoch, int64_t timestamp_ms) {
  auto t = static_cast<uint16_t>(type);
  std::string key{0, 0, static_cast<char>(t >> 8), static_cast<char>(t & 0xff)};
  auto e = static_cast<uint32_t>(coordinator_epoch);
  std::string value{0,
                    0,
                    static_cast<char>(e >> 24),
                    static_cast<char>((e >> 16) & 0xff),
                    static_cast<char>((e >> 8) & 0xff),
                    static_cast<char>(e & 0xff)};
  BatchSpec spec;
  spec.records.push_back(RecordSpec{key, value, {}, timestamp_ms, std::nullopt});
  spec.transactional = true;
  spec.control = true;
  spec.producer_id = producer_id;
  spec.producer_epoch = producer_epoch;
  return build_batch(spec);
}

}  // namespace gregor::record
