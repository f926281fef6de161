// Validator behaviour that rewrites batches, and compressed-batch validation.
#include <gtest/gtest.h>

#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_validator.h"
#include "protocol/record/compression.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/record.h"
#include "protocol/record/tests/test_util.h"

namespace gregor::record {
namespace {

using testing::simple_spec;

constexpr int64_t kNow = 1'700'000'000'000;
constexpr Codec kCompressed[] = {Codec::kGzip, Codec::kSnappy, Codec::kLz4, Codec::kZstd};

bool crc_ok(const std::vector<uint8_t>& b) {
  return crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos) ==
         BatchHeaderView(b.data()).crc();
}

void resign(std::vector<uint8_t>& b) {
  store_be(b.data() + kCrcPos, crc32c(b.data() + kAttributesPos, b.size() - kAttributesPos), 4);
}

// A batch whose compressed payload is replaced by `payload`, re-signed.
std::vector<uint8_t> with_compressed_payload(Codec codec, const std::vector<uint8_t>& payload,
                                             int32_t count) {
  auto spec = simple_spec(count, kNow, codec);
  auto b = build_batch(spec);
  b.resize(kHeaderSize);
  b.insert(b.end(), payload.begin(), payload.end());
  store_be(b.data() + kLengthPos, b.size() - kLogOverhead, 4);
  resign(b);
  return b;
}

TEST(Rewrite, LogAppendTimeSetsBitMaxTimestampAndValidCrc) {
  for (Codec codec : {Codec::kNone, Codec::kLz4}) {
    auto b = build_batch(simple_spec(10, 5, codec));
    ValidationOptions o;
    o.now_ms = kNow;
    o.log_append_time = true;
    auto info = validate_produce_batch(b, o);
    ASSERT_TRUE(info.ok()) << error_name(info.error());
    BatchHeaderView h(b.data());
    EXPECT_TRUE(h.log_append_time());
    EXPECT_EQ(h.max_timestamp(), kNow);
    EXPECT_EQ(h.base_timestamp(), 5);  // untouched, as in Kafka
    EXPECT_EQ(info->max_timestamp, kNow);
    EXPECT_TRUE(info->attributes & kTimestampTypeBit);
    EXPECT_TRUE(crc_ok(b));
    auto br = BatchRecords::open(b, {.verify_crc = true});
    ASSERT_TRUE(br.ok());
    auto all = br->read_all();
    ASSERT_TRUE(all.ok());
    for (const auto& r : *all) EXPECT_EQ(r.timestamp, kNow);
    // The stored batch would be accepted again by a follower-style CRC check,
    // but a client may not send it: the bit is the broker's.
    ValidationOptions create;
    create.now_ms = kNow;
    EXPECT_EQ(validate_produce_batch(b, create).error(), ErrorCode::kInvalidTimestamp);
  }
}

TEST(Rewrite, CreateTimeMaxTimestampIsCorrected) {
  auto spec = simple_spec(4, 1000);
  spec.max_timestamp = 1;  // wrong: the records go up to 1003
  auto b = build_batch(spec);
  ValidationOptions o;
  o.now_ms = kNow;
  auto info = validate_produce_batch(b, o);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->max_timestamp, 1003);
  EXPECT_EQ(BatchHeaderView(b.data()).max_timestamp(), 1003);
  EXPECT_TRUE(crc_ok(b));
}

TEST(Rewrite, CorrectBatchIsLeftByteForByteUnchanged) {
  for (Codec codec : {Codec::kNone, Codec::kZstd}) {
    auto b = build_batch(simple_spec(30, kNow, codec));
    auto copy = b;
    ValidationOptions o;
    o.now_ms = kNow;
    ASSERT_TRUE(validate_produce_batch(b, o).ok());
    EXPECT_EQ(b, copy);
  }
}

TEST(Rewrite, SetOffsetsKeepsCrc) {
  auto b = build_batch(simple_spec(3, kNow));
  set_offsets(b, 123456789012, 17);
  BatchHeaderView h(b.data());
  EXPECT_EQ(h.base_offset(), 123456789012);
  EXPECT_EQ(h.partition_leader_epoch(), 17);
  EXPECT_EQ(h.last_offset(), 123456789014);
  EXPECT_TRUE(crc_ok(b));
}

TEST(Compressed, UndecodablePayloadIsCorrupt) {
  for (Codec codec : kCompressed) {
    auto b = with_compressed_payload(codec, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 3);
    ValidationOptions o;
    EXPECT_EQ(validate_produce_batch(b, o).error(), ErrorCode::kCorruptMessage)
        << codec_name(codec);
  }
}

TEST(Compressed, InnerRecordsAreCheckedOnlyWhenDeep) {
  // Valid compression of garbage record bytes.
  std::vector<uint8_t> garbage(100, 0xff);
  for (Codec codec : kCompressed) {
    auto payload = compress(codec, garbage);
    ASSERT_TRUE(payload.ok());
    auto b = with_compressed_payload(codec, *payload, 3);
    ValidationOptions o;
    EXPECT_EQ(validate_produce_batch(b, o).error(), ErrorCode::kInvalidRecord) << codec_name(codec);
    o.deep_validate_compressed = false;
    EXPECT_TRUE(validate_produce_batch(b, o).ok()) << codec_name(codec);
  }
}

TEST(Compressed, DecompressionBombIsMessageTooLarge) {
  // One record with a 4 MiB value of zeros compresses to a few KiB.
  BatchSpec spec;
  spec.records.push_back({"k", std::string(size_t{4} << 20, '\0'), {}, kNow, {}});
  for (Codec codec : kCompressed) {
    spec.codec = codec;
    auto b = build_batch(spec);
    ValidationOptions o;
    o.now_ms = kNow;
    EXPECT_LT(b.size(), size_t{1} << 20) << codec_name(codec);
    EXPECT_TRUE(validate_produce_batch(b, o).ok()) << codec_name(codec);
    o.max_decompressed_bytes = size_t{1} << 20;
    EXPECT_EQ(validate_produce_batch(b, o).error(), ErrorCode::kMessageTooLarge)
        << codec_name(codec);
    auto br = BatchRecords::open(b, {.max_decompressed_bytes = size_t{1} << 20});
    ASSERT_FALSE(br.ok());
    EXPECT_EQ(br.error(), ErrorCode::kMessageTooLarge);
  }
}

TEST(Compressed, OffsetDeltasAndTimestampsChecked) {
  for (Codec codec : kCompressed) {
    auto spec = simple_spec(3, kNow, codec);
    spec.records[2].offset_delta = 7;
    spec.last_offset_delta = 2;
    auto b = build_batch(spec);
    ValidationOptions o;
    o.now_ms = kNow;
    EXPECT_EQ(validate_produce_batch(b, o).error(), ErrorCode::kInvalidRecord);

    auto old = build_batch(simple_spec(3, 1000, codec));
    o.max_timestamp_diff_ms = 60'000;
    EXPECT_EQ(validate_produce_batch(old, o).error(), ErrorCode::kInvalidTimestamp);
  }
}

}  // namespace
}  // namespace gregor::record
