#include "protocol/record/record.h"

#include <gtest/gtest.h>

#include "protocol/record/batch_builder.h"
#include "protocol/record/batch_validator.h"
#include "protocol/record/crc32c.h"
#include "protocol/record/tests/test_util.h"

namespace gregor::record {
namespace {

using testing::simple_spec;
using testing::str;

constexpr Codec kAllCodecs[] = {Codec::kNone, Codec::kGzip, Codec::kSnappy, Codec::kLz4,
                                Codec::kZstd};

class RoundTrip : public ::testing::TestWithParam<Codec> {};

// builder -> validator -> iterator, for every codec.
TEST_P(RoundTrip, BuilderValidatorIterator) {
  const int64_t now = 1'700'000'000'000;
  auto spec = simple_spec(300, now - 1000, GetParam());
  spec.producer_id = 77;
  spec.producer_epoch = 3;
  spec.base_sequence = 10;
  auto batch = build_batch(spec);

  ValidationOptions opts;
  opts.now_ms = now;
  opts.max_timestamp_diff_ms = 60'000;
  auto info = validate_produce_batch(batch, opts);
  ASSERT_TRUE(info.ok()) << error_name(info.error());
  EXPECT_EQ(info->records_count, 300);
  EXPECT_EQ(info->last_offset_delta, 299);
  EXPECT_EQ(info->base_timestamp, now - 1000);
  EXPECT_EQ(info->max_timestamp, now - 1000 + 299);
  EXPECT_EQ(info->producer_id, 77);
  EXPECT_EQ(info->producer_epoch, 3);
  EXPECT_EQ(info->base_sequence, 10);
  EXPECT_EQ(info->attributes & kCompressionMask, static_cast<int>(GetParam()));
  EXPECT_EQ(info->size_bytes, batch.size());

  set_offsets(batch, 5000, 9);
  auto br = BatchRecords::open(batch, {.verify_crc = true});
  ASSERT_TRUE(br.ok()) << error_name(br.error());
  EXPECT_EQ(br->header().base_offset(), 5000);
  EXPECT_EQ(br->header().partition_leader_epoch(), 9);
  auto all = br->read_all();
  ASSERT_TRUE(all.ok()) << error_name(all.error());
  ASSERT_EQ(all->size(), 300u);
  for (int i = 0; i < 300; ++i) {
    const auto& r = (*all)[i];
    EXPECT_EQ(r.offset, 5000 + i);
    EXPECT_EQ(r.timestamp, now - 1000 + i);
    ASSERT_TRUE(r.key && r.value);
    EXPECT_EQ(str(*r.key), *spec.records[i].key);
    EXPECT_EQ(str(*r.value), *spec.records[i].value);
    ASSERT_EQ(r.headers.size(), spec.records[i].headers.size());
    if (!r.headers.empty()) {
      EXPECT_EQ(str(r.headers[0].key), "h");
      ASSERT_TRUE(r.headers[0].value);
      EXPECT_EQ(str(*r.headers[0].value), "v" + std::to_string(i));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, RoundTrip, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return std::string(codec_name(info.param)); });

TEST(BatchRecords, NullKeysValuesAndHeaderValues) {
  BatchSpec spec;
  spec.records.push_back({std::nullopt, std::nullopt, {{"k", std::nullopt}, {"", ""}}, 5, {}});
  spec.records.push_back({"", "", {}, 6, {}});
  auto batch = build_batch(spec);
  auto br = BatchRecords::open(batch);
  ASSERT_TRUE(br.ok());
  auto all = br->read_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_FALSE((*all)[0].key.has_value());
  EXPECT_FALSE((*all)[0].value.has_value());
  ASSERT_EQ((*all)[0].headers.size(), 2u);
  EXPECT_FALSE((*all)[0].headers[0].value.has_value());
  EXPECT_TRUE((*all)[0].headers[1].value.has_value());
  EXPECT_TRUE((*all)[0].headers[1].key.empty());
  ASSERT_TRUE((*all)[1].key && (*all)[1].value);
  EXPECT_TRUE((*all)[1].key->empty());
}

TEST(BatchRecords, LogAppendTimeGivesEveryRecordTheBatchMaxTimestamp) {
  auto spec = simple_spec(5, 1000);
  spec.log_append_time = true;
  spec.max_timestamp = 99999;
  auto batch = build_batch(spec);
  auto br = BatchRecords::open(batch);
  ASSERT_TRUE(br.ok());
  RecordView r;
  int n = 0;
  for (;;) {
    auto more = br->next(r);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    EXPECT_EQ(r.timestamp, 99999);
    ++n;
  }
  EXPECT_EQ(n, 5);
}

TEST(BatchRecords, AcceptsCompactionGapsInOffsets) {
  BatchSpec spec;
  for (int d : {0, 3, 9}) spec.records.push_back({"k", "v", {}, 1, d});
  auto batch = build_batch(spec);
  auto br = BatchRecords::open(batch);
  ASSERT_TRUE(br.ok());
  auto all = br->read_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].offset, 9);
  EXPECT_EQ(br->header().last_offset_delta(), 9);
}

TEST(BatchRecords, TxnMarkerIsAControlBatch) {
  auto batch = build_txn_marker(42, 7, ControlType::kCommit, 12, 1234);
  auto br = BatchRecords::open(batch, {.verify_crc = true});
  ASSERT_TRUE(br.ok());
  EXPECT_TRUE(br->header().is_control());
  EXPECT_TRUE(br->header().is_transactional());
  EXPECT_EQ(br->header().producer_id(), 42);
  EXPECT_EQ(br->header().producer_epoch(), 7);
  auto all = br->read_all();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  const auto& r = (*all)[0];
  ASSERT_TRUE(r.key && r.value);
  EXPECT_EQ(str(*r.key), std::string("\0\0\0\1", 4));
  EXPECT_EQ(str(*r.value), std::string("\0\0\0\0\0\x0c", 6));
  EXPECT_EQ(r.timestamp, 1234);
}

TEST(BatchRecords, TruncatedAtEveryLengthIsAnErrorNeverACrash) {
  for (Codec codec : kAllCodecs) {
    auto batch = build_batch(simple_spec(20, 1, codec));
    for (size_t n = 0; n < batch.size(); ++n) {
      std::vector<uint8_t> part(batch.begin(), batch.begin() + n);
      auto br = BatchRecords::open(part);
      ASSERT_FALSE(br.ok()) << codec_name(codec) << " length " << n;
    }
  }
}

TEST(BatchRecords, VerifyCrcCatchesCorruption) {
  auto batch = build_batch(simple_spec(3, 1));
  batch[batch.size() - 2] ^= 1;
  EXPECT_TRUE(BatchRecords::open(batch).ok());
  auto br = BatchRecords::open(batch, {.verify_crc = true});
  ASSERT_FALSE(br.ok());
  EXPECT_EQ(br.error(), ErrorCode::kCorruptMessage);
}

TEST(BatchRecords, CountLargerThanRecordsIsInvalid) {
  auto spec = simple_spec(3, 1);
  spec.records_count = 4;
  auto batch = build_batch(spec);
  auto br = BatchRecords::open(batch);
  ASSERT_TRUE(br.ok());
  auto all = br->read_all();
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error(), ErrorCode::kInvalidRecord);
}

TEST(BatchRecords, CountSmallerThanRecordsIsInvalid) {
  auto spec = simple_spec(3, 1);
  spec.records_count = 2;
  auto batch = build_batch(spec);
  auto br = BatchRecords::open(batch);
  ASSERT_TRUE(br.ok());
  auto all = br->read_all();
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.error(), ErrorCode::kInvalidRecord);
}

TEST(BatchRecords, FrameErrors) {
  auto batch = build_batch(simple_spec(1, 1));
  auto magic1 = batch;
  magic1[kMagicPos] = 1;
  EXPECT_EQ(BatchRecords::open(magic1).error(), ErrorCode::kUnsupportedForMessageFormat);
  auto magic3 = batch;
  magic3[kMagicPos] = 3;
  EXPECT_EQ(BatchRecords::open(magic3).error(), ErrorCode::kCorruptMessage);
  auto codec6 = batch;
  codec6[kAttributesPos + 1] = 6;
  EXPECT_EQ(BatchRecords::open(codec6).error(), ErrorCode::kUnsupportedCompressionType);
  // Extra bytes after the batch are not part of it.
  auto longer = batch;
  longer.resize(batch.size() + 10, 0xab);
  auto br = BatchRecords::open(longer);
  ASSERT_TRUE(br.ok());
  EXPECT_EQ(br->batch_bytes().size(), batch.size());
  EXPECT_TRUE(br->read_all().ok());
}

TEST(BatchRecords, BatchSizeAtSplitsConcatenatedBatches) {
  auto a = build_batch(simple_spec(2, 1));
  auto b = build_batch(simple_spec(5, 1));
  std::vector<uint8_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  auto first = batch_size_at(both);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, a.size());
  auto second = batch_size_at(std::span<const uint8_t>(both).subspan(*first));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, b.size());
  EXPECT_FALSE(batch_size_at(std::span<const uint8_t>(both).first(16)).ok());
}

}  // namespace
}  // namespace gregor::record
