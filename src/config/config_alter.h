// Computing a resource's new configuration from an AlterConfigs or
// IncrementalAlterConfigs request, with Kafka's rules and messages:
//   - AlterConfigs (legacy) replaces a topic's whole set of overrides;
//   - IncrementalAlterConfigs applies SET, DELETE, APPEND and SUBTRACT, the
//     last two only on LIST keys (cleanup.policy, the throttled replica lists),
//     starting from the override or, without one, the key's Kafka default.
// The result still has to pass validate_topic_configs() (topic_config.h).
//
// The broker's own configuration cannot be changed at run time yet: every key
// is refused the way Kafka refuses its read-only broker keys.
//
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "base/result.h"

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

}  // namespace gregor::config
