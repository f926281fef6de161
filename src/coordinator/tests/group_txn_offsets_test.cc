// Transactional offset commits (TxnOffsetCommit): pending until their
// transaction's marker, Kafka's record-order rule on commit, require_stable,
// membership checks (v3+) and replay of transactional batches and markers.
#include <gtest/gtest.h>

#include "coordinator/tests/group_test_support.h"

namespace gregor::coordinator::group::testing {
namespace {

constexpr ErrorCode kNone = ErrorCode::kNone;
using Errors = std::vector<ErrorCode>;
using Slot = std::shared_ptr<std::optional<Errors>>;

CommitEntry entry(const std::string& topic, int32_t p, int64_t offset, std::string meta = "") {
  CommitEntry e;
  e.tp = {topic, p};
  e.offset = offset;
  e.leader_epoch = 2;
  e.metadata = std::move(meta);
  return e;
}

struct TxnArgs {
  int32_t generation = -1;
  std::string member_id;
  std::optional<std::string> instance_id;
  int16_t version = 3;
  int16_t epoch = 0;
};

Slot txn(Fixture& f, const std::string& group, int64_t producer_id,
         std::vector<CommitEntry> entries, const TxnArgs& a = {}) {
  TxnCommitRequest req;
  req.group_id = group;
  req.producer_id = producer_id;
  req.producer_epoch = a.epoch;
  req.generation = a.generation;
  req.member_id = a.member_id;
  req.instance_id = a.instance_id;
  req.version = a.version;
  req.entries = std::move(entries);
  auto slot = std::make_shared<std::optional<Errors>>();
  f.coordinator.txn_commit(req, [slot](Errors e) { *slot = std::move(e); });
  return slot;
}

// The durable marker of a producer's transaction, as the broker reports it.
void marker(Fixture& f, int64_t producer_id, bool commit) {
  f.writer.append_marker(producer_id, commit);
  f.coordinator.complete_txn(0, producer_id, commit);
}

int64_t offset_of(GroupCoordinator& c, const std::string& group, const TopicPartition& tp) {
  auto got = c.fetch_offsets(group, std::vector<TopicPartition>{tp});
  return got.offsets.at(0).second.offset;
}

bool unstable(GroupCoordinator& c, const std::string& group, const TopicPartition& tp) {
  return c.fetch_offsets(group, std::vector<TopicPartition>{tp}, true).unstable.count(tp) > 0;
}

const TopicPartition kT0{"t", 0};
const TopicPartition kT1{"t", 1};

TEST(TxnOffsets, PendingUntilCommittedAndInvisibleMeanwhile) {
  Fixture f;
  auto r = txn(f, "g", 7, {entry("t", 0, 42, "m"), entry("t", 1, 9)}, {.epoch = 3});
  EXPECT_FALSE(r->has_value()) << "answered once durable";
  ASSERT_EQ(f.writer.pending.size(), 1u);
  ASSERT_TRUE(f.writer.pending[0].producer) << "one transactional batch of the producer";
  EXPECT_EQ(f.writer.pending[0].producer->id, 7);
  EXPECT_EQ(f.writer.pending[0].producer->epoch, 3);
  EXPECT_EQ(f.writer.pending[0].records.size(), 2u);
  EXPECT_TRUE(unstable(f.coordinator, "g", kT0)) << "pending while the write is in flight";
  f.writer.flush();
  EXPECT_EQ(**r, (Errors{kNone, kNone}));

  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), -1);
  EXPECT_TRUE(f.coordinator.fetch_offsets("g", std::nullopt).offsets.empty());
  auto stable = f.coordinator.fetch_offsets("g", std::vector<TopicPartition>{kT0, {"u", 0}}, true);
  EXPECT_EQ(stable.unstable, (std::set<TopicPartition>{kT0}));
  EXPECT_EQ(stable.offsets[0].second.offset, -1);

  marker(f, 7, true);
  auto got = f.coordinator.fetch_offsets("g", std::vector<TopicPartition>{kT0, kT1}, true);
  EXPECT_TRUE(got.unstable.empty());
  EXPECT_EQ(got.offsets[0].second.offset, 42);
  EXPECT_EQ(got.offsets[0].second.metadata, "m");
  EXPECT_EQ(got.offsets[0].second.leader_epoch, 2);
  EXPECT_EQ(got.offsets[1].second.offset, 9);
}

TEST(TxnOffsets, AbortDropsThem) {
  Fixture f;
  txn(f, "g", 7, {entry("t", 0, 42)});
  f.writer.flush();
  marker(f, 7, false);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), -1);
  EXPECT_FALSE(unstable(f.coordinator, "g", kT0));
  EXPECT_EQ(f.coordinator.find("g"), nullptr) << "nothing left of a group made for them";
}

TEST(TxnOffsets, MarkersOfOtherProducersOrPartitionsLeaveThemPending) {
  GroupConfig cfg = Fixture::config();
  cfg.num_partitions = 2;
  Fixture f(cfg);
  f.coordinator.begin_loading(1);
  f.coordinator.finish_loading(1);
  // Find groups on partition 0 and 1.
  std::string g0, g1;
  for (int i = 0; g0.empty() || g1.empty(); ++i) {
    std::string id = "group-" + std::to_string(i);
    (partition_for_group(id, 2) == 0 ? g0 : g1) = id;
  }
  txn(f, g0, 7, {entry("t", 0, 1)});
  txn(f, g1, 7, {entry("t", 0, 2)});
  txn(f, g0, 8, {entry("t", 1, 3)});
  f.writer.flush();
  f.coordinator.complete_txn(1, 7, true);
  EXPECT_EQ(offset_of(f.coordinator, g1, kT0), 2);
  EXPECT_EQ(offset_of(f.coordinator, g0, kT0), -1) << "the marker was for partition 1 only";
  f.coordinator.complete_txn(0, 8, true);
  EXPECT_EQ(offset_of(f.coordinator, g0, kT1), 3);
  EXPECT_TRUE(unstable(f.coordinator, g0, kT0));
  f.coordinator.complete_txn(0, 7, true);
  EXPECT_EQ(offset_of(f.coordinator, g0, kT0), 1);
}

TEST(TxnOffsets, SeveralProducersAndKafkasRecordOrderRule) {
  Fixture f;
  txn(f, "g", 1, {entry("t", 0, 10)});
  txn(f, "g", 2, {entry("t", 0, 20), entry("t", 1, 5)});
  f.writer.flush();
  marker(f, 2, true);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 20);
  EXPECT_TRUE(unstable(f.coordinator, "g", kT0)) << "producer 1 is still open";
  EXPECT_FALSE(unstable(f.coordinator, "g", kT1));
  marker(f, 1, true);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 20)
      << "producer 1's record is older than the committed one: it does not replace it";
  EXPECT_EQ(offset_of(f.coordinator, "g", kT1), 5);
}

TEST(TxnOffsets, APlainCommitWrittenLaterWins) {
  Fixture f;
  txn(f, "g", 3, {entry("t", 0, 10)});
  f.writer.flush();
  auto plain = f.commit("g", -1, "", {entry("t", 0, 15)});
  f.writer.flush();
  EXPECT_EQ((**plain)[0], kNone);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 15);
  marker(f, 3, true);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 15);

  // The other way round: the transaction's record is the later one.
  f.commit("g", -1, "", {entry("t", 1, 15)});
  f.writer.flush();
  txn(f, "g", 4, {entry("t", 1, 10)});
  f.writer.flush();
  marker(f, 4, true);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT1), 10);
}

TEST(TxnOffsets, PlainCommitCompletingAfterAMarkerKeepsTheLaterRecord) {
  Fixture f;
  // The plain commit's record goes to the log after the transaction's, and
  // reports after the marker was applied: it is the later record, so it wins.
  txn(f, "g", 3, {entry("t", 0, 10)});
  f.writer.flush();
  auto plain = f.commit("g", -1, "", {entry("t", 0, 15)});
  marker(f, 3, true);
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 10);
  f.writer.flush();
  EXPECT_EQ(offset_of(f.coordinator, "g", kT0), 15);
}

TEST(TxnOffsets, RequireStableOverAllOffsets) {
  Fixture f;
  f.commit("g", -1, "", {entry("t", 0, 1), entry("t", 1, 2)});
  f.writer.flush();
  txn(f, "g", 5, {entry("t", 1, 3), entry("t", 2, 4)});
  f.writer.flush();
  auto all = f.coordinator.fetch_offsets("g", std::nullopt, true);
  ASSERT_EQ(all.offsets.size(), 2u) << "committed partitions only";
  EXPECT_EQ(all.unstable, (std::set<TopicPartition>{kT1}));
  EXPECT_EQ(all.offsets[0].second.offset, 1);
  EXPECT_EQ(all.offsets[1].second.offset, -1);
  auto relaxed = f.coordinator.fetch_offsets("g", std::nullopt, false);
  EXPECT_TRUE(relaxed.unstable.empty());
  EXPECT_EQ(relaxed.offsets[1].second.offset, 2) << "without require_stable: the committed one";
}

TEST(TxnOffsets, MembershipChecksWhenTheRequestNamesAMember) {
  Fixture f;
  auto joined = f.join_new("g", {.instance_id = "i1"});
  f.advance(3000);
  const std::string id = (**joined).member_id;
  f.sync("g", id, 1, {{id, "a"}}, "i1");
  f.writer.flush();
  ASSERT_EQ(f.state("g"), GroupState::kStable);

  EXPECT_EQ((**txn(f, "g", 1, {entry("t", 0, 1)}, {.generation = 1, .member_id = "nope"}))[0],
            ErrorCode::kUnknownMemberId);
  EXPECT_EQ((**txn(f, "g", 1, {entry("t", 0, 1)}, {.generation = 2, .member_id = id}))[0],
            ErrorCode::kIllegalGeneration);
  EXPECT_EQ((**txn(f, "g", 1, {entry("t", 0, 1)},
                   {.generation = 1, .member_id = "x", .instance_id = "i1"}))[0],
            ErrorCode::kFencedInstanceId);
  EXPECT_TRUE(f.writer.pending.empty()) << "refused commits write nothing";
  EXPECT_FALSE(unstable(f.coordinator, "g", kT0));

  auto ok =
      txn(f, "g", 1, {entry("t", 0, 1)}, {.generation = 1, .member_id = id, .instance_id = "i1"});
  // Before v3 there is no member: a transactional commit to a live group is accepted.
  auto legacy = txn(f, "g", 2, {entry("t", 1, 1)}, {.version = 2});
  f.writer.flush();
  EXPECT_EQ((**ok)[0], kNone);
  EXPECT_EQ((**legacy)[0], kNone);

  EXPECT_EQ((**txn(f, "other", 1, {entry("t", 0, 1)}, {.generation = 1, .member_id = "m"}))[0],
            ErrorCode::kUnknownMemberId)
      << "a group made for the request has no members";
  EXPECT_EQ(f.coordinator.find("other"), nullptr);
}

TEST(TxnOffsets, CoordinatorErrors) {
  Fixture f;
  EXPECT_EQ((**txn(f, "", 1, {entry("t", 0, 1)}))[0], ErrorCode::kInvalidGroupId);
  GroupConfig cfg = Fixture::config();
  cfg.num_partitions = 2;
  Fixture two(cfg);  // owns partition 0 only
  std::string elsewhere;
  for (int i = 0; elsewhere.empty(); ++i)
    if (partition_for_group("g" + std::to_string(i), 2) == 1) elsewhere = "g" + std::to_string(i);
  EXPECT_EQ((**txn(two, elsewhere, 1, {entry("t", 0, 1)}))[0], ErrorCode::kNotCoordinator);
  two.coordinator.begin_loading(1);
  EXPECT_EQ((**txn(two, elsewhere, 1, {entry("t", 0, 1)}))[0],
            ErrorCode::kCoordinatorLoadInProgress);
}

TEST(TxnOffsets, TooLargeMetadataAndFailedWrites) {
  GroupConfig cfg = Fixture::config();
  cfg.offset_metadata_max_bytes = 4;
  Fixture f(cfg);
  auto r = txn(f, "g", 1, {entry("t", 0, 1, "12345"), entry("t", 1, 1, "1234")});
  ASSERT_EQ(f.writer.pending.size(), 1u);
  EXPECT_EQ(f.writer.pending[0].records.size(), 1u);
  f.writer.flush(ErrorCode::kKafkaStorageError);
  EXPECT_EQ(**r, (Errors{ErrorCode::kOffsetMetadataTooLarge, ErrorCode::kCoordinatorNotAvailable}));
  EXPECT_FALSE(unstable(f.coordinator, "g", kT1)) << "a failed write leaves nothing pending";
  EXPECT_EQ(f.coordinator.find("g"), nullptr);

  auto fenced = txn(f, "g", 1, {entry("t", 0, 1)});
  f.writer.flush(ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ((**fenced)[0], ErrorCode::kInvalidProducerEpoch) << "passed on, as Kafka does";

  auto all_bad = txn(f, "g", 1, {entry("t", 0, 1, "123456")});
  EXPECT_TRUE(f.writer.pending.empty());
  EXPECT_EQ((**all_bad)[0], ErrorCode::kOffsetMetadataTooLarge);
}

TEST(TxnOffsets, OffsetDeleteAndDeleteGroupForgetPendingOffsets) {
  Fixture f;
  f.commit("g", -1, "", {entry("t", 0, 1)});
  f.writer.flush();
  txn(f, "g", 1, {entry("t", 0, 1), entry("t", 1, 2), entry("t", 2, 3)});
  f.writer.flush();
  std::optional<OffsetDeleteResult> r;
  f.coordinator.delete_offsets("g", {kT0, kT1}, [&](OffsetDeleteResult x) { r = std::move(x); });
  f.writer.flush();
  EXPECT_EQ(r->error, kNone);
  EXPECT_FALSE(unstable(f.coordinator, "g", kT0)) << "its tombstone drops the pending offset";
  EXPECT_TRUE(unstable(f.coordinator, "g", kT1)) << "nothing committed: nothing deleted";

  std::optional<ErrorCode> deleted;
  f.coordinator.delete_group("g", [&](ErrorCode e) { deleted = e; });
  f.writer.flush();
  EXPECT_EQ(deleted, kNone);
  marker(f, 1, true);
  EXPECT_EQ(f.coordinator.find("g"), nullptr);

  // A replay agrees: the tombstones keep the committed transaction out.
  Fixture again;
  f.writer.replay_into(again.coordinator);
  EXPECT_EQ(again.coordinator.find("g"), nullptr);
}

TEST(TxnOffsets, ReplayAppliesMarkersAndKeepsOpenTransactionsPending) {
  Fixture f;
  const std::string member = [&] {
    auto joined = f.join_new("live");
    f.advance(3000);
    const std::string id = (**joined).member_id;
    f.sync("live", id, 1, {{id, "a"}});
    f.writer.flush();
    return id;
  }();
  txn(f, "g", 5, {entry("t", 0, 1)});
  f.writer.flush();
  marker(f, 5, true);
  txn(f, "g", 6, {entry("t", 1, 3)});
  f.writer.flush();
  marker(f, 6, false);
  txn(f, "g", 9, {entry("u", 0, 7)});  // committed later: a plain commit is written after it
  f.writer.flush();
  f.commit("g", -1, "", {entry("u", 0, 8)});
  f.writer.flush();
  marker(f, 9, true);
  txn(f, "live", 8, {entry("t", 0, 4)}, {.generation = 1, .member_id = member});
  txn(f, "only-pending", 8, {entry("t", 0, 6)});
  f.writer.flush();  // producer 8's transaction has no marker yet

  Fixture again;
  f.writer.replay_into(again.coordinator);
  GroupCoordinator& c = again.coordinator;
  EXPECT_EQ(offset_of(c, "g", kT0), 1);
  EXPECT_EQ(offset_of(c, "g", kT1), -1) << "aborted";
  EXPECT_EQ(offset_of(c, "g", {"u", 0}), 8) << "the later plain commit wins at the marker";
  EXPECT_FALSE(unstable(c, "g", kT0));
  EXPECT_TRUE(unstable(c, "live", kT0));
  ASSERT_NE(c.find("only-pending"), nullptr) << "a group holding only pending offsets is loaded";
  EXPECT_EQ(c.find("only-pending")->state(), GroupState::kEmpty);
  EXPECT_EQ(offset_of(c, "live", kT0), -1);

  // The transaction coordinator's marker arrives after the load.
  c.complete_txn(0, 8, true);
  EXPECT_EQ(offset_of(c, "live", kT0), 4);
  EXPECT_EQ(offset_of(c, "only-pending", kT0), 6);
  EXPECT_FALSE(unstable(c, "live", kT0));
}

TEST(TxnOffsets, ReplayOfAnAbortedOnlyGroupLeavesNothing) {
  Fixture f;
  txn(f, "g", 5, {entry("t", 0, 1)});
  f.writer.flush();
  marker(f, 5, false);
  Fixture again;
  f.writer.replay_into(again.coordinator);
  EXPECT_EQ(again.coordinator.find("g"), nullptr);
  EXPECT_EQ(again.coordinator.group_count(), 0u);
}

}  // namespace
}  // namespace gregor::coordinator::group::testing
