// The broker's static configuration: Kafka's key names and defaults, read from
// a server.properties-style file and overridden by KEY=VALUE strings (command
// line flags, environment). The keys Gregor knows are listed, with type, range
// and documentation, in broker_config_keys.cc.
//
// DURABILITY DEFAULT. Gregor's default for log.flush.interval.messages is 1,
// where Kafka's is Long.MAX_VALUE: a topic that keeps it answers acks=all only
// after the appended batches are on disk (one group-committed fdatasync covers
// many requests). A topic (or the broker) that sets flush.messages above 1
// gets Kafka's behaviour instead: a write is acknowledged once it is in the
// page cache, and synced every flush.messages messages or flush.ms
// milliseconds. See TopicConfig::sync_before_ack().
//
// A BrokerConfig is a plain value: built once at startup, then shared
// read-only (copy it or hold it const); it has no locking of its own.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/listeners.h"

namespace gregor::config {

inline constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

struct BrokerConfig {
  int32_t node_id = 1;                         // node.id (broker.id accepted as synonym)
  std::vector<Endpoint> listeners;             // listeners, default PLAINTEXT://localhost:9092
  std::vector<Endpoint> advertised_listeners;  // advertised.listeners, default = listeners
  std::map<std::string, std::string>
      listener_security_protocol_map;            // listener.security.protocol.map
  std::vector<std::string> log_dirs;             // log.dirs (or log.dir), default "./gregor-data"
  int32_t num_partitions = 1;                    // num.partitions
  int16_t default_replication_factor = 1;        // default.replication.factor
  bool auto_create_topics_enable = true;         // auto.create.topics.enable
  bool delete_topic_enable = true;               // delete.topic.enable
  int32_t message_max_bytes = 1048588;           // message.max.bytes
  int32_t socket_request_max_bytes = 104857600;  // socket.request.max.bytes
  int64_t connections_max_idle_ms = 600000;      // connections.max.idle.ms
  int32_t num_shards = 0;                        // gregor.shards (0 = one per core)
  // gregor.log.segment.fds.max: descriptors of segment files kept open (reads
  // and writes, whole broker); 0 = half the process's open-file limit.
  int32_t log_segment_fds_max = 0;

  // Topic defaults. Each is already resolved across its synonyms, e.g.
  // log_retention_ms comes from log.retention.ms, else log.retention.minutes,
  // else log.retention.hours.
  int32_t log_segment_bytes = 1073741824;       // log.segment.bytes
  int64_t log_roll_ms = 604800000;              // log.roll.ms / log.roll.hours
  int64_t log_roll_jitter_ms = 0;               // log.roll.jitter.ms / log.roll.jitter.hours
  int32_t log_index_interval_bytes = 4096;      // log.index.interval.bytes
  int32_t log_index_size_max_bytes = 10485760;  // log.index.size.max.bytes
  std::string log_message_timestamp_type = "CreateTime";       // log.message.timestamp.type
  int64_t log_message_timestamp_difference_max_ms = kLongMax;  // (deprecated in Kafka 3.6)
  int64_t log_message_timestamp_before_max_ms = kLongMax;  // log.message.timestamp.before.max.ms
  int64_t log_message_timestamp_after_max_ms = kLongMax;   // log.message.timestamp.after.max.ms
  int64_t log_retention_ms = 604800000;  // log.retention.ms / .minutes / .hours (-1: forever)
  int64_t log_retention_bytes = -1;      // log.retention.bytes
  int64_t log_retention_check_interval_ms = 300000;  // log.retention.check.interval.ms
  int32_t log_flush_offset_checkpoint_interval_ms =
      60000;  // log.flush.offset.checkpoint.interval.ms
  // log.flush.start.offset.checkpoint.interval.ms
  int32_t log_flush_start_offset_checkpoint_interval_ms = 60000;
  std::vector<std::string> log_cleanup_policy = {"delete"};  // log.cleanup.policy
  int64_t log_flush_interval_messages = 1;  // log.flush.interval.messages (Gregor: 1, see above)
  int64_t log_flush_interval_ms =
      kLongMax;                     // log.flush.interval.ms / log.flush.scheduler.interval.ms
  bool log_preallocate = false;     // log.preallocate
  int32_t min_insync_replicas = 1;  // min.insync.replicas
  std::string compression_type = "producer";             // compression.type
  int32_t compression_gzip_level = -1;                   // compression.gzip.level
  int32_t compression_lz4_level = 9;                     // compression.lz4.level
  int32_t compression_zstd_level = 3;                    // compression.zstd.level
  bool unclean_leader_election_enable = false;           // unclean.leader.election.enable
  bool log_cleaner_enable = true;                        // log.cleaner.enable
  int64_t log_cleaner_delete_retention_ms = 86400000;    // log.cleaner.delete.retention.ms
  int64_t log_cleaner_min_compaction_lag_ms = 0;         // log.cleaner.min.compaction.lag.ms
  int64_t log_cleaner_max_compaction_lag_ms = kLongMax;  // log.cleaner.max.compaction.lag.ms
  double log_cleaner_min_cleanable_ratio = 0.5;          // log.cleaner.min.cleanable.ratio
  // The log cleaner's own resources (server/log_cleaner_service.h).
  int32_t log_cleaner_threads = 1;                                      // log.cleaner.threads
  double log_cleaner_io_max_bytes_per_second = 1.7976931348623157e308;  // (Double.MAX: no limit)
  int64_t log_cleaner_dedupe_buffer_size = 134217728;  // log.cleaner.dedupe.buffer.size
  int32_t log_cleaner_io_buffer_size = 524288;         // log.cleaner.io.buffer.size
  int64_t log_cleaner_backoff_ms = 15000;              // log.cleaner.backoff.ms
  int64_t log_segment_delete_delay_ms = 60000;         // log.segment.delete.delay.ms
  bool log_message_downconversion_enable = true;       // log.message.downconversion.enable
  int64_t log_local_retention_ms = -2;                 // log.local.retention.ms
  int64_t log_local_retention_bytes = -2;              // log.local.retention.bytes

  // Group coordinator (classic consumer groups) and __consumer_offsets.
  int32_t offsets_topic_num_partitions = 50;             // offsets.topic.num.partitions
  int32_t offsets_topic_segment_bytes = 104857600;       // offsets.topic.segment.bytes
  int32_t group_initial_rebalance_delay_ms = 3000;       // group.initial.rebalance.delay.ms
  int32_t group_min_session_timeout_ms = 6000;           // group.min.session.timeout.ms
  int32_t group_max_session_timeout_ms = 1800000;        // group.max.session.timeout.ms
  int32_t group_max_size = 2147483647;                   // group.max.size
  int64_t offsets_retention_ms = 604800000;              // offsets.retention.minutes
  int64_t offsets_retention_check_interval_ms = 600000;  // offsets.retention.check.interval.ms
  int32_t offset_metadata_max_bytes = 4096;              // offset.metadata.max.bytes

  // Idempotent producers, transactions and __transaction_state.
  int32_t transaction_state_log_num_partitions = 50;        // transaction.state.log.num.partitions
  int32_t transaction_state_log_segment_bytes = 104857600;  // transaction.state.log.segment.bytes
  int32_t transaction_max_timeout_ms = 900000;              // transaction.max.timeout.ms
  int32_t transactional_id_expiration_ms = 604800000;       // transactional.id.expiration.ms
  // transaction.abort.timed.out.transaction.cleanup.interval.ms
  int32_t transaction_abort_timed_out_interval_ms = 10000;
  // transaction.remove.expired.transaction.cleanup.interval.ms
  int32_t transaction_remove_expired_interval_ms = 3600000;
  bool transaction_partition_verification_enable =
      true;                                      // transaction.partition.verification.enable
  int32_t producer_id_expiration_ms = 86400000;  // producer.id.expiration.ms
  int32_t producer_id_expiration_check_interval_ms =
      600000;  // producer.id.expiration.check.interval.ms

  // Every effective key=value: each known key with a non-null default, then every key
  // the file or the overrides set (known or not), later sources winning (for DescribeConfigs).
  std::map<std::string, std::string> values;
  // The keys that the file or the overrides set explicitly (STATIC_BROKER_CONFIG sources).
  std::set<std::string> explicit_keys;
  // Their values as given (`values` may hold a dynamic value over them).
  std::map<std::string, std::string> static_values;
  // Dynamic broker configs (broker_dynamic.h), set at run time and kept in the metadata
  // store: the cluster-wide defaults (DYNAMIC_DEFAULT_BROKER_CONFIG) and this broker's
  // own (DYNAMIC_BROKER_CONFIG), which win over them; both win over the static values.
  std::map<std::string, std::string> dynamic_default;
  std::map<std::string, std::string> dynamic_broker;
  // Warnings produced while loading (unknown keys, deprecated keys); also logged.
  std::vector<std::string> warnings;
};

// Loads the configuration. `file` may be empty (no file). `overrides` are KEY=VALUE strings
// applied in order after the file (later wins). Unknown keys are kept with a warning, as
// Kafka does; an invalid value (bad number, out of range, bad listener) is an error whose
// message names the key (and the file line when it came from the file).
Result<BrokerConfig, std::string> load_broker_config(const std::string& file,
                                                     const std::vector<std::string>& overrides);

// `base` (as loaded) with dynamic configs layered over its static values: the
// cluster-wide defaults, then this broker's own. An invalid value is an error
// naming the key, as at load time.
Result<BrokerConfig, std::string> with_dynamic_configs(
    const BrokerConfig& base, const std::map<std::string, std::string>& cluster_default,
    const std::map<std::string, std::string>& this_broker);

}  // namespace gregor::config
