// ListOffsets lookups: offset_for_timestamp and max_timestamp, from memory,
// from the files, and after a clean reopen (indexes loaded from disk).
#include <gtest/gtest.h>

#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::LogFixture;
using testing::make_batch;
using testing::small_config;

class TimestampTest : public LogFixture {
 protected:
  // Batch i holds 5 records with timestamps 1000 * (i + 1) + j, j = 0..4, so
  // record offset 5i + j has timestamp 1000i + 1000 + j.
  void fill(PartitionLog& log, int batches, record::Codec codec) {
    for (int i = 0; i < batches; ++i) append(log, make_batch(5, 400, 1000 * (i + 1), codec));
    wait_durable(log);
  }

  void check(PartitionLog& log) {
    auto at = [&](int64_t ts) { return log.offset_for_timestamp(ts); };
    ASSERT_TRUE(at(0).has_value());
    EXPECT_EQ(at(0)->offset, 0);
    EXPECT_EQ(at(0)->timestamp, 1000);
    EXPECT_EQ(at(1003)->offset, 3);
    EXPECT_EQ(at(8002)->offset, 37);
    EXPECT_EQ(at(8002)->timestamp, 8002);
    EXPECT_EQ(at(8005)->offset, 40);  // between batches: the next batch's first record
    EXPECT_EQ(at(8005)->timestamp, 9000);
    EXPECT_EQ(at(60004)->offset, 299);
    EXPECT_FALSE(at(60005).has_value());
    auto max = log.max_timestamp();
    ASSERT_TRUE(max.has_value());
    EXPECT_EQ(max->timestamp, 60004);
    EXPECT_EQ(max->offset, 299);
  }
};

TEST_F(TimestampTest, UncompressedFromFilesAndAfterReopen) {
  {
    auto log = open_log();
    fill(*log, 60, record::Codec::kNone);
    EXPECT_GT(log->segment_count(), 1u);
    check(*log);
  }
  auto log = open_log();
  EXPECT_EQ(log->recovery_stats().segments_scanned, 0);
  check(*log);
}

TEST_F(TimestampTest, CompressedBatchesFromMemory) {
  LogConfig config = small_config();
  config.tail_cache_bytes = 64 << 20;
  auto log = open_log(config);
  fill(*log, 60, record::Codec::kZstd);
  check(*log);
}

TEST_F(TimestampTest, NonMonotonicTimestamps) {
  auto log = open_log();
  append(*log, make_batch(2, 10, 5000));  // offsets 0-1: 5000, 5001
  append(*log, make_batch(2, 10, 100));   // offsets 2-3: 100, 101
  append(*log, make_batch(2, 10, 9000));  // offsets 4-5: 9000, 9001
  append(*log, make_batch(2, 10, 9001));  // offsets 6-7: 9001, 9002
  wait_durable(*log);
  // The first record in offset order with a timestamp >= the target, as Kafka.
  EXPECT_EQ(log->offset_for_timestamp(50)->offset, 0);
  EXPECT_EQ(log->offset_for_timestamp(5001)->offset, 1);
  EXPECT_EQ(log->offset_for_timestamp(5002)->offset, 4);
  auto max = log->max_timestamp();
  EXPECT_EQ(max->timestamp, 9002);
  EXPECT_EQ(max->offset, 7);
}

TEST_F(TimestampTest, EmptyLogHasNoTimestamps) {
  auto log = open_log();
  EXPECT_FALSE(log->offset_for_timestamp(0).has_value());
  EXPECT_FALSE(log->max_timestamp().has_value());
}

// Records without timestamps (-1, Kafka's "no timestamp", as old producers
// and some librdkafka paths send) must not reach the time index: they once
// tripped its offset assertion and took the broker down.
TEST_F(TimestampTest, BatchesWithoutTimestampsAreNotIndexed) {
  auto log = open_log();
  for (int i = 0; i < 40; ++i) {
    record::BatchSpec spec;
    for (int j = 0; j < 5; ++j) {
      record::RecordSpec r;
      r.value = std::string(400, 'x');
      r.timestamp = -1;
      spec.records.push_back(std::move(r));
    }
    append(*log, record::build_batch(spec));
  }
  wait_durable(*log);
  EXPECT_EQ(log->log_end_offset(), 200);
  EXPECT_FALSE(log->offset_for_timestamp(0).has_value());
  log->close();
  auto reopened = open_log();
  EXPECT_EQ(reopened->log_end_offset(), 200);
}

}  // namespace
}  // namespace gregor::storage
