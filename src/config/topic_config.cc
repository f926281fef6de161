#include "config/topic_config.h"

#include <fmt/format.h>

#include "base/log.h"
#include "config/broker_config_describe.h"
#include "config/broker_config_keys.h"
#include "config/topic_config_keys.h"

namespace gregor::config {
namespace {

std::string broker_or_default(const TopicKeyDef& def, const BrokerConfig& broker) {
  if (def.broker_value) return def.broker_value(broker);
  GREGOR_ASSERT(def.key.default_value.has_value(), "topic key without a default");
  return std::string(*def.key.default_value);
}

// The valid override for a key, if there is one.
std::optional<std::string> valid_override(const TopicKeyDef& def,
                                          const std::map<std::string, std::string>& overrides) {
  auto it = overrides.find(std::string(def.key.name));
  if (it == overrides.end()) return std::nullopt;
  if (auto bad = validate_value(def.key, it->second)) {
    log::warn("ignoring stored topic override: {}", *bad);
    return std::nullopt;
  }
  return std::string(trim(it->second));
}

// Every known topic key mapped to its effective value as text.
std::map<std::string, std::string> effective_values(
    const std::map<std::string, std::string>& overrides, const BrokerConfig& broker) {
  std::map<std::string, std::string> out;
  for (const auto& def : topic_config_keys()) {
    auto value = valid_override(def, overrides);
    out.emplace(std::string(def.key.name), value ? *value : broker_or_default(def, broker));
  }
  for (const auto& [name, value] : overrides)
    if (!find_topic_key(name)) log::warn("ignoring unknown topic config {}={}", name, value);
  return out;
}

// Typed reads of values that have passed validation.
class Values {
 public:
  explicit Values(std::map<std::string, std::string> v) : v_(std::move(v)) {}
  const std::string& text(const char* name) const {
    auto it = v_.find(name);
    GREGOR_ASSERT(it != v_.end(), "topic key missing from the effective values");
    return it->second;
  }
  int64_t i64(const char* name) const {
    auto n = parse_long(text(name));
    GREGOR_ASSERT(n.has_value(), "validated topic number did not parse");
    return *n;
  }
  int32_t i32(const char* name) const { return static_cast<int32_t>(i64(name)); }
  bool boolean(const char* name) const { return parse_bool(text(name)).value_or(false); }
  double f64(const char* name) const { return parse_double(text(name)).value_or(0); }
  std::vector<std::string> list(const char* name) const { return split_list(text(name)); }

 private:
  std::map<std::string, std::string> v_;
};

bool contains(const std::vector<std::string>& items, std::string_view v) {
  for (const auto& item : items)
    if (item == v) return true;
  return false;
}

// compression.type as a codec id and its level (Kafka's codec ids, as in a batch's attributes).
void resolve_stored_codec(TopicConfig& c) {
  const std::string& t = c.compression_type;
  c.stored_codec = t == "uncompressed" ? 0
                   : t == "gzip"       ? 1
                   : t == "snappy"     ? 2
                   : t == "lz4"        ? 3
                   : t == "zstd"       ? 4
                                       : -1;
  c.stored_codec_level = t == "gzip"   ? c.compression_gzip_level
                         : t == "lz4"  ? c.compression_lz4_level
                         : t == "zstd" ? c.compression_zstd_level
                                       : -1;
}

}  // namespace

std::optional<std::string> validate_topic_config(const std::string& name,
                                                 const std::string& value) {
  const TopicKeyDef* def = find_topic_key(name);
  if (!def) return "Unknown topic config name: " + name;
  return validate_value(def->key, value);
}

std::optional<std::string> validate_topic_configs(
    const std::map<std::string, std::string>& overrides, const BrokerConfig& broker) {
  for (const auto& [name, value] : overrides)
    if (auto bad = validate_topic_config(name, value)) return bad;
  TopicConfig c = resolve_topic_config(overrides, broker);
  if (c.min_compaction_lag_ms > c.max_compaction_lag_ms)
    return fmt::format(
        "conflict topic config setting min.compaction.lag.ms ({}) > max.compaction.lag.ms ({})",
        c.min_compaction_lag_ms, c.max_compaction_lag_ms);
  if (c.remote_storage_enable)
    return std::string(
        "Invalid value true for configuration remote.storage.enable: tiered storage is not "
        "available on this broker");
  return std::nullopt;
}

TopicConfig resolve_topic_config(const std::map<std::string, std::string>& overrides,
                                 const BrokerConfig& broker) {
  Values v(effective_values(overrides, broker));
  TopicConfig c;
  c.segment_bytes = v.i64("segment.bytes");
  c.segment_ms = v.i64("segment.ms");
  c.segment_jitter_ms = v.i64("segment.jitter.ms");
  c.max_message_bytes = v.i32("max.message.bytes");
  c.log_append_time = v.text("message.timestamp.type") == "LogAppendTime";
  c.message_timestamp_difference_max_ms = v.i64("message.timestamp.difference.max.ms");
  c.message_timestamp_before_max_ms = v.i64("message.timestamp.before.max.ms");
  c.message_timestamp_after_max_ms = v.i64("message.timestamp.after.max.ms");
  if (c.message_timestamp_before_max_ms == kLongMax)
    c.message_timestamp_before_max_ms = c.message_timestamp_difference_max_ms;
  if (c.message_timestamp_after_max_ms == kLongMax)
    c.message_timestamp_after_max_ms = c.message_timestamp_difference_max_ms;
  c.index_interval_bytes = v.i32("index.interval.bytes");
  c.segment_index_bytes = v.i32("segment.index.bytes");
  c.retention_ms = v.i64("retention.ms");
  c.retention_bytes = v.i64("retention.bytes");
  auto policy = v.list("cleanup.policy");
  c.cleanup_compact = contains(policy, "compact");
  c.cleanup_delete = contains(policy, "delete");
  c.min_insync_replicas = v.i32("min.insync.replicas");
  c.compression_type = v.text("compression.type");
  c.compression_gzip_level = v.i32("compression.gzip.level");
  c.compression_lz4_level = v.i32("compression.lz4.level");
  c.compression_zstd_level = v.i32("compression.zstd.level");
  resolve_stored_codec(c);
  c.flush_messages = v.i64("flush.messages");
  c.flush_ms = v.i64("flush.ms");
  c.preallocate = v.boolean("preallocate");
  c.unclean_leader_election_enable = v.boolean("unclean.leader.election.enable");
  c.delete_retention_ms = v.i64("delete.retention.ms");
  c.min_compaction_lag_ms = v.i64("min.compaction.lag.ms");
  c.max_compaction_lag_ms = v.i64("max.compaction.lag.ms");
  c.min_cleanable_dirty_ratio = v.f64("min.cleanable.dirty.ratio");
  c.file_delete_delay_ms = v.i64("file.delete.delay.ms");
  c.message_downconversion_enable = v.boolean("message.downconversion.enable");
  c.remote_storage_enable = v.boolean("remote.storage.enable");
  c.local_retention_ms = v.i64("local.retention.ms");
  c.local_retention_bytes = v.i64("local.retention.bytes");
  c.leader_replication_throttled_replicas = v.list("leader.replication.throttled.replicas");
  c.follower_replication_throttled_replicas = v.list("follower.replication.throttled.replicas");
  return c;
}

int8_t wire_source(ConfigEntry::Source source) {
  switch (source) {
    case ConfigEntry::Source::kTopic:
      return 1;
    case ConfigEntry::Source::kDynamicBroker:
      return 2;
    case ConfigEntry::Source::kDynamicDefaultBroker:
      return 3;
    case ConfigEntry::Source::kStaticBroker:
      return 4;
    case ConfigEntry::Source::kDefault:
      return 5;
  }
  return 0;
}

std::vector<ConfigEntry> describe_topic_config(const std::map<std::string, std::string>& overrides,
                                               const BrokerConfig& broker) {
  using Source = ConfigEntry::Source;
  std::vector<ConfigEntry> out;
  for (const auto& def : topic_config_keys()) {
    ConfigEntry e;
    e.name = std::string(def.key.name);
    e.type = std::string(type_name(def.key.type));
    e.wire_type = wire_type(def.key.type);
    e.doc = std::string(def.key.doc);
    e.sensitive = def.key.sensitive;
    e.synonyms = broker_synonyms(def.synonyms, broker);
    if (auto value = valid_override(def, overrides)) {
      e.value = *value;
      e.source = Source::kTopic;
      e.synonyms.insert(e.synonyms.begin(), {e.name, e.value, Source::kTopic});
    } else {
      e.value = broker_or_default(def, broker);
      e.source = e.synonyms.empty() ? Source::kDefault : e.synonyms.front().source;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gregor::config
