#include "config/topic_config.h"

#include <gtest/gtest.h>

#include "config/topic_config_keys.h"

namespace gregor::config {
namespace {

BrokerConfig broker(const std::vector<std::string>& overrides) {
  auto r = load_broker_config("", overrides);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? std::move(r).value() : BrokerConfig{};
}

const ConfigEntry& entry(const std::vector<ConfigEntry>& entries, const std::string& name) {
  for (const auto& e : entries)
    if (e.name == name) return e;
  ADD_FAILURE() << "no entry " << name;
  static ConfigEntry none;
  return none;
}

TEST(TopicConfig, ValidateKnownAndUnknown) {
  EXPECT_EQ(validate_topic_config("retention.ms", "1000"), std::nullopt);
  EXPECT_EQ(validate_topic_config("retention.ms", "-1"), std::nullopt);
  EXPECT_EQ(validate_topic_config("cleanup.policy", "compact,delete"), std::nullopt);
  EXPECT_EQ(validate_topic_config("cleanup.policy", ""), std::nullopt);
  EXPECT_EQ(validate_topic_config("min.cleanable.dirty.ratio", "0.25"), std::nullopt);
  EXPECT_EQ(validate_topic_config("leader.replication.throttled.replicas", "0:1,1:2"),
            std::nullopt);
  EXPECT_EQ(validate_topic_config("leader.replication.throttled.replicas", "*"), std::nullopt);
  EXPECT_EQ(validate_topic_config("message.format.version", "2.8-IV1"), std::nullopt);
  EXPECT_EQ(validate_topic_config("message.format.version", "0.10.0.0"), std::nullopt);
  EXPECT_EQ(validate_topic_config("message.format.version", "3.0.1"), std::nullopt);
  EXPECT_NE(validate_topic_config("message.format.version", "0.10"), std::nullopt);
  EXPECT_EQ(validate_topic_config("compression.zstd.level", "-5"), std::nullopt);
  EXPECT_EQ(validate_topic_config("no.such.config", "1"),
            "Unknown topic config name: no.such.config");
}

TEST(TopicConfig, ValidationMessagesMatchKafka) {
  EXPECT_EQ(validate_topic_config("retention.ms", "-2"),
            "Invalid value -2 for configuration retention.ms: Value must be at least -1");
  EXPECT_EQ(validate_topic_config("segment.bytes", "13"),
            "Invalid value 13 for configuration segment.bytes: Value must be at least 14");
  EXPECT_EQ(validate_topic_config("segment.bytes", "2147483648"),
            "Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT");
  EXPECT_EQ(validate_topic_config("retention.ms", "1h"),
            "Invalid value 1h for configuration retention.ms: Not a number of type LONG");
  EXPECT_EQ(
      validate_topic_config("preallocate", "1"),
      "Invalid value 1 for configuration preallocate: Expected value to be either true or false");
  EXPECT_EQ(validate_topic_config("compression.type", "brotli"),
            "Invalid value brotli for configuration compression.type: String must be one of: "
            "uncompressed, zstd, "
            "lz4, snappy, gzip, producer");
  EXPECT_EQ(validate_topic_config("cleanup.policy", "compact,archive"),
            "Invalid value archive for configuration cleanup.policy: String must be one of: "
            "compact, delete");
  EXPECT_EQ(validate_topic_config("min.cleanable.dirty.ratio", "1.01"),
            "Invalid value 1.01 for configuration min.cleanable.dirty.ratio: Value must be no more "
            "than 1");
  EXPECT_EQ(validate_topic_config("min.insync.replicas", "0"),
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1");
  EXPECT_NE(validate_topic_config("compression.lz4.level", "18"), std::nullopt);
  EXPECT_NE(validate_topic_config("compression.gzip.level", "10"), std::nullopt);
  EXPECT_NE(validate_topic_config("follower.replication.throttled.replicas", "0-1"), std::nullopt);
  EXPECT_NE(validate_topic_config("message.format.version", "latest"), std::nullopt);
  EXPECT_NE(validate_topic_config("min.cleanable.dirty.ratio", "nan"), std::nullopt);
}

TEST(TopicConfig, EveryKeyHasAValidDefault) {
  BrokerConfig b;
  for (const auto& def : topic_config_keys()) {
    ASSERT_TRUE(def.key.default_value.has_value()) << def.key.name;
    EXPECT_EQ(validate_value(def.key, *def.key.default_value), std::nullopt) << def.key.name;
    if (def.broker_value) {
      EXPECT_EQ(validate_value(def.key, def.broker_value(b)), std::nullopt) << def.key.name;
    }
    EXPECT_EQ(validate_topic_config(std::string(def.key.name), std::string(*def.key.default_value)),
              std::nullopt);
  }
}

TEST(TopicConfig, ResolveUsesBrokerDefaults) {
  TopicConfig c = resolve_topic_config({}, broker({}));
  TopicConfig plain;
  EXPECT_EQ(c.segment_bytes, plain.segment_bytes);
  EXPECT_EQ(c.retention_ms, 604800000);
  EXPECT_EQ(c.flush_messages, 1);
  EXPECT_TRUE(c.sync_before_ack());
  EXPECT_TRUE(c.cleanup_delete);
  EXPECT_FALSE(c.cleanup_compact);
  EXPECT_EQ(c.compression_type, "producer");
  EXPECT_EQ(c.message_timestamp_after_max_ms, kLongMax);

  TopicConfig b = resolve_topic_config(
      {},
      broker({"log.retention.hours=1", "log.segment.bytes=1048576", "log.cleanup.policy=compact",
              "message.max.bytes=2000", "log.flush.interval.messages=1000", "log.roll.hours=3"}));
  EXPECT_EQ(b.retention_ms, 3600000);
  EXPECT_EQ(b.segment_bytes, 1048576);
  EXPECT_TRUE(b.cleanup_compact);
  EXPECT_FALSE(b.cleanup_delete);
  EXPECT_EQ(b.max_message_bytes, 2000);
  EXPECT_EQ(b.segment_ms, 3 * 3600000);
  EXPECT_EQ(b.flush_messages, 1000);
  EXPECT_FALSE(b.sync_before_ack());
}

TEST(TopicConfig, CompressionTypeResolvesToTheStoredCodecAndLevel) {
  struct Case {
    const char* type;
    int codec;
    int level;
  };
  for (const Case& k : {Case{"producer", -1, -1}, Case{"uncompressed", 0, -1}, Case{"gzip", 1, 4},
                        Case{"snappy", 2, -1}, Case{"lz4", 3, 5}, Case{"zstd", 4, 7}}) {
    TopicConfig c = resolve_topic_config({{"compression.type", k.type},
                                          {"compression.gzip.level", "4"},
                                          {"compression.lz4.level", "5"},
                                          {"compression.zstd.level", "7"}},
                                         broker({}));
    EXPECT_EQ(c.stored_codec, k.codec) << k.type;
    EXPECT_EQ(c.stored_codec_level, k.level) << k.type;
  }
}

TEST(TopicConfig, OverridesWinOverBroker) {
  BrokerConfig b = broker({"log.retention.hours=1"});
  TopicConfig c = resolve_topic_config({{"retention.ms", "5000"},
                                        {"cleanup.policy", "compact, delete"},
                                        {"message.timestamp.type", "LogAppendTime"},
                                        {"flush.messages", "10"},
                                        {"segment.bytes", " 2048 "},
                                        {"min.cleanable.dirty.ratio", "0.1"}},
                                       b);
  EXPECT_EQ(c.retention_ms, 5000);
  EXPECT_TRUE(c.cleanup_compact);
  EXPECT_TRUE(c.cleanup_delete);
  EXPECT_TRUE(c.log_append_time);
  EXPECT_EQ(c.flush_messages, 10);
  EXPECT_FALSE(c.sync_before_ack());
  EXPECT_EQ(c.segment_bytes, 2048);
  EXPECT_DOUBLE_EQ(c.min_cleanable_dirty_ratio, 0.1);
}

TEST(TopicConfig, InvalidStoredOverridesFallBack) {
  TopicConfig c =
      resolve_topic_config({{"retention.ms", "soon"}, {"unknown.key", "1"}}, BrokerConfig{});
  EXPECT_EQ(c.retention_ms, 604800000);
}

TEST(TopicConfig, TimestampDifferenceFillsBeforeAndAfter) {
  TopicConfig c =
      resolve_topic_config({{"message.timestamp.difference.max.ms", "1000"}}, BrokerConfig{});
  EXPECT_EQ(c.message_timestamp_before_max_ms, 1000);
  EXPECT_EQ(c.message_timestamp_after_max_ms, 1000);
  c = resolve_topic_config(
      {{"message.timestamp.difference.max.ms", "1000"}, {"message.timestamp.after.max.ms", "50"}},
      BrokerConfig{});
  EXPECT_EQ(c.message_timestamp_before_max_ms, 1000);
  EXPECT_EQ(c.message_timestamp_after_max_ms, 50);
}

TEST(TopicConfig, ValidateSetAcrossKeys) {
  BrokerConfig b;
  EXPECT_EQ(validate_topic_configs({{"retention.ms", "1"}}, b), std::nullopt);
  EXPECT_EQ(
      validate_topic_configs({{"min.compaction.lag.ms", "10"}, {"max.compaction.lag.ms", "5"}}, b),
      "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
  EXPECT_EQ(validate_topic_configs({{"bogus", "1"}}, b), "Unknown topic config name: bogus");
  EXPECT_NE(validate_topic_configs({{"remote.storage.enable", "true"}}, b), std::nullopt);
  EXPECT_EQ(validate_topic_configs({{"remote.storage.enable", "false"}}, b), std::nullopt);
}

TEST(TopicConfig, DescribeSourcesAndSynonyms) {
  using Source = ConfigEntry::Source;
  BrokerConfig b = broker({"log.retention.minutes=30", "compression.type=zstd"});
  auto entries = describe_topic_config({{"segment.bytes", "4096"}}, b);
  EXPECT_EQ(entries.size(), topic_config_keys().size());
  for (size_t i = 1; i < entries.size(); ++i) EXPECT_LT(entries[i - 1].name, entries[i].name);

  const ConfigEntry& seg = entry(entries, "segment.bytes");
  EXPECT_EQ(seg.value, "4096");
  EXPECT_EQ(seg.source, Source::kTopic);
  EXPECT_EQ(seg.type, "INT");
  EXPECT_FALSE(seg.doc.empty());
  ASSERT_EQ(seg.synonyms.size(), 2u);
  EXPECT_EQ(seg.synonyms[0].name, "segment.bytes");
  EXPECT_EQ(seg.synonyms[0].source, Source::kTopic);
  EXPECT_EQ(seg.synonyms[1].name, "log.segment.bytes");
  EXPECT_EQ(seg.synonyms[1].value, "1073741824");
  EXPECT_EQ(seg.synonyms[1].source, Source::kDefault);

  const ConfigEntry& ret = entry(entries, "retention.ms");
  EXPECT_EQ(ret.value, "1800000");
  EXPECT_EQ(ret.source, Source::kStaticBroker);
  ASSERT_EQ(ret.synonyms.size(), 2u);  // log.retention.ms has a null default: not listed
  EXPECT_EQ(ret.synonyms[0].name, "log.retention.minutes");
  EXPECT_EQ(ret.synonyms[0].value, "30");
  EXPECT_EQ(ret.synonyms[0].source, Source::kStaticBroker);
  EXPECT_EQ(ret.synonyms[1].name, "log.retention.hours");
  EXPECT_EQ(ret.synonyms[1].source, Source::kDefault);

  EXPECT_EQ(entry(entries, "compression.type").value, "zstd");
  EXPECT_EQ(entry(entries, "compression.type").source, Source::kStaticBroker);
  const ConfigEntry& flush = entry(entries, "flush.messages");
  EXPECT_EQ(flush.value, "1");
  EXPECT_EQ(flush.source, Source::kDefault);
  const ConfigEntry& remote = entry(entries, "remote.storage.enable");
  EXPECT_EQ(remote.value, "false");
  EXPECT_EQ(remote.source, Source::kDefault);
  EXPECT_TRUE(remote.synonyms.empty());
  EXPECT_EQ(wire_source(Source::kTopic), 1);
  EXPECT_EQ(wire_source(Source::kStaticBroker), 4);
  EXPECT_EQ(wire_source(Source::kDefault), 5);
  EXPECT_EQ(wire_type(ConfigType::kLong), 5);
  EXPECT_EQ(wire_type(ConfigType::kBoolean), 1);
}

}  // namespace
}  // namespace gregor::config
