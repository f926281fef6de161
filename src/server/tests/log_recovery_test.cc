// LogRecovery: a log stopped by a storage failure (a full disk) is reopened
// after a backoff, keeps serving reads while it cannot be, and loses nothing
// that was acknowledged; ENOSPC anywhere on the write path is a storage error.
#include "server/log_recovery.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "server/handlers/storage_errors.h"
#include "storage/fault_injecting_file_io.h"
#include "storage/tests/storage_test_util.h"

namespace gregor::server {
namespace {

using std::chrono::milliseconds;
using storage::IoOp;
using storage::PartitionLog;
using storage::StorageError;
using storage::testing::make_batch;
using storage::testing::Outcome;
using storage::testing::QuietLogs;

storage::LogConfig small_config() {
  storage::LogConfig c;
  c.segment_bytes = 64 * 1024;
  c.index_interval_bytes = 1024;
  c.tail_cache_bytes = 0;  // reads go to the files
  return c;
}

class LogRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = {Uuid::random(), 0};
    logs_.add(key_.topic, 0, open(dir_.path() + "/t-0"));
  }

  std::unique_ptr<PartitionLog> open(const std::string& dir,
                                     const storage::OpenOptions& options = {}) {
    auto r = PartitionLog::open(dir, "t", 0, small_config(), logs_.io(), loop_.poster(), clock_,
                                options);
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::move(r).value() : nullptr;
  }

  LogReopener reopener() {
    return [this](const PartitionLog& stopped) {
      ++reopens_;
      storage::OpenOptions o;
      o.log_start_offset = stopped.log_start_offset();
      o.recovery_point = stopped.durable_end_offset();
      return PartitionLog::open(stopped.dir(), stopped.topic(), stopped.partition(),
                                stopped.config(), logs_.io(), loop_.poster(), clock_, o);
    };
  }

  PartitionLog& log() { return *logs_.find(key_); }

  // Appends `n` two-record batches, remembering them, and waits until they are
  // durable; returns the error the durability callback got.
  std::optional<StorageError> append_durable(int n, size_t value_bytes = 200) {
    int64_t end = 0;
    for (int i = 0; i < n; ++i) {
      auto batch = make_batch(2, value_bytes);
      auto r = log().append(batch);
      if (!r.ok()) return r.error();
      record::patch_base_offset(batch.data(), r->base_offset);
      pending_.push_back(std::move(batch));
      end = r->last_offset + 1;
    }
    Outcome o;
    log().when_durable(end, o.callback());
    EXPECT_TRUE(loop_.run_until([&] { return o.done; }));
    if (!o.error) {
      acked_.insert(acked_.end(), pending_.begin(), pending_.end());
    }
    pending_.clear();
    return o.error;
  }

  // Every acknowledged batch, byte for byte, at its offset. (Batches whose
  // callbacks failed may sit between them: they survive if they were written.)
  void expect_acknowledged_readable() {
    for (const auto& batch : acked_) {
      const int64_t base = record::BatchHeaderView(batch.data()).base_offset();
      auto r = log().read(base, log().high_watermark(), batch.size(), true);
      ASSERT_TRUE(r.ok()) << "offset " << base;
      auto got = storage::testing::flatten(*r);
      ASSERT_EQ(got, batch) << "offset " << base;
    }
  }

  // A full disk: writes, syncs and allocations all fail with ENOSPC.
  void fill_disk() {
    io_.fail_nth(IoOp::kPwrite, 1, ENOSPC, "", /*sticky=*/true);
    io_.fail_nth(IoOp::kFdatasync, 1, ENOSPC, "", /*sticky=*/true);
    io_.fail_nth(IoOp::kFallocate, 1, ENOSPC, "", /*sticky=*/true);
  }

  // Declaration order: the loop outlives the logs, which close through io_.
  storage::testing::TempDir dir_;
  storage::FaultInjectingFileIo io_;
  ManualClock clock_;
  storage::testing::TestLoop loop_;
  ShardPartitions logs_{0, io_};
  asio::io_context timer_context_;
  PartitionKey key_;
  int reopens_ = 0;
  std::vector<std::vector<uint8_t>> acked_;
  std::vector<std::vector<uint8_t>> pending_;
  const LogRecovery::Clock::time_point t0_{std::chrono::hours(1)};
};

TEST_F(LogRecoveryTest, FullDiskStopsTheLogReadsGoOnAndAReopenBringsItBackOnceThereIsSpace) {
  QuietLogs quiet;
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener());
  ASSERT_FALSE(append_durable(5));
  PartitionLog* stopped = &log();
  bool woken = false;
  const uint64_t listener = stopped->add_hw_listener([&] { woken = true; });

  fill_disk();
  auto error = append_durable(3);
  ASSERT_EQ(error, StorageError::kNoSpace);
  EXPECT_EQ(to_error_code(*error), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(log().append(make_batch(1, 10)).error(), StorageError::kNoSpace);
  loop_.drain();
  EXPECT_TRUE(woken) << "a long poll on the stopped log is woken";
  bool late_woken = false;
  stopped->add_hw_listener([&] { late_woken = true; });
  loop_.drain();
  EXPECT_FALSE(late_woken) << "a long poll on a stopped log waits (no busy loop)";
  expect_acknowledged_readable();

  recovery.check(t0_);
  EXPECT_EQ(recovery.waiting(), 1u);
  EXPECT_EQ(reopens_, 0) << "the first reopen waits for the backoff";
  recovery.check(t0_ + milliseconds(999));
  EXPECT_EQ(reopens_, 0);

  // Still full: the reopen fails (its recovery cannot sync), the stopped log stays.
  recovery.check(t0_ + milliseconds(1000));
  EXPECT_EQ(reopens_, 1);
  EXPECT_EQ(&log(), stopped);
  EXPECT_EQ(recovery.backoff_of(key_), milliseconds(2000));
  expect_acknowledged_readable();
  recovery.check(t0_ + milliseconds(2999));
  EXPECT_EQ(reopens_, 1);

  io_.clear();  // space freed
  recovery.check(t0_ + milliseconds(3000));
  EXPECT_EQ(reopens_, 2);
  EXPECT_EQ(recovery.recovered(), 1u);
  EXPECT_EQ(recovery.waiting(), 0u);
  ASSERT_NE(&log(), stopped);
  EXPECT_TRUE(late_woken) << "closing the stopped log wakes its long polls";
  EXPECT_FALSE(log().failure());
  EXPECT_GE(log().log_end_offset(), 10);
  expect_acknowledged_readable();

  // The new log takes appends on top of what was there, durably.
  const int64_t end = log().log_end_offset();
  ASSERT_FALSE(append_durable(4));
  EXPECT_EQ(log().log_end_offset(), end + 8);
  // Removing the old log's listener id from the new log touches nothing there.
  bool new_woken = false;
  const uint64_t fresh = log().add_hw_listener([&] { new_woken = true; });
  EXPECT_NE(fresh, listener);
  log().remove_hw_listener(listener);
  ASSERT_FALSE(append_durable(1));
  loop_.drain();
  EXPECT_TRUE(new_woken);
}

TEST_F(LogRecoveryTest, NoSpaceForPreallocationIsAStorageErrorAndRecovers) {
  QuietLogs quiet;
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener());
  ASSERT_FALSE(append_durable(3));
  io_.fail_nth(IoOp::kFallocate, 1, ENOSPC);
  // Past segment.bytes: the new segment's file is preallocated, which fails.
  auto error = append_durable(200);
  ASSERT_EQ(error, StorageError::kNoSpace);
  EXPECT_EQ(to_error_code(*error), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(io_.calls(IoOp::kFallocate), 2u);

  recovery.check(t0_);
  recovery.check(t0_ + milliseconds(1000));
  ASSERT_EQ(recovery.recovered(), 1u);
  expect_acknowledged_readable();
  ASSERT_FALSE(append_durable(200));
  expect_acknowledged_readable();
}

TEST_F(LogRecoveryTest, NoSpaceForIndexFilesWhenSealingIsAStorageErrorAndRecovers) {
  QuietLogs quiet;
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener());
  ASSERT_FALSE(append_durable(3));
  io_.fail_nth(IoOp::kPwrite, 1, ENOSPC, ".index.tmp");
  // Rolling seals the first segment: its .index cannot be written. The
  // reopen recovers that segment (no index files) and writes them.
  std::optional<StorageError> error;
  for (int i = 0; i < 10 && !error; ++i) error = append_durable(40);
  ASSERT_EQ(error, StorageError::kNoSpace);
  EXPECT_EQ(to_error_code(*error), ErrorCode::kKafkaStorageError);

  recovery.check(t0_);
  recovery.check(t0_ + milliseconds(1000));
  ASSERT_EQ(recovery.recovered(), 1u);
  expect_acknowledged_readable();
  ASSERT_FALSE(append_durable(2));
  expect_acknowledged_readable();
}

TEST_F(LogRecoveryTest, BackoffGrowsWhileTheLogKeepsFailingAndResetsOnceStable) {
  QuietLogs quiet;
  LogRecoveryOptions options;
  options.initial_backoff = milliseconds(1000);
  options.max_backoff = milliseconds(4000);
  options.stable_after = milliseconds(60000);
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener(), options);
  ASSERT_FALSE(append_durable(2));
  auto t = t0_;
  // Fails again right after each reopen: 1 s, 2 s, 4 s, then capped at 4 s.
  for (int64_t expected_ms : {1000, 2000, 4000, 4000}) {
    const milliseconds expected(expected_ms);
    io_.fail_nth(IoOp::kPwrite, 1, ENOSPC);
    ASSERT_EQ(append_durable(1), StorageError::kNoSpace);
    recovery.check(t);
    EXPECT_EQ(recovery.backoff_of(key_), expected);
    t += expected;
    recovery.check(t);
    ASSERT_EQ(recovery.waiting(), 0u);
  }
  // A minute without failures: the next stop starts at the initial backoff.
  t += milliseconds(60000);
  recovery.check(t);
  io_.fail_nth(IoOp::kPwrite, 1, ENOSPC);
  ASSERT_EQ(append_durable(1), StorageError::kNoSpace);
  recovery.check(t);
  EXPECT_EQ(recovery.backoff_of(key_), milliseconds(1000));
  recovery.check(t + milliseconds(1000));
  EXPECT_EQ(recovery.recovered(), 5u);
  ASSERT_FALSE(append_durable(1));
  expect_acknowledged_readable();
}

TEST_F(LogRecoveryTest, RemovedLogIsForgotten) {
  QuietLogs quiet;
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener());
  io_.fail_nth(IoOp::kPwrite, 1, EIO);
  ASSERT_EQ(append_durable(1), StorageError::kIo);
  recovery.check(t0_);
  EXPECT_EQ(recovery.waiting(), 1u);
  logs_.remove(key_.topic, key_.partition)->close();  // the topic was deleted
  recovery.check(t0_ + milliseconds(5000));
  EXPECT_EQ(recovery.waiting(), 0u);
  EXPECT_EQ(reopens_, 0);
}

TEST_F(LogRecoveryTest, TimerOnTheShardExecutorReopensWithoutBeingAsked) {
  QuietLogs quiet;
  LogRecoveryOptions options;
  options.check_interval = milliseconds(10);
  options.initial_backoff = milliseconds(20);
  LogRecovery recovery(timer_context_.get_executor(), logs_, reopener(), options);
  io_.fail_nth(IoOp::kPwrite, 1, ENOSPC);
  ASSERT_EQ(append_durable(1), StorageError::kNoSpace);
  recovery.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (recovery.recovered() == 0 && std::chrono::steady_clock::now() < deadline) {
    timer_context_.run_for(milliseconds(10));
  }
  recovery.stop();
  timer_context_.run_for(milliseconds(20));  // the cancelled wait completes harmlessly
  EXPECT_EQ(recovery.recovered(), 1u);
  EXPECT_FALSE(log().failure());
  ASSERT_FALSE(append_durable(1));
}

}  // namespace
}  // namespace gregor::server
