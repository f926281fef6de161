#include "config/broker_config_describe.h"

#include <algorithm>
#include <string_view>

#include "config/broker_config_keys.h"
#include "config/config_alter.h"
#include "config/topic_config_keys.h"

namespace gregor::config {
namespace {

using Source = ConfigEntry::Source;

// Kafka's brokerConfigSynonyms(): the names of one setting in precedence order,
// from `name` on (higher-precedence names are dropped, as Kafka's dropWhile does).
// The groups are the broker synonyms of the topic keys (log.roll.ms, .hours; ...).
std::vector<std::string> synonym_names(std::string_view name) {
  for (const auto& def : topic_config_keys()) {
    auto it = std::find(def.synonyms.begin(), def.synonyms.end(), name);
    if (it == def.synonyms.end()) continue;
    std::vector<std::string> out;
    for (; it != def.synonyms.end(); ++it)
      if (!it->empty()) out.emplace_back(*it);
    return out;
  }
  return {std::string(name)};
}

std::vector<ConfigEntry::Synonym> synonyms_of(std::string_view name, const BrokerConfig& broker) {
  auto names = synonym_names(name);
  std::vector<std::string_view> views(names.begin(), names.end());
  return broker_synonyms(views, broker);
}

void add_if_set(std::vector<ConfigEntry::Synonym>& out, const std::map<std::string, std::string>& m,
                const std::string& name, Source source) {
  if (auto it = m.find(name); it != m.end()) out.push_back({name, it->second, source});
}

ConfigEntry known_entry(const ConfigKeyDef& def, const BrokerConfig& broker) {
  ConfigEntry e;
  e.name = std::string(def.name);
  auto value = broker.values.find(e.name);
  if (value != broker.values.end()) {
    e.value = value->second;
  } else {
    e.value_null = true;
  }
  e.synonyms = synonyms_of(def.name, broker);
  e.source = e.synonyms.empty() ? Source::kDefault : e.synonyms.front().source;
  e.read_only = !is_dynamic_broker_key(def.name);
  e.sensitive = def.sensitive || def.type == ConfigType::kPassword;
  e.type = std::string(type_name(def.type));
  e.wire_type = wire_type(def.type);
  e.doc = std::string(def.doc);
  return e;
}

ConfigEntry unknown_entry(const std::string& name) {
  ConfigEntry e;
  e.name = name;
  e.value_null = true;
  e.source = Source::kStaticBroker;
  e.read_only = true;
  e.sensitive = true;  // Kafka: a key whose type is unknown may be a secret
  e.synonyms.push_back({name, "", Source::kStaticBroker});
  return e;
}

}  // namespace

std::vector<ConfigEntry::Synonym> broker_synonyms(std::span<const std::string_view> names,
                                                  const BrokerConfig& broker) {
  std::vector<ConfigEntry::Synonym> out;
  for (std::string_view view : names) {
    if (view.empty()) continue;
    const std::string name(view);
    add_if_set(out, broker.dynamic_broker, name, Source::kDynamicBroker);
    add_if_set(out, broker.dynamic_default, name, Source::kDynamicDefaultBroker);
    add_if_set(out, broker.static_values, name, Source::kStaticBroker);
    if (const ConfigKeyDef* def = find_broker_key(name); def && def->default_value)
      out.push_back({name, std::string(*def->default_value), Source::kDefault});
  }
  return out;
}

std::vector<ConfigEntry> describe_default_broker_config(const BrokerConfig& broker) {
  std::vector<ConfigEntry> out;
  for (const auto& [name, value] : broker.dynamic_default) {
    const ConfigKeyDef* def = find_broker_key(name);
    if (def == nullptr) continue;
    ConfigEntry e = known_entry(*def, broker);
    e.value = value;
    e.value_null = false;
    e.source = Source::kDynamicDefaultBroker;
    e.synonyms = {{name, value, Source::kDynamicDefaultBroker}};
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<ConfigEntry> describe_broker_config(const BrokerConfig& broker) {
  std::vector<ConfigEntry> out;
  for (const auto& def : broker_config_keys()) out.push_back(known_entry(def, broker));
  for (const auto& key : broker.explicit_keys)
    if (find_broker_key(key) == nullptr) out.push_back(unknown_entry(key));
  std::sort(out.begin(), out.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return out;
}

}  // namespace gregor::config
