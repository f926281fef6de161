// ProducerStateManager on its own: Kafka's sequence, epoch and transaction
// rules, the aborted list and its queries, guards, expiry, the snapshot body
// and the .txnindex format.
#include "storage/producer_state.h"

#include <gtest/gtest.h>

#include <limits>

#include "protocol/record/batch_builder.h"
#include "storage/txn_index.h"

namespace gregor::storage {
namespace {

constexpr int32_t kMaxSeq = std::numeric_limits<int32_t>::max();

ProducerBatch batch(int64_t pid, int16_t epoch, int32_t seq, int32_t records = 1, bool txn = false,
                    int64_t ts = 1000) {
  return {pid, epoch, seq, records - 1, ts, txn, false};
}

// Checks and, if accepted, records the batch at `*next`; returns the error or
// the duplicate's first offset (-1 when appended).
class Producers {
 public:
  Result<int64_t, StorageError> append(const ProducerBatch& b, uint64_t guard = 0) {
    auto r = state.check_data(b, guard);
    if (!r.ok()) return Err(r.error());
    if (*r) return (*r)->first_offset();
    state.on_data(b, next, next + b.last_offset_delta);
    next += b.last_offset_delta + 1;
    return int64_t{-1};
  }
  std::optional<AbortedTxn> marker(int64_t pid, int16_t epoch, bool commit, int32_t coord = 0) {
    EXPECT_TRUE(state.check_marker(pid, epoch, coord).ok());
    auto a = state.on_marker(pid, epoch, commit, coord, next, 2000, next);
    ++next;
    return a;
  }
  ProducerStateManager state;
  int64_t next = 0;
};

TEST(ProducerStateTest, SequencesInOrderAndGaps) {
  Producers p;
  EXPECT_EQ(*p.append(batch(1, 0, 0, 3)), -1);
  EXPECT_EQ(*p.append(batch(1, 0, 3, 2)), -1);
  EXPECT_EQ(p.append(batch(1, 0, 6)).error(), StorageError::kOutOfOrderSequence);
  EXPECT_EQ(p.append(batch(1, 0, 4)).error(), StorageError::kOutOfOrderSequence);
  EXPECT_EQ(*p.append(batch(1, 0, 5)), -1);
  EXPECT_EQ(p.state.entry(1)->last_seq(), 5);
}

TEST(ProducerStateTest, DuplicatesOfTheLastFiveBatches) {
  Producers p;
  std::vector<int64_t> firsts;
  for (int i = 0; i < 7; ++i) {
    firsts.push_back(p.next);
    ASSERT_EQ(*p.append(batch(1, 0, i * 2, 2)), -1);
  }
  const int64_t end = p.next;
  for (int i = 2; i < 7; ++i) EXPECT_EQ(*p.append(batch(1, 0, i * 2, 2)), firsts[i]) << i;
  EXPECT_EQ(p.next, end) << "duplicates append nothing";
  // Older than the retained five: a sequence error.
  EXPECT_EQ(p.append(batch(1, 0, 2, 2)).error(), StorageError::kOutOfOrderSequence);
  // Same first sequence, different last: not a duplicate.
  EXPECT_EQ(p.append(batch(1, 0, 12, 1)).error(), StorageError::kOutOfOrderSequence);
}

TEST(ProducerStateTest, SequenceWrapsAtInt32Max) {
  Producers p;
  ASSERT_EQ(*p.append(batch(1, 0, kMaxSeq - 1, 2)), -1);
  EXPECT_EQ(p.state.entry(1)->last_seq(), kMaxSeq);
  EXPECT_EQ(*p.append(batch(1, 0, 0, 3)), -1);
  // A batch spanning the wrap: last sequence = base + delta - 2^31.
  Producers q;
  ASSERT_EQ(*q.append(batch(2, 0, kMaxSeq - 1, 4)), -1);
  EXPECT_EQ(q.state.entry(2)->last_seq(), 1);
  EXPECT_EQ(*q.append(batch(2, 0, kMaxSeq - 1, 4)), 0) << "duplicate across the wrap";
  EXPECT_EQ(*q.append(batch(2, 0, 2)), -1);
}

TEST(ProducerStateTest, EpochRules) {
  Producers p;
  ASSERT_EQ(*p.append(batch(1, 3, 0, 5)), -1);
  EXPECT_EQ(p.append(batch(1, 2, 5)).error(), StorageError::kInvalidProducerEpoch);
  EXPECT_EQ(p.append(batch(1, 4, 5)).error(), StorageError::kOutOfOrderSequence)
      << "a new epoch starts at sequence 0";
  EXPECT_EQ(*p.append(batch(1, 4, 0)), -1);
  EXPECT_EQ(p.state.entry(1)->epoch, 4);
  EXPECT_EQ(p.state.entry(1)->batches.size(), 1u) << "the old epoch's batches are gone";
  EXPECT_EQ(p.append(batch(1, 3, 0)).error(), StorageError::kInvalidProducerEpoch);
}

TEST(ProducerStateTest, UnknownProducerAcceptsAnySequence) {
  Producers p;
  EXPECT_EQ(*p.append(batch(9, 2, 12345)), -1);
  EXPECT_EQ(*p.append(batch(9, 2, 12346)), -1);
}

TEST(ProducerStateTest, TransactionsAndLastStableOffset) {
  Producers p;
  const uint64_t g1 = p.state.begin_verification(1, 0);
  const uint64_t g2 = p.state.begin_verification(2, 0);
  EXPECT_NE(g1, 0u);
  EXPECT_NE(g1, g2);
  ASSERT_EQ(*p.append(batch(3, 0, 0)), -1);               // offset 0, not transactional
  ASSERT_EQ(*p.append(batch(1, 0, 0, 2, true), g1), -1);  // 1..2
  ASSERT_EQ(*p.append(batch(2, 0, 0, 1, true), g2), -1);  // 3
  EXPECT_EQ(p.state.entry(1)->current_txn_first_offset, 1);
  EXPECT_TRUE(p.state.in_transaction(1));
  EXPECT_EQ(p.state.first_unstable_offset(p.next), 1);
  ASSERT_EQ(*p.append(batch(1, 0, 2, 1, true)), -1) << "an ongoing transaction needs no guard";
  EXPECT_EQ(p.append(batch(1, 0, 3)).error(), StorageError::kInvalidTxnState);
  // Producer 1 commits at 5: producer 2's transaction now holds the LSO.
  EXPECT_FALSE(p.marker(1, 0, true).has_value());
  EXPECT_FALSE(p.state.in_transaction(1));
  EXPECT_EQ(p.state.first_unstable_offset(p.next), 3);
  // Producer 2 aborts at 6: no transaction left.
  auto aborted = p.marker(2, 0, false);
  ASSERT_TRUE(aborted.has_value());
  EXPECT_EQ(*aborted, (AbortedTxn{2, 3, 6, 7}));
  EXPECT_EQ(p.state.first_unstable_offset(p.next), std::nullopt);
  // While the marker is not below the high watermark the LSO stays at 3.
  EXPECT_EQ(p.state.first_unstable_offset(5), 3);
}

TEST(ProducerStateTest, AbortedEntryRecordsTheNextOpenTransaction) {
  Producers p;
  ASSERT_EQ(*p.append(batch(1, 0, 0, 1, true), p.state.begin_verification(1, 0)), -1);  // 0
  ASSERT_EQ(*p.append(batch(2, 0, 0, 1, true), p.state.begin_verification(2, 0)), -1);  // 1
  auto a = p.marker(1, 0, false);                                                       // 2
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (AbortedTxn{1, 0, 2, 1}));
}

TEST(ProducerStateTest, AbortedQueryBounds) {
  ProducerStateManager s;
  s.add_aborted({{1, 10, 20, 21}, {2, 30, 40, 41}, {3, 35, 50, 51}});
  auto pids = [](const std::vector<AbortedTxn>& v) {
    std::vector<int64_t> out;
    for (const auto& a : v) out.push_back(a.producer_id);
    return out;
  };
  EXPECT_EQ(pids(s.aborted_transactions(0, 100)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(pids(s.aborted_transactions(20, 100)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(pids(s.aborted_transactions(21, 100)), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(pids(s.aborted_transactions(0, 10)), (std::vector<int64_t>{}));
  EXPECT_EQ(pids(s.aborted_transactions(0, 11)), (std::vector<int64_t>{1}));
  EXPECT_EQ(pids(s.aborted_transactions(21, 31)), (std::vector<int64_t>{2}));
  EXPECT_EQ(pids(s.aborted_transactions(41, 36)), (std::vector<int64_t>{3}));
  EXPECT_EQ(pids(s.aborted_transactions(51, 100)), (std::vector<int64_t>{}));
  EXPECT_EQ(s.aborted_between(20, 41).size(), 2u);
  s.add_aborted({{2, 30, 40, 41}});
  EXPECT_EQ(s.aborted().size(), 3u) << "duplicates are dropped";
}

TEST(ProducerStateTest, VerificationGuards) {
  Producers p;
  EXPECT_EQ(p.append(batch(1, 0, 0, 1, true)).error(), StorageError::kTxnVerificationNeeded);
  const uint64_t g = p.state.begin_verification(1, 0);
  EXPECT_EQ(p.append(batch(1, 0, 0, 1, true), g + 1).error(), StorageError::kTxnVerificationNeeded);
  ASSERT_EQ(*p.append(batch(1, 0, 0, 1, true), g), -1);
  p.marker(1, 0, true);
  // The guard was spent; a new transaction needs a new one.
  EXPECT_EQ(p.append(batch(1, 0, 1, 1, true), g).error(), StorageError::kTxnVerificationNeeded);
  // A marker clears a guard that was never used.
  const uint64_t g2 = p.state.begin_verification(1, 0);
  p.marker(1, 0, false);
  EXPECT_EQ(p.append(batch(1, 0, 1, 1, true), g2).error(), StorageError::kTxnVerificationNeeded);
  // Another producer's guard does not verify.
  const uint64_t other = p.state.begin_verification(2, 0);
  EXPECT_EQ(p.append(batch(1, 0, 1, 1, true), other).error(), StorageError::kTxnVerificationNeeded);
}

TEST(ProducerStateTest, MarkerFencing) {
  Producers p;
  ASSERT_EQ(*p.append(batch(1, 2, 0, 1, true), p.state.begin_verification(1, 0)), -1);
  p.marker(1, 2, false, 5);
  EXPECT_EQ(p.state.check_marker(1, 1, 5).error(), StorageError::kInvalidProducerEpoch);
  EXPECT_EQ(p.state.check_marker(1, 2, 4).error(), StorageError::kCoordinatorFenced);
  EXPECT_TRUE(p.state.check_marker(1, 3, 5).ok());
  EXPECT_TRUE(p.state.check_marker(7, 0, 0).ok()) << "unknown producer";
  // A marker without a transaction here writes nothing to the aborted list.
  EXPECT_FALSE(p.marker(8, 0, false).has_value());
}

TEST(ProducerStateTest, ExpiryKeepsOpenTransactions) {
  Producers p;
  ASSERT_EQ(*p.append(batch(1, 0, 0, 1, false, 1000)), -1);
  ASSERT_EQ(*p.append(batch(2, 0, 0, 1, true, 1000), p.state.begin_verification(2, 0)), -1);
  ASSERT_EQ(*p.append(batch(3, 0, 0, 1, false, 5000)), -1);
  p.state.expire(5999, 5000);
  EXPECT_EQ(p.state.producer_count(), 3u);
  p.state.expire(6000, 5000);
  EXPECT_EQ(p.state.entry(1), nullptr);
  EXPECT_NE(p.state.entry(2), nullptr) << "open transaction";
  EXPECT_NE(p.state.entry(3), nullptr);
}

TEST(ProducerStateTest, SnapshotRoundTrip) {
  Producers p;
  for (int i = 0; i < 7; ++i) ASSERT_EQ(*p.append(batch(1, 0, i)), -1);
  ASSERT_EQ(*p.append(batch(2, 1, 0, 3, true), p.state.begin_verification(2, 0)), -1);
  p.marker(3, 4, true, 9);
  ProducerStateManager copy;
  ASSERT_TRUE(copy.decode_snapshot(p.state.encode_snapshot()));
  for (int64_t pid : {1, 2, 3}) EXPECT_EQ(*copy.entry(pid), *p.state.entry(pid)) << pid;
  EXPECT_EQ(copy.first_unstable_offset(100), p.state.first_unstable_offset(100));
  auto bytes = p.state.encode_snapshot();
  bytes.pop_back();
  EXPECT_FALSE(copy.decode_snapshot(bytes));
  EXPECT_EQ(copy.producer_count(), 0u);
}

TEST(ProducerStateTest, TxnIndexFormat) {
  std::vector<AbortedTxn> entries{{1, 2, 3, 4}, {5, 6, 7, 8}};
  auto bytes = encode_txn_index(entries);
  ASSERT_EQ(bytes.size(), 68u);
  EXPECT_EQ(bytes[0], 0);  // version 0
  EXPECT_EQ(bytes[9], 1);  // producer id, big-endian
  EXPECT_EQ(*decode_txn_index(bytes), entries);
  bytes.pop_back();
  EXPECT_FALSE(decode_txn_index(bytes));
}

TEST(ProducerStateTest, ParsesMarkers) {
  auto commit = record::build_txn_marker(1, 0, record::ControlType::kCommit, 7, 100);
  auto abort = record::build_txn_marker(1, 0, record::ControlType::kAbort, 8, 100);
  auto c = parse_txn_marker(commit);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->commit);
  EXPECT_EQ(c->coordinator_epoch, 7);
  auto a = parse_txn_marker(abort);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->commit);
  EXPECT_EQ(a->coordinator_epoch, 8);
}

}  // namespace
}  // namespace gregor::storage
