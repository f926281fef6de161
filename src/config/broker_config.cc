#include "config/broker_config.h"

#include <unistd.h>

#include <fmt/format.h>

#include "base/log.h"
#include "config/broker_config_keys.h"
#include "config/properties.h"

namespace gregor::config {
namespace {

constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerHour = 3'600'000;

constexpr std::string_view kDeprecatedKeys[] = {
    "log.message.timestamp.difference.max.ms",
    "log.message.format.version",
};

struct RawValue {
  std::string value;
  std::string origin;  // "server.properties:12" or "override"
};

std::string local_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

// Gathers explicit key=value pairs from the file and the overrides (later wins), then
// turns them into a BrokerConfig.
class Loader {
 public:
  Result<Ok, std::string> add_file(const std::string& file) {
    auto props = read_properties_file(file);
    if (!props) return Err(props.error());
    for (auto& p : *props) raw_[p.key] = {std::move(p.value), fmt::format("{}:{}", file, p.line)};
    return Ok{};
  }

  void add_layer(const std::map<std::string, std::string>& values, const char* origin) {
    for (const auto& [key, value] : values) raw_[key] = {value, origin};
  }

  Result<Ok, std::string> add_override(const std::string& text) {
    size_t eq = text.find('=');
    std::string key(trim(std::string_view(text).substr(0, eq)));
    if (eq == std::string::npos || key.empty())
      return Err(fmt::format("invalid override '{}': expected KEY=VALUE", text));
    raw_[key] = {text.substr(eq + 1), "override"};
    return Ok{};
  }

  Result<BrokerConfig, std::string> build() {
    BrokerConfig c;
    if (auto r = check_keys(c); !r) return Err(r.error());
    for (const auto& def : broker_config_keys())
      if (def.default_value) c.values[std::string(def.name)] = std::string(*def.default_value);
    for (const auto& [key, raw] : raw_) {
      c.values[key] = raw.value;
      c.explicit_keys.insert(key);
      c.static_values[key] = raw.value;
    }
    if (auto r = fill_general(c); !r) return Err(r.error());
    if (auto r = fill_listeners(c); !r) return Err(r.error());
    fill_topic_defaults(c);
    return c;
  }

 private:
  // Validates every explicit known key; notes unknown, ignored and deprecated ones.
  Result<Ok, std::string> check_keys(BrokerConfig& c) {
    for (const auto& [key, raw] : raw_) {
      const ConfigKeyDef* def = find_broker_key(key);
      if (def) {
        if (auto bad = validate_value(*def, raw.value))
          return Err(fmt::format("{}: {}", raw.origin, *bad));
        for (auto d : kDeprecatedKeys)
          if (d == key) warn(c, fmt::format("{}: configuration {} is deprecated", raw.origin, key));
      } else if (is_ignored_kafka_key(key)) {
        log::info("{}: configuration {} has no effect in Gregor", raw.origin, key);
      } else {
        warn(c, fmt::format("{}: unknown configuration {} (kept, but unused)", raw.origin, key));
      }
    }
    return Ok{};
  }

  static void warn(BrokerConfig& c, std::string message) {
    log::warn("{}", message);
    c.warnings.push_back(std::move(message));
  }

  // The explicit value of a key, if set.
  const std::string* explicit_value(std::string_view key) const {
    auto it = raw_.find(std::string(key));
    return it == raw_.end() ? nullptr : &it->second.value;
  }
  // The explicit value, else the default; every caller passes a key with a non-null default.
  std::string value(std::string_view key) const {
    if (const auto* v = explicit_value(key)) return *v;
    const ConfigKeyDef* def = find_broker_key(key);
    GREGOR_ASSERT(def && def->default_value, "broker key without a default");
    return std::string(*def->default_value);
  }
  int64_t number(std::string_view key) const {
    auto n = parse_long(value(key));
    GREGOR_ASSERT(n.has_value(), "validated number did not parse");
    return *n;
  }
  int32_t int32(std::string_view key) const { return static_cast<int32_t>(number(key)); }
  bool boolean(std::string_view key) const { return parse_bool(value(key)).value_or(false); }
  std::string text(std::string_view key) const { return std::string(trim(value(key))); }

  // The first explicitly set key of a synonym chain, scaled to ms; else the last key's value.
  int64_t duration_ms(std::string_view ms_key, std::string_view minutes_key,
                      std::string_view hours_key) const {
    if (explicit_value(ms_key)) return number(ms_key);
    if (!minutes_key.empty() && explicit_value(minutes_key))
      return number(minutes_key) * kMsPerMinute;
    return number(hours_key) * kMsPerHour;
  }

  Result<Ok, std::string> fill_general(BrokerConfig& c) const;
  Result<Ok, std::string> fill_listeners(BrokerConfig& c) const;
  void fill_topic_defaults(BrokerConfig& c) const;

  std::map<std::string, RawValue> raw_;
};

Result<Ok, std::string> Loader::fill_general(BrokerConfig& c) const {
  const std::string* node = explicit_value("node.id");
  const std::string* broker = explicit_value("broker.id");
  if (node && broker && parse_long(*node) != parse_long(*broker))
    return Err(
        fmt::format("node.id ({}) and broker.id ({}) are both set and differ; set only node.id",
                    trim(*node), trim(*broker)));
  c.node_id = static_cast<int32_t>(*parse_long(node ? *node : broker ? *broker : value("node.id")));

  if (const auto* dirs = explicit_value("log.dirs")) {
    c.log_dirs = split_list(*dirs);
    if (c.log_dirs.empty())
      return Err(fmt::format("Invalid value {} for configuration log.dirs: empty list", *dirs));
  } else {
    c.log_dirs = {text("log.dir")};
  }
  for (size_t i = 0; i < c.log_dirs.size(); ++i) {
    bool bad = c.log_dirs[i].empty();
    for (size_t j = 0; j < i; ++j) bad = bad || c.log_dirs[i] == c.log_dirs[j];
    if (bad)
      return Err(
          fmt::format("Invalid value {} for configuration log.dirs: empty or duplicate directory",
                      c.values["log.dirs"]));
  }
  c.num_partitions = int32("num.partitions");
  c.default_replication_factor = static_cast<int16_t>(number("default.replication.factor"));
  c.auto_create_topics_enable = boolean("auto.create.topics.enable");
  c.delete_topic_enable = boolean("delete.topic.enable");
  c.message_max_bytes = int32("message.max.bytes");
  c.socket_request_max_bytes = int32("socket.request.max.bytes");
  c.connections_max_idle_ms = number("connections.max.idle.ms");
  c.num_shards = int32("gregor.shards");
  c.log_segment_fds_max = int32("gregor.log.segment.fds.max");
  c.offsets_topic_num_partitions = int32("offsets.topic.num.partitions");
  c.offsets_topic_segment_bytes = int32("offsets.topic.segment.bytes");
  c.group_initial_rebalance_delay_ms = int32("group.initial.rebalance.delay.ms");
  c.group_min_session_timeout_ms = int32("group.min.session.timeout.ms");
  c.group_max_session_timeout_ms = int32("group.max.session.timeout.ms");
  c.group_max_size = int32("group.max.size");
  c.offsets_retention_ms = number("offsets.retention.minutes") * 60000;
  c.offsets_retention_check_interval_ms = number("offsets.retention.check.interval.ms");
  c.offset_metadata_max_bytes = int32("offset.metadata.max.bytes");
  c.transaction_state_log_num_partitions = int32("transaction.state.log.num.partitions");
  c.transaction_state_log_segment_bytes = int32("transaction.state.log.segment.bytes");
  c.transaction_max_timeout_ms = int32("transaction.max.timeout.ms");
  c.transactional_id_expiration_ms = int32("transactional.id.expiration.ms");
  c.transaction_abort_timed_out_interval_ms =
      int32("transaction.abort.timed.out.transaction.cleanup.interval.ms");
  c.transaction_remove_expired_interval_ms =
      int32("transaction.remove.expired.transaction.cleanup.interval.ms");
  c.transaction_partition_verification_enable =
      boolean("transaction.partition.verification.enable");
  c.producer_id_expiration_ms = int32("producer.id.expiration.ms");
  c.producer_id_expiration_check_interval_ms = int32("producer.id.expiration.check.interval.ms");
  return Ok{};
}

Result<Ok, std::string> Loader::fill_listeners(BrokerConfig& c) const {
  auto protocols = parse_security_protocol_map(value("listener.security.protocol.map"));
  if (!protocols) return Err(protocols.error());
  c.listener_security_protocol_map = *protocols;
  auto listeners = parse_endpoints("listeners", value("listeners"));
  if (!listeners) return Err(listeners.error());
  const std::string* adv_text = explicit_value("advertised.listeners");
  auto advertised = adv_text ? parse_endpoints("advertised.listeners", *adv_text) : listeners;
  if (!advertised) return Err(advertised.error());

  for (size_t i = 0; i < listeners->size(); ++i) {
    Endpoint& e = (*listeners)[i];
    for (size_t j = 0; j < i; ++j) {
      const Endpoint& o = (*listeners)[j];
      if (e.port != 0 && o.port == e.port && o.host == e.host)
        return Err(fmt::format("listeners {} and {} use the same host and port", o.to_string(),
                               e.to_string()));
    }
  }
  for (auto* list : {&*listeners, &*advertised}) {
    for (Endpoint& e : *list) {
      auto it = protocols->find(e.listener_name);
      if (it == protocols->end())
        return Err(
            fmt::format("no security protocol for listener {} in listener.security.protocol.map",
                        e.listener_name));
      e.security_protocol = it->second;
    }
  }
  for (Endpoint& e : *advertised) {
    bool known = false;
    for (const Endpoint& l : *listeners) known = known || l.listener_name == e.listener_name;
    if (!known)
      return Err(
          fmt::format("advertised.listeners names a listener ({}) that listeners does not define",
                      e.listener_name));
    if (e.host == "0.0.0.0" || e.host == "::")
      return Err(
          fmt::format("advertised.listeners cannot use the non-routable address {} ({}); set "
                      "advertised.listeners to a routable host",
                      e.host, e.to_string()));
    if (e.host.empty()) e.host = local_host_name();
  }
  c.listeners = std::move(listeners).value();
  c.advertised_listeners = std::move(advertised).value();
  return Ok{};
}

void Loader::fill_topic_defaults(BrokerConfig& c) const {
  c.log_segment_bytes = int32("log.segment.bytes");
  c.log_roll_ms = duration_ms("log.roll.ms", "", "log.roll.hours");
  c.log_roll_jitter_ms = duration_ms("log.roll.jitter.ms", "", "log.roll.jitter.hours");
  c.log_index_interval_bytes = int32("log.index.interval.bytes");
  c.log_index_size_max_bytes = int32("log.index.size.max.bytes");
  c.log_message_timestamp_type = text("log.message.timestamp.type");
  c.log_message_timestamp_difference_max_ms = number("log.message.timestamp.difference.max.ms");
  c.log_message_timestamp_before_max_ms = number("log.message.timestamp.before.max.ms");
  c.log_message_timestamp_after_max_ms = number("log.message.timestamp.after.max.ms");
  // Kafka treats any negative retention time as "keep forever" (-1).
  c.log_retention_ms = std::max<int64_t>(
      -1, duration_ms("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
  c.log_retention_bytes = number("log.retention.bytes");
  c.log_retention_check_interval_ms = number("log.retention.check.interval.ms");
  c.log_flush_offset_checkpoint_interval_ms = int32("log.flush.offset.checkpoint.interval.ms");
  c.log_flush_start_offset_checkpoint_interval_ms =
      int32("log.flush.start.offset.checkpoint.interval.ms");
  c.log_cleanup_policy = split_list(value("log.cleanup.policy"));
  c.log_flush_interval_messages = number("log.flush.interval.messages");
  c.log_flush_interval_ms = explicit_value("log.flush.interval.ms")
                                ? number("log.flush.interval.ms")
                                : number("log.flush.scheduler.interval.ms");
  c.log_preallocate = boolean("log.preallocate");
  c.min_insync_replicas = int32("min.insync.replicas");
  c.compression_type = text("compression.type");
  c.compression_gzip_level = int32("compression.gzip.level");
  c.compression_lz4_level = int32("compression.lz4.level");
  c.compression_zstd_level = int32("compression.zstd.level");
  c.unclean_leader_election_enable = boolean("unclean.leader.election.enable");
  c.log_cleaner_enable = boolean("log.cleaner.enable");
  c.log_cleaner_delete_retention_ms = number("log.cleaner.delete.retention.ms");
  c.log_cleaner_min_compaction_lag_ms = number("log.cleaner.min.compaction.lag.ms");
  c.log_cleaner_max_compaction_lag_ms = number("log.cleaner.max.compaction.lag.ms");
  c.log_cleaner_min_cleanable_ratio =
      parse_double(value("log.cleaner.min.cleanable.ratio")).value_or(0.5);
  c.log_cleaner_threads = int32("log.cleaner.threads");
  c.log_cleaner_io_max_bytes_per_second = parse_double(value("log.cleaner.io.max.bytes.per.second"))
                                              .value_or(c.log_cleaner_io_max_bytes_per_second);
  c.log_cleaner_dedupe_buffer_size = number("log.cleaner.dedupe.buffer.size");
  c.log_cleaner_io_buffer_size = int32("log.cleaner.io.buffer.size");
  c.log_cleaner_backoff_ms = number("log.cleaner.backoff.ms");
  c.log_segment_delete_delay_ms = number("log.segment.delete.delay.ms");
  c.log_message_downconversion_enable = boolean("log.message.downconversion.enable");
  c.log_local_retention_ms = number("log.local.retention.ms");
  c.log_local_retention_bytes = number("log.local.retention.bytes");
}

}  // namespace

Result<BrokerConfig, std::string> load_broker_config(const std::string& file,
                                                     const std::vector<std::string>& overrides) {
  Loader loader;
  if (!file.empty()) {
    if (auto r = loader.add_file(file); !r) return Err(r.error());
  }
  for (const auto& o : overrides) {
    if (auto r = loader.add_override(o); !r) return Err(r.error());
  }
  return loader.build();
}

Result<BrokerConfig, std::string> with_dynamic_configs(
    const BrokerConfig& base, const std::map<std::string, std::string>& cluster_default,
    const std::map<std::string, std::string>& this_broker) {
  Loader loader;
  loader.add_layer(base.static_values, "static configuration");
  loader.add_layer(cluster_default, "dynamic default broker config");
  loader.add_layer(this_broker, "dynamic broker config");
  auto config = loader.build();
  if (!config) return config;
  config->explicit_keys.clear();
  for (const auto& [key, value] : base.static_values) config->explicit_keys.insert(key);
  config->static_values = base.static_values;
  config->dynamic_default = cluster_default;
  config->dynamic_broker = this_broker;
  config->warnings = base.warnings;
  return config;
}

}  // namespace gregor::config
