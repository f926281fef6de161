// The classic group state machine: joins, rebalances, syncs, heartbeats,
// leaves, timeouts and static members, with a manual clock.
#include <gtest/gtest.h>

#include "coordinator/tests/group_test_support.h"

namespace gregor::coordinator::group::testing {
namespace {

constexpr ErrorCode kNone = ErrorCode::kNone;

TEST(GroupPartition, KafkaHashOfGroupId) {
  // abs(Java String.hashCode) mod 50, UTF-16 code units for non-ASCII ids.
  EXPECT_EQ(partition_for_group("my-group", 50), 12);
  EXPECT_EQ(partition_for_group("console-consumer-12345", 50), 6);
  EXPECT_EQ(partition_for_group("gr\xC3\xBC\xC3\x9F"
                                "e",
                                50),
            23);
  EXPECT_EQ(partition_for_group("\xF0\x9F\x98\x80g", 50), 22);
  EXPECT_EQ(partition_for_group("", 50), 0);
}

TEST(GroupJoin, MemberIdRequiredThenInitialDelayThenLeaderSync) {
  Fixture f;
  auto first = f.join("g", {});
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(err((*first)->error_code), ErrorCode::kMemberIdRequired);
  const std::string id = (*first)->member_id;
  EXPECT_EQ(id.rfind("client-", 0), 0u);

  Fixture::JoinArgs again;
  again.member_id = id;
  auto joined = f.join("g", again);
  EXPECT_FALSE(joined->has_value()) << "parked during group.initial.rebalance.delay.ms";
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);
  f.advance(2999);
  EXPECT_FALSE(joined->has_value());
  f.advance(1);
  ASSERT_TRUE(joined->has_value());
  EXPECT_EQ(err((*joined)->error_code), kNone);
  EXPECT_EQ((*joined)->generation_id, 1);
  EXPECT_EQ((*joined)->leader, id);
  EXPECT_EQ((*joined)->protocol_name, "range");
  ASSERT_EQ((*joined)->members.size(), 1u);
  EXPECT_EQ(f.state("g"), GroupState::kCompletingRebalance);

  auto synced = f.sync("g", id, 1, {{id, "A"}});
  EXPECT_FALSE(synced->has_value()) << "answered once the assignment is durable";
  EXPECT_EQ(f.writer.pending.size(), 1u);
  f.writer.flush();
  ASSERT_TRUE(synced->has_value());
  EXPECT_EQ(err((*synced)->error_code), kNone);
  EXPECT_EQ(std::string((*synced)->assignment.begin(), (*synced)->assignment.end()), "A");
  EXPECT_EQ(f.state("g"), GroupState::kStable);
  EXPECT_EQ(f.heartbeat("g", id, 1), kNone);
}

// Two members, stable at generation 2 with A leading.
struct TwoMembers : ::testing::Test {
  void SetUp() override {
    auto a = f.join_new("g");
    f.advance(3000);
    a_id = (*a)->member_id;
    f.sync("g", a_id, 1, {{a_id, "all"}});
    f.writer.flush();
    auto b = f.join_new("g");
    EXPECT_FALSE(b->has_value());
    EXPECT_EQ(f.heartbeat("g", a_id, 1), ErrorCode::kRebalanceInProgress);
    Fixture::JoinArgs rejoin;
    rejoin.member_id = a_id;
    auto a2 = f.join("g", rejoin);
    ASSERT_TRUE(a2->has_value() && b->has_value()) << "everyone rejoined: join phase ends";
    b_id = (*b)->member_id;
    EXPECT_EQ((*a2)->generation_id, 2);
    EXPECT_EQ((*a2)->leader, a_id);
    EXPECT_EQ((*a2)->members.size(), 2u);
    EXPECT_TRUE((*b)->members.empty()) << "followers get no member list";
    auto sb = f.sync("g", b_id, 2);
    auto sa = f.sync("g", a_id, 2, {{a_id, "p0"}, {b_id, "p1"}});
    f.writer.flush();
    ASSERT_TRUE(sa->has_value() && sb->has_value());
    EXPECT_EQ(std::string((*sb)->assignment.begin(), (*sb)->assignment.end()), "p1");
    EXPECT_EQ(f.state("g"), GroupState::kStable);
  }
  Fixture f;
  std::string a_id, b_id;
};

TEST_F(TwoMembers, SessionTimeoutRemovesSilentMember) {
  // A keeps heartbeating, B goes silent.
  for (int i = 0; i < 3; ++i) {
    f.advance(3000);
    EXPECT_EQ(f.heartbeat("g", a_id, 2), kNone);
  }
  f.advance(1000);  // B's 10 s session has run out
  EXPECT_EQ(f.heartbeat("g", a_id, 2), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(f.coordinator.find("g")->members.count(b_id), 0u);
  Fixture::JoinArgs rejoin;
  rejoin.member_id = a_id;
  auto a3 = f.join("g", rejoin);
  ASSERT_TRUE(a3->has_value());
  EXPECT_EQ((*a3)->generation_id, 3);
  EXPECT_EQ((*a3)->members.size(), 1u);
  EXPECT_EQ(f.heartbeat("g", b_id, 2), ErrorCode::kUnknownMemberId);
}

TEST_F(TwoMembers, UnloadAllAnswersParkedJoinsAndSyncsWithNotCoordinator) {
  // A third member joins: its JoinGroup waits for A and B to rejoin.
  auto c = f.join_new("g");
  EXPECT_FALSE(c->has_value());
  // A rejoins; B does not: A's JoinGroup waits too.
  Fixture::JoinArgs rejoin;
  rejoin.member_id = a_id;
  auto a3 = f.join("g", rejoin);
  EXPECT_FALSE(a3->has_value());
  f.coordinator.unload_all();
  ASSERT_TRUE(c->has_value() && a3->has_value());
  EXPECT_EQ((*c)->error_code, to_wire(ErrorCode::kNotCoordinator));
  EXPECT_EQ((*a3)->error_code, to_wire(ErrorCode::kNotCoordinator));
  EXPECT_EQ(f.coordinator.find("g"), nullptr);
  EXPECT_EQ(f.coordinator.partition_error(0), ErrorCode::kNotCoordinator);
}

TEST_F(TwoMembers, LeaveTriggersRebalanceAndLastLeaveEmptiesGroup) {
  protocol::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.members.emplace_back().member_id = b_id;
  auto resp = f.coordinator.leave(leave, 3);
  EXPECT_EQ(err(resp.error_code), kNone);
  ASSERT_EQ(resp.members.size(), 1u);
  EXPECT_EQ(err(resp.members[0].error_code), kNone);
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);

  leave.members.clear();
  leave.members.emplace_back().member_id = a_id;
  leave.members.emplace_back().member_id = "nobody";
  resp = f.coordinator.leave(leave, 3);
  EXPECT_EQ(err(resp.members[0].error_code), kNone);
  EXPECT_EQ(err(resp.members[1].error_code), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(f.state("g"), GroupState::kEmpty);
  EXPECT_EQ(f.coordinator.find("g")->generation, 3);
}

TEST_F(TwoMembers, ErrorsOfHeartbeatAndSync) {
  EXPECT_EQ(f.heartbeat("g", a_id, 1), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(f.heartbeat("g", "stranger", 2), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(f.heartbeat("nogroup", a_id, 2), ErrorCode::kUnknownMemberId);
  auto s = f.sync("g", a_id, 7);
  EXPECT_EQ(err((**s).error_code), ErrorCode::kIllegalGeneration);
  // A stable group answers a follower's repeated sync with its assignment.
  s = f.sync("g", b_id, 2);
  EXPECT_EQ(std::string((**s).assignment.begin(), (**s).assignment.end()), "p1");
}

TEST_F(TwoMembers, FollowerThatNeverSyncsIsRemoved) {
  // New member C joins; A and B rejoin; C never sends SyncGroup.
  Fixture::JoinArgs long_session;
  long_session.session_ms = 30000;
  auto c = f.join_new("g", long_session);
  Fixture::JoinArgs ra, rb;
  ra.member_id = a_id;
  rb.member_id = b_id;
  auto a = f.join("g", ra);
  auto b = f.join("g", rb);
  ASSERT_TRUE(a->has_value() && b->has_value() && c->has_value());
  f.sync("g", b_id, 3);
  f.sync("g", a_id, 3, {{a_id, "x"}, {b_id, "y"}});
  f.writer.flush();
  EXPECT_EQ(f.state("g"), GroupState::kStable);
  for (int step : {5000, 8000}) {
    f.advance(step);
    EXPECT_EQ(f.heartbeat("g", a_id, 3), kNone);
    EXPECT_EQ(f.heartbeat("g", b_id, 3), kNone);
  }
  f.advance(7000);  // rebalance timeout (20 s) since the join phase ended
  EXPECT_EQ(f.coordinator.find("g")->members.count((*c)->member_id), 0u);
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);
}

TEST_F(TwoMembers, StableFollowerRejoinWithSameMetadataKeepsGeneration) {
  Fixture::JoinArgs rb;
  rb.member_id = b_id;
  auto b = f.join("g", rb);
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*b)->generation_id, 2);
  EXPECT_EQ(f.state("g"), GroupState::kStable);
  // Changed metadata (e.g. cooperative-sticky's owned partitions) rebalances.
  rb.protocols = {{"range", "new"}};
  auto b2 = f.join("g", rb);
  EXPECT_FALSE(b2->has_value());
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);
}

TEST(GroupJoin, Validation) {
  Fixture f;
  Fixture::JoinArgs a;
  a.session_ms = 1000;
  EXPECT_EQ(err((**f.join("g", a)).error_code), ErrorCode::kInvalidSessionTimeout);
  a.session_ms = 10000;
  EXPECT_EQ(err((**f.join("", a)).error_code), ErrorCode::kInvalidGroupId);
  a.member_id = "ghost";
  EXPECT_EQ(err((**f.join("g", a)).error_code), ErrorCode::kUnknownMemberId);
  a.member_id.clear();
  a.protocols.clear();
  EXPECT_EQ(err((**f.join("g", a)).error_code), ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(f.coordinator.group_count(), 0u) << "failed joins leave no group behind";

  auto first = f.join_new("g");
  Fixture::JoinArgs other;
  other.protocols = {{"roundrobin", "x"}};
  EXPECT_EQ(err((**f.join_new("g", other)).error_code), ErrorCode::kInconsistentGroupProtocol);
  other.protocol_type = "connect";
  other.protocols = {{"range", "x"}};
  EXPECT_EQ(err((**f.join_new("g", other)).error_code), ErrorCode::kInconsistentGroupProtocol);
}

TEST(GroupJoin, ProtocolChosenByVotes) {
  Fixture f;
  Fixture::JoinArgs a, b, c;
  a.protocols = {{"cooperative-sticky", ""}, {"range", ""}};
  b.protocols = {{"range", ""}, {"cooperative-sticky", ""}};
  c.protocols = {{"range", ""}, {"cooperative-sticky", ""}};
  auto ra = f.join_new("g", a);
  auto rb = f.join_new("g", b);
  auto rc = f.join_new("g", c);
  f.advance(3000);
  EXPECT_FALSE(ra->has_value()) << "members arrived during the initial delay: it is extended";
  f.advance(3000);
  ASSERT_TRUE(ra->has_value());
  EXPECT_EQ((*ra)->protocol_name, "range");
  EXPECT_EQ((*ra)->members.size(), 3u);
}

TEST(GroupJoin, GroupMaxSize) {
  GroupConfig cfg = Fixture::config();
  cfg.max_size = 1;
  Fixture f(cfg);
  f.join_new("g");
  EXPECT_EQ(err((**f.join("g", {})).error_code), ErrorCode::kGroupMaxSizeReached);
}

TEST(GroupJoin, OldVersionsJoinWithoutMemberIdRequired) {
  Fixture f;
  Fixture::JoinArgs a;
  a.version = 2;
  auto r = f.join("g", a);
  EXPECT_FALSE(r->has_value());
  f.advance(3000);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(err((*r)->error_code), kNone);
  EXPECT_FALSE((*r)->member_id.empty());
}

TEST(GroupJoin, PendingMemberExpires) {
  Fixture f;
  auto first = f.join("g", {});
  EXPECT_EQ(f.coordinator.find("g")->pending_members.size(), 1u);
  f.advance(10000);
  EXPECT_TRUE(f.coordinator.find("g") == nullptr ||
              f.coordinator.find("g")->pending_members.empty());
}

TEST(GroupStatic, RestartWithinSessionKeepsAssignmentWithoutRebalance) {
  Fixture f;
  Fixture::JoinArgs a, b;
  a.instance_id = "inst-a";
  b.instance_id = "inst-b";
  auto ra = f.join("g", a);
  auto rb = f.join("g", b);
  EXPECT_FALSE(ra->has_value()) << "static members skip MEMBER_ID_REQUIRED";
  f.advance(3000);
  f.advance(3000);
  ASSERT_TRUE(ra->has_value() && rb->has_value());
  const std::string a_id = (*ra)->member_id, b_id = (*rb)->member_id;
  EXPECT_EQ(a_id.rfind("inst-a-", 0), 0u);
  const std::string leader = (*ra)->leader;
  f.sync("g", a_id, 1, {{a_id, "A"}, {b_id, "B"}}, "inst-a");
  f.sync("g", b_id, 1, {{a_id, "A"}, {b_id, "B"}}, "inst-b");
  f.writer.flush();
  ASSERT_EQ(f.state("g"), GroupState::kStable);

  // inst-b restarts: joins with no member id.
  auto again = f.join("g", b);
  EXPECT_FALSE(again->has_value()) << "answered once the new member id is durable";
  f.writer.flush();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ(err((*again)->error_code), kNone);
  EXPECT_EQ((*again)->generation_id, 1) << "no rebalance";
  const std::string b2 = (*again)->member_id;
  EXPECT_NE(b2, b_id);
  EXPECT_EQ(f.state("g"), GroupState::kStable);
  auto s = f.sync("g", b2, 1, {}, "inst-b");
  EXPECT_EQ(std::string((**s).assignment.begin(), (**s).assignment.end()), "B");
  // The old incarnation is fenced.
  EXPECT_EQ(f.heartbeat("g", b_id, 1, "inst-b"), ErrorCode::kFencedInstanceId);
  EXPECT_EQ(f.heartbeat("g", a_id, 1, "inst-a"), kNone);
}

TEST(GroupStatic, LoneStaticMemberWithNewMetadataRebalancesAtOnce) {
  Fixture f;
  Fixture::JoinArgs a;
  a.instance_id = "inst-a";
  auto ra = f.join("g", a);
  f.advance(3000);
  ASSERT_TRUE(ra->has_value());
  const std::string a_id = (*ra)->member_id;
  f.sync("g", a_id, 1, {{a_id, "A"}}, "inst-a");
  f.writer.flush();
  ASSERT_EQ(f.state("g"), GroupState::kStable);
  // The member restarts with another subscription: a rebalance that every
  // member (the only one) has already joined completes without waiting for
  // the rebalance timeout.
  a.protocols = {{"range", "other-sub"}};
  auto again = f.join("g", a);
  ASSERT_TRUE(again->has_value()) << "answered without waiting for the rebalance timeout";
  EXPECT_EQ(err((*again)->error_code), kNone);
  EXPECT_EQ((*again)->generation_id, 2);
  EXPECT_EQ(f.state("g"), GroupState::kCompletingRebalance);
}

TEST(GroupStatic, MissingRejoinDoesNotDropStaticMemberButSessionDoes) {
  Fixture f;
  Fixture::JoinArgs a, b;
  a.instance_id = "inst-a";
  b.instance_id = "inst-b";
  auto ra = f.join("g", a);
  auto rb = f.join("g", b);
  f.advance(3000);
  f.advance(3000);
  const std::string a_id = (*ra)->member_id, b_id = (*rb)->member_id;
  f.sync("g", a_id, 1, {{a_id, "A"}, {b_id, "B"}}, "inst-a");
  f.sync("g", b_id, 1, {}, "inst-b");
  f.writer.flush();
  // A keeps heartbeating; B is down (restarting) longer than... its session.
  for (int i = 0; i < 3; ++i) {
    f.advance(3000);
    f.heartbeat("g", a_id, 1, "inst-a");
  }
  EXPECT_EQ(f.state("g"), GroupState::kStable) << "no rebalance before B's session expires";
  f.advance(1001);
  EXPECT_EQ(f.coordinator.find("g")->static_members.count("inst-b"), 0u);
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);
  // LeaveGroup by instance id alone (admin removal) also works.
  protocol::LeaveGroupRequest leave;
  leave.group_id = "g";
  auto& who = leave.members.emplace_back();
  who.group_instance_id = "inst-a";
  auto resp = f.coordinator.leave(leave, 4);
  EXPECT_EQ(err(resp.members[0].error_code), kNone);
  EXPECT_EQ(f.state("g"), GroupState::kEmpty);
}

TEST(GroupLoading, ErrorsWhileLoadingAndForOtherPartitions) {
  ManualClock clock;
  FakeWriter writer;
  GroupConfig cfg;
  cfg.num_partitions = 50;
  GroupCoordinator c(cfg, clock, writer, nullptr);
  const int32_t p = partition_for_group("my-group", 50);
  EXPECT_EQ(c.group_error("my-group"), ErrorCode::kNotCoordinator);
  c.begin_loading(p);
  EXPECT_EQ(c.group_error("my-group"), ErrorCode::kCoordinatorLoadInProgress);
  c.finish_loading(p);
  EXPECT_EQ(c.group_error("my-group"), kNone);
  EXPECT_EQ(c.group_error("console-consumer-12345"), ErrorCode::kNotCoordinator);
}

}  // namespace
}  // namespace gregor::coordinator::group::testing

namespace gregor::coordinator::group::testing {
namespace {

TEST(GroupTimers, OwnerIsAlwaysAskedForTheEarliestPendingDeadline) {
  // The owner keeps a single wake-up; after each tick() it must be asked for
  // the earliest deadline still pending, or later expiries would be missed.
  ManualClock clock;
  FakeWriter writer;
  std::vector<int64_t> asked;
  GroupConfig cfg = Fixture::config();
  cfg.initial_rebalance_delay_ms = 0;
  GroupCoordinator c(cfg, clock, writer, [&](int64_t at) { asked.push_back(at); });
  c.begin_loading(0);
  c.finish_loading(0);
  auto join = [&](const std::string& group) {
    protocol::JoinGroupRequest req;
    req.group_id = group;
    req.session_timeout_ms = 10000;
    req.rebalance_timeout_ms = 10000;
    req.protocol_type = "consumer";
    req.protocols.emplace_back().name = "range";
    // Answered later (at a tick): the callback must not refer to this frame.
    c.join(req, {2, "c", "/h"}, [](protocol::JoinGroupResponse) {});
  };
  join("early");
  c.tick();  // delay 0: the join phase completes at once; session ends at 10000
  clock.advance(4000);
  join("late");
  c.tick();  // "late"'s session ends at 14000
  ASSERT_FALSE(asked.empty());
  EXPECT_LE(asked.back(), 10000) << "the earlier expiry is asked for";
  clock.advance(6000);
  c.tick();
  EXPECT_EQ(c.find("early")->members.size(), 0u);
  EXPECT_GE(asked.back(), 14000) << "the next wake-up is the later session expiry";
  EXPECT_LT(asked.back(), 600000);
  clock.advance(4000);
  c.tick();
  EXPECT_EQ(c.find("late")->members.size(), 0u);
}

}  // namespace
}  // namespace gregor::coordinator::group::testing

namespace gregor::coordinator::group::testing {
namespace {

TEST(GroupLimits, HugeMetadataIsRefusedAndHugeAssignmentIsNotStored) {
  GroupConfig cfg = Fixture::config();
  cfg.max_record_bytes = 1000;
  Fixture f(cfg);
  JoinArgs huge;
  huge.protocols = {{"range", std::string(2000, 'x')}};
  auto r = f.join("g", huge);
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(err((*r)->error_code), ErrorCode::kInvalidRequest);
  EXPECT_EQ(f.coordinator.find("g"), nullptr) << "nothing kept for the refused member";

  // An assignment the log refuses: everyone waiting gets the error, the group
  // rebalances, nothing is stored.
  auto a = f.join_new("g");
  f.advance(3000);
  const std::string id = (*a)->member_id;
  auto s = f.sync("g", id, 1, {{id, std::string(5000, 'y')}});
  f.writer.flush(ErrorCode::kRecordListTooLarge);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ(err((*s)->error_code), ErrorCode::kUnknownServerError);
  EXPECT_EQ(f.state("g"), GroupState::kPreparingRebalance);
  EXPECT_TRUE(f.coordinator.find("g")->members.at(id).assignment.empty());
}

}  // namespace
}  // namespace gregor::coordinator::group::testing
