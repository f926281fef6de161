// Run-time configuration changes of a partition log and its size on disk.
#include <gtest/gtest.h>

#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::LogFixture;
using testing::make_batch;
using testing::small_config;

class PartitionLogConfigTest : public LogFixture {};

TEST_F(PartitionLogConfigTest, SizeIsTheSumOfStoredBatchesAcrossSegmentsAndReopen) {
  LogConfig config = small_config();
  config.segment_bytes = 1000;
  auto log = open_log(config);
  EXPECT_EQ(log->size_bytes(), 0);
  int64_t total = 0;
  for (int i = 0; i < 10; ++i) {
    auto batch = make_batch(2, 100);
    total += static_cast<int64_t>(batch.size());
    append(*log, std::move(batch));
  }
  EXPECT_GT(log->segment_count(), 1u);
  EXPECT_EQ(log->size_bytes(), total);  // appended but not yet written counts too
  wait_durable(*log);
  EXPECT_EQ(log->size_bytes(), total);
  log->close();
  log.reset();
  auto reopened = open_log(config);
  EXPECT_EQ(reopened->size_bytes(), total);  // not the preallocated file sizes
}

TEST_F(PartitionLogConfigTest, SmallerSegmentBytesRollsOnTheNextAppend) {
  auto log = open_log();  // 64 KiB segments
  append(*log, make_batch(1, 200));
  append(*log, make_batch(1, 200));
  EXPECT_EQ(log->segment_count(), 1u);
  LogConfig changed = small_config();
  changed.segment_bytes = 300;
  log->update_config(changed);
  EXPECT_EQ(log->config().segment_bytes, 300);
  append(*log, make_batch(1, 200));
  EXPECT_EQ(log->segment_count(), 2u);
  append(*log, make_batch(1, 200));
  EXPECT_EQ(log->segment_count(), 3u);  // each new segment holds one batch
  wait_durable(*log);
  EXPECT_EQ(read_all(*log), expected(0, 4));
}

TEST_F(PartitionLogConfigTest, SegmentMsChangeAppliesToTheActiveSegment) {
  auto log = open_log();  // segment.ms = 7 days
  append(*log, make_batch(1, 10));
  clock_.advance(5000);
  append(*log, make_batch(1, 10));
  EXPECT_EQ(log->segment_count(), 1u);
  LogConfig changed = small_config();
  changed.segment_ms = 1000;
  log->update_config(changed);
  append(*log, make_batch(1, 10));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 2}));
}

TEST_F(PartitionLogConfigTest, EngineSettingsAreKept) {
  LogConfig config = small_config();
  auto log = open_log(config);
  LogConfig changed;  // defaults: a different tail cache and direct I/O setting
  changed.segment_bytes = 4096;
  changed.tail_cache_bytes = 123;
  changed.direct_io = !config.direct_io;
  log->update_config(changed);
  EXPECT_EQ(log->config().segment_bytes, 4096);
  EXPECT_EQ(log->config().tail_cache_bytes, config.tail_cache_bytes);
  EXPECT_EQ(log->config().direct_io, config.direct_io);
}

}  // namespace
}  // namespace gregor::storage
