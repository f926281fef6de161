#include "cli/configs.h"

#include <algorithm>
#include <map>

#include "cli/table.h"

namespace gregor::cli {
namespace {

using ResourcePtr =
    std::unique_ptr<rd_kafka_ConfigResource_t,
                    RdDeleter<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy>>;

const char* type_name(rd_kafka_ResourceType_t type) {
  return type == RD_KAFKA_RESOURCE_TOPIC ? "topic" : "broker";
}

const char* dynamic_source_of(rd_kafka_ResourceType_t type, const std::string& name) {
  if (type == RD_KAFKA_RESOURCE_TOPIC) return "DYNAMIC_TOPIC_CONFIG";
  return name.empty() ? "DYNAMIC_DEFAULT_BROKER_CONFIG" : "DYNAMIC_BROKER_CONFIG";
}

ConfigEntry convert(const rd_kafka_ConfigEntry_t* e) {
  ConfigEntry out;
  out.name = rd_kafka_ConfigEntry_name(e);
  const char* value = rd_kafka_ConfigEntry_value(e);
  out.has_value = value != nullptr;
  out.value = value ? value : "";
  out.source = rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(e));
  out.read_only = rd_kafka_ConfigEntry_is_read_only(e);
  out.sensitive = rd_kafka_ConfigEntry_is_sensitive(e);
  return out;
}

// The single resource of a Describe/AlterConfigs result, its error checked.
const rd_kafka_ConfigResource_t* single_resource(const rd_kafka_ConfigResource_t** resources,
                                                 size_t count, const std::string& what) {
  if (count != 1)
    fail(what + ": expected one resource in the answer, got " + std::to_string(count));
  rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(resources[0]);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* message = rd_kafka_ConfigResource_error_string(resources[0]);
    fail(what + ": " + (message && *message ? message : rd_kafka_err2str(err)));
  }
  return resources[0];
}

}  // namespace

std::vector<ConfigEntry> describe_configs(Admin& admin, rd_kafka_ResourceType_t type,
                                          const std::string& name) {
  const std::string what = std::string("describe configs of ") + type_name(type) + " " + name;
  ResourcePtr resource(rd_kafka_ConfigResource_new(type, name.c_str()));
  rd_kafka_ConfigResource_t* raw = resource.get();
  EventPtr event = admin.run(
      RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, what,
      [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) mutable {
        rd_kafka_DescribeConfigs(rk, &raw, 1, o, q);
      });
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(event.get()), &count);
  const rd_kafka_ConfigResource_t* result = single_resource(resources, count, what);
  size_t n = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(result, &n);
  std::vector<ConfigEntry> out;
  for (size_t i = 0; i < n; ++i) out.push_back(convert(entries[i]));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Properties merge_dynamic_configs(const std::vector<ConfigEntry>& current,
                                 const char* dynamic_source, const Properties& set,
                                 const std::vector<std::string>& remove) {
  std::map<std::string, std::string> merged;
  for (const auto& e : current) {
    if (e.source == dynamic_source && e.has_value) merged[e.name] = e.value;
  }
  for (const auto& key : remove) merged.erase(key);
  for (const auto& [key, value] : set) merged[key] = value;
  return Properties(merged.begin(), merged.end());
}

void alter_configs(Admin& admin, rd_kafka_ResourceType_t type, const std::string& name,
                   const Properties& set, const std::vector<std::string>& remove) {
  const char* dynamic_source = dynamic_source_of(type, name);
  auto current = describe_configs(admin, type, name);
  for (const auto& e : current) {
    if (e.source == dynamic_source && !e.has_value) {
      fail("cannot alter configs of " + name + ": the dynamic setting " + e.name +
           " is sensitive and would be lost (librdkafka 2.0 has no incremental AlterConfigs)");
    }
  }
  Properties merged = merge_dynamic_configs(current, dynamic_source, set, remove);
  const std::string what = std::string("alter configs of ") + type_name(type) + " " + name;
  ResourcePtr resource(rd_kafka_ConfigResource_new(type, name.c_str()));
  for (const auto& [key, value] : merged) {
    admin.client().check(
        rd_kafka_ConfigResource_set_config(resource.get(), key.c_str(), value.c_str()), what);
  }
  rd_kafka_ConfigResource_t* raw = resource.get();
  EventPtr event =
      admin.run(RD_KAFKA_ADMIN_OP_ALTERCONFIGS, what,
                [raw](rd_kafka_t* rk, const rd_kafka_AdminOptions_t* o,
                      rd_kafka_queue_t* q) mutable { rd_kafka_AlterConfigs(rk, &raw, 1, o, q); });
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources = rd_kafka_AlterConfigs_result_resources(
      rd_kafka_event_AlterConfigs_result(event.get()), &count);
  single_resource(resources, count, what);
}

nlohmann::json to_json(const std::vector<ConfigEntry>& entries) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries) {
    out.push_back({{"name", e.name},
                   {"value", e.has_value ? nlohmann::json(e.value) : nlohmann::json()},
                   {"source", e.source},
                   {"read_only", e.read_only},
                   {"sensitive", e.sensitive}});
  }
  return out;
}

std::string render_configs(const std::vector<ConfigEntry>& entries) {
  Table table({"key", "value", "source"});
  for (const auto& e : entries) {
    table.add_row({e.name, e.sensitive ? "(sensitive)" : e.value, e.source});
  }
  return table.render();
}

}  // namespace gregor::cli
