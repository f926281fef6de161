#include <gtest/gtest.h>

#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::batch_offsets;
using testing::LogFixture;
using testing::make_batch;
using testing::Outcome;
using testing::small_config;

class PartitionLogTest : public LogFixture {};

TEST_F(PartitionLogTest, AppendAssignsConsecutiveOffsets) {
  auto log = open_log();
  EXPECT_EQ(log->log_end_offset(), 0);
  EXPECT_EQ(append(*log, make_batch(3, 10)), 0);
  EXPECT_EQ(append(*log, make_batch(5, 10)), 3);
  auto r = log->append(make_batch(1, 10));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_offset, 8);
  EXPECT_EQ(r->last_offset, 8);
  EXPECT_EQ(log->log_end_offset(), 9);
  EXPECT_EQ(log->high_watermark(), 0);  // nothing written yet
  wait_durable(*log);
  EXPECT_EQ(log->high_watermark(), 9);
  EXPECT_EQ(log->durable_end_offset(), 9);
}

TEST_F(PartitionLogTest, RejectsMalformedBatches) {
  auto log = open_log();
  auto batch = make_batch(2, 10);
  EXPECT_EQ(log->append(std::span(batch).first(40)).error(), StorageError::kCorrupt);
  EXPECT_EQ(log->append(std::span(batch).first(batch.size() - 1)).error(), StorageError::kCorrupt);
  batch[record::kMagicPos] = 1;
  EXPECT_EQ(log->append(batch).error(), StorageError::kCorrupt);
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(PartitionLogTest, RoundTripAcrossSizeRollsFromFilesAndMemory) {
  for (size_t cache : {size_t{0}, size_t{64} << 20}) {
    SCOPED_TRACE(cache);
    stored_.clear();
    std::filesystem::remove_all(log_dir());
    LogConfig config = small_config();
    config.tail_cache_bytes = cache;
    auto log = open_log(config);
    for (int i = 0; i < 120; ++i) append(*log, make_batch(1 + i % 7, 100 + 37 * i));
    wait_durable(*log);
    EXPECT_GT(log->segment_count(), 3u);
    auto r = log->read(0, log->log_end_offset(), size_t{1} << 30, true);
    ASSERT_TRUE(r.ok());
    bool has_file_chunk = false;
    for (const auto& c : r->chunks) has_file_chunk |= c.fd >= 0;
    EXPECT_EQ(has_file_chunk, cache == 0);
    EXPECT_EQ(testing::flatten(*r), expected(0, stored_.size()));
    // From an offset in the middle of a batch: that whole batch comes first.
    const int64_t base = record::BatchHeaderView(stored_[50].data()).base_offset();
    EXPECT_EQ(read_all(*log, base + 0), expected(50, stored_.size()));
    if (record::BatchHeaderView(stored_[50].data()).last_offset_delta() > 0) {
      EXPECT_EQ(read_all(*log, base + 1), expected(50, stored_.size()));
    }
  }
}

TEST_F(PartitionLogTest, RollsByTime) {
  LogConfig config = small_config();
  config.segment_ms = 1000;
  auto log = open_log(config);
  append(*log, make_batch(1, 10));
  clock_.advance(999);
  append(*log, make_batch(1, 10));
  EXPECT_EQ(log->segment_count(), 1u);
  clock_.advance(1);
  append(*log, make_batch(1, 10));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 2}));
  wait_durable(*log);
  EXPECT_EQ(read_all(*log), expected(0, 3));
}

TEST_F(PartitionLogTest, SegmentJitterRollsEachSegmentEarlierByItsOwnRandomAmount) {
  LogConfig config = small_config();
  config.segment_ms = 1000;
  config.segment_jitter_ms = 500;
  auto log = open_log(config);
  std::vector<int64_t> rolled_after;  // ms from a segment's first append to its roll
  append(*log, make_batch(1, 10));
  int64_t started = 0;
  int64_t now = 0;
  while (rolled_after.size() < 20) {
    const size_t segments = log->segment_count();
    clock_.advance(100);
    now += 100;
    append(*log, make_batch(1, 10));
    if (log->segment_count() > segments) {
      rolled_after.push_back(now - started);
      started = now;
    }
  }
  // Jitter in [0, 500): each segment rolls once segment.ms minus its jitter
  // passed, i.e. at the first 100 ms step at or after (500, 1000].
  for (int64_t after : rolled_after) {
    EXPECT_GE(after, 600);
    EXPECT_LE(after, 1000);
  }
  // Not all at segment.ms (each has a 1 in 5 chance of a jitter below 100 ms).
  EXPECT_LT(*std::min_element(rolled_after.begin(), rolled_after.end()), 1000);
}

TEST_F(PartitionLogTest, ReadLimits) {
  auto log = open_log();
  for (int i = 0; i < 6; ++i) append(*log, make_batch(2, 200));
  wait_durable(*log);
  const size_t size = stored_[0].size();
  auto offsets = [&](int64_t from, int64_t max_offset, size_t max_bytes, bool min_one) {
    auto r = log->read(from, max_offset, max_bytes, min_one);
    EXPECT_TRUE(r.ok());
    return batch_offsets(testing::flatten(*r));
  };
  EXPECT_EQ(offsets(0, 12, size * 2 + size / 2, false), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(offsets(0, 12, size * 2, false), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(offsets(3, 12, size / 2, true),
            (std::vector<int64_t>{2}));  // KIP-74: first batch anyway
  EXPECT_EQ(offsets(3, 12, size / 2, false), (std::vector<int64_t>{}));
  EXPECT_EQ(offsets(0, 6, 1 << 20, true),
            (std::vector<int64_t>{0, 2, 4}));  // none at/after max_offset
  EXPECT_EQ(offsets(0, 5, 1 << 20, true), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(offsets(12, 12, 1 << 20, true), (std::vector<int64_t>{}));  // at the log end: empty
  EXPECT_EQ(log->read(13, 13, 100, true).error(), StorageError::kOffsetOutOfRange);
  EXPECT_EQ(log->read(-1, 13, 100, true).error(), StorageError::kOffsetOutOfRange);
}

TEST_F(PartitionLogTest, CallbacksAreAsynchronousAndListenersFireOnce) {
  auto log = open_log();
  int fired = 0, removed_fired = 0;
  log->add_hw_listener([&] { ++fired; });
  uint64_t removed = log->add_hw_listener([&] { ++removed_fired; });
  log->remove_hw_listener(removed);
  append(*log, make_batch(1, 10));
  Outcome written, durable;
  log->when_written(1, written.callback());
  log->when_durable(1, durable.callback());
  ASSERT_TRUE(loop_.run_until([&] { return written.done && durable.done; }));
  EXPECT_FALSE(written.error);
  EXPECT_FALSE(durable.error);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(removed_fired, 0);
  // Already satisfied: still delivered through the loop, never inline.
  Outcome again;
  log->when_durable(1, again.callback());
  EXPECT_FALSE(again.done);
  loop_.drain();
  EXPECT_TRUE(again.done);
  // A listener fires once per registration.
  append(*log, make_batch(1, 10));
  wait_durable(*log);
  EXPECT_EQ(fired, 1);
}

TEST_F(PartitionLogTest, GroupCommitSyncsOncePerJob) {
  auto log = open_log();
  wait_durable(*log);
  const uint64_t before = io_.calls(IoOp::kFdatasync);
  std::vector<Outcome> outcomes(200);
  for (auto& o : outcomes) {
    append(*log, make_batch(1, 100));
    log->when_durable(log->log_end_offset(), o.callback());
  }
  ASSERT_TRUE(loop_.run_until([&] { return outcomes.back().done; }));
  for (auto& o : outcomes) EXPECT_TRUE(o.done && !o.error);
  EXPECT_EQ(io_.calls(IoOp::kFdatasync) - before, 1u);
}

TEST_F(PartitionLogTest, WrittenDoesNotWaitForSync) {
  auto log = open_log();
  append(*log, make_batch(1, 10));
  Outcome written;
  log->when_written(1, written.callback());
  ASSERT_TRUE(loop_.run_until([&] { return written.done; }));
  EXPECT_EQ(log->high_watermark(), 1);
  EXPECT_EQ(log->durable_end_offset(), 0);  // nobody asked for durability
}

TEST_F(PartitionLogTest, CleanReopenReadsNoData) {
  {
    auto log = open_log();
    for (int i = 0; i < 250; ++i) append(*log, make_batch(3, 300));
    wait_durable(*log);
    log->close();
  }
  const uint64_t read_before = io_.bytes_read();
  auto log = open_log();
  EXPECT_EQ(log->recovery_stats().segments_scanned, 0);
  EXPECT_EQ(log->recovery_stats().bytes_scanned, 0);
  EXPECT_GT(log->recovery_stats().segments_loaded, 3);
  EXPECT_LT(io_.bytes_read() - read_before, 32u * 1024);  // index files and the tail only
  EXPECT_EQ(log->log_end_offset(), 750);
  EXPECT_EQ(log->high_watermark(), 750);
  EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
  // Appends continue in the reopened segment, from its partial last page.
  for (int i = 0; i < 10; ++i) append(*log, make_batch(3, 300));
  wait_durable(*log);
  log->close();
  log = open_log();
  EXPECT_EQ(log->log_end_offset(), 780);
  EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
}

TEST_F(PartitionLogTest, FallsBackToBufferedWritesWithoutDirectIo) {
  io_.refuse_direct_io(true);
  {
    auto log = open_log();
    for (int i = 0; i < 50; ++i) append(*log, make_batch(2, 700));
    wait_durable(*log);
    EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
  }
  auto log = open_log();
  EXPECT_EQ(log->log_end_offset(), 100);
  EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
}

TEST_F(PartitionLogTest, LogStartOffsetOfANewLog) {
  OpenOptions options;
  options.log_start_offset = 500;
  auto log = open_log(small_config(), "", options);
  EXPECT_EQ(log->log_start_offset(), 500);
  EXPECT_EQ(log->log_end_offset(), 500);
  EXPECT_EQ(append(*log, make_batch(2, 10)), 500);
  wait_durable(*log);
  EXPECT_EQ(read_all(*log, 500), expected(0, 1));
  EXPECT_EQ(log->read(499, 502, 100, true).error(), StorageError::kOffsetOutOfRange);
}

TEST_F(PartitionLogTest, ClosedLogRefusesWork) {
  auto log = open_log();
  append(*log, make_batch(1, 10));
  Outcome pending;
  log->when_durable(5, pending.callback());  // beyond the log end: never satisfied
  log->close();
  EXPECT_TRUE(pending.done);
  EXPECT_EQ(pending.error, StorageError::kClosed);
  EXPECT_EQ(log->append(make_batch(1, 10)).error(), StorageError::kClosed);
  EXPECT_EQ(log->read(0, 1, 100, true).error(), StorageError::kClosed);
}

}  // namespace
}  // namespace gregor::storage
