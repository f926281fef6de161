// The entries DescribeConfigs reports for this broker (resource name = its node
// id), as Kafka's ConfigHelper builds them: every known broker key, sorted by
// name, with its effective value (null where Kafka's default is null and the key
// is not set) and its synonyms — the key itself and the lower-precedence names
// of the same setting (log.retention.ms, .minutes, .hours), each as
// STATIC_BROKER_CONFIG when set or DEFAULT_CONFIG when it has a default. Keys
// the configuration set that Gregor does not know are listed as sensitive with
// an unknown type, as Kafka lists keys it cannot type.
//
// Keys that can change at run time (config_alter.h: is_dynamic_broker_key) are
// not read-only; a dynamic value is reported with its source
// (DYNAMIC_BROKER_CONFIG for this broker's own, DYNAMIC_DEFAULT_BROKER_CONFIG for
// the cluster-wide default). The cluster-default resource ("") lists only the
// keys set at that level, as Kafka does.
//
// Pure function; safe from any thread.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "config/broker_config.h"
#include "config/topic_config.h"

namespace gregor::config {

std::vector<ConfigEntry> describe_broker_config(const BrokerConfig& broker);
std::vector<ConfigEntry> describe_default_broker_config(const BrokerConfig& broker);

// The synonyms of a setting known by the broker keys `names` (highest precedence first;
// empty names are skipped): for each name, each source that gives it a value.
std::vector<ConfigEntry::Synonym> broker_synonyms(std::span<const std::string_view> names,
                                                  const BrokerConfig& broker);

}  // namespace gregor::config
