#include "config/compression_levels.h"

#include "config/config_def.h"

namespace gregor::config {

std::optional<std::string> check_gzip_level(std::string_view value) {
  auto level = parse_long(value);
  if (level && (*level == -1 || (*level >= 1 && *level <= 9))) return std::nullopt;
  return std::string("Value must be -1 (the default level) or between 1 and 9");
}

}  // namespace gregor::config
