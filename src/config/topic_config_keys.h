// The topic-level configuration keys, with Kafka's names, types, ranges and
// the broker keys ("synonyms") each one defaults from, e.g. retention.ms ←
// log.retention.ms, log.retention.minutes, log.retention.hours.
// Immutable tables; safe from any thread.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "config/broker_config.h"
#include "config/config_def.h"

namespace gregor::config {

struct TopicKeyDef {
  ConfigKeyDef key;  // topic-level name, type, Kafka default, validator, doc
  // Broker keys this one defaults from, highest precedence first; unused slots are empty.
  std::array<std::string_view, 3> synonyms;
  // The broker-level default expressed in this key's unit, read from the resolved
  // BrokerConfig fields; nullptr when there is no broker synonym (key.default_value applies).
  std::string (*broker_value)(const BrokerConfig&) = nullptr;
};

// Sorted by name.
std::span<const TopicKeyDef> topic_config_keys();
const TopicKeyDef* find_topic_key(std::string_view name);

}  // namespace gregor::config
