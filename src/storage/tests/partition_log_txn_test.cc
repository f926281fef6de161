// Producer state on a PartitionLog: idempotent retries, transactions and the
// LSO, markers and the aborted list, and all of it across a clean reopen, a
// crash, retention and expiry.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/producer_snapshot.h"
#include "storage/tests/log_fixture.h"

namespace gregor::storage::testing {
namespace {

class PartitionLogTxnTest : public LogFixture {
 protected:
  std::vector<uint8_t> batch(int64_t pid, int16_t epoch, int32_t seq, int records = 1,
                             bool txn = false, size_t value_bytes = 10) {
    record::BatchSpec spec;
    for (int i = 0; i < records; ++i) {
      spec.records.push_back({"k", std::string(value_bytes, 'v'), {}, clock_.now_ms(), {}});
    }
    spec.producer_id = pid;
    spec.producer_epoch = epoch;
    spec.base_sequence = seq;
    spec.transactional = txn;
    return record::build_batch(spec);
  }

  Result<AppendResult, StorageError> append_txn(PartitionLog& log, int64_t pid, int16_t epoch,
                                                int32_t seq, int records = 1,
                                                size_t value_bytes = 10) {
    AppendOptions options;
    if (!log.in_transaction(pid)) options.verification_guard = log.begin_txn_verification(pid);
    return log.append(batch(pid, epoch, seq, records, true, value_bytes), options);
  }

  struct State {
    std::vector<ProducerInfo> producers;
    int64_t lso;
    int64_t end;
    std::vector<AbortedTxn> aborted;
  };
  static State state_of(const PartitionLog& log) {
    return {log.active_producers(), log.last_stable_offset(), log.log_end_offset(),
            log.aborted_transactions(0, log.log_end_offset())};
  }
  static void expect_same(const State& a, const State& b) {
    ASSERT_EQ(a.producers.size(), b.producers.size());
    for (size_t i = 0; i < a.producers.size(); ++i) {
      const ProducerInfo& x = a.producers[i];
      const ProducerInfo& y = b.producers[i];
      EXPECT_EQ(x.producer_id, y.producer_id);
      EXPECT_EQ(x.epoch, y.epoch);
      EXPECT_EQ(x.last_sequence, y.last_sequence);
      EXPECT_EQ(x.last_timestamp, y.last_timestamp);
      EXPECT_EQ(x.coordinator_epoch, y.coordinator_epoch);
      EXPECT_EQ(x.current_txn_start_offset, y.current_txn_start_offset);
    }
    EXPECT_EQ(a.lso, b.lso);
    EXPECT_EQ(a.end, b.end);
    EXPECT_EQ(a.aborted, b.aborted);
  }

  // Across several segments: producers 1 and 2 commit and abort
  // transactions, producer 3 writes idempotently, producer 4's transaction
  // stays open.
  void write_history(PartitionLog& log) {
    ASSERT_TRUE(log.append(batch(3, 0, 0)).ok());
    for (int round = 0; round < 4; ++round) {
      ASSERT_TRUE(append_txn(log, 1, 0, round * 2, 2, 1500).ok());
      ASSERT_TRUE(append_txn(log, 2, 0, round, 1, 1500).ok());
      ASSERT_TRUE(log.append(batch(3, 0, round + 1, 1, false, 1500)).ok());
      ASSERT_TRUE(log.append_marker(1, 0, round % 2 == 0, 3, clock_.now_ms()).ok());
      ASSERT_TRUE(log.append_marker(2, 0, false, 3, clock_.now_ms()).ok());
    }
    ASSERT_TRUE(append_txn(log, 4, 0, 0, 1, 1500).ok());
    wait_durable(log);
  }

  static LogConfig rolling_config() {
    LogConfig c = small_config();
    c.segment_bytes = 6000;
    return c;
  }
};

TEST_F(PartitionLogTxnTest, IdempotentRetryReturnsTheOriginalOffsets) {
  auto log = open_log();
  auto first = log->append(batch(7, 0, 0, 3));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(log->append(batch(7, 0, 3, 2)).ok());
  const int64_t end = log->log_end_offset();
  auto retry = log->append(batch(7, 0, 0, 3));
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->base_offset, first->base_offset);
  EXPECT_EQ(retry->last_offset, first->last_offset);
  EXPECT_EQ(log->log_end_offset(), end);
  EXPECT_EQ(log->append(batch(7, 0, 9)).error(), StorageError::kOutOfOrderSequence);
  EXPECT_EQ(log->append(batch(7, -1, 5)).error(), StorageError::kInvalidProducerEpoch);
  EXPECT_EQ(log->log_end_offset(), end);
  // Batches without a producer id are not checked.
  EXPECT_TRUE(log->append(make_batch(1, 10)).ok());
}

TEST_F(PartitionLogTxnTest, CoordinatorWritesSkipSequenceChecks) {
  auto log = open_log();
  AppendOptions options{log->begin_txn_verification(5), AppendOrigin::kCoordinator};
  auto first = log->append(batch(5, 0, 0, 1, true), options);
  ASSERT_TRUE(first.ok());
  // The same sequence again is a new write, not a retry.
  auto second = log->append(batch(5, 0, 0, 1, true), options);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->duplicate);
  EXPECT_EQ(second->base_offset, first->base_offset + 1);
  EXPECT_EQ(log->append(batch(5, 0, 0, 1, false), options).error(), StorageError::kInvalidTxnState);
  options.verification_guard = log->begin_txn_verification(5);
  EXPECT_EQ(log->append(batch(5, -1, 0, 1, true), options).error(),
            StorageError::kInvalidProducerEpoch);
}

TEST_F(PartitionLogTxnTest, LastStableOffsetAndAbortedList) {
  auto log = open_log();
  ASSERT_TRUE(log->append(batch(3, 0, 0)).ok());  // 0
  EXPECT_EQ(log->append(batch(1, 0, 0, 1, true)).error(), StorageError::kTxnVerificationNeeded);
  ASSERT_TRUE(append_txn(*log, 1, 0, 0, 2).ok());  // 1..2
  ASSERT_TRUE(append_txn(*log, 2, 0, 0).ok());     // 3
  EXPECT_EQ(log->append(batch(1, 0, 2)).error(), StorageError::kInvalidTxnState);
  wait_durable(*log);
  EXPECT_EQ(log->high_watermark(), 4);
  EXPECT_EQ(log->last_stable_offset(), 1);
  auto commit = log->append_marker(1, 0, true, 0, clock_.now_ms());  // 4
  ASSERT_TRUE(commit.ok());
  EXPECT_EQ(commit->base_offset, 4);
  // The marker is not below the high watermark yet.
  EXPECT_EQ(log->last_stable_offset(), 1);
  wait_durable(*log);
  EXPECT_EQ(log->last_stable_offset(), 3);
  ASSERT_TRUE(log->append_marker(2, 0, false, 0, clock_.now_ms()).ok());  // 5
  wait_durable(*log);
  EXPECT_EQ(log->last_stable_offset(), 6);
  EXPECT_EQ(log->aborted_transactions(0, 6), (std::vector<AbortedTxn>{{2, 3, 5, 6}}));
  EXPECT_TRUE(log->aborted_transactions(6, 10).empty());
  EXPECT_TRUE(log->aborted_transactions(0, 3).empty());
  EXPECT_FALSE(log->in_transaction(1));
  EXPECT_EQ(log->append_marker(2, 0, false, -1, clock_.now_ms()).error(),
            StorageError::kCoordinatorFenced);
  // A marker for a producer without a transaction here is written anyway.
  EXPECT_TRUE(log->append_marker(9, 0, true, 0, clock_.now_ms()).ok());
}

TEST_F(PartitionLogTxnTest, StateSurvivesACleanReopen) {
  auto log = open_log(rolling_config());
  write_history(*log);
  ASSERT_GT(log->segment_count(), 3u);
  const State before = state_of(*log);
  EXPECT_EQ(before.aborted.size(), 6u);
  EXPECT_LT(before.lso, before.end);
  log->close();
  log.reset();
  log = open_log(rolling_config());
  EXPECT_EQ(log->recovery_stats().segments_scanned, 0);
  expect_same(before, state_of(*log));
  // Sealed segments hold their aborted transactions in .txnindex files.
  int txn_indexes = 0;
  for (const auto& e : std::filesystem::directory_iterator(log_dir())) {
    txn_indexes += e.path().extension() == ".txnindex";
  }
  EXPECT_GT(txn_indexes, 0);
  EXPECT_LE(list_snapshots(log_dir()).size(), kSnapshotsKept);
  // Retries are still recognised.
  auto retry = log->append(batch(3, 0, 4, 1, false, 1500));
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->duplicate);
}

TEST_F(PartitionLogTxnTest, StateSurvivesACrash) {
  QuietLogs quiet;
  auto log = open_log(rolling_config());
  write_history(*log);
  const State before = state_of(*log);
  const std::string copies[] = {snapshot("crash"), snapshot("crash-no-snapshots")};
  log.reset();
  for (int64_t s : list_snapshots(copies[1])) std::filesystem::remove(snapshot_path(copies[1], s));
  for (const std::string& dir : copies) {
    auto reopened = open_log(rolling_config(), dir);
    ASSERT_TRUE(reopened);
    EXPECT_GT(reopened->recovery_stats().segments_scanned, 0);
    expect_same(before, state_of(*reopened));
    // Crash again after closing cleanly once: identical.
    reopened->close();
    reopened.reset();
    reopened = open_log(rolling_config(), dir);
    expect_same(before, state_of(*reopened));
  }
}

TEST_F(PartitionLogTxnTest, SnapshotsBeyondTheRecoveredEndAreDropped) {
  QuietLogs quiet;
  auto log = open_log(rolling_config());
  write_history(*log);
  const State before = state_of(*log);
  log->close();
  log.reset();
  // A snapshot from a future the log does not have.
  ProducerStateManager empty;
  const auto bytes = encode_producer_snapshot(empty, before.end + 100);
  ASSERT_EQ(write_snapshot_now(io_, log_dir(), before.end + 100, bytes, {}), 0);
  log = open_log(rolling_config());
  expect_same(before, state_of(*log));
  EXPECT_FALSE(std::filesystem::exists(snapshot_path(log_dir(), before.end + 100)));
}

TEST_F(PartitionLogTxnTest, RetentionTrimsProducersAndAbortedEntries) {
  auto log = open_log(rolling_config());
  write_history(*log);
  const auto bases = log->segment_base_offsets();
  ASSERT_GT(bases.size(), 3u);
  const State before = state_of(*log);
  // Delete up to the third segment.
  ASSERT_TRUE(log->delete_records(bases[2], 0).ok());
  EXPECT_EQ(log->segment_base_offsets().front(), bases[2]);
  for (const AbortedTxn& a : log->aborted_transactions(0, log->log_end_offset())) {
    EXPECT_GE(a.last_offset, bases[2]);
  }
  EXPECT_LT(log->aborted_transactions(0, log->log_end_offset()).size(), before.aborted.size());
  log->purge_deleted_segments();
  wait_durable(*log);
  log->close();
  const State trimmed = state_of(*log);
  log.reset();
  OpenOptions options;
  options.log_start_offset = bases[2];
  log = open_log(rolling_config(), "", options);
  expect_same(trimmed, state_of(*log));
  for (const auto& e : std::filesystem::directory_iterator(log_dir())) {
    if (e.path().extension() == ".txnindex") {
      EXPECT_GE(std::stoll(e.path().stem().string()), bases[2]) << e.path();
    }
  }
}

TEST_F(PartitionLogTxnTest, ProducersBelowTheLogStartAreForgotten) {
  auto log = open_log(rolling_config());
  ASSERT_TRUE(log->append(batch(5, 0, 0, 1, false, 1500)).ok());
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(log->append(batch(6, 0, i, 1, false, 1500)).ok());
  wait_durable(*log);
  ASSERT_EQ(log->active_producers().size(), 2u);
  ASSERT_TRUE(log->delete_records(log->log_end_offset() - 1, 0).ok());
  auto producers = log->active_producers();
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(producers[0].producer_id, 6);
}

TEST_F(PartitionLogTxnTest, ExpiryUsesTheClock) {
  auto log = open_log();
  ASSERT_TRUE(log->append(batch(1, 0, 0)).ok());
  ASSERT_TRUE(append_txn(*log, 2, 0, 0).ok());
  clock_.advance(1000);
  ASSERT_TRUE(log->append(batch(3, 0, 0)).ok());
  log->expire_producers(clock_.now_ms(), 1000);
  auto producers = log->active_producers();
  ASSERT_EQ(producers.size(), 2u);
  EXPECT_EQ(producers[0].producer_id, 2);  // open transaction
  EXPECT_EQ(producers[1].producer_id, 3);
  // An expired producer is unknown again: any sequence is accepted.
  EXPECT_TRUE(log->append(batch(1, 0, 77)).ok());
}

}  // namespace
}  // namespace gregor::storage::testing
