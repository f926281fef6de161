#include "config/broker_config_describe.h"

#include <gtest/gtest.h>

#include "config/config_alter.h"

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
  for (const auto& e : entries) EXPECT_EQ(e.read_only, !is_dynamic_broker_key(e.name)) << e.name;
  EXPECT_TRUE(find(entries, "listeners")->read_only);
  EXPECT_FALSE(find(entries, "log.retention.ms")->read_only);
  EXPECT_FALSE(find(entries, "compression.type")->read_only);
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
  // The higher-precedence names are dropped; each source of this name is listed.
  ASSERT_EQ(hours->synonyms.size(), 2u);
  EXPECT_EQ(hours->synonyms[0].source, Source::kStaticBroker);
  EXPECT_EQ(hours->synonyms[1].source, Source::kDefault);
  EXPECT_EQ(hours->synonyms[1].value, "168");
}

TEST(BrokerConfigDescribe, DynamicLayersWinAndReportTheirSource) {
  auto base = broker({"log.retention.ms=1000", "log.segment.bytes=100000"});
  auto dynamic =
      with_dynamic_configs(base, {{"log.retention.ms", "2000"}, {"log.retention.bytes", "7"}},
                           {{"log.retention.ms", "3000"}});
  ASSERT_TRUE(dynamic.ok()) << dynamic.error();
  EXPECT_EQ(dynamic->log_retention_ms, 3000);
  EXPECT_EQ(dynamic->log_retention_bytes, 7);
  EXPECT_EQ(dynamic->log_segment_bytes, 100000);
  auto entries = describe_broker_config(*dynamic);
  const ConfigEntry* ms = find(entries, "log.retention.ms");
  ASSERT_NE(ms, nullptr);
  EXPECT_EQ(ms->value, "3000");
  EXPECT_EQ(ms->source, Source::kDynamicBroker);
  ASSERT_GE(ms->synonyms.size(), 3u);
  EXPECT_EQ(ms->synonyms[0].source, Source::kDynamicBroker);
  EXPECT_EQ(ms->synonyms[1].source, Source::kDynamicDefaultBroker);
  EXPECT_EQ(ms->synonyms[1].value, "2000");
  EXPECT_EQ(ms->synonyms[2].source, Source::kStaticBroker);
  EXPECT_EQ(ms->synonyms[2].value, "1000");
  EXPECT_EQ(find(entries, "log.retention.bytes")->source, Source::kDynamicDefaultBroker);
  EXPECT_EQ(find(entries, "log.segment.bytes")->source, Source::kStaticBroker);
  // The cluster-default resource lists what is set at that level only.
  auto defaults = describe_default_broker_config(*dynamic);
  ASSERT_EQ(defaults.size(), 2u);
  EXPECT_EQ(defaults[0].name, "log.retention.bytes");
  EXPECT_EQ(defaults[1].value, "2000");
  EXPECT_EQ(defaults[1].source, Source::kDynamicDefaultBroker);
  // Removing the dynamic values brings the static ones back.
  auto back = with_dynamic_configs(*dynamic, {}, {});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->log_retention_ms, 1000);
  EXPECT_EQ(back->log_retention_bytes, -1);
}

TEST(BrokerConfigDescribe, InvalidDynamicValueIsAnError) {
  auto dynamic = with_dynamic_configs(broker({}), {}, {{"log.segment.bytes", "abc"}});
  ASSERT_FALSE(dynamic.ok());
  EXPECT_NE(dynamic.error().find("log.segment.bytes"), std::string::npos);
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
