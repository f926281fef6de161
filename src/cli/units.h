// Durations ("10s", "500ms", "2m", "1h"; a bare number is seconds) and sizes
// ("100", "1KiB", "1k", "4MiB") as the command line takes them, and sizes as
// tables show them ("512 B", "1.5 KiB", "12.0 MiB").
#pragma once

#include <cstdint>
#include <string>

namespace gregor::cli {

// Throws a usage error naming the option on bad input.
int64_t parse_duration_ms(const std::string& text, const std::string& option);
int64_t parse_size_bytes(const std::string& text, const std::string& option);

// Bytes below 1 KiB as "N B", larger sizes in the largest binary unit up to
// TiB that keeps the number at least 1, with one decimal.
std::string format_bytes(int64_t bytes);

}  // namespace gregor::cli
