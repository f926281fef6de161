#include "config/config_def.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace gregor::config {
namespace {

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

bool contains(std::span<const std::string_view> items, std::string_view v) {
  for (auto item : items)
    if (item == v) return true;
  return false;
}

// The reason a value of an integer type is invalid, or nullopt.
std::optional<std::string> check_integer(const ConfigKeyDef& def, std::string_view value) {
  auto n = parse_long(value);
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  if (def.type == ConfigType::kInt) {
    lo = std::numeric_limits<int32_t>::min();
    hi = std::numeric_limits<int32_t>::max();
  } else if (def.type == ConfigType::kShort) {
    lo = std::numeric_limits<int16_t>::min();
    hi = std::numeric_limits<int16_t>::max();
  }
  if (!n || *n < lo || *n > hi) return fmt::format("Not a number of type {}", type_name(def.type));
  if (*n < def.validator.min) return fmt::format("Value must be at least {}", def.validator.min);
  if (*n > def.validator.max)
    return fmt::format("Value must be no more than {}", def.validator.max);
  return std::nullopt;
}

std::optional<std::string> check_double(const ConfigKeyDef& def, std::string_view value) {
  auto d = parse_double(value);
  if (!d) return std::string("Not a number of type DOUBLE");
  if (*d < def.validator.min_double)
    return fmt::format("Value must be at least {}", def.validator.min_double);
  if (*d > def.validator.max_double)
    return fmt::format("Value must be no more than {}", def.validator.max_double);
  return std::nullopt;
}

// Returns {offending value, reason} for the first invalid element of a value.
std::optional<std::pair<std::string, std::string>> check(const ConfigKeyDef& def,
                                                         std::string_view raw) {
  std::string_view value = trim(raw);
  std::optional<std::string> reason;
  switch (def.type) {
    case ConfigType::kBoolean:
      if (!parse_bool(value)) reason = "Expected value to be either true or false";
      break;
    case ConfigType::kInt:
    case ConfigType::kShort:
    case ConfigType::kLong:
      reason = check_integer(def, value);
      break;
    case ConfigType::kDouble:
      reason = check_double(def, value);
      break;
    case ConfigType::kString:
      if (!def.validator.one_of.empty() && !contains(def.validator.one_of, value))
        reason = "String must be one of: " + join(def.validator.one_of);
      break;
    case ConfigType::kList:
      if (!def.validator.one_of.empty()) {
        for (const auto& item : split_list(value)) {
          if (!contains(def.validator.one_of, item))
            return std::pair{item, "String must be one of: " + join(def.validator.one_of)};
        }
      }
      break;
    case ConfigType::kClass:
    case ConfigType::kPassword:
      break;
  }
  if (!reason && def.validator.custom) reason = def.validator.custom(value);
  if (!reason) return std::nullopt;
  return std::pair{std::string(raw), *reason};
}

}  // namespace

std::string_view type_name(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kShort:
      return "SHORT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
  }
  return "UNKNOWN";
}

int8_t wire_type(ConfigType type) {
  return static_cast<int8_t>(static_cast<int>(type) + 1);
}

std::optional<std::string> validate_value(const ConfigKeyDef& def, std::string_view value) {
  auto bad = check(def, value);
  if (!bad) return std::nullopt;
  return fmt::format("Invalid value {} for configuration {}: {}", bad->first, def.name,
                     bad->second);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

std::optional<int64_t> parse_long(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // Java's Long.parseLong accepts "+5"
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  std::string text(trim(s));
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || std::isnan(d)) return std::nullopt;
  return d;
}

std::optional<bool> parse_bool(std::string_view s) {
  s = trim(s);
  auto iequals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  if (iequals(s, "true")) return true;
  if (iequals(s, "false")) return false;
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  s = trim(s);
  if (s.empty()) return out;
  while (true) {
    size_t comma = s.find(',');
    out.emplace_back(trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

const ConfigKeyDef* find_key(std::span<const ConfigKeyDef> table, std::string_view name) {
  for (const auto& def : table)
    if (def.name == name) return &def;
  return nullptr;
}

}  // namespace gregor::config
