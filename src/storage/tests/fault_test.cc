// Injected I/O failures: they surface through when_written / when_durable,
// stop the log, and never cost data that was acknowledged before them.
#include <gtest/gtest.h>

#include <cerrno>

#include "storage/tests/log_fixture.h"

namespace gregor::storage {
namespace {

using testing::batch_offsets;
using testing::LogFixture;
using testing::make_batch;
using testing::Outcome;
using testing::QuietLogs;
using testing::small_config;

class FaultTest : public LogFixture {
 protected:
  // Appends `n` batches and waits for both callbacks of the last one.
  std::pair<Outcome, Outcome> append_and_wait(PartitionLog& log, int n) {
    for (int i = 0; i < n; ++i) append(log, make_batch(2, 200));
    Outcome written, durable;
    log.when_written(log.log_end_offset(), written.callback());
    log.when_durable(log.log_end_offset(), durable.callback());
    EXPECT_TRUE(loop_.run_until([&] { return written.done && durable.done; }));
    return {written, durable};
  }

  // Reopens the directory with healthy I/O and checks the acknowledged batches.
  void expect_acknowledged_survive(size_t acknowledged_batches) {
    io_.clear();
    start_worker();
    auto log = open_log();
    ASSERT_NE(log, nullptr);
    EXPECT_GE(log->log_end_offset(), static_cast<int64_t>(2 * acknowledged_batches));
    auto got = read_all(*log);
    auto want = expected(0, acknowledged_batches);
    ASSERT_GE(got.size(), want.size());
    EXPECT_EQ(std::vector<uint8_t>(got.begin(), got.begin() + static_cast<ptrdiff_t>(want.size())),
              want);
  }
};

TEST_F(FaultTest, WriteFailureFailsPendingCallbacksAndStopsTheLog) {
  QuietLogs quiet;
  {
    auto log = open_log();
    auto [w0, d0] = append_and_wait(*log, 5);
    ASSERT_FALSE(d0.error);
    io_.fail_nth(IoOp::kPwrite, 1, EIO, ".log");
    auto [w1, d1] = append_and_wait(*log, 3);
    EXPECT_EQ(w1.error, StorageError::kIo);
    EXPECT_EQ(d1.error, StorageError::kIo);
    EXPECT_EQ(log->failure(), StorageError::kIo);
    EXPECT_EQ(log->high_watermark(), 10);
    EXPECT_EQ(log->append(make_batch(1, 10)).error(), StorageError::kIo);
    Outcome late;
    log->when_durable(log->log_end_offset(), late.callback());
    ASSERT_TRUE(loop_.run_until([&] { return late.done; }));
    EXPECT_EQ(late.error, StorageError::kIo);
    // A callback for data that was already durable still succeeds.
    Outcome old;
    log->when_durable(10, old.callback());
    ASSERT_TRUE(loop_.run_until([&] { return old.done; }));
    EXPECT_FALSE(old.error);
  }
  expect_acknowledged_survive(5);
}

TEST_F(FaultTest, FsyncFailureFailsDurabilityButNotWrites) {
  QuietLogs quiet;
  {
    auto log = open_log();
    auto [w0, d0] = append_and_wait(*log, 5);
    ASSERT_FALSE(d0.error);
    io_.fail_nth(IoOp::kFdatasync, 1, EIO, ".log");
    auto [w1, d1] = append_and_wait(*log, 3);
    EXPECT_FALSE(w1.error);  // written before the sync failed
    EXPECT_EQ(d1.error, StorageError::kIo);
    EXPECT_EQ(log->durable_end_offset(), 10);
    EXPECT_EQ(log->failure(), StorageError::kIo);
  }
  expect_acknowledged_survive(5);
}

TEST_F(FaultTest, NoSpaceOnWrite) {
  QuietLogs quiet;
  {
    auto log = open_log();
    auto [w0, d0] = append_and_wait(*log, 2);
    ASSERT_FALSE(d0.error);
    io_.fail_nth(IoOp::kPwrite, 1, ENOSPC, ".log");
    auto [w1, d1] = append_and_wait(*log, 1);
    EXPECT_EQ(w1.error, StorageError::kNoSpace);
    EXPECT_EQ(d1.error, StorageError::kNoSpace);
  }
  expect_acknowledged_survive(2);
}

TEST_F(FaultTest, NoSpaceWhenPreallocatingANewSegment) {
  QuietLogs quiet;
  LogConfig config = small_config();
  config.segment_ms = 1000;
  {
    auto log = open_log(config);
    auto [w0, d0] = append_and_wait(*log, 3);
    ASSERT_FALSE(d0.error);
    io_.fail_nth(IoOp::kFallocate, 1, ENOSPC);
    clock_.advance(1000);  // the next append rolls
    auto [w1, d1] = append_and_wait(*log, 1);
    EXPECT_EQ(log->segment_count(), 2u);
    EXPECT_EQ(w1.error, StorageError::kNoSpace);
    EXPECT_EQ(d1.error, StorageError::kNoSpace);
  }
  expect_acknowledged_survive(3);
}

TEST_F(FaultTest, ShortWritesAreCompleted) {
  for (bool direct : {true, false}) {
    SCOPED_TRACE(direct);
    stored_.clear();
    std::filesystem::remove_all(log_dir());
    io_.clear();
    io_.refuse_direct_io(!direct);
    std::string crashed;
    {
      auto log = open_log();
      auto [w0, d0] = append_and_wait(*log, 4);  // creates the file
      ASSERT_FALSE(d0.error);
      // Two short writes in a row: 6000 bytes, then 5000 (a direct-I/O
      // descriptor stops on a 4 KiB boundary: 4096 both times).
      const uint64_t writes_before = io_.calls(IoOp::kPwrite);
      io_.short_write_nth(1, 6000, ".log");
      io_.short_write_nth(1, 5000, ".log");
      auto [w1, d1] = append_and_wait(*log, 20);
      EXPECT_FALSE(w1.error);
      EXPECT_FALSE(d1.error);
      EXPECT_EQ(io_.calls(IoOp::kPwrite) - writes_before, 3u);
      crashed = snapshot(direct ? "crashed-direct" : "crashed-buffered");
    }
    io_.clear();
    auto log = open_log(small_config(), crashed);
    EXPECT_EQ(log->recovery_stats().bytes_truncated, 0);
    EXPECT_EQ(log->log_end_offset(), 48);
    EXPECT_EQ(read_all(*log), expected(0, stored_.size()));
  }
}

TEST_F(FaultTest, StoppedWorkerFailsTheLog) {
  QuietLogs quiet;
  auto log = open_log();
  worker_->stop();
  append(*log, make_batch(1, 10));
  Outcome written;
  log->when_written(1, written.callback());
  ASSERT_TRUE(loop_.run_until([&] { return written.done; }));
  EXPECT_EQ(written.error, StorageError::kClosed);
}

TEST_F(FaultTest, FailedOpenReportsAnError) {
  QuietLogs quiet;
  {
    auto log = open_log();
    append_and_wait(*log, 2);
  }
  io_.fail_nth(IoOp::kOpen, 1, EACCES, ".log");
  auto r = PartitionLog::open(log_dir(), "t", 0, small_config(), *worker_, loop_.poster(), clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), StorageError::kIo);
}

}  // namespace
}  // namespace gregor::storage
