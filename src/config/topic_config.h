// Topic-level configuration: validation of overrides (CreateTopics,
// AlterConfigs), the effective values a partition log runs with, and the
// entries DescribeConfigs reports. A topic's value comes from, in order: its
// own override, the broker key it defaults from (e.g. log.retention.hours for
// retention.ms), the Kafka default. The key table is in topic_config_keys.cc.
//
// Durability: see broker_config.h. flush.messages = 1 (Gregor's default) means
// acks=all is answered after fdatasync; a topic that sets it above 1 is
// acknowledged from the page cache like Kafka (sync_before_ack() is false).
//
// Pure functions over their arguments; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/broker_config.h"

namespace gregor::config {

// Effective values. A default-constructed TopicConfig has Gregor's defaults.
struct TopicConfig {
  int64_t segment_bytes = 1073741824;
  int64_t segment_ms = 604800000;
  int64_t segment_jitter_ms = 0;
  int32_t max_message_bytes = 1048588;
  bool log_append_time = false;  // message.timestamp.type = LogAppendTime
  int64_t message_timestamp_difference_max_ms = kLongMax;
  // Effective bounds on CreateTime timestamps: the before/after keys, or
  // message.timestamp.difference.max.ms where those are left at Long.MAX (Kafka 3.6+ rule).
  int64_t message_timestamp_before_max_ms = kLongMax;
  int64_t message_timestamp_after_max_ms = kLongMax;
  int32_t index_interval_bytes = 4096;
  int32_t segment_index_bytes = 10485760;
  int64_t retention_ms = 604800000;  // -1: no time limit
  int64_t retention_bytes = -1;      // negative: no size limit
  bool cleanup_compact = false;
  bool cleanup_delete = true;
  int32_t min_insync_replicas = 1;
  std::string compression_type = "producer";
  int32_t compression_gzip_level = -1;
  int32_t compression_lz4_level = 9;
  int32_t compression_zstd_level = 3;
  // compression.type as the batch codec id produced batches are stored with
  // (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), -1 for "producer" (kept as sent),
  // and the level of that codec (-1: its default).
  int8_t stored_codec = -1;
  int32_t stored_codec_level = -1;
  int64_t flush_messages = 1;
  int64_t flush_ms = kLongMax;
  bool preallocate = false;
  bool unclean_leader_election_enable = false;
  int64_t delete_retention_ms = 86400000;
  int64_t min_compaction_lag_ms = 0;
  int64_t max_compaction_lag_ms = kLongMax;
  double min_cleanable_dirty_ratio = 0.5;
  int64_t file_delete_delay_ms = 60000;
  bool message_downconversion_enable = true;
  bool remote_storage_enable = false;
  int64_t local_retention_ms = -2;     // -2: same as retention_ms
  int64_t local_retention_bytes = -2;  // -2: same as retention_bytes
  std::vector<std::string> leader_replication_throttled_replicas;
  std::vector<std::string> follower_replication_throttled_replicas;

  // True when acks=all must wait for the data to be synced to disk (flush.messages <= 1).
  bool sync_before_ack() const { return flush_messages <= 1; }
};

// nullopt if `name=value` is a valid topic override, else Kafka's message:
// "Unknown topic config name: x" or "Invalid value y for configuration x: <reason>".
std::optional<std::string> validate_topic_config(const std::string& name, const std::string& value);

// Validates a whole set of overrides: each entry, then the rules across keys
// (min.compaction.lag.ms <= max.compaction.lag.ms with broker defaults filled in;
// remote.storage.enable=true is refused since tiered storage is not available).
std::optional<std::string> validate_topic_configs(
    const std::map<std::string, std::string>& overrides, const BrokerConfig& broker);

// Effective values. Unknown or invalid overrides (which validation keeps out of the
// metadata store) are skipped with a warning, so the broker default applies.
TopicConfig resolve_topic_config(const std::map<std::string, std::string>& overrides,
                                 const BrokerConfig& broker);

// For DescribeConfigs: each known topic config with its value and where it came from.
struct ConfigEntry {
  enum class Source { kTopic, kDynamicBroker, kDynamicDefaultBroker, kStaticBroker, kDefault };
  struct Synonym {
    std::string name;
    std::string value;
    Source source;
  };
  std::string name;
  std::string value;
  bool value_null = false;  // Kafka reports null (a broker key with a null default, not set)
  Source source;
  bool read_only = false;
  bool sensitive = false;
  std::string
      type;  // Kafka's type name: "LONG", "BOOLEAN", ... (config_def.h: wire_type for the code)
  std::string doc;
  int8_t wire_type = 0;  // the DescribeConfigs code of `type`; 0 = UNKNOWN
  // The topic override (if any), then the broker keys it defaults from, highest precedence
  // first, each with every source that sets it (dynamic broker, dynamic default, static,
  // default), as Kafka lists them.
  std::vector<Synonym> synonyms;
};

// The DescribeConfigs ConfigSource code: TOPIC_CONFIG=1, DYNAMIC_BROKER_CONFIG=2,
// DYNAMIC_DEFAULT_BROKER_CONFIG=3, STATIC_BROKER_CONFIG=4, DEFAULT_CONFIG=5.
int8_t wire_source(ConfigEntry::Source source);

// One entry per known topic config, sorted by name.
std::vector<ConfigEntry> describe_topic_config(const std::map<std::string, std::string>& overrides,
                                               const BrokerConfig& broker);

}  // namespace gregor::config
