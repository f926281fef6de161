// Logging: spdlog with fmt-style formatting. One process-wide logger; lines go
// to stderr with a timestamp, level and thread id.
#pragma once

#include <spdlog/spdlog.h>

namespace gregor::log {

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::trace;
using spdlog::warn;

// Sets the level from a name ("trace", "debug", "info", "warn", "error"); false if unknown.
bool set_level(std::string_view name);
void init();

}  // namespace gregor::log
