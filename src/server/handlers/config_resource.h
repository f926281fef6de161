// Resource types and broker resource names shared by DescribeConfigs,
// AlterConfigs and IncrementalAlterConfigs (Kafka's ConfigResource).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gregor::server {

inline constexpr int8_t kTopicResource = 2;
inline constexpr int8_t kBrokerResource = 4;

// Kafka's ConfigResource.Type name for a wire code ("TOPIC", "BROKER", ... "UNKNOWN").
std::string resource_type_name(int8_t type);

// For a broker resource: nullopt when `name` is "" (cluster-wide default) or this
// node's id, else Kafka's INVALID_REQUEST message.
std::optional<std::string> check_broker_resource(const std::string& name, int32_t node_id);

}  // namespace gregor::server
