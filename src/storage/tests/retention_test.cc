// Retention by time and size, DeleteRecords, and what happens to the files of
// deleted segments.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>

#include "storage/log_directory.h"
#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::LogFixture;
using testing::make_batch;
using testing::small_config;

constexpr int64_t kDelayMs = 60000;

// Segments of one batch each: two 226-byte batches never fit 300 bytes.
LogConfig one_batch_segments() {
  LogConfig c = small_config();
  c.segment_bytes = 300;
  return c;
}

class RetentionTest : public LogFixture {
 protected:
  // Appends `n` one-record batches whose timestamp is `age_ms` before now.
  void append_aged(PartitionLog& log, int n, int64_t age_ms) {
    for (int i = 0; i < n; ++i) append(log, make_batch(1, 150, clock_.now_ms() - age_ms));
  }

  // Waits until every task queued on the I/O worker so far has run.
  void drain_io() {
    bool done = false;
    auto post = loop_.poster();
    ASSERT_TRUE(worker_->submit([post, &done] { post([&done] { done = true; }); }));
    ASSERT_TRUE(loop_.run_until([&] { return done; }));
  }

  std::set<std::string> files() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(log_dir()))
      out.insert(e.path().filename().string());
    return out;
  }

  static RetentionPolicy by_time(int64_t ms) { return {ms, -1, kDelayMs}; }
  static RetentionPolicy by_size(int64_t bytes) { return {-1, bytes, kDelayMs}; }

  bool out_of_range(PartitionLog& log, int64_t offset) {
    auto r = log.read(offset, log.log_end_offset(), 1 << 20, true);
    return !r.ok() && r.error() == StorageError::kOffsetOutOfRange;
  }
};

TEST_F(RetentionTest, TimeRetentionDropsSegmentsOlderThanRetentionMs) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 3, 10'000);  // offsets 0..2: old
  append_aged(*log, 3, 1'000);   // offsets 3..5: recent
  wait_durable(*log);
  ASSERT_EQ(log->segment_count(), 6u);
  EXPECT_EQ(log->apply_retention(by_time(5'000)), 3);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(log->log_start_offset(), 3);
  EXPECT_TRUE(out_of_range(*log, 2));
  EXPECT_EQ(read_all(*log, 3), expected(3, 6));
  // Nothing more is due until time passes; then the rest except the newest.
  clock_.advance(4'000);  // exactly retention.ms old: not yet
  EXPECT_EQ(log->apply_retention(by_time(5'000)), 0);
  clock_.advance(1);
  EXPECT_EQ(log->apply_retention(by_time(5'000)), 3);  // the active too, after a roll
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->log_start_offset(), 6);
}

TEST_F(RetentionTest, NegativeRetentionDisablesTheLimit) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 4, 100'000'000);
  wait_durable(*log);
  EXPECT_EQ(log->apply_retention({-1, -1, kDelayMs}), 0);
  EXPECT_EQ(log->segment_count(), 4u);
  EXPECT_EQ(log->log_start_offset(), 0);
}

TEST_F(RetentionTest, SizeRetentionKeepsAtLeastRetentionBytes) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 10, 0);
  wait_durable(*log);
  const int64_t one = log->size_bytes() / 10;
  // 3.5 segments' worth: six segments go, four stay (>= 3.5 segments).
  EXPECT_EQ(log->apply_retention(by_size(one * 7 / 2)), 6);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{6, 7, 8, 9}));
  EXPECT_EQ(log->log_start_offset(), 6);
  EXPECT_EQ(log->size_bytes(), 4 * one);
  // Exactly the size of the log: nothing to drop.
  EXPECT_EQ(log->apply_retention(by_size(4 * one)), 0);
  // One byte less than two segments: two go.
  EXPECT_EQ(log->apply_retention(by_size(2 * one - 1)), 2);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{8, 9}));
}

TEST_F(RetentionTest, TimeAndSizeTogether) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 2, 50'000);  // 0..1 too old
  append_aged(*log, 6, 0);       // 2..7 recent
  wait_durable(*log);
  const int64_t one = log->size_bytes() / 8;
  // Size drops 0..3 (keeping 4 segments), time would drop 0..1 only.
  EXPECT_EQ(log->apply_retention({10'000, 4 * one, kDelayMs}), 4);
  EXPECT_EQ(log->log_start_offset(), 4);
  auto fresh = open_log(one_batch_segments(), dir_.path() + "/u-0");
  append_aged(*fresh, 2, 50'000);
  append_aged(*fresh, 6, 0);
  wait_durable(*fresh);
  // Size allows 7 segments (drops 0), time drops 1 as well.
  EXPECT_EQ(fresh->apply_retention({10'000, 7 * one, kDelayMs}), 2);
  EXPECT_EQ(fresh->log_start_offset(), 2);
}

TEST_F(RetentionTest, AnExpiredActiveSegmentIsRolledThenDeleted) {
  auto log = open_log(small_config());  // 64 KiB segments: everything in one
  append_aged(*log, 5, 100'000);
  wait_durable(*log);
  ASSERT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->apply_retention(by_time(1'000)), 1);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{5}));
  EXPECT_EQ(log->log_start_offset(), 5);
  EXPECT_EQ(log->log_end_offset(), 5);
  EXPECT_EQ(log->high_watermark(), 5);
  EXPECT_TRUE(out_of_range(*log, 4));
  EXPECT_TRUE(read_all(*log, 5).empty());
  // An empty active segment is never deleted.
  EXPECT_EQ(log->apply_retention(by_time(0)), 0);
  drain_io();
  // A crash now: the new, empty segment is already on disk, so the log
  // reopens at offset 5 even without a log-start checkpoint.
  std::string crashed = snapshot("crash");
  {
    auto reopened = open_log(small_config(), crashed);
    EXPECT_EQ(reopened->log_start_offset(), 5);
    EXPECT_EQ(reopened->log_end_offset(), 5);
  }
  // Appends continue at 5.
  EXPECT_EQ(append(*log, make_batch(2, 10, clock_.now_ms())), 5);
  wait_durable(*log);
  EXPECT_EQ(read_all(*log, 5), expected(5, 6));
}

TEST_F(RetentionTest, NeverDeletesBeyondTheHighWatermark) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 4, 100'000);
  // Nothing is written yet (the flush job has not run): the high watermark is 0.
  ASSERT_EQ(log->high_watermark(), 0);
  EXPECT_EQ(log->apply_retention(by_time(1'000)), 0);
  EXPECT_EQ(log->apply_retention(by_size(0)), 0);
  wait_durable(*log);
  EXPECT_EQ(log->apply_retention(by_size(0)), 4);
  EXPECT_EQ(log->log_start_offset(), 4);
}

TEST_F(RetentionTest, DeleteRecordsMovesTheStartAndDropsWholeSegmentsBelowIt) {
  auto log = open_log(one_batch_segments());
  for (int i = 0; i < 4; ++i) append(*log, make_batch(3, 50, clock_.now_ms()));  // 3 per segment
  wait_durable(*log);
  ASSERT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 3, 6, 9}));
  auto too_far = log->delete_records(13, kDelayMs);
  ASSERT_FALSE(too_far.ok());
  EXPECT_EQ(too_far.error(), StorageError::kOffsetOutOfRange);
  EXPECT_FALSE(log->delete_records(-2, kDelayMs).ok());

  auto moved = log->delete_records(7, kDelayMs);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 7);
  EXPECT_EQ(log->log_start_offset(), 7);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{6, 9}));
  EXPECT_TRUE(out_of_range(*log, 6));
  // A read at the start returns the whole batch holding it (as Kafka does).
  EXPECT_EQ(read_all(*log, 7), expected(2, 4));
  // Going back is a no-op that reports the current start.
  EXPECT_EQ(*log->delete_records(2, kDelayMs), 7);
  // Up to the high watermark: every record gone, the active segment stays.
  EXPECT_EQ(*log->delete_records(12, kDelayMs), 12);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{9}));
  EXPECT_TRUE(read_all(*log, 12).empty());
  EXPECT_TRUE(out_of_range(*log, 11));
  // Retention never moves the start backwards.
  EXPECT_EQ(log->apply_retention(by_size(1 << 30)), 0);
  EXPECT_EQ(log->log_start_offset(), 12);
}

TEST_F(RetentionTest, TheStartComesBackFromOpenOptionsAndTheCheckpointFile) {
  {
    auto log = open_log(one_batch_segments());
    for (int i = 0; i < 3; ++i) append(*log, make_batch(3, 50, clock_.now_ms()));
    wait_durable(*log);
    ASSERT_EQ(*log->delete_records(4, kDelayMs), 4);
    drain_io();
    auto dir = LogDirectory::open(dir_.path());
    ASSERT_TRUE(dir.ok());
    ASSERT_TRUE((*dir)->write_checkpoints({{"t", 0, log->durable_end_offset(), 4}}).ok());
    log->close();
  }
  {
    auto dir = LogDirectory::open(dir_.path());
    ASSERT_TRUE(dir.ok());
    const OpenOptions options = (*dir)->open_options("t", 0);
    ASSERT_EQ(options.log_start_offset, 4);
    auto log = open_log(one_batch_segments(), "", options);
    EXPECT_EQ(log->log_start_offset(), 4);
    EXPECT_TRUE(out_of_range(*log, 3));
    EXPECT_EQ(read_all(*log, 4), expected(1, 3));
  }
  // Without the checkpoint the log starts at its first segment.
  auto log = open_log(one_batch_segments());
  EXPECT_EQ(log->log_start_offset(), 3);
}

TEST_F(RetentionTest, DeletedFilesAreRenamedThenUnlinkedAfterTheDelay) {
  auto log = open_log(one_batch_segments());
  append_aged(*log, 3, 0);
  wait_durable(*log);
  log->purge_deleted_segments();  // nothing pending
  EXPECT_FALSE(log->next_purge_ms().has_value());
  ASSERT_EQ(*log->delete_records(2, kDelayMs), 2);
  drain_io();
  std::set<std::string> now = files();
  EXPECT_TRUE(now.count("00000000000000000000.log.deleted"));
  EXPECT_TRUE(now.count("00000000000000000001.log.deleted"));
  EXPECT_FALSE(now.count("00000000000000000000.log"));
  EXPECT_TRUE(now.count("00000000000000000002.log"));
  ASSERT_TRUE(log->next_purge_ms().has_value());
  EXPECT_EQ(*log->next_purge_ms(), clock_.monotonic_ms() + kDelayMs);

  clock_.advance(kDelayMs - 1);
  log->purge_deleted_segments();
  drain_io();
  EXPECT_TRUE(files().count("00000000000000000000.log.deleted"));
  clock_.advance(1);
  log->purge_deleted_segments();
  drain_io();
  for (const std::string& name : files()) EXPECT_EQ(name.find(".deleted"), std::string::npos);
  EXPECT_FALSE(log->next_purge_ms().has_value());
  // Leftovers of a crash before the unlink are removed at open.
  log->close();
  log.reset();
  std::ofstream(log_dir() + "/00000000000000000000.log.deleted") << "stale";
  auto reopened = open_log(one_batch_segments());
  for (const std::string& name : files()) EXPECT_EQ(name.find(".deleted"), std::string::npos);
}

TEST_F(RetentionTest, AChunkTakenBeforeTheDeletionStaysReadable) {
  auto log = open_log(one_batch_segments());  // no tail cache: reads come from files
  append_aged(*log, 4, 0);
  wait_durable(*log);
  auto before = log->read(0, log->log_end_offset(), 1 << 20, true);
  ASSERT_TRUE(before.ok());
  ASSERT_GT(before->chunks.size(), 0u);
  EXPECT_EQ(log->apply_retention(by_size(0)), 4);
  drain_io();
  clock_.advance(kDelayMs);
  log->purge_deleted_segments();
  drain_io();
  // Only the new active segment's .log (and the producer snapshot taken when it was rolled).
  EXPECT_EQ(files(),
            (std::set<std::string>{"00000000000000000004.log", "00000000000000000004.snapshot"}));
  EXPECT_EQ(testing::flatten(*before), expected(0, 4));
}

}  // namespace
}  // namespace gregor::storage
