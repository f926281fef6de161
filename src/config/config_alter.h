// Computing a resource's new configuration from an AlterConfigs or
// IncrementalAlterConfigs request, with Kafka's rules and messages:
//   - AlterConfigs (legacy) replaces a topic's whole set of overrides;
//   - IncrementalAlterConfigs applies SET, DELETE, APPEND and SUBTRACT, the
//     last two only on LIST keys (cleanup.policy, the throttled replica lists),
//     starting from the override or, without one, the key's Kafka default.
// The result still has to pass validate_topic_configs() (topic_config.h).
//
// Brokers (resource "" for the cluster-wide defaults, or a node id): the keys
// Kafka can change at run time that Gregor implements (is_dynamic_broker_key)
// may be set, deleted, appended to and subtracted from; the others are refused
// the way Kafka refuses its read-only broker keys.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/broker_config.h"

namespace gregor::config {

// IncrementalAlterConfigs operation codes (Kafka's AlterConfigOp.OpType).
enum class AlterOp : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct AlterEntry {
  std::string name;
  int8_t op = 0;  // AlterOp; ignored by replace_topic_overrides
  std::optional<std::string> value;
};

// Why a change was refused; the protocol layer maps the kind to INVALID_REQUEST
// (a malformed request) or INVALID_CONFIG (a well-formed change to a bad value).
struct AlterFailure {
  enum class Kind { kInvalidRequest, kInvalidConfig };
  Kind kind;
  std::string message;
};

using Overrides = std::map<std::string, std::string>;

// AlterConfigs: the entries become the topic's overrides. A null value is refused
// ("Null value not supported for topic configs: x"). A key given twice takes the
// later value, as Kafka's request-to-map conversion does (librdkafka's own tests
// send every described entry and then the changed one).
Result<Overrides, AlterFailure> replace_topic_overrides(std::span<const AlterEntry> entries);

// IncrementalAlterConfigs on `current` overrides. Refuses duplicate keys, unknown
// operations, null values for anything but DELETE (INVALID_REQUEST), unknown topic
// keys and APPEND/SUBTRACT on keys that are not lists (INVALID_CONFIG).
Result<Overrides, AlterFailure> apply_incremental_topic(Overrides current,
                                                        std::span<const AlterEntry> entries);

// For a change to broker keys: Kafka's message for keys that cannot be updated
// dynamically, "Cannot update these configs dynamically: Set(a, b)"; nullopt when
// `names` is empty (nothing to change).
std::optional<std::string> refuse_broker_change(std::span<const std::string> names);

// The broker keys that can change at run time: the broker-level defaults of the
// topic configs (each broker synonym of a topic key: log.retention.ms, .minutes,
// .hours, log.segment.bytes, compression.type, log.cleanup.policy, ...), which
// Kafka's DynamicLogConfig also makes dynamic.
bool is_dynamic_broker_key(std::string_view name);

// AlterConfigs on a broker resource: the entries become its dynamic configs
// (a null value leaves a key unset).
Result<Overrides, AlterFailure> replace_broker_overrides(std::span<const AlterEntry> entries);

// IncrementalAlterConfigs on a broker resource's dynamic configs `current`;
// APPEND / SUBTRACT start from `broker`'s effective value when `current` does
// not set the key. Keys that are not dynamic are refused together
// (INVALID_REQUEST "Cannot update these configs dynamically: Set(...)"), bad
// values with Kafka's message (INVALID_CONFIG).
Result<Overrides, AlterFailure> apply_incremental_broker(Overrides current,
                                                         std::span<const AlterEntry> entries,
                                                         const BrokerConfig& broker);

}  // namespace gregor::config
