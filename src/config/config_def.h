// Definitions of configuration keys the way Kafka's ConfigDef describes them:
// a name, a type, a default (possibly null), a validator and a one-line doc.
// Broker keys (broker_config_keys.h) and topic keys (topic_config_keys.h) are
// static tables of these; values are kept as strings and checked here, so that
// error messages match the ones Kafka users know:
//   "Invalid value <v> for configuration <name>: <reason>".
//
// Everything here is immutable data and pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gregor::config {

// Kafka's ConfigDef.Type; DescribeConfigs (v3+) reports it as an int8 (see wire_type()).
enum class ConfigType : uint8_t {
  kBoolean,
  kString,
  kInt,
  kShort,
  kLong,
  kDouble,
  kList,
  kClass,
  kPassword
};

// Kafka's upper-case type name ("LONG", "BOOLEAN", ...).
std::string_view type_name(ConfigType type);
// The DescribeConfigs ConfigType code: BOOLEAN=1, STRING=2, INT=3, SHORT=4, LONG=5, DOUBLE=6,
// LIST=7, CLASS=8, PASSWORD=9 (0 = UNKNOWN).
int8_t wire_type(ConfigType type);

// A value check beyond the type: a numeric range, a set of allowed strings, or a custom rule.
struct Validator {
  int64_t min = std::numeric_limits<int64_t>::min();  // integer types (inclusive)
  int64_t max = std::numeric_limits<int64_t>::max();
  double min_double = -std::numeric_limits<double>::infinity();  // kDouble (inclusive)
  double max_double = std::numeric_limits<double>::infinity();
  // kString: the value must be one of these (case-sensitive, as Kafka's ValidString);
  // kList: every element must be one of these.
  std::span<const std::string_view> one_of;
  // Extra rule on the trimmed value; returns the reason when it is invalid.
  std::optional<std::string> (*custom)(std::string_view value) = nullptr;
};

struct ConfigKeyDef {
  std::string_view name;
  ConfigType type;
  std::optional<std::string_view> default_value;  // nullopt: Kafka's "null" default
  Validator validator;
  std::string_view doc;
  bool sensitive = false;
};

// Kafka's full message for an invalid value, e.g.
// "Invalid value abc for configuration num.partitions: Not a number of type INT".
std::optional<std::string> validate_value(const ConfigKeyDef& def, std::string_view value);

// Parsers for values that have passed validate_value (or came from a default). Each trims
// surrounding whitespace like Kafka's ConfigDef.parseType; nullopt when the text does not parse.
std::string_view trim(std::string_view s);
std::optional<int64_t> parse_long(std::string_view s);
std::optional<double> parse_double(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);  // "true"/"false", case-insensitive
// A comma-separated list; elements are trimmed; an empty or blank string is an empty list.
std::vector<std::string> split_list(std::string_view s);

// Looks a key up by name in a table; nullptr if absent.
const ConfigKeyDef* find_key(std::span<const ConfigKeyDef> table, std::string_view name);

}  // namespace gregor::config
