#include "config/broker_config_describe.h"

#include <gtest/gtest.h>

namespace gregor::config {
namespace {

using Source = ConfigEntry::Source;

BrokerConfig broker(const std::vector<std::string>& overrides) {
  auto r = load_broker_config("", overrides);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(r).value() : BrokerConfig{};
}

const ConfigEntry* find(const std::vector<ConfigEntry>& entries, const std::string& name) {
  for (const auto& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

TEST(BrokerConfigDescribe, SortedReadOnlyWithTypes) {
  auto entries = describe_broker_config(broker({}));
  ASSERT_FALSE(entries.empty());
  for (size_t i = 1; i < entries.size(); ++i) EXPECT_LT(entries[i - 1].name, entries[i].name);
  for (const auto& e : entries) EXPECT_TRUE(e.read_only) << e.name;
  const ConfigEntry* n = find(entries, "num.partitions");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->value, "1");
  EXPECT_EQ(n->source, Source::kDefault);
  EXPECT_EQ(n->type, "INT");
  EXPECT_EQ(n->wire_type, 3);
  ASSERT_EQ(n->synonyms.size(), 1u);
  EXPECT_EQ(n->synonyms[0].source, Source::kDefault);
}

TEST(BrokerConfigDescribe, StaticValuesAndSynonymsInPrecedenceOrder) {
  auto entries = describe_broker_config(broker({"num.partitions=3", "log.retention.hours=5"}));
  const ConfigEntry* n = find(entries, "num.partitions");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->value, "3");
  EXPECT_EQ(n->source, Source::kStaticBroker);
  // log.retention.ms is unset with a null default: null value; its synonyms
  // list the lower-precedence names.
  const ConfigEntry* ms = find(entries, "log.retention.ms");
  ASSERT_NE(ms, nullptr);
  EXPECT_TRUE(ms->value_null);
  ASSERT_GE(ms->synonyms.size(), 1u);
  EXPECT_EQ(ms->synonyms[0].name, "log.retention.hours");
  EXPECT_EQ(ms->synonyms[0].value, "5");
  EXPECT_EQ(ms->source, Source::kStaticBroker);
  const ConfigEntry* hours = find(entries, "log.retention.hours");
  ASSERT_NE(hours, nullptr);
  EXPECT_EQ(hours->value, "5");
  ASSERT_EQ(hours->synonyms.size(), 1u);  // the higher-precedence names are dropped
}

TEST(BrokerConfigDescribe, UnknownKeysAreSensitive) {
  auto entries = describe_broker_config(broker({"my.custom.key=secret"}));
  const ConfigEntry* c = find(entries, "my.custom.key");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->sensitive);
  EXPECT_TRUE(c->value_null);
  EXPECT_EQ(c->source, Source::kStaticBroker);
  EXPECT_EQ(c->wire_type, 0);
}

}  // namespace
}  // namespace gregor::config
