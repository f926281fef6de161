#include "config/broker_config_keys.h"

#include <fmt/format.h>

#include "config/compression_levels.h"

namespace gregor::config {
namespace {

using T = ConfigType;
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

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

std::optional<std::string> non_empty(std::string_view v) {
  if (v.empty()) return std::string("Value must not be empty");
  return std::nullopt;
}

// Kafka's defaults unless noted. Where Kafka has a null default (the key falls back to a
// synonym), default_value is nullopt.
const ConfigKeyDef kBrokerKeys[] = {
    {"node.id", T::kInt, "1", between(0, kIntMax),
     "The id of this broker in the cluster (Gregor default: 1)."},
    {"broker.id", T::kInt, std::nullopt, between(0, kIntMax),
     "Older name of node.id; must equal it if both are set."},
    {"listeners",
     T::kList,
     "PLAINTEXT://localhost:9092",
     {},
     "Comma-separated NAME://host:port endpoints to listen on."},
    {"advertised.listeners",
     T::kList,
     std::nullopt,
     {},
     "Endpoints given to clients in Metadata; defaults to listeners."},
    {"listener.security.protocol.map",
     T::kString,
     "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
     {},
     "Maps each listener name to its security protocol."},
    {"log.dirs",
     T::kList,
     std::nullopt,
     {},
     "Directories holding the log data; overrides log.dir."},
    {"log.dir",
     T::kString,
     "./gregor-data",
     {.custom = non_empty},
     "The data directory when log.dirs is not set."},
    {"num.partitions", T::kInt, "1", at_least(1), "Default partition count for new topics."},
    {"default.replication.factor", T::kShort, "1", at_least(1),
     "Default replication factor for new topics."},
    {"auto.create.topics.enable",
     T::kBoolean,
     "true",
     {},
     "Create a topic when a client asks for an unknown one."},
    {"delete.topic.enable", T::kBoolean, "true", {}, "Allow topics to be deleted."},
    {"message.max.bytes", T::kInt, "1048588", at_least(0),
     "Largest record batch size the broker accepts."},
    {"socket.request.max.bytes", T::kInt, "104857600", at_least(1),
     "Largest request the broker reads."},
    {"socket.send.buffer.bytes",
     T::kInt,
     "102400",
     {},
     "SO_SNDBUF of client sockets (-1: OS default)."},
    {"socket.receive.buffer.bytes",
     T::kInt,
     "102400",
     {},
     "SO_RCVBUF of client sockets (-1: OS default)."},
    {"connections.max.idle.ms", T::kLong, "600000", {}, "Close connections idle for this long."},
    {"gregor.shards", T::kInt, "0", at_least(0), "Number of event-loop threads (0: one per core)."},
    {"gregor.log.segment.fds.max", T::kInt, "0", at_least(0),
     "Most descriptors of segment files kept open (reads and writes, whole broker); the least "
     "recently used are closed and reopened on demand. 0: half the process's open-file limit."},
    {"log.segment.bytes", T::kInt, "1073741824", at_least(14), "Maximum size of one segment file."},
    {"log.roll.ms", T::kLong, std::nullopt, at_least(1),
     "Roll a segment after this time; overrides log.roll.hours."},
    {"log.roll.hours", T::kInt, "168", at_least(1), "Roll a segment after this many hours."},
    {"log.roll.jitter.ms", T::kLong, std::nullopt, at_least(0),
     "Random jitter subtracted from the roll time."},
    {"log.roll.jitter.hours", T::kInt, "0", at_least(0),
     "Random jitter subtracted from the roll time, in hours."},
    {"log.index.interval.bytes", T::kInt, "4096", at_least(0),
     "Bytes between entries of the offset index."},
    {"log.index.size.max.bytes", T::kInt, "10485760", at_least(4),
     "Maximum size of an offset index file."},
    {"log.message.timestamp.type", T::kString, "CreateTime", one_of(kTimestampTypes),
     "CreateTime keeps producer timestamps; LogAppendTime replaces them with the broker's time."},
    {"log.message.timestamp.difference.max.ms", T::kLong, "9223372036854775807", at_least(0),
     "Deprecated: largest allowed distance between a record timestamp and the broker's time."},
    {"log.message.timestamp.before.max.ms", T::kLong, "9223372036854775807", at_least(0),
     "How far in the past a CreateTime timestamp may be."},
    {"log.message.timestamp.after.max.ms", T::kLong, "9223372036854775807", at_least(0),
     "How far in the future a CreateTime timestamp may be."},
    {"log.retention.ms",
     T::kLong,
     std::nullopt,
     {},
     "Delete segments older than this (-1: never)."},
    {"log.retention.minutes",
     T::kInt,
     std::nullopt,
     {},
     "Retention time in minutes when log.retention.ms is unset."},
    {"log.retention.hours",
     T::kInt,
     "168",
     {},
     "Retention time in hours when the finer keys are unset."},
    {"log.retention.bytes",
     T::kLong,
     "-1",
     {},
     "Delete old segments beyond this partition size (-1: no limit)."},
    {"log.retention.check.interval.ms", T::kLong, "300000", at_least(1),
     "How often retention is checked."},
    {"log.flush.offset.checkpoint.interval.ms", T::kInt, "60000", at_least(0),
     "How often the recovery-point checkpoint of each log dir is rewritten."},
    {"log.flush.start.offset.checkpoint.interval.ms", T::kInt, "60000", at_least(0),
     "How often the log-start-offset checkpoint of each log dir is rewritten."},
    {"log.cleanup.policy", T::kList, "delete", one_of(kCleanupPolicies),
     "delete, compact, or both."},
    {"log.cleaner.enable", T::kBoolean, "true", {}, "Run the log cleaner (compaction)."},
    {"log.cleaner.delete.retention.ms", T::kLong, "86400000", at_least(0),
     "How long tombstones are kept in compacted topics."},
    {"log.cleaner.min.compaction.lag.ms", T::kLong, "0", at_least(0),
     "Minimum age of a record before compaction."},
    {"log.cleaner.max.compaction.lag.ms", T::kLong, "9223372036854775807", at_least(1),
     "Maximum time a record stays uncompacted."},
    {"log.cleaner.min.cleanable.ratio",
     T::kDouble,
     "0.5",
     {.min_double = 0, .max_double = 1},
     "Dirty ratio above which a log is compacted."},
    {"log.cleaner.threads", T::kInt, "1", at_least(0),
     "The number of background threads to use for log cleaning."},
    {"log.cleaner.io.max.bytes.per.second",
     T::kDouble,
     "1.7976931348623157E308",
     {},
     "The log cleaner will be throttled so that the sum of its read and write i/o will be less "
     "than this value on average."},
    {"log.cleaner.dedupe.buffer.size",
     T::kLong,
     "134217728",
     {},
     "The total memory used for log deduplication across all cleaner threads."},
    {"log.cleaner.io.buffer.size", T::kInt, "524288", at_least(0),
     "The total memory used for log cleaner I/O buffers across all cleaner threads."},
    {"log.cleaner.backoff.ms", T::kLong, "15000", at_least(0),
     "The amount of time to sleep when there are no logs to clean."},
    {"log.segment.delete.delay.ms", T::kLong, "60000", at_least(0),
     "Delay before a deleted segment file is removed."},
    {"log.flush.interval.messages", T::kLong, "1", at_least(1),
     "Sync after this many messages; Gregor's default 1 means acks=all waits for fdatasync (Kafka: "
     "Long.MAX)."},
    {"log.flush.interval.ms",
     T::kLong,
     std::nullopt,
     {},
     "Sync after this many ms; falls back to the scheduler key."},
    {"log.flush.scheduler.interval.ms",
     T::kLong,
     "9223372036854775807",
     {},
     "How often the flusher runs."},
    {"log.preallocate", T::kBoolean, "false", {}, "Preallocate segment files to their full size."},
    {"min.insync.replicas", T::kInt, "1", at_least(1),
     "Replicas that must have a write for acks=all to succeed."},
    {"compression.type", T::kString, "producer", one_of(kCompressionTypes),
     "Codec for stored batches; producer keeps the producer's."},
    {"compression.gzip.level",
     T::kInt,
     "-1",
     {.custom = check_gzip_level},
     "gzip level when recompressing."},
    {"compression.lz4.level", T::kInt, "9", between(kLz4LevelMin, kLz4LevelMax),
     "lz4 level when recompressing."},
    {"compression.zstd.level", T::kInt, "3", between(kZstdLevelMin, kZstdLevelMax),
     "zstd level when recompressing."},
    {"unclean.leader.election.enable",
     T::kBoolean,
     "false",
     {},
     "Allow an out-of-sync replica to become leader (may lose data)."},
    {"log.message.downconversion.enable",
     T::kBoolean,
     "true",
     {},
     "Down-convert batches for old fetch versions."},
    {"log.message.format.version",
     T::kString,
     "3.0-IV1",
     {},
     "Deprecated and ignored (message format v2 only)."},
    {"log.local.retention.ms", T::kLong, "-2", at_least(-2),
     "Local retention with tiered storage (-2: retention.ms)."},
    {"log.local.retention.bytes", T::kLong, "-2", at_least(-2),
     "Local retention size with tiered storage (-2: retention.bytes)."},
    {"offsets.topic.num.partitions", T::kInt, "50", at_least(1),
     "Partitions of __consumer_offsets."},
    {"offsets.topic.replication.factor", T::kShort, "3", at_least(1),
     "Replication factor of __consumer_offsets."},
    {"transaction.state.log.num.partitions", T::kInt, "50", at_least(1),
     "Partitions of __transaction_state."},
    {"transaction.state.log.replication.factor", T::kShort, "3", at_least(1),
     "Replication factor of __transaction_state."},
    {"transaction.state.log.min.isr", T::kInt, "2", at_least(1),
     "min.insync.replicas of __transaction_state."},
    {"group.initial.rebalance.delay.ms", T::kInt, "3000", at_least(0),
     "Delay of the first rebalance of an empty group."},
    {"group.min.session.timeout.ms",
     T::kInt,
     "6000",
     {},
     "Smallest session.timeout.ms a group member may ask for."},
    {"group.max.session.timeout.ms",
     T::kInt,
     "1800000",
     {},
     "Largest session.timeout.ms a group member may ask for."},
    {"group.max.size", T::kInt, "2147483647", at_least(1), "Most members a group may have."},
    {"offsets.retention.minutes", T::kInt, "10080", at_least(1),
     "How long committed offsets of an empty group (or of a standalone consumer) are kept."},
    {"offsets.retention.check.interval.ms", T::kLong, "600000", at_least(1),
     "How often expired committed offsets are looked for."},
    {"offset.metadata.max.bytes",
     T::kInt,
     "4096",
     {},
     "Largest metadata string an offset commit may carry."},
    {"offsets.topic.segment.bytes", T::kInt, "104857600", at_least(1),
     "segment.bytes of __consumer_offsets."},
    {"offsets.topic.compression.codec", T::kInt, "0", at_least(0),
     "Compression of __consumer_offsets records (stored; records are written uncompressed)."},
};

constexpr std::string_view kIgnoredKafkaKeys[] = {
    "num.network.threads",
    "num.io.threads",
    "num.recovery.threads.per.data.dir",
    "num.replica.alter.log.dirs.threads",
    "background.threads",
    "queued.max.requests",
    "process.roles",
    "controller.quorum.voters",
    "controller.quorum.bootstrap.servers",
    "controller.listener.names",
    "inter.broker.listener.name",
    "metadata.log.dir",
    "zookeeper.connect",
    "zookeeper.connection.timeout.ms",
    "zookeeper.session.timeout.ms",
};

}  // namespace

std::span<const ConfigKeyDef> broker_config_keys() {
  return kBrokerKeys;
}

const ConfigKeyDef* find_broker_key(std::string_view name) {
  return find_key(kBrokerKeys, name);
}

bool is_ignored_kafka_key(std::string_view name) {
  for (auto k : kIgnoredKafkaKeys)
    if (k == name) return true;
  return false;
}

}  // namespace gregor::config
