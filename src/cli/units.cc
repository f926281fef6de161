#include "cli/units.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <utility>

#include "cli/command_error.h"

namespace gregor::cli {
namespace {

// Splits "12.5ms" into 12.5 and "ms"; throws if there is no number.
std::pair<double, std::string> number_and_unit(const std::string& text, const std::string& option) {
  const char* begin = text.c_str();
  char* end = nullptr;
  double number = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(number) || number < 0) {
    usage_error(option + ": expected a non-negative number with an optional unit, got '" + text +
                "'");
  }
  return {number, std::string(end)};
}

int64_t scaled(double number, double unit) {
  return static_cast<int64_t>(std::llround(number * unit));
}

}  // namespace

int64_t parse_duration_ms(const std::string& text, const std::string& option) {
  auto [number, unit] = number_and_unit(text, option);
  if (unit.empty() || unit == "s") return scaled(number, 1000);
  if (unit == "ms") return scaled(number, 1);
  if (unit == "m" || unit == "min") return scaled(number, 60'000);
  if (unit == "h") return scaled(number, 3'600'000);
  usage_error(option + ": unknown duration unit '" + unit + "' (use ms, s, m or h)");
}

int64_t parse_size_bytes(const std::string& text, const std::string& option) {
  auto [number, unit] = number_and_unit(text, option);
  if (unit.empty() || unit == "B") return scaled(number, 1);
  if (unit == "k" || unit == "K" || unit == "KiB" || unit == "KB") return scaled(number, 1024);
  if (unit == "m" || unit == "M" || unit == "MiB" || unit == "MB")
    return scaled(number, 1024.0 * 1024);
  usage_error(option + ": unknown size unit '" + unit + "' (use B, KiB or MiB)");
}

std::string format_bytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

}  // namespace gregor::cli
