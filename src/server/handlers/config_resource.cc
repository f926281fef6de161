#include "server/handlers/config_resource.h"

#include <charconv>

namespace gregor::server {

std::string resource_type_name(int8_t type) {
  switch (type) {
    case 2:
      return "TOPIC";
    case 4:
      return "BROKER";
    case 8:
      return "BROKER_LOGGER";
    case 16:
      return "CLIENT_METRICS";
    case 32:
      return "GROUP";
    default:
      return "UNKNOWN";
  }
}

std::optional<std::string> check_broker_resource(const std::string& name, int32_t node_id) {
  if (name.empty()) return std::nullopt;
  int32_t id = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || end != name.data() + name.size())
    return "Broker id must be an integer, but it is: " + name;
  if (id != node_id)
    return "Unexpected broker id, expected " + std::to_string(node_id) +
           " or empty string, but received " + name;
  return std::nullopt;
}

}  // namespace gregor::server
