// The broker configuration keys Gregor understands, with Kafka's names, types,
// defaults and valid ranges (Gregor-only keys start with "gregor.").
// Immutable tables; safe from any thread.
#pragma once

#include <span>
#include <string_view>

#include "config/config_def.h"

namespace gregor::config {

std::span<const ConfigKeyDef> broker_config_keys();
const ConfigKeyDef* find_broker_key(std::string_view name);

// Kafka keys that have no meaning in Gregor (JVM thread pools, ZooKeeper, KRaft
// quorum settings): accepted with an informational note instead of an
// "unknown key" warning, so that a server.properties copied from Kafka loads quietly.
bool is_ignored_kafka_key(std::string_view name);

}  // namespace gregor::config
