// Committed offsets, administration, expiry and replay of __consumer_offsets.
#include <gtest/gtest.h>

#include "coordinator/group/consumer_protocol.h"
#include "coordinator/tests/group_test_support.h"

namespace gregor::coordinator::group::testing {
namespace {

constexpr ErrorCode kNone = ErrorCode::kNone;

CommitEntry entry(const std::string& topic, int32_t p, int64_t offset, std::string meta = "") {
  CommitEntry e;
  e.tp = {topic, p};
  e.offset = offset;
  e.leader_epoch = 3;
  e.metadata = std::move(meta);
  return e;
}

// A "consumer" subscription (ConsumerProtocolSubscription v0) to `topics`.
std::string subscription(const std::vector<std::string>& topics) {
  std::string out{'\0', '\0'};
  auto i32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
  };
  i32(static_cast<uint32_t>(topics.size()));
  for (const auto& t : topics) {
    out.push_back(static_cast<char>(t.size() >> 8));
    out.push_back(static_cast<char>(t.size()));
    out += t;
  }
  i32(0xFFFFFFFF);  // null user data
  return out;
}

// One member stable at generation 1, subscribed to "t".
std::string stable_member(Fixture& f, const std::string& group) {
  Fixture::JoinArgs a;
  a.protocols = {{"range", subscription({"t"})}};
  auto r = f.join_new(group, a);
  f.advance(3000);
  const std::string id = (*r)->member_id;
  f.sync(group, id, 1, {{id, "t-0"}});
  f.writer.flush();
  return id;
}

TEST(ConsumerProtocol, SubscribedTopics) {
  auto topics = subscribed_topics(
      std::span(reinterpret_cast<const uint8_t*>(subscription({"a", "bb"}).data()), 15));
  ASSERT_TRUE(topics);
  EXPECT_EQ(*topics, (std::set<std::string>{"a", "bb"}));
  const uint8_t junk[] = {0, 0, 0x7f, 0xff, 0xff, 0xff};
  EXPECT_FALSE(subscribed_topics(junk));
}

TEST(GroupOffsets, SimpleCommitAndFetch) {
  Fixture f;
  auto done = f.commit("solo", -1, "", {entry("t", 0, 42, "meta"), entry("t", 1, 7)});
  EXPECT_FALSE(done->has_value()) << "answered once durable";
  f.writer.flush();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ(**done, (std::vector<ErrorCode>{kNone, kNone}));
  auto fetched =
      f.coordinator.fetch_offsets("solo", std::vector<TopicPartition>{{"t", 0}, {"t", 9}});
  EXPECT_EQ(fetched.error, kNone);
  ASSERT_EQ(fetched.offsets.size(), 2u);
  EXPECT_EQ(fetched.offsets[0].second.offset, 42);
  EXPECT_EQ(fetched.offsets[0].second.metadata, "meta");
  EXPECT_EQ(fetched.offsets[0].second.leader_epoch, 3);
  EXPECT_EQ(fetched.offsets[1].second.offset, -1) << "nothing committed";
  EXPECT_EQ(f.coordinator.fetch_offsets("solo", std::nullopt).offsets.size(), 2u);
  EXPECT_TRUE(f.coordinator.fetch_offsets("unknown", std::nullopt).offsets.empty());
}

TEST(GroupOffsets, MemberCommitsAreGenerationChecked) {
  Fixture f;
  const std::string id = stable_member(f, "g");
  auto ok = f.commit("g", 1, id, {entry("t", 0, 5)});
  f.writer.flush();
  EXPECT_EQ((**ok)[0], kNone);
  EXPECT_EQ((**f.commit("g", 0, id, {entry("t", 0, 6)}))[0], ErrorCode::kIllegalGeneration);
  EXPECT_EQ((**f.commit("g", 1, "x", {entry("t", 0, 6)}))[0], ErrorCode::kUnknownMemberId);
  EXPECT_EQ((**f.commit("g", -1, "", {entry("t", 0, 6)}))[0], ErrorCode::kUnknownMemberId)
      << "admin commits need an empty group";
  EXPECT_EQ((**f.commit("new", 3, "m", {entry("t", 0, 6)}))[0], ErrorCode::kIllegalGeneration);
  EXPECT_EQ(f.coordinator.fetch_offsets("g", std::nullopt).offsets[0].second.offset, 5);
}

TEST(GroupOffsets, TooLargeMetadataAndFailedWrites) {
  GroupConfig cfg = Fixture::config();
  cfg.offset_metadata_max_bytes = 4;
  Fixture f(cfg);
  auto r = f.commit("s", -1, "", {entry("t", 0, 1, "12345"), entry("t", 1, 1, "1234")});
  f.writer.flush(ErrorCode::kKafkaStorageError);
  EXPECT_EQ(**r, (std::vector<ErrorCode>{ErrorCode::kOffsetMetadataTooLarge,
                                         ErrorCode::kCoordinatorNotAvailable}));
  EXPECT_TRUE(f.coordinator.fetch_offsets("s", std::nullopt).offsets.empty())
      << "nothing stored when the write failed";
}

TEST(GroupAdmin, DescribeListDelete) {
  Fixture f;
  const std::string id = stable_member(f, "g");
  f.commit("solo", -1, "", {entry("t", 0, 1)});
  f.writer.flush();

  protocol::DescribeGroupsResponse::DescribedGroup d;
  f.coordinator.describe("g", d);
  EXPECT_EQ(d.group_state, "Stable");
  EXPECT_EQ(d.protocol_type, "consumer");
  EXPECT_EQ(d.protocol_data, "range");
  ASSERT_EQ(d.members.size(), 1u);
  EXPECT_EQ(d.members[0].member_id, id);
  EXPECT_EQ(d.members[0].client_id, "client");
  EXPECT_EQ(d.members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(
      std::string(d.members[0].member_assignment.begin(), d.members[0].member_assignment.end()),
      "t-0");
  protocol::DescribeGroupsResponse::DescribedGroup unknown;
  f.coordinator.describe("nope", unknown);
  EXPECT_EQ(unknown.group_state, "Dead");
  EXPECT_EQ(err(unknown.error_code), kNone);

  std::vector<protocol::ListGroupsResponse::ListedGroup> listed;
  f.coordinator.list({}, {}, listed);
  EXPECT_EQ(listed.size(), 2u);
  listed.clear();
  f.coordinator.list({"stable"}, {}, listed);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].group_id, "g");
  listed.clear();
  f.coordinator.list({}, {"consumer"}, listed);
  EXPECT_TRUE(listed.empty()) << "only classic groups exist";

  std::optional<ErrorCode> result;
  f.coordinator.delete_group("g", [&](ErrorCode e) { result = e; });
  EXPECT_EQ(result, ErrorCode::kNonEmptyGroup);
  f.coordinator.delete_group("nope", [&](ErrorCode e) { result = e; });
  EXPECT_EQ(result, ErrorCode::kGroupIdNotFound);
  result.reset();
  f.coordinator.delete_group("solo", [&](ErrorCode e) { result = e; });
  EXPECT_FALSE(result);
  f.writer.flush();
  EXPECT_EQ(result, kNone);
  EXPECT_EQ(f.coordinator.find("solo"), nullptr);
  EXPECT_FALSE(f.writer.log.back().value) << "group tombstone written";
}

TEST(GroupAdmin, OffsetDeleteRefusesSubscribedTopics) {
  Fixture f;
  const std::string id = stable_member(f, "g");
  f.commit("g", 1, id, {entry("t", 0, 5), entry("old", 0, 9)});
  f.writer.flush();
  std::optional<OffsetDeleteResult> r;
  f.coordinator.delete_offsets("g", {{"t", 0}, {"old", 0}},
                               [&](OffsetDeleteResult x) { r = std::move(x); });
  f.writer.flush();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->error, kNone);
  EXPECT_EQ(r->partitions, (std::vector<ErrorCode>{ErrorCode::kGroupSubscribedToTopic, kNone}));
  EXPECT_EQ(f.coordinator.fetch_offsets("g", std::nullopt).offsets.size(), 1u);
  f.coordinator.delete_offsets("zz", {}, [&](OffsetDeleteResult x) { r = std::move(x); });
  EXPECT_EQ(r->error, ErrorCode::kGroupIdNotFound);
}

TEST(GroupOffsets, EmptyGroupOffsetsExpireAfterRetention) {
  GroupConfig cfg = Fixture::config();
  cfg.offsets_retention_ms = 60000;
  cfg.retention_check_interval_ms = 1000;
  Fixture f(cfg);
  const std::string id = stable_member(f, "g");
  f.commit("g", 1, id, {entry("t", 0, 5)});
  f.writer.flush();
  f.advance(120000);
  f.heartbeat("g", id, 1);
  EXPECT_EQ(f.coordinator.fetch_offsets("g", std::nullopt).offsets.size(), 1u)
      << "a live group keeps the offsets of topics it consumes";
  protocol::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.member_id = id;
  f.coordinator.leave(leave, 0);
  EXPECT_EQ(f.state("g"), GroupState::kEmpty);
  f.advance(59000);
  EXPECT_EQ(f.coordinator.fetch_offsets("g", std::nullopt).offsets.size(), 1u);
  f.advance(2000);
  EXPECT_EQ(f.coordinator.find("g"), nullptr) << "offsets expired, group removed";
}

TEST(GroupReplay, RebuildsGroupsAndOffsetsFromRecords) {
  Fixture f;
  const std::string id = stable_member(f, "g");
  f.commit("g", 1, id, {entry("t", 0, 5, "m")});
  f.commit("solo", -1, "", {entry("t", 0, 1), entry("t", 1, 2)});
  f.writer.flush();
  std::optional<OffsetDeleteResult> r;
  f.coordinator.delete_offsets("solo", {{"t", 1}}, [&](OffsetDeleteResult x) { r = std::move(x); });
  f.writer.flush();

  ManualClock clock;
  FakeWriter writer;
  GroupCoordinator again(Fixture::config(), clock, writer, nullptr);
  again.begin_loading(0);
  for (const auto& rec : f.writer.log) {
    std::optional<std::span<const uint8_t>> value;
    if (rec.value) value = std::span<const uint8_t>(*rec.value);
    ASSERT_TRUE(again.replay(0, rec.key, value));
  }
  again.finish_loading(0);
  const Group* g = again.find("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->state(), GroupState::kStable);
  EXPECT_EQ(g->generation, 1);
  EXPECT_EQ(g->leader, id);
  ASSERT_EQ(g->members.count(id), 1u);
  EXPECT_EQ(std::string(g->members.at(id).assignment.begin(), g->members.at(id).assignment.end()),
            "t-0");
  EXPECT_EQ(again.fetch_offsets("g", std::nullopt).offsets[0].second.metadata, "m");
  auto solo = again.fetch_offsets("solo", std::nullopt);
  ASSERT_EQ(solo.offsets.size(), 1u) << "the tombstone removed t-1";
  EXPECT_EQ(solo.offsets[0].second.offset, 1);

  // The member must heartbeat within its session after the load, or it goes.
  clock.advance(10000);
  again.tick();
  EXPECT_EQ(again.find("g")->state(), GroupState::kEmpty);

  const uint8_t bad_key[] = {0};
  EXPECT_FALSE(again.replay(0, bad_key, std::nullopt));
}

}  // namespace
}  // namespace gregor::coordinator::group::testing
