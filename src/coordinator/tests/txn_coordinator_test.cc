// The transaction coordinator's state machine: InitProducerId, AddPartitions,
// EndTxn with markers, fencing, timeouts, expiry and failures, with a manual
// clock and writers that complete when told to.
#include <gtest/gtest.h>

#include "coordinator/tests/txn_test_support.h"

namespace gregor::coordinator::txn::testing {
namespace {

constexpr ErrorCode kNone = ErrorCode::kNone;
using Errors = std::vector<ErrorCode>;

TEST(TxnInit, NewIdGetsAProducerIdOnceDurable) {
  Fixture f;
  auto r = f.init("t");
  EXPECT_FALSE(r->has_value());  // waits for the record
  ASSERT_EQ(f.log.pending.size(), 1u);
  f.log.flush();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->error, kNone);
  EXPECT_EQ((*r)->producer_id, 1000);
  EXPECT_EQ((*r)->producer_epoch, 0);
  EXPECT_EQ(f.state("t"), TxnState::kEmpty);
  auto v = f.log.last_value();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->producer_id, 1000);
  EXPECT_EQ(v->state, TxnState::kEmpty);
}

TEST(TxnInit, RequestChecks) {
  Fixture f;
  EXPECT_EQ((*f.init(""))->error, ErrorCode::kInvalidRequest);
  EXPECT_EQ((*f.init("t", 900001))->error, ErrorCode::kInvalidTransactionTimeout);
  EXPECT_EQ((*f.init("t", 0))->error, ErrorCode::kInvalidTransactionTimeout);
  f.pids.fail = true;
  EXPECT_EQ((*f.init("t"))->error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(f.coordinator.find("t"), nullptr);
}

TEST(TxnInit, SecondInitFencesTheFirstProducer) {
  Fixture f;
  const auto first = f.init_ok("t");
  const auto second = f.init_ok("t");
  EXPECT_EQ(second.producer_id, first.producer_id);
  EXPECT_EQ(second.producer_epoch, 1);
  EXPECT_EQ(f.add("t", first, {{"a", 0}})->value(), Errors{ErrorCode::kProducerFenced});
  EXPECT_EQ(f.end("t", first, true)->value(), ErrorCode::kProducerFenced);
  InitPidResult wrong = second;
  wrong.producer_id = 7;
  EXPECT_EQ(f.add("t", wrong, {{"a", 0}})->value(), Errors{ErrorCode::kInvalidProducerIdMapping});
  EXPECT_EQ(f.end("unknown", second, true)->value(), ErrorCode::kInvalidProducerIdMapping);
}

TEST(TxnInit, ExpectedEpochKip360) {
  Fixture f;
  const auto p = f.init_ok("t");
  // The producer recovers with its id and epoch: bumped, and a retry of that
  // call answers the same epoch again.
  auto r = f.init("t", 60000, ProducerIdAndEpoch{p.producer_id, 0});
  f.log.flush();
  EXPECT_EQ((*r)->error, kNone);
  EXPECT_EQ((*r)->producer_epoch, 1);
  EXPECT_EQ(f.coordinator.find("t")->last_producer_epoch, 0);
  r = f.init("t", 60000, ProducerIdAndEpoch{p.producer_id, 0});
  f.log.flush();
  EXPECT_EQ((*r)->error, kNone);
  EXPECT_EQ((*r)->producer_epoch, 1);
  // An unrelated epoch or producer id is fenced.
  EXPECT_EQ((*f.init("t", 60000, ProducerIdAndEpoch{p.producer_id, 5}))->error,
            ErrorCode::kProducerFenced);
  EXPECT_EQ((*f.init("t", 60000, ProducerIdAndEpoch{42, 1}))->error, ErrorCode::kProducerFenced);
  // A new producer session (no expected epoch) fences the recovering one.
  const auto fresh = f.init_ok("t");
  EXPECT_EQ(fresh.producer_epoch, 2);
  EXPECT_EQ((*f.init("t", 60000, ProducerIdAndEpoch{p.producer_id, 1}))->error,
            ErrorCode::kProducerFenced);
}

// A replayed Empty record for `id` at `epoch`.
void load_empty(Fixture& f, const std::string& id, int64_t pid, int16_t epoch) {
  f.coordinator.begin_loading(0);
  TxnTransit t;
  t.producer_id = pid;
  t.producer_epoch = epoch;
  t.timeout_ms = 60000;
  t.state = TxnState::kEmpty;
  t.update_ms = f.clock.now_ms();
  const TxnLogRecord r = txn_record(id, t);
  ASSERT_TRUE(f.coordinator.replay(0, r.key, std::span<const uint8_t>(*r.value)));
  f.coordinator.finish_loading(0);
}

TEST(TxnInit, ExhaustedEpochRotatesTheProducerId) {
  Fixture f;
  load_empty(f, "t", 77, kMaxProducerEpoch);
  auto r = f.init("t", 60000, ProducerIdAndEpoch{77, kMaxProducerEpoch});
  f.log.flush();
  EXPECT_EQ((*r)->error, kNone);
  EXPECT_EQ((*r)->producer_id, 1000);
  EXPECT_EQ((*r)->producer_epoch, 0);
  const TxnMetadata* m = f.coordinator.find("t");
  EXPECT_EQ(m->last_producer_id, 77);
  EXPECT_EQ(m->last_producer_epoch, kMaxProducerEpoch);
  // The retry of that call (its answer was lost) gets the same id and epoch.
  r = f.init("t", 60000, ProducerIdAndEpoch{77, kMaxProducerEpoch});
  f.log.flush();
  EXPECT_EQ((*r)->error, kNone);
  EXPECT_EQ((*r)->producer_id, 1000);
  EXPECT_EQ((*r)->producer_epoch, 0);
}

TEST(TxnInit, ExhaustedEpochWithoutExpectedRotatesToo) {
  Fixture f;
  load_empty(f, "t", 77, kMaxProducerEpoch);
  const auto p = f.init_ok("t");
  EXPECT_EQ(p.producer_id, 1000);
  EXPECT_EQ(p.producer_epoch, 0);
  EXPECT_EQ(f.coordinator.find("t")->last_producer_epoch, kNoProducerEpoch);
}

TEST(TxnCommit, FullCommitWithMarkers) {
  Fixture f;
  const auto p = f.init_ok("t");
  auto add = f.add("t", p, {{"a", 0}, {"b", 1}});
  EXPECT_FALSE(add->has_value());
  EXPECT_EQ(f.coordinator.find("t")->pending, TxnState::kOngoing);
  f.log.flush();
  EXPECT_EQ(add->value(), (Errors{kNone, kNone}));
  EXPECT_EQ(f.state("t"), TxnState::kOngoing);
  const int64_t start = f.coordinator.find("t")->start_ms;
  EXPECT_EQ(start, f.clock.now_ms());
  // Partitions already in the transaction: answered without a write.
  f.clock.advance(5);
  EXPECT_EQ(f.add("t", p, {{"a", 0}})->value(), Errors{kNone});
  EXPECT_TRUE(f.log.pending.empty());
  // A new one extends the set; the start time stays.
  f.add("t", p, {{"c", 2}});
  f.log.flush();
  EXPECT_EQ(f.coordinator.find("t")->partitions.size(), 3u);
  EXPECT_EQ(f.coordinator.find("t")->start_ms, start);

  auto end = f.end("t", p, true);
  EXPECT_FALSE(end->has_value());
  EXPECT_TRUE(f.markers.pending.empty());  // not before the prepare record
  f.log.flush();
  EXPECT_EQ(end->value(), kNone);
  EXPECT_EQ(f.state("t"), TxnState::kPrepareCommit);
  EXPECT_EQ(f.log.last_value()->state, TxnState::kPrepareCommit);
  ASSERT_EQ(f.markers.pending.size(), 1u);
  const TxnMarkerRequest& req = f.markers.pending.front().request;
  EXPECT_EQ(req.transactional_id, "t");
  EXPECT_EQ(req.producer_id, p.producer_id);
  EXPECT_EQ(req.producer_epoch, p.producer_epoch);
  EXPECT_TRUE(req.commit);
  EXPECT_EQ(req.partitions, (std::vector<TopicPartition>{{"a", 0}, {"b", 1}, {"c", 2}}));
  f.markers.complete();
  ASSERT_EQ(f.log.pending.size(), 1u);
  f.log.flush();
  EXPECT_EQ(f.state("t"), TxnState::kCompleteCommit);
  EXPECT_TRUE(f.coordinator.find("t")->partitions.empty());
  EXPECT_FALSE(f.coordinator.find("t")->has_pending());
  auto v = f.log.last_value();
  EXPECT_EQ(v->state, TxnState::kCompleteCommit);
  EXPECT_TRUE(v->partitions.empty());
  EXPECT_EQ(v->start_ms, start);
}

// A transaction of `p` on "a"-0, Ongoing and durable.
void begin(Fixture& f, const std::string& id, const InitPidResult& p) {
  f.add(id, p, {{"a", 0}});
  f.log.flush();
}

// Commits or aborts and lets markers and records complete.
void finish(Fixture& f, const std::string& id, const InitPidResult& p, bool commit) {
  auto r = f.end(id, p, commit);
  f.log.flush();
  ASSERT_EQ(r->value(), kNone);
  f.markers.complete();
  f.log.flush();
}

TEST(TxnEnd, RetriesAndWrongOutcomes) {
  Fixture f;
  const auto p = f.init_ok("t");
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kInvalidTxnState);   // Empty
  EXPECT_EQ(f.end("t", p, false)->value(), ErrorCode::kInvalidTxnState);  // Empty
  begin(f, "t", p);
  finish(f, "t", p, true);
  EXPECT_EQ(f.end("t", p, true)->value(), kNone);  // retry of the commit
  EXPECT_EQ(f.end("t", p, false)->value(), ErrorCode::kInvalidTxnState);
  begin(f, "t", p);
  EXPECT_EQ(f.coordinator.find("t")->start_ms, f.clock.now_ms());
  finish(f, "t", p, false);
  EXPECT_EQ(f.state("t"), TxnState::kCompleteAbort);
  EXPECT_EQ(f.end("t", p, false)->value(), kNone);
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kInvalidTxnState);
}

TEST(TxnEnd, ConcurrentTransactionsWhileCompleting) {
  Fixture f;
  const auto p = f.init_ok("t");
  begin(f, "t", p);
  auto end = f.end("t", p, true);
  // The prepare record is in flight.
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(f.add("t", p, {{"b", 0}})->value(), Errors{ErrorCode::kConcurrentTransactions});
  EXPECT_EQ((*f.init("t"))->error, ErrorCode::kConcurrentTransactions);
  f.log.flush();
  EXPECT_EQ(end->value(), kNone);
  // The markers are being written.
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(f.add("t", p, {{"b", 0}})->value(), Errors{ErrorCode::kConcurrentTransactions});
  EXPECT_EQ(f.coordinator.verify_partition("t", p.producer_id, p.producer_epoch, {"a", 0}),
            ErrorCode::kConcurrentTransactions);
  EXPECT_EQ((*f.init("t"))->error, ErrorCode::kConcurrentTransactions);
  f.markers.complete();
  f.log.flush();
  EXPECT_EQ(f.init_ok("t").producer_epoch, 1);
}

TEST(TxnEnd, InitOnOngoingAbortsWithBumpedEpoch) {
  Fixture f;
  const auto p = f.init_ok("t");
  begin(f, "t", p);
  auto r = f.init("t");
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(f.coordinator.find("t")->producer_epoch, 1);  // raised before the write
  f.log.flush();
  EXPECT_EQ((*r)->error, ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(f.state("t"), TxnState::kPrepareAbort);
  EXPECT_EQ(f.log.last_value()->producer_epoch, 1);
  ASSERT_EQ(f.markers.pending.size(), 1u);
  EXPECT_FALSE(f.markers.pending.front().request.commit);
  EXPECT_EQ(f.markers.pending.front().request.producer_epoch, 1);
  // The old producer is fenced.
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kProducerFenced);
  EXPECT_EQ((*f.init("t"))->error, ErrorCode::kConcurrentTransactions);
  f.markers.complete();
  f.log.flush();
  EXPECT_EQ(f.state("t"), TxnState::kCompleteAbort);
  const auto next = f.init_ok("t");
  EXPECT_EQ(next.producer_epoch, 2);
}

TEST(TxnEnd, FailedFenceDoesNotBumpTwice) {
  Fixture f;
  const auto p = f.init_ok("t");
  begin(f, "t", p);
  auto r = f.init("t");
  f.log.flush(ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ((*r)->error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_EQ(f.state("t"), TxnState::kOngoing);
  EXPECT_TRUE(f.coordinator.find("t")->failed_epoch_fence);
  r = f.init("t");
  f.log.flush();
  EXPECT_EQ((*r)->error, ErrorCode::kConcurrentTransactions);
  EXPECT_EQ(f.log.last_value()->producer_epoch, 1);
  f.markers.complete();
  f.log.flush();
  EXPECT_FALSE(f.coordinator.find("t")->failed_epoch_fence);
}

TEST(TxnEnd, MarkerFailureIsRetriedAfterBackoff) {
  Fixture f;
  const auto p = f.init_ok("t");
  begin(f, "t", p);
  auto end = f.end("t", p, true);
  f.log.flush();
  f.markers.complete(ErrorCode::kNotLeaderOrFollower);
  EXPECT_TRUE(f.markers.pending.empty());
  EXPECT_TRUE(f.log.pending.empty());
  f.advance(50);
  EXPECT_TRUE(f.markers.pending.empty());
  f.advance(50);
  ASSERT_EQ(f.markers.pending.size(), 1u);
  f.markers.complete();
  // The Complete* record fails too: written again later, the id stays busy.
  f.log.flush(ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(f.state("t"), TxnState::kPrepareCommit);
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kConcurrentTransactions);
  f.advance(100);
  EXPECT_TRUE(f.markers.pending.empty());  // markers are durable already
  ASSERT_EQ(f.log.pending.size(), 1u);
  f.log.flush();
  EXPECT_EQ(f.state("t"), TxnState::kCompleteCommit);
}

TEST(TxnEnd, FencedMarkersStopRetrying) {
  Fixture f;
  const auto p = f.init_ok("t");
  begin(f, "t", p);
  f.end("t", p, true);
  f.log.flush();
  f.markers.complete(ErrorCode::kTransactionCoordinatorFenced);
  f.advance(1000);
  EXPECT_TRUE(f.markers.pending.empty());
}

TEST(TxnAdd, WriteFailureLeavesStateUnchanged) {
  Fixture f;
  const auto p = f.init_ok("t");
  auto r = f.add("t", p, {{"a", 0}});
  f.log.flush(ErrorCode::kNotLeaderOrFollower);
  EXPECT_EQ(r->value(), Errors{ErrorCode::kNotCoordinator});
  EXPECT_EQ(f.state("t"), TxnState::kEmpty);
  EXPECT_FALSE(f.coordinator.find("t")->has_pending());
  r = f.add("t", p, {{"a", 0}});
  f.log.flush(ErrorCode::kMessageTooLarge);
  EXPECT_EQ(r->value(), Errors{ErrorCode::kUnknownServerError});
  begin(f, "t", p);
  EXPECT_EQ(f.state("t"), TxnState::kOngoing);
}

TEST(TxnAdd, VerifyPartition) {
  Fixture f;
  const auto p = f.init_ok("t");
  auto verify = [&](const TopicPartition& tp, int16_t epoch) {
    return f.coordinator.verify_partition("t", p.producer_id, epoch, tp);
  };
  EXPECT_EQ(verify({"a", 0}, 0), ErrorCode::kInvalidTxnState);
  f.add("t", p, {{"a", 0}});
  EXPECT_EQ(verify({"a", 0}, 0), ErrorCode::kInvalidTxnState);  // not durable yet
  f.log.flush();
  EXPECT_EQ(verify({"a", 0}, 0), kNone);
  EXPECT_EQ(verify({"a", 1}, 0), ErrorCode::kInvalidTxnState);
  EXPECT_EQ(verify({"a", 0}, 1), ErrorCode::kProducerFenced);
  EXPECT_EQ(f.coordinator.verify_partition("t", 5, 0, {"a", 0}),
            ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(f.coordinator.verify_partition("u", 5, 0, {"a", 0}),
            ErrorCode::kInvalidProducerIdMapping);
  finish(f, "t", p, true);
  EXPECT_EQ(verify({"a", 0}, 0), ErrorCode::kInvalidTxnState);
}

TEST(TxnTimers, TimedOutTransactionIsAbortedWithBumpedEpoch) {
  Fixture f;
  const auto p = f.init_ok("t", 20000);
  begin(f, "t", p);
  f.advance(10000);  // first check: not yet timed out
  EXPECT_EQ(f.state("t"), TxnState::kOngoing);
  EXPECT_TRUE(f.log.pending.empty());
  f.advance(10000);  // exactly at the timeout: Kafka waits for start + timeout < now
  EXPECT_TRUE(f.log.pending.empty());
  f.advance(10000);
  ASSERT_EQ(f.log.pending.size(), 1u);
  f.log.flush();
  EXPECT_EQ(f.state("t"), TxnState::kPrepareAbort);
  EXPECT_EQ(f.coordinator.find("t")->producer_epoch, 1);
  ASSERT_EQ(f.markers.pending.size(), 1u);
  EXPECT_FALSE(f.markers.pending.front().request.commit);
  EXPECT_EQ(f.markers.pending.front().request.producer_epoch, 1);
  f.markers.complete();
  f.log.flush();
  EXPECT_EQ(f.state("t"), TxnState::kCompleteAbort);
  // The producer learns it was fenced.
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kProducerFenced);
  EXPECT_EQ(f.add("t", p, {{"a", 0}})->value(), Errors{ErrorCode::kProducerFenced});
}

TEST(TxnTimers, IdleIdsExpire) {
  TxnConfig cfg = Fixture::config();
  cfg.id_expiration_ms = 100000;
  cfg.id_removal_interval_ms = 60000;
  Fixture f(cfg);
  const auto p = f.init_ok("t");
  f.init_ok("busy");
  const auto b = InitPidResult{kNone, 1001, 0};
  f.advance(60000);
  EXPECT_TRUE(f.log.pending.empty());
  begin(f, "busy", b);  // an open transaction never expires
  f.advance(60000);
  ASSERT_EQ(f.log.pending.size(), 1u);
  ASSERT_EQ(f.log.pending.front().records.size(), 1u);
  EXPECT_EQ(f.log.pending.front().records[0].key, encode_txn_key("t"));
  EXPECT_FALSE(f.log.pending.front().records[0].value);
  // Busy while the tombstone is written.
  EXPECT_EQ((*f.init("t"))->error, ErrorCode::kConcurrentTransactions);
  f.log.flush();
  EXPECT_EQ(f.coordinator.find("t"), nullptr);
  EXPECT_EQ(f.coordinator.describe("t").error, ErrorCode::kTransactionalIdNotFound);
  EXPECT_EQ(f.end("t", p, true)->value(), ErrorCode::kInvalidProducerIdMapping);
  EXPECT_EQ(f.state("busy"), TxnState::kOngoing);
}

TEST(TxnTimers, FailedTombstoneKeepsTheId) {
  TxnConfig cfg = Fixture::config();
  cfg.id_expiration_ms = 1000;
  cfg.id_removal_interval_ms = 2000;
  Fixture f(cfg);
  f.init_ok("t");
  f.advance(2000);
  f.log.flush(ErrorCode::kNotEnoughReplicas);
  ASSERT_NE(f.coordinator.find("t"), nullptr);
  EXPECT_FALSE(f.coordinator.find("t")->has_pending());
  f.advance(2000);
  f.log.flush();
  EXPECT_EQ(f.coordinator.find("t"), nullptr);
}

TEST(TxnAdmin, DescribeAndList) {
  Fixture f;
  const auto p = f.init_ok("t");
  f.add("t", p, {{"b", 1}, {"a", 2}, {"a", 0}});
  f.log.flush();
  f.init_ok("idle");
  TxnDescription d = f.coordinator.describe("t");
  EXPECT_EQ(d.error, kNone);
  EXPECT_EQ(d.state, "Ongoing");
  EXPECT_EQ(d.timeout_ms, 60000);
  EXPECT_EQ(d.start_time_ms, f.clock.now_ms());
  EXPECT_EQ(d.producer_id, p.producer_id);
  EXPECT_EQ(d.producer_epoch, 0);
  using Topics = std::vector<std::pair<std::string, std::vector<int32_t>>>;
  EXPECT_EQ(d.topics, (Topics{{"a", {0, 2}}, {"b", {1}}}));
  EXPECT_EQ(f.coordinator.describe("idle").start_time_ms, -1);
  EXPECT_EQ(f.coordinator.describe("idle").state, "Empty");
  EXPECT_EQ(f.coordinator.describe("nope").error, ErrorCode::kTransactionalIdNotFound);

  TxnListing all = f.coordinator.list({});
  ASSERT_EQ(all.transactions.size(), 2u);
  EXPECT_EQ(all.transactions[0].transactional_id, "idle");
  EXPECT_EQ(all.transactions[0].state, "Empty");
  TxnListing ongoing = f.coordinator.list({{"Ongoing", "Bogus"}, {}, -1});
  ASSERT_EQ(ongoing.transactions.size(), 1u);
  EXPECT_EQ(ongoing.transactions[0].transactional_id, "t");
  EXPECT_EQ(ongoing.unknown_state_filters, std::vector<std::string>{"Bogus"});
  EXPECT_EQ(f.coordinator.list({{}, {p.producer_id}, -1}).transactions.size(), 1u);
  f.clock.advance(1000);
  TxnListing running = f.coordinator.list({{"Ongoing"}, {}, 999});
  EXPECT_EQ(running.transactions.size(), 1u);
  EXPECT_TRUE(f.coordinator.list({{"Ongoing"}, {}, 1000}).transactions.empty());
}

TEST(TxnLoading, PartitionErrors) {
  TxnConfig cfg = Fixture::config();
  cfg.num_partitions = 50;
  Fixture f(cfg);                        // loads partition 0 only
  const std::string other = "my-group";  // partition 12
  ASSERT_EQ(f.coordinator.partition_for(other), 12);
  EXPECT_EQ((*f.init(other))->error, ErrorCode::kNotCoordinator);
  EXPECT_EQ(f.coordinator.describe(other).error, ErrorCode::kNotCoordinator);
  f.coordinator.begin_loading(12);
  EXPECT_EQ((*f.init(other))->error, ErrorCode::kCoordinatorLoadInProgress);
  EXPECT_EQ(f.end(other, 1, 0, true)->value(), ErrorCode::kCoordinatorLoadInProgress);
  EXPECT_EQ(f.coordinator.list({}).error, ErrorCode::kCoordinatorLoadInProgress);
  f.coordinator.finish_loading(12);
  f.log.flush();
  EXPECT_EQ(f.init_ok(other).error, kNone);
}

TEST(TxnLoading, UnloadDuringAWriteAnswersNotCoordinator) {
  Fixture f;
  const auto p = f.init_ok("t");
  auto r = f.add("t", p, {{"a", 0}});
  f.coordinator.unload(0);
  f.log.flush();
  EXPECT_EQ(r->value(), Errors{ErrorCode::kNotCoordinator});
  EXPECT_EQ(f.coordinator.txn_count(), 0u);
}

TEST(TxnLoading, ReplayEveryStateAndCompletePreparedTransactions) {
  // Write a log with a first coordinator, then replay it into a second.
  Fixture f;
  const auto e = f.init_ok("empty");
  const auto o = f.init_ok("ongoing");
  begin(f, "ongoing", o);
  const auto c = f.init_ok("committed");
  begin(f, "committed", c);
  finish(f, "committed", c, true);
  const auto a = f.init_ok("aborted");
  begin(f, "aborted", a);
  finish(f, "aborted", a, false);
  const auto pc = f.init_ok("prep-commit");
  begin(f, "prep-commit", pc);
  f.end("prep-commit", pc, true);
  f.log.flush();
  const auto pa = f.init_ok("prep-abort");
  begin(f, "prep-abort", pa);
  f.end("prep-abort", pa, false);
  f.log.flush();
  f.init_ok("gone");
  f.log.log.push_back({0, txn_tombstone("gone")});
  (void)e;

  ManualClock clock;
  FakeLog log;
  FakeMarkers markers;
  FakePids pids;
  TxnConfig cfg = Fixture::config();
  TxnCoordinator second(cfg, clock, log, markers, pids, nullptr);
  second.begin_loading(0, 7);
  for (const auto& [partition, r] : f.log.log) {
    std::optional<std::span<const uint8_t>> value;
    if (r.value) value = std::span<const uint8_t>(*r.value);
    ASSERT_TRUE(second.replay(0, r.key, value));
  }
  EXPECT_EQ(second.describe("ongoing").error, ErrorCode::kCoordinatorLoadInProgress);
  second.finish_loading(0);
  EXPECT_EQ(second.find("empty")->state, TxnState::kEmpty);
  EXPECT_EQ(second.find("ongoing")->state, TxnState::kOngoing);
  EXPECT_EQ(second.find("ongoing")->partitions, (std::set<TopicPartition>{{"a", 0}}));
  EXPECT_EQ(second.find("ongoing")->start_ms, f.coordinator.find("ongoing")->start_ms);
  EXPECT_EQ(second.find("ongoing")->timeout_ms, 60000);
  EXPECT_EQ(second.find("committed")->state, TxnState::kCompleteCommit);
  EXPECT_EQ(second.find("aborted")->state, TxnState::kCompleteAbort);
  EXPECT_EQ(second.find("gone"), nullptr);
  EXPECT_EQ(second.txn_count(), 6u);
  // The prepared transactions get their markers again, with the new
  // coordinator epoch, and are then completed.
  EXPECT_EQ(second.find("prep-commit")->state, TxnState::kPrepareCommit);
  ASSERT_EQ(markers.pending.size(), 2u);
  for (const auto& call : markers.pending) {
    EXPECT_EQ(call.request.coordinator_epoch, 7);
    EXPECT_EQ(call.request.partitions, (std::vector<TopicPartition>{{"a", 0}}));
    EXPECT_EQ(call.request.commit, call.request.transactional_id == "prep-commit");
  }
  markers.complete();
  log.flush();
  EXPECT_EQ(second.find("prep-commit")->state, TxnState::kCompleteCommit);
  EXPECT_EQ(second.find("prep-abort")->state, TxnState::kCompleteAbort);
  // The loaded ids keep their producer ids and epochs.
  auto r = std::make_shared<std::optional<ErrorCode>>();
  second.end_txn("ongoing", o.producer_id, o.producer_epoch, true, [r](ErrorCode x) { *r = x; });
  log.flush();
  EXPECT_EQ(r->value(), kNone);
}

TEST(TxnLoading, UndecodableRecordIsAnError) {
  Fixture f;
  f.coordinator.begin_loading(0);
  const std::vector<uint8_t> key = encode_txn_key("t");
  const std::vector<uint8_t> junk{0x00, 0x00, 0x01};
  EXPECT_FALSE(f.coordinator.replay(0, key, std::span<const uint8_t>(junk)));
  EXPECT_FALSE(f.coordinator.replay(3, key, std::nullopt));  // not loading
  f.coordinator.finish_loading(0);
}

}  // namespace
}  // namespace gregor::coordinator::txn::testing
