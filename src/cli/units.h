// Durations ("10s", "500ms", "2m", "1h"; a bare number is seconds) and sizes
// ("100", "1KiB", "1k", "4MiB") as the command line takes them.
#pragma once

#include <cstdint>
#include <string>

namespace gregor::cli {

// Throws a usage error naming the option on bad input.
int64_t parse_duration_ms(const std::string& text, const std::string& option);
int64_t parse_size_bytes(const std::string& text, const std::string& option);

}  // namespace gregor::cli
