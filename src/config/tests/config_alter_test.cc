#include "config/config_alter.h"

#include <gtest/gtest.h>

#include <vector>

namespace gregor::config {
namespace {

using Kind = AlterFailure::Kind;

AlterEntry op(std::string name, AlterOp o, std::optional<std::string> value) {
  return {std::move(name), static_cast<int8_t>(o), std::move(value)};
}

TEST(ConfigAlter, ReplaceMakesTheEntriesTheWholeSet) {
  std::vector<AlterEntry> entries = {{"retention.ms", 0, "1000"}, {"cleanup.policy", 0, "compact"}};
  auto r = replace_topic_overrides(entries);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Overrides{{"cleanup.policy", "compact"}, {"retention.ms", "1000"}}));
  auto empty = replace_topic_overrides({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ConfigAlter, ReplaceRefusesNullsAndTakesTheLaterDuplicate) {
  std::vector<AlterEntry> nulls = {{"a.b", 0, std::nullopt}, {"c", 0, "1"}, {"d", 0, std::nullopt}};
  auto r = replace_topic_overrides(nulls);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Kind::kInvalidConfig);
  EXPECT_EQ(r.error().message, "Null value not supported for topic configs: a.b,d");
  std::vector<AlterEntry> dups = {{"retention.ms", 0, "1"}, {"retention.ms", 0, "2"}};
  auto d = replace_topic_overrides(dups);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (Overrides{{"retention.ms", "2"}}));
}

TEST(ConfigAlter, SetAndDeleteKeepOtherOverrides) {
  Overrides current = {{"retention.ms", "1000"}, {"segment.bytes", "100000"}};
  std::vector<AlterEntry> entries = {op("retention.ms", AlterOp::kDelete, std::nullopt),
                                     op("max.message.bytes", AlterOp::kSet, "5000"),
                                     op("flush.messages", AlterOp::kDelete, std::nullopt)};
  auto r = apply_incremental_topic(current, entries);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Overrides{{"max.message.bytes", "5000"}, {"segment.bytes", "100000"}}));
}

TEST(ConfigAlter, AppendStartsFromTheDefaultAndSkipsPresentValues) {
  std::vector<AlterEntry> append = {op("cleanup.policy", AlterOp::kAppend, "compact")};
  auto r = apply_incremental_topic({}, append);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("cleanup.policy"), "delete,compact");  // Kafka's default is "delete"
  auto again = apply_incremental_topic(*r, append);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->at("cleanup.policy"), "delete,compact");
  std::vector<AlterEntry> throttled = {
      op("leader.replication.throttled.replicas", AlterOp::kAppend, "0:1,1:1")};
  auto t = apply_incremental_topic({}, throttled);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->at("leader.replication.throttled.replicas"), "0:1,1:1");  // default ""
}

TEST(ConfigAlter, SubtractRemovesValuesAndMayLeaveAnEmptyList) {
  Overrides current = {{"cleanup.policy", "compact,delete"}};
  std::vector<AlterEntry> sub = {op("cleanup.policy", AlterOp::kSubtract, "delete")};
  auto r = apply_incremental_topic(current, sub);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("cleanup.policy"), "compact");
  std::vector<AlterEntry> all = {op("cleanup.policy", AlterOp::kSubtract, "compact,nothing")};
  auto e = apply_incremental_topic(*r, all);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->at("cleanup.policy"), "");
}

TEST(ConfigAlter, IncrementalRefusals) {
  auto fails = [](std::vector<AlterEntry> entries, Kind kind, const std::string& message) {
    auto r = apply_incremental_topic({}, entries);
    ASSERT_FALSE(r.ok()) << message;
    EXPECT_EQ(r.error().kind, kind);
    EXPECT_EQ(r.error().message, message);
  };
  fails({op("retention.ms", AlterOp::kAppend, "1")}, Kind::kInvalidConfig,
        "Can't APPEND to key retention.ms because its type is not LIST.");
  fails({op("segment.ms", AlterOp::kSubtract, "1")}, Kind::kInvalidConfig,
        "Can't SUBTRACT to key segment.ms because its type is not LIST.");
  fails({op("no.such.key", AlterOp::kSet, "1")}, Kind::kInvalidConfig,
        "Unknown topic config name: no.such.key");
  fails({op("no.such.key", AlterOp::kDelete, std::nullopt)}, Kind::kInvalidConfig,
        "Unknown topic config name: no.such.key");
  fails({op("retention.ms", AlterOp::kSet, std::nullopt)}, Kind::kInvalidRequest,
        "Null value not supported for : retention.ms");
  fails({{"retention.ms", 7, "1"}}, Kind::kInvalidRequest, "Unknown operation type 7");
  fails({op("retention.ms", AlterOp::kSet, "1"), op("retention.ms", AlterOp::kDelete, "")},
        Kind::kInvalidRequest, "Error due to duplicate config keys");
}

TEST(ConfigAlter, BrokerChangesAreRefusedWithKafkasMessage) {
  EXPECT_EQ(refuse_broker_change({}), std::nullopt);
  std::vector<std::string> keys = {"log.retention.ms", "num.partitions"};
  EXPECT_EQ(refuse_broker_change(keys),
            "Cannot update these configs dynamically: Set(log.retention.ms, num.partitions)");
}

TEST(ConfigAlter, DynamicBrokerKeysAreTheTopicDefaults) {
  for (const char* key :
       {"log.retention.ms", "log.retention.hours", "log.segment.bytes", "log.cleanup.policy",
        "compression.type", "message.max.bytes", "log.cleaner.min.cleanable.ratio"})
    EXPECT_TRUE(is_dynamic_broker_key(key)) << key;
  for (const char* key :
       {"listeners", "num.partitions", "log.dirs", "node.id", "retention.ms", "no.such.key"})
    EXPECT_FALSE(is_dynamic_broker_key(key)) << key;
}

TEST(ConfigAlter, IncrementalBrokerChanges) {
  auto loaded = load_broker_config("", {"log.cleanup.policy=delete"});
  ASSERT_TRUE(loaded.ok());
  const BrokerConfig& broker = *loaded;
  std::vector<AlterEntry> set = {op("log.retention.ms", AlterOp::kSet, "5000"),
                                 op("log.cleanup.policy", AlterOp::kAppend, "compact")};
  auto next = apply_incremental_broker({}, set, broker);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next,
            (Overrides{{"log.cleanup.policy", "delete,compact"}, {"log.retention.ms", "5000"}}));
  std::vector<AlterEntry> del = {op("log.retention.ms", AlterOp::kDelete, std::nullopt)};
  auto after = apply_incremental_broker(*next, del, broker);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, (Overrides{{"log.cleanup.policy", "delete,compact"}}));

  std::vector<AlterEntry> fixed = {op("num.partitions", AlterOp::kSet, "3"),
                                   op("log.retention.ms", AlterOp::kSet, "1"),
                                   op("listeners", AlterOp::kSet, "x")};
  auto refused = apply_incremental_broker({}, fixed, broker);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, Kind::kInvalidRequest);
  EXPECT_EQ(refused.error().message,
            "Cannot update these configs dynamically: Set(num.partitions, listeners)");

  std::vector<AlterEntry> bad = {op("log.segment.bytes", AlterOp::kSet, "ten")};
  auto invalid = apply_incremental_broker({}, bad, broker);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, Kind::kInvalidConfig);
  std::vector<AlterEntry> bad_list = {op("log.cleanup.policy", AlterOp::kAppend, "shred")};
  EXPECT_FALSE(apply_incremental_broker({}, bad_list, broker).ok());
}

TEST(ConfigAlter, ReplaceBrokerOverrides) {
  std::vector<AlterEntry> entries = {op("log.retention.bytes", AlterOp::kSet, "100"),
                                     op("log.roll.ms", AlterOp::kSet, std::nullopt)};
  auto next = replace_broker_overrides(entries);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, (Overrides{{"log.retention.bytes", "100"}}));
  std::vector<AlterEntry> fixed = {op("log.dirs", AlterOp::kSet, "/x")};
  EXPECT_FALSE(replace_broker_overrides(fixed).ok());
}

}  // namespace
}  // namespace gregor::config
