#include "protocol/record/batch_validator.h"

#include <gtest/gtest.h>

#include "base/byte_writer.h"
#include "protocol/record/batch_builder.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/tests/test_util.h"

namespace gregor::record {
namespace {

using testing::simple_spec;

constexpr int64_t kNow = 1'700'000'000'000;

ValidationOptions opts() {
  ValidationOptions o;
  o.now_ms = kNow;
  return o;
}

ErrorCode error_of(std::vector<uint8_t> batch, const ValidationOptions& o = opts()) {
  auto r = validate_produce_batch(batch, o);
  return r.ok() ? ErrorCode::kNone : r.error();
}

void resign(std::vector<uint8_t>& b) {
  store_be(b.data() + kCrcPos, crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos), 4);
}

// A batch with the header of `spec` (which must have no records) and the given
// raw record bytes, with batchLength and CRC made consistent.
std::vector<uint8_t> with_payload(BatchSpec spec, const std::vector<uint8_t>& payload,
                                  int32_t count) {
  spec.records.clear();
  spec.records_count = count;
  spec.last_offset_delta = count - 1;
  spec.base_timestamp = kNow;
  spec.max_timestamp = kNow;
  auto b = build_batch(spec);
  b.insert(b.end(), payload.begin(), payload.end());
  store_be(b.data() + kLengthPos, b.size() - kLogOverhead, 4);
  resign(b);
  return b;
}

// One record body (without its length prefix), written field by field.
std::vector<uint8_t> record_body(int32_t offset_delta, int32_t key_len, int32_t value_len,
                                 int32_t headers = 0) {
  ByteWriter w;
  w.i8(0);
  w.varlong(0);
  w.varint(offset_delta);
  w.varint(key_len);
  for (int i = 0; i < key_len; ++i) w.u8('k');
  w.varint(value_len);
  for (int i = 0; i < value_len; ++i) w.u8('v');
  w.varint(headers);
  return w.buf();
}

std::vector<uint8_t> framed(const std::vector<uint8_t>& body, int32_t length_delta = 0) {
  ByteWriter w;
  w.varint(static_cast<int32_t>(body.size()) + length_delta);
  w.raw(body.data(), body.size());
  return w.buf();
}

TEST(Validator, AcceptsWellFormedPayloadBuiltByHand) {
  auto p = framed(record_body(0, 1, 1));
  auto q = framed(record_body(1, -1, 3));
  p.insert(p.end(), q.begin(), q.end());
  EXPECT_EQ(error_of(with_payload({}, p, 2)), ErrorCode::kNone);
}

TEST(Validator, CorruptCrc) {
  auto b = build_batch(simple_spec(10, kNow));
  for (size_t pos : {kAttributesPos, kRecordsCountPos, b.size() - 1, kCrcPos}) {
    auto bad = b;
    bad[pos] ^= 0x40;
    EXPECT_EQ(error_of(bad), ErrorCode::kCorruptMessage) << pos;
  }
  // baseOffset and leader epoch are outside the CRC.
  auto epoch = b;
  epoch[kLeaderEpochPos] ^= 0x40;
  EXPECT_EQ(error_of(epoch), ErrorCode::kNone);
}

TEST(Validator, TruncatedAtEveryLength) {
  for (Codec codec : {Codec::kNone, Codec::kLz4}) {
    auto b = build_batch(simple_spec(20, kNow, codec));
    for (size_t n = 0; n < b.size(); ++n) {
      std::vector<uint8_t> part(b.begin(), b.begin() + n);
      // Too short to hold the batch its length announces: Kafka's batch
      // iterator finds no batch at all, which Produce answers INVALID_RECORD.
      EXPECT_EQ(error_of(part), ErrorCode::kInvalidRecord) << "length " << n;
    }
  }
}

TEST(Validator, ShortLengthFieldsAreCorrupt) {
  auto b = build_batch(simple_spec(1, kNow));
  auto tiny = b;
  store_be(tiny.data() + kLengthPos, 13, 4);
  EXPECT_EQ(error_of(tiny), ErrorCode::kCorruptMessage);
  // A length that covers less than the 61-byte header, with the field cut to match.
  std::vector<uint8_t> short_frame(b.begin(), b.begin() + 40);
  store_be(short_frame.data() + kLengthPos, 40 - kLogOverhead, 4);
  EXPECT_EQ(error_of(short_frame), ErrorCode::kCorruptMessage);
}

TEST(Validator, MagicVersions) {
  auto b = build_batch(simple_spec(1, kNow));
  for (int8_t magic : {0, 1}) {
    auto m = b;
    m[kMagicPos] = static_cast<uint8_t>(magic);
    EXPECT_EQ(error_of(m), ErrorCode::kUnsupportedForMessageFormat) << int{magic};
  }
  for (int magic : {3, 0x80, 0xff}) {
    auto m = b;
    m[kMagicPos] = static_cast<uint8_t>(magic);
    EXPECT_EQ(error_of(m), ErrorCode::kCorruptMessage) << magic;
  }
}

TEST(Validator, ExactlyOneBatch) {
  auto a = build_batch(simple_spec(2, kNow));
  auto two = a;
  two.insert(two.end(), a.begin(), a.end());
  EXPECT_EQ(error_of(two), ErrorCode::kInvalidRecord);
  auto trailing = a;
  trailing.push_back(0);
  EXPECT_EQ(error_of(trailing), ErrorCode::kCorruptMessage);
  EXPECT_EQ(error_of({}), ErrorCode::kInvalidRecord);
}

TEST(Validator, BaseOffsetMustBeZero) {
  auto spec = simple_spec(2, kNow);
  spec.base_offset = 5;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord);
}

TEST(Validator, TooLarge) {
  auto b = build_batch(simple_spec(50, kNow));
  auto o = opts();
  o.max_batch_bytes = static_cast<int32_t>(b.size());
  EXPECT_EQ(error_of(b, o), ErrorCode::kNone);
  o.max_batch_bytes = static_cast<int32_t>(b.size() - 1);
  EXPECT_EQ(error_of(b, o), ErrorCode::kMessageTooLarge);
}

TEST(Validator, CountMismatch) {
  for (Codec codec : {Codec::kNone, Codec::kZstd}) {
    for (int32_t count : {4, 6}) {
      auto spec = simple_spec(5, kNow, codec);
      spec.records_count = count;
      spec.last_offset_delta = count - 1;
      EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord)
          << codec_name(codec) << " " << count;
    }
    auto spec = simple_spec(5, kNow, codec);
    spec.last_offset_delta = 5;
    EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord);
  }
}

TEST(Validator, EmptyBatchFromClientIsInvalid) {
  EXPECT_EQ(error_of(build_batch(BatchSpec{})), ErrorCode::kInvalidRecord);
  auto spec = simple_spec(1, kNow);
  spec.records_count = -1;
  spec.last_offset_delta = -2;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord);
}

TEST(Validator, OffsetDeltasMustRunFromZero) {
  auto spec = simple_spec(3, kNow);
  spec.records[1].offset_delta = 2;
  spec.records[2].offset_delta = 1;
  spec.last_offset_delta = 2;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord);
}

TEST(Validator, BadVarints) {
  // A six-byte varint where a record length belongs.
  std::vector<uint8_t> p = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  EXPECT_EQ(error_of(with_payload({}, p, 1)), ErrorCode::kInvalidRecord);
  // An eleven-byte varlong timestamp delta.
  std::vector<uint8_t> body = {0};
  body.insert(body.end(), 10, 0x80);
  body.push_back(0x01);
  body.insert(body.end(), {0, 1, 0, 0});
  EXPECT_EQ(error_of(with_payload({}, framed(body), 1)), ErrorCode::kInvalidRecord);
  // A varint cut off by the end of the record.
  EXPECT_EQ(error_of(with_payload({}, {0x04, 0x00, 0x00, 0x00, 0x81}, 1)),
            ErrorCode::kInvalidRecord);
}

TEST(Validator, BadLengths) {
  // Record length one more / one less than its fields.
  EXPECT_EQ(error_of(with_payload({}, framed(record_body(0, 2, 2), 1), 1)),
            ErrorCode::kInvalidRecord);
  EXPECT_EQ(error_of(with_payload({}, framed(record_body(0, 2, 2), -1), 1)),
            ErrorCode::kInvalidRecord);
  // Negative record length; key length -2; value longer than the record.
  EXPECT_EQ(error_of(with_payload({}, {0x01, 0, 0, 0, 1, 1, 0}, 1)), ErrorCode::kInvalidRecord);
  EXPECT_EQ(error_of(with_payload({}, framed(record_body(0, -2, 0)), 1)),
            ErrorCode::kInvalidRecord);
  auto body = record_body(0, 0, 3);
  body[4] = 0x20;  // value length 16, only 3 bytes follow
  EXPECT_EQ(error_of(with_payload({}, framed(body), 1)), ErrorCode::kInvalidRecord);
  // Header count -1, and a header with a null key.
  EXPECT_EQ(error_of(with_payload({}, framed(record_body(0, 0, 0, -1)), 1)),
            ErrorCode::kInvalidRecord);
  auto hdr = record_body(0, 0, 0, 1);
  hdr.insert(hdr.end(), {0x01, 0x00});
  EXPECT_EQ(error_of(with_payload({}, framed(hdr), 1)), ErrorCode::kInvalidRecord);
  // Bytes after the last record.
  auto extra = framed(record_body(0, 1, 1));
  extra.push_back(0);
  EXPECT_EQ(error_of(with_payload({}, extra, 1)), ErrorCode::kInvalidRecord);
}

TEST(Validator, ControlBatchFromClientIsInvalid) {
  EXPECT_EQ(error_of(build_txn_marker(1, 0, ControlType::kCommit, 0, kNow)),
            ErrorCode::kInvalidRecord);
}

TEST(Validator, ProducerIdNeedsSequence) {
  auto spec = simple_spec(2, kNow);
  spec.producer_id = 5;
  spec.producer_epoch = 0;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidRecord);
  spec.base_sequence = 0;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kNone);
}

TEST(Validator, UnknownCodecAndZstdBeforeV7) {
  auto b = build_batch(simple_spec(2, kNow));
  for (int id : {5, 6, 7}) {
    auto bad = b;
    bad[kAttributesPos + 1] = static_cast<uint8_t>(id);
    resign(bad);
    EXPECT_EQ(error_of(bad), ErrorCode::kUnsupportedCompressionType) << id;
  }
  auto z = build_batch(simple_spec(2, kNow, Codec::kZstd));
  auto o = opts();
  o.zstd_allowed = false;
  EXPECT_EQ(error_of(z, o), ErrorCode::kUnsupportedCompressionType);
  EXPECT_EQ(error_of(z), ErrorCode::kNone);
}

TEST(Validator, TimestampWindow) {
  auto o = opts();
  o.max_timestamp_diff_ms = 1000;
  for (int64_t ts : {kNow - 1000, kNow, kNow + 1000, int64_t{-1}}) {
    BatchSpec spec;
    spec.records.push_back({"k", "v", {}, ts, {}});
    EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kNone) << ts;
  }
  for (int64_t ts : {kNow - 1001, kNow + 1001, int64_t{0}, INT64_MIN, INT64_MAX}) {
    BatchSpec spec;
    spec.records.push_back({"k", "v", {}, kNow, {}});
    spec.records.push_back({"k", "v", {}, ts, {}});
    EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kInvalidTimestamp) << ts;
  }
  // A LogAppendTime topic ignores client timestamps.
  o.log_append_time = true;
  BatchSpec spec;
  spec.records.push_back({"k", "v", {}, 0, {}});
  EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kNone);
}

TEST(Validator, TimestampBeforeAndAfterBounds) {
  auto o = opts();
  o.max_timestamp_before_ms = 1000;  // up to 1 s in the past, any time ahead
  auto error_at = [&](int64_t ts) {
    BatchSpec spec;
    spec.records.push_back({"k", "v", {}, ts, {}});
    return error_of(build_batch(spec), o);
  };
  EXPECT_EQ(error_at(kNow - 1000), ErrorCode::kNone);
  EXPECT_EQ(error_at(kNow + 10'000'000), ErrorCode::kNone);
  EXPECT_EQ(error_at(kNow - 1001), ErrorCode::kInvalidTimestamp);
  o.max_timestamp_before_ms = INT64_MAX;
  o.max_timestamp_after_ms = 500;  // any time in the past, up to 0.5 s ahead
  EXPECT_EQ(error_at(0), ErrorCode::kNone);
  EXPECT_EQ(error_at(kNow + 500), ErrorCode::kNone);
  EXPECT_EQ(error_at(kNow + 501), ErrorCode::kInvalidTimestamp);
  // The deprecated difference caps both bounds.
  o.max_timestamp_diff_ms = 100;
  EXPECT_EQ(error_at(kNow - 101), ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(error_at(kNow + 101), ErrorCode::kInvalidTimestamp);
}

TEST(Validator, ClientMayNotClaimLogAppendTime) {
  auto spec = simple_spec(2, kNow);
  spec.log_append_time = true;
  EXPECT_EQ(error_of(build_batch(spec)), ErrorCode::kInvalidTimestamp);
}

TEST(Validator, StructureErrorsWinOverTimestampErrors) {
  auto o = opts();
  o.max_timestamp_diff_ms = 10;
  auto spec = simple_spec(3, 0);
  spec.records_count = 4;
  spec.last_offset_delta = 3;
  EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kInvalidRecord);
}

TEST(Validator, RequireKeys) {
  BatchSpec spec;
  spec.records.push_back({std::nullopt, "v", {}, kNow, {}});
  auto o = opts();
  EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kNone);
  o.require_keys = true;
  EXPECT_EQ(error_of(build_batch(spec), o), ErrorCode::kInvalidRecord);
}

}  // namespace
}  // namespace gregor::record
