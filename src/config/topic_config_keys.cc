#include "config/topic_config_keys.h"

#include <fmt/format.h>

#include "config/compression_levels.h"

namespace gregor::config {
namespace {

using T = ConfigType;

constexpr std::string_view kTimestampTypes[] = {"CreateTime", "LogAppendTime"};
constexpr std::string_view kCleanupPolicies[] = {"compact", "delete"};
constexpr std::string_view kCompressionTypes[] = {"uncompressed", "zstd", "lz4",
                                                  "snappy",       "gzip", "producer"};

Validator at_least(int64_t min) {
  return Validator{.min = min};
}
Validator between(int64_t min, int64_t max) {
  return Validator{.min = min, .max = max};
}
Validator one_of(std::span<const std::string_view> values) {
  return Validator{.one_of = values};
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == s.npos;
}

// Kafka's ThrottledReplicaListValidator: "*" or "partition:broker" pairs.
std::optional<std::string> check_throttled_replicas(std::string_view value) {
  if (value == "*") return std::nullopt;
  for (const auto& item : split_list(value)) {
    size_t colon = item.find(':');
    if (colon == std::string::npos || !all_digits(trim(std::string_view(item).substr(0, colon))) ||
        !all_digits(trim(std::string_view(item).substr(colon + 1))))
      return std::string(
          "must be the literal '*' or a list of replicas in the following format: "
          "[partitionId]:[brokerId],[partitionId]:[brokerId],...");
  }
  return std::nullopt;
}

// message.format.version is deprecated and ignored, but its values are still checked:
// "0.10.2", "2.8-IV1", "3.0". Like Kafka's MetadataVersion.fromVersionString, only the
// first three (0.x) or two segments count: "0.10.0.0" is 0.10.0, "3.0.1" is 3.0.
std::optional<std::string> check_format_version(std::string_view value) {
  std::string_view v = value.substr(0, value.find("-IV"));
  if (value.size() > v.size() && !all_digits(value.substr(v.size() + 3)))
    return std::string("not a valid message format version");
  int parts = 0;
  while (true) {
    size_t dot = v.find('.');
    if (!all_digits(v.substr(0, dot))) return std::string("not a valid message format version");
    ++parts;
    if (dot == std::string_view::npos) break;
    v.remove_prefix(dot + 1);
  }
  if (parts < (value.starts_with("0.") ? 3 : 2))
    return std::string("not a valid message format version");
  return std::nullopt;
}

std::string str(int32_t v) {
  return std::to_string(v);
}
std::string str(int64_t v) {
  return std::to_string(v);
}
std::string str(bool v) {
  return v ? "true" : "false";
}
std::string str(const std::string& v) {
  return v;
}
std::string str(double v) {
  return fmt::format("{}", v);
}
std::string str(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& item : v) out += (out.empty() ? "" : ",") + item;
  return out;
}

#define FROM_BROKER(field) [](const BrokerConfig& b) { return str(b.field); }

const TopicKeyDef kTopicKeys[] = {
    {{"cleanup.policy", T::kList, "delete", one_of(kCleanupPolicies),
      "delete removes old segments, compact keeps the latest record per key; both may be listed."},
     {"log.cleanup.policy"},
     FROM_BROKER(log_cleanup_policy)},
    {{"compression.gzip.level",
      T::kInt,
      "-1",
      {.custom = check_gzip_level},
      "gzip level when recompressing."},
     {"compression.gzip.level"},
     FROM_BROKER(compression_gzip_level)},
    {{"compression.lz4.level", T::kInt, "9", between(kLz4LevelMin, kLz4LevelMax),
      "lz4 level when recompressing."},
     {"compression.lz4.level"},
     FROM_BROKER(compression_lz4_level)},
    {{"compression.type", T::kString, "producer", one_of(kCompressionTypes),
      "Codec of stored batches; producer keeps what the producer sent."},
     {"compression.type"},
     FROM_BROKER(compression_type)},
    {{"compression.zstd.level", T::kInt, "3", between(kZstdLevelMin, kZstdLevelMax),
      "zstd level when recompressing."},
     {"compression.zstd.level"},
     FROM_BROKER(compression_zstd_level)},
    {{"delete.retention.ms", T::kLong, "86400000", at_least(0),
      "How long tombstones stay in a compacted topic."},
     {"log.cleaner.delete.retention.ms"},
     FROM_BROKER(log_cleaner_delete_retention_ms)},
    {{"file.delete.delay.ms", T::kLong, "60000", at_least(0),
      "Delay before a deleted segment file is removed."},
     {"log.segment.delete.delay.ms"},
     FROM_BROKER(log_segment_delete_delay_ms)},
    {{"flush.messages", T::kLong, "1", at_least(1),
      "Sync after this many messages. 1 (Gregor's default) answers acks=all after fdatasync; above "
      "1, writes are "
      "acknowledged from the page cache as in Kafka."},
     {"log.flush.interval.messages"},
     FROM_BROKER(log_flush_interval_messages)},
    {{"flush.ms", T::kLong, "9223372036854775807", at_least(0), "Sync at least this often (ms)."},
     {"log.flush.interval.ms", "log.flush.scheduler.interval.ms"},
     FROM_BROKER(log_flush_interval_ms)},
    {{"follower.replication.throttled.replicas",
      T::kList,
      "",
      {.custom = check_throttled_replicas},
      "Replicas throttled on the follower side ([partition]:[broker],... or *)."},
     {},
     nullptr},
    {{"index.interval.bytes", T::kInt, "4096", at_least(0),
      "Bytes between entries of the offset index."},
     {"log.index.interval.bytes"},
     FROM_BROKER(log_index_interval_bytes)},
    {{"leader.replication.throttled.replicas",
      T::kList,
      "",
      {.custom = check_throttled_replicas},
      "Replicas throttled on the leader side ([partition]:[broker],... or *)."},
     {},
     nullptr},
    {{"local.retention.bytes", T::kLong, "-2", at_least(-2),
      "Local size limit with tiered storage (-2: retention.bytes)."},
     {"log.local.retention.bytes"},
     FROM_BROKER(log_local_retention_bytes)},
    {{"local.retention.ms", T::kLong, "-2", at_least(-2),
      "Local time limit with tiered storage (-2: retention.ms)."},
     {"log.local.retention.ms"},
     FROM_BROKER(log_local_retention_ms)},
    {{"max.compaction.lag.ms", T::kLong, "9223372036854775807", at_least(1),
      "Longest a record stays uncompacted."},
     {"log.cleaner.max.compaction.lag.ms"},
     FROM_BROKER(log_cleaner_max_compaction_lag_ms)},
    {{"max.message.bytes", T::kInt, "1048588", at_least(0),
      "Largest record batch the topic accepts."},
     {"message.max.bytes"},
     FROM_BROKER(message_max_bytes)},
    {{"message.downconversion.enable",
      T::kBoolean,
      "true",
      {},
      "Down-convert batches for old fetch versions."},
     {"log.message.downconversion.enable"},
     FROM_BROKER(log_message_downconversion_enable)},
    {{"message.format.version",
      T::kString,
      "3.0-IV1",
      {.custom = check_format_version},
      "Deprecated and ignored: only message format v2 is stored."},
     {"log.message.format.version"},
     [](const BrokerConfig& b) {
       auto it = b.values.find("log.message.format.version");
       return it == b.values.end() ? std::string("3.0-IV1") : std::string(trim(it->second));
     }},
    {{"message.timestamp.after.max.ms", T::kLong, "9223372036854775807", at_least(0),
      "How far in the future a CreateTime timestamp may be."},
     {"log.message.timestamp.after.max.ms"},
     FROM_BROKER(log_message_timestamp_after_max_ms)},
    {{"message.timestamp.before.max.ms", T::kLong, "9223372036854775807", at_least(0),
      "How far in the past a CreateTime timestamp may be."},
     {"log.message.timestamp.before.max.ms"},
     FROM_BROKER(log_message_timestamp_before_max_ms)},
    {{"message.timestamp.difference.max.ms", T::kLong, "9223372036854775807", at_least(0),
      "Deprecated: used for before/after.max.ms when those are unset."},
     {"log.message.timestamp.difference.max.ms"},
     FROM_BROKER(log_message_timestamp_difference_max_ms)},
    {{"message.timestamp.type", T::kString, "CreateTime", one_of(kTimestampTypes),
      "CreateTime keeps producer timestamps; LogAppendTime uses the broker's time."},
     {"log.message.timestamp.type"},
     FROM_BROKER(log_message_timestamp_type)},
    {{"min.cleanable.dirty.ratio",
      T::kDouble,
      "0.5",
      {.min_double = 0, .max_double = 1},
      "Dirty ratio above which the log is compacted."},
     {"log.cleaner.min.cleanable.ratio"},
     FROM_BROKER(log_cleaner_min_cleanable_ratio)},
    {{"min.compaction.lag.ms", T::kLong, "0", at_least(0),
      "Minimum age of a record before compaction."},
     {"log.cleaner.min.compaction.lag.ms"},
     FROM_BROKER(log_cleaner_min_compaction_lag_ms)},
    {{"min.insync.replicas", T::kInt, "1", at_least(1), "In-sync replicas needed for acks=all."},
     {"min.insync.replicas"},
     FROM_BROKER(min_insync_replicas)},
    {{"preallocate", T::kBoolean, "false", {}, "Preallocate segment files to their full size."},
     {"log.preallocate"},
     FROM_BROKER(log_preallocate)},
    {{"remote.log.copy.disable",
      T::kBoolean,
      "false",
      {},
      "Stop copying segments to tiered storage."},
     {},
     nullptr},
    {{"remote.log.delete.on.disable",
      T::kBoolean,
      "false",
      {},
      "Delete tiered data when tiering is disabled."},
     {},
     nullptr},
    {{"remote.storage.enable",
      T::kBoolean,
      "false",
      {},
      "Tiered storage for this topic (not supported yet)."},
     {},
     nullptr},
    {{"retention.bytes",
      T::kLong,
      "-1",
      {},
      "Delete old segments beyond this partition size (-1: no limit)."},
     {"log.retention.bytes"},
     FROM_BROKER(log_retention_bytes)},
    {{"retention.ms", T::kLong, "604800000", at_least(-1),
      "Delete segments older than this (-1: never)."},
     {"log.retention.ms", "log.retention.minutes", "log.retention.hours"},
     FROM_BROKER(log_retention_ms)},
    {{"segment.bytes", T::kInt, "1073741824", at_least(14), "Maximum size of one segment file."},
     {"log.segment.bytes"},
     FROM_BROKER(log_segment_bytes)},
    {{"segment.index.bytes", T::kInt, "10485760", at_least(4),
      "Maximum size of an offset index file."},
     {"log.index.size.max.bytes"},
     FROM_BROKER(log_index_size_max_bytes)},
    {{"segment.jitter.ms", T::kLong, "0", at_least(0), "Random jitter subtracted from segment.ms."},
     {"log.roll.jitter.ms", "log.roll.jitter.hours"},
     FROM_BROKER(log_roll_jitter_ms)},
    {{"segment.ms", T::kLong, "604800000", at_least(1),
      "Roll a segment after this time even if not full."},
     {"log.roll.ms", "log.roll.hours"},
     FROM_BROKER(log_roll_ms)},
    {{"unclean.leader.election.enable",
      T::kBoolean,
      "false",
      {},
      "Allow an out-of-sync replica to become leader (may lose data)."},
     {"unclean.leader.election.enable"},
     FROM_BROKER(unclean_leader_election_enable)},
};

#undef FROM_BROKER

}  // namespace

std::span<const TopicKeyDef> topic_config_keys() {
  return kTopicKeys;
}

const TopicKeyDef* find_topic_key(std::string_view name) {
  for (const auto& def : kTopicKeys)
    if (def.key.name == name) return &def;
  return nullptr;
}

}  // namespace gregor::config
