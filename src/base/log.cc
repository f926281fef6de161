#include "base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace gregor::log {

void init() {
  auto logger = spdlog::stderr_color_mt("gregor");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%t] %v");
  spdlog::set_default_logger(logger);
}

bool set_level(std::string_view name) {
  auto level = spdlog::level::from_str(std::string(name));
  if (level == spdlog::level::off && name != "off") return false;
  spdlog::set_level(level);
  return true;
}

}  // namespace gregor::log
