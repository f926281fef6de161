// The entries DescribeConfigs reports for this broker (resource name = its node
// id), as Kafka's ConfigHelper builds them: every known broker key, sorted by
// name, with its effective value (null where Kafka's default is null and the key
// is not set) and its synonyms — the key itself and the lower-precedence names
// of the same setting (log.retention.ms, .minutes, .hours), each as
// STATIC_BROKER_CONFIG when set or DEFAULT_CONFIG when it has a default. Keys
// the configuration set that Gregor does not know are listed as sensitive with
// an unknown type, as Kafka lists keys it cannot type.
//
// Every entry is read-only: Gregor does not change broker settings at run time
// (config_alter.h).
//
// Pure function; safe from any thread.
#pragma once

#include <vector>

#include "config/broker_config.h"
#include "config/topic_config.h"

namespace gregor::config {

std::vector<ConfigEntry> describe_broker_config(const BrokerConfig& broker);

}  // namespace gregor::config
