// Topic and broker configuration through DescribeConfigs and AlterConfigs.
//
// librdkafka 2.0 has only the non-incremental AlterConfigs, which replaces
// all of a resource's dynamic settings. alter_configs() therefore reads the
// current dynamic entries first and sends them back with the changes applied,
// as kafka-configs.sh did before IncrementalAlterConfigs existed.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/admin.h"
#include "cli/key_value.h"

namespace gregor::cli {

struct ConfigEntry {
  std::string name;
  std::string value;  // "" when null (sensitive or unset)
  bool has_value = false;
  std::string source;  // DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG, ...
  bool read_only = false;
  bool sensitive = false;
};

// Entries sorted by name. Throws (kUnsupported when the broker lacks the API).
std::vector<ConfigEntry> describe_configs(Admin& admin, rd_kafka_ResourceType_t type,
                                          const std::string& name);

void alter_configs(Admin& admin, rd_kafka_ResourceType_t type, const std::string& name,
                   const Properties& set, const std::vector<std::string>& remove);

// The dynamic entries after applying set and remove to current (pure; tested).
Properties merge_dynamic_configs(const std::vector<ConfigEntry>& current,
                                 const char* dynamic_source, const Properties& set,
                                 const std::vector<std::string>& remove);

nlohmann::json to_json(const std::vector<ConfigEntry>& entries);
std::string render_configs(const std::vector<ConfigEntry>& entries);

}  // namespace gregor::cli
